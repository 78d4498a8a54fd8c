"""Library search, no window: what the table reads per keystroke (the count of matches
and the first page of 200 ids), and per click on a column's header, over 100k and 1M
papers.

    python benchmarks/search_bench.py [--sizes 100000 1000000] [--repeat 30]
"""

from __future__ import annotations

import argparse
import sys
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import datasets
from benchmarks.figures import Figure, figure, timed, write
from db.library import Library

PAGE = 200
# Each figure's queries, as the issue names them: (query, sort).
QUERIES: dict[str, list[tuple[str, str | None]]] = {
    "one word": [("diffusion", None)],
    "prefix while typing": [("f", None), ("fe", None), ("fed", None)],
    "phrase": [('"message passing"', None)],
    "tag filter": [('tag:"ml/federated"', None)],
    "author qualifier": [("author:wang", None)],
    "combined, sorted by year": [("author:wang graph year:>=2015 -tag:survey", "year")],
}

# A click on a column's header, by (field, descending): the indexed orders, and the
# other columns of the table, which are sorted in full.
SORTS = {
    "by title, author or year": [("title", False), ("title", True), ("author", False),
                                 ("year", False), ("year", True)],
    "by another column": [(field, descending) for field in ("author", "venue", "category",
                                                           "rating", "status")
                          for descending in (False, True) if (field, descending)
                          != ("author", False)],
}


def measure(path: Path, size: str, repeat: int) -> list[Figure]:
    figures = []
    every: list[float] = []
    with Library.open(path, read_only=True) as library:
        for name, queries in QUERIES.items():
            samples: list[float] = []
            hits = []
            for query, sort in queries:
                samples += timed(partial(library.page, query, sort=sort, limit=PAGE), repeat)
                hits.append(f"{query} → {library.count(query):,}")
            every += samples
            figures.append(figure(f"search {size}: {name}", "ms", samples, "; ".join(hits)))
        figures.append(figure(f"search {size}: all", "ms", every, "every query above"))
        # A click on a column's header: the whole library in that column's order.
        for kind, sorts in SORTS.items():
            samples = []
            for field, descending in sorts:
                samples += timed(partial(library.page, "", sort=field,
                                         descending=descending, limit=PAGE),
                                 max(1, repeat // 3))
            figures.append(figure(f"sort {size}: {kind}", "ms", samples,
                                  ", ".join(f + (" ↓" if d else "") for f, d in sorts)))
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    figures: list[Figure] = []
    for count in args.sizes:
        figures += measure(datasets.library(count), datasets.label(count), args.repeat)
    write("search", figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
