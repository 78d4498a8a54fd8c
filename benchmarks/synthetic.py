"""A seeded generator of papers that look like a real library, for benchmarks.

Same seed, same papers: figures from two runs are comparable.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from db.records import Author, PaperData

FAMILIES = (
    "Wang", "Li", "Zhang", "Liu", "Chen", "Yi", "Smith", "Müller", "García", "Nguyen",
    "Richtárik", "Condat", "Kowalski", "Dvořák", "Øster", "Sørensen", "Łukasz", "Ivanov",
    "O'Brien", "van der Berg", "de la Cruz", "Tanaka", "Kim", "Park", "Singh", "Gupta",
    "Rossi", "Bianchi", "Dubois", "Lefèvre", "Schröder", "Nakamura", "Okafor", "Haddad",
)
GIVENS = (
    "Kai", "Yuelin", "Peter", "Laurent", "Bingxin", "Anna", "José", "Li", "Wei", "Maria",
    "Jürgen", "Zoë", "Søren", "Amélie", "Hiroshi", "Priya", "Olu", "Fatima", "Ivan", "Lucía",
)
TOPICS = (
    "graph", "neural", "federated", "learning", "diffusion", "protein", "message", "passing",
    "compression", "variance", "reduction", "zero-shot", "equivariant", "sparse",
    "optimization", "transformer", "quantization", "spherical", "language", "model",
    "contrastive", "representation", "inference", "bayesian", "kernel", "stochastic",
    "gradient", "convergence", "attention", "reinforcement", "policy", "segmentation",
    "detection", "generative", "adversarial", "robust", "privacy", "distributed",
    "communication", "efficient", "molecular", "folding", "imputation", "tabular",
)
FILLER = (
    "we", "propose", "a", "novel", "method", "for", "the", "of", "and", "results", "show",
    "that", "our", "approach", "outperforms", "existing", "baselines", "on", "several",
    "benchmarks", "in", "this", "paper", "study", "problem", "with", "theoretical",
    "guarantees", "experiments", "demonstrate", "state-of-the-art", "performance",
)
VENUES = ("NeurIPS", "ICML", "ICLR", "AISTATS", "CVPR", "ECCV", "Nature", "Science",
          "Bioinformatics", "JMLR", "TMLR", "AAAI", "")
CATEGORIES = ("cs.LG", "cs.CV", "cs.CL", "stat.ML", "q-bio.QM", "q-bio.BM", "eess.IV",
              "math.OC")
TAGS = ("to-read", "ml", "ml/federated", "ml/graphs", "ml/optimisation", "bio", "bio/protein",
        "vision", "theory", "survey", "reproduce", "teaching", "thesis", "reviewed",
        "important", "classic", "datasets", "code", "privacy", "llm")


def paper(rng: random.Random, n: int) -> PaperData:
    title_words = rng.sample(TOPICS, rng.randint(4, 10))
    title = " ".join(title_words).capitalize()
    authors = tuple(Author(family=rng.choice(FAMILIES), given=rng.choice(GIVENS))
                    for _ in range(rng.randint(1, 12)))
    # An abstract talks about its own topics, so that a word matches the share of papers
    # it would in a real library rather than nearly all of them.
    topics = title_words + rng.sample(TOPICS, 3)
    abstract = " ".join(rng.choice(FILLER if rng.random() < 0.75 else topics)
                        for _ in range(rng.randint(120, 180)))
    year = rng.randint(1995, 2025)
    return PaperData(
        title=title,
        authors=authors,
        et_al=rng.random() < 0.1,
        date=f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        abstract=abstract,
        venue=rng.choice(VENUES),
        category=rng.choice(CATEGORIES),
        doi=f"10.{rng.randint(1000, 9999)}/synthetic.{n}" if rng.random() < 0.7 else "",
        arxiv=f"{year % 100:02d}{rng.randint(1, 12):02d}.{n % 100000:05d}"
        if rng.random() < 0.5 else "",
        status=rng.choice(("unread", "unread", "reading", "read")),
        rating=rng.choice((0, 0, 0, 3, 4, 5)),
        tags=tuple(rng.sample(TAGS, rng.randint(2, 6))),
    )


def papers(count: int, seed: int = 20261125) -> Iterator[PaperData]:
    rng = random.Random(seed)
    for n in range(count):
        yield paper(rng, n)


def _bib_escape(text: str) -> str:
    return text.replace("\\", "").replace("{", "").replace("}", "")


def to_bibtex(records: list[PaperData]) -> str:
    """The records as a BibTeX file, the way reference managers write them (for timing
    imports; the product's own writer is in ``db.formats``)."""
    out = []
    for n, paper in enumerate(records):
        authors = " and ".join(f"{a.family}, {a.given}" for a in paper.authors)
        fields = {
            "title": paper.title, "author": authors + (" and others" if paper.et_al else ""),
            "year": paper.date[:4], "month": paper.date[5:7].lstrip("0"),
            "journal": paper.venue, "doi": paper.doi, "eprint": paper.arxiv,
            "abstract": paper.abstract, "keywords": ", ".join(paper.tags),
        }
        body = ",\n".join(f"  {k} = {{{_bib_escape(v)}}}" for k, v in fields.items() if v)
        out.append(f"@article{{paper{n},\n{body}\n}}\n")
    return "\n".join(out)
