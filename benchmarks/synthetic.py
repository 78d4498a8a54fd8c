"""A seeded generator of papers that look like a real library, for benchmarks.

Same seed, same papers: figures from two runs are comparable. Bump ``VERSION`` whenever
the output changes, so that cached libraries built from an older generator are rebuilt.

What it makes, per paper: a 4–10 word title, 1–12 authors (accented names, written
LaTeX-escaped in BibTeX as real files have them), a 120–180-word abstract, a venue, a
date, a DOI (70 %) and an arXiv id (50 %), 2–6 tags, a rating and a reading status. About
2 % of papers are near-duplicates of an earlier one: the same paper typed again, with its
title's case or punctuation changed or a letter dropped, and its DOI or arXiv id often
missing — what duplicate detection has to find.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from db.records import Author, PaperData

if TYPE_CHECKING:
    from db.library import Library

VERSION = 3
SEED = 20261125
NEAR_DUPLICATE_SHARE = 0.02

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
NOTES = (
    "Read section 3 again: the proof of the main bound is where the constant comes from.",
    "Compare with the baseline we use in chapter 2; their setup differs in batch size.",
    "Code does not run with the current release; pin the version from the paper.",
    "Good related-work section for the survey.",
)
# Reading lists a library of this size would have, and the share of papers in each.
LISTS = (("Thesis", 0.01), ("Reading group", 0.002), ("To review", 0.005))

# How BibTeX files write the accented letters of the names above.
LATEX_LETTERS = {
    "ü": '{\\"u}', "ö": '{\\"o}', "ë": '{\\"e}', "á": "{\\'a}", "é": "{\\'e}",
    "í": "{\\'i}", "è": "{\\`e}", "ř": "{\\v{r}}", "ø": "{\\o}", "Ø": "{\\O}",
    "Ł": "{\\L}", "ó": "{\\'o}",
}


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


def near_duplicate(rng: random.Random, original: PaperData) -> PaperData:
    """``original`` typed again by someone else: a slightly different title, fewer ids."""
    title = original.title
    change = rng.randrange(3)
    if change == 0:
        title = title.title()
    elif change == 1:
        title = title.replace(" ", ": ", 1) + "."
    else:
        at = rng.randrange(1, len(title) - 1)
        title = title[:at] + title[at + 1:]
    return PaperData(
        title=title,
        authors=original.authors,
        et_al=original.et_al,
        date=original.date[:4],
        abstract="" if rng.random() < 0.5 else original.abstract,
        venue=original.venue,
        doi=original.doi if rng.random() < 0.3 else "",
        arxiv=original.arxiv if rng.random() < 0.3 else "",
        tags=tuple(rng.sample(TAGS, rng.randint(1, 3))),
    )


def papers(count: int, seed: int = SEED) -> Iterator[PaperData]:
    """``count`` papers; about 2 % of them near-duplicates of one that came before."""
    rng = random.Random(seed)
    recent: list[PaperData] = []
    for n in range(count):
        if recent and rng.random() < NEAR_DUPLICATE_SHARE:
            yield near_duplicate(rng, rng.choice(recent))
            continue
        made = paper(rng, n)
        # Duplicates come from the last thousand papers: a realistic window, and memory
        # stays flat at a million.
        if len(recent) < 1000:
            recent.append(made)
        else:
            recent[rng.randrange(1000)] = made
        yield made


def notes(count: int, seed: int = SEED) -> Iterator[tuple[int, str]]:
    """(paper position, note) for about one paper in twenty."""
    rng = random.Random(seed + 1)
    for n in range(count):
        if rng.random() < 0.05:
            yield n, rng.choice(NOTES)


def list_members(count: int, seed: int = SEED) -> dict[str, list[int]]:
    """Reading list name → the paper positions in it, in reading order."""
    rng = random.Random(seed + 2)
    return {name: rng.sample(range(count), max(1, int(count * share)))
            for name, share in LISTS}


def furnish(library: Library, ids: Sequence[int]) -> None:
    """Give the papers ``ids`` (the first ``len(ids)`` of :func:`papers`, in order) their
    notes and reading lists, in one transaction."""
    with library.batch():
        for position, body in notes(len(ids)):
            library.add_note(ids[position], body)
        for name, members in list_members(len(ids)).items():
            library.create_list(name)
            library.add_to_list(name, [ids[m] for m in members])


def _latex(text: str) -> str:
    return "".join(LATEX_LETTERS.get(letter, letter) for letter in text)


def _bib_escape(text: str) -> str:
    return text.replace("\\", "").replace("{", "").replace("}", "")


def to_bibtex(records: list[PaperData]) -> str:
    """The records as a BibTeX file, the way reference managers write them: accented
    names LaTeX-escaped, the rest UTF-8. (For timing imports: the product's own writer is
    in ``db.formats``.)"""
    out = []
    for n, paper in enumerate(records):
        authors = " and ".join(f"{_latex(a.family)}, {_latex(a.given)}"
                               for a in paper.authors)
        fields = {
            "title": paper.title, "author": authors + (" and others" if paper.et_al else ""),
            "year": paper.date[:4], "month": paper.date[5:7].lstrip("0"),
            "journal": paper.venue, "doi": paper.doi, "eprint": paper.arxiv,
            "abstract": paper.abstract, "keywords": ", ".join(paper.tags),
        }
        body = ",\n".join(f"  {k} = {{{v if k == 'author' else _bib_escape(v)}}}"
                          for k, v in fields.items() if v)
        out.append(f"@article{{paper{n},\n{body}\n}}\n")
    return "\n".join(out)
