"""Deterministic fakes for tests: a clock that ticks, papers that look real."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from db.records import Author, PaperData


@dataclass
class Clock:
    """Returns ``start``, then ``start + step``, …: every write gets its own second."""

    now: datetime
    step: timedelta = field(default_factory=lambda: timedelta(0))

    def __call__(self) -> datetime:
        current = self.now
        self.now = current + self.step
        return current


FAMILIES = ("Wang", "Yi", "Liu", "Richtárik", "Condat", "Zhou", "Müller", "van der Berg",
            "O'Brien", "Nguyen", "Smith", "García")
GIVENS = ("Kai", "Yuelin", "Peter", "Laurent", "Bingxin", "Anna", "José", "Li")
WORDS = ("graph", "neural", "federated", "learning", "diffusion", "protein", "message",
         "passing", "compression", "variance", "reduction", "zero-shot", "equivariant",
         "sparse", "optimization", "transformer", "quantization", "spherical")


def fake_paper(rng: random.Random, **overrides: object) -> PaperData:
    """A plausible paper from ``rng``; ``overrides`` set fields outright."""
    title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 9))).capitalize()
    authors = tuple(Author(family=rng.choice(FAMILIES), given=rng.choice(GIVENS))
                    for _ in range(rng.randint(1, 6)))
    values: dict[str, object] = {
        "title": title,
        "authors": authors,
        "date": f"{rng.randint(2015, 2025)}-{rng.randint(1, 12):02d}",
        "abstract": " ".join(rng.choice(WORDS) for _ in range(40)),
        "venue": rng.choice(("NeurIPS", "ICML", "ICLR", "Nature", "")),
        "category": rng.choice(("cs.LG", "cs.CV", "q-bio.QM", "stat.ML")),
    }
    values.update(overrides)
    return PaperData(**values)  # type: ignore[arg-type]
