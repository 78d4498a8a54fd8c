"""Bulk edits over 10k papers, as the window runs them on its writer thread.

    python benchmarks/ops_bench.py [--repeat 5]

Figures: renaming a tag carried by 10k papers; adding 10k papers to a reading list;
emptying a trash of 10k papers; finding and merging 1,000 groups of duplicates (the
Find Duplicates window's "merge all certain groups", one transaction).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import datasets, synthetic
from benchmarks.figures import Figure, figure, write
from db.duplicates import DuplicateGroup
from db.library import Library

PAPERS = 10_000
GROUPS = 1_000


def seconds(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def tag_rename(folder: Path, repeat: int) -> Figure:
    with Library.open(datasets.copy(PAPERS, folder)) as library:
        ids = library.search("")
        library.add_tags(ids, ["bench"])
        times = []
        for n in range(repeat):
            old, new = ("bench", "bench-renamed") if n % 2 == 0 else ("bench-renamed", "bench")
            times.append(seconds(partial(library.rename_tag, old, new)))
        return figure("tag rename 10k", "s", times, f"{len(ids):,} papers carry the tag")


def list_add(folder: Path, repeat: int) -> Figure:
    with Library.open(datasets.copy(PAPERS, folder)) as library:
        ids = library.search("")
        times = []
        for n in range(repeat):
            name = f"Bench {n}"
            library.create_list(name)
            times.append(seconds(partial(library.add_to_list, name, ids)))
        return figure("add 10k to a list", "s", times, f"{len(ids):,} papers, new list")


def empty_trash(folder: Path, repeat: int) -> Figure:
    times = []
    for _ in range(repeat):
        path = datasets.copy(PAPERS, folder)
        with Library.open(path) as library:
            library.delete_papers(library.search(""))
            times.append(seconds(library.empty_trash))
            assert library.stats()["trash"] == 0
        path.unlink()
    return figure("empty a 10k trash", "s", times, f"{PAPERS:,} papers with notes and lists")


def merge_all(library: Library, groups: list[DuplicateGroup]) -> None:
    with library.batch():
        for group in groups:
            library.merge_papers(group.ids[0], group.ids[1:])


def merge(folder: Path, repeat: int) -> list[Figure]:
    """A 10k library in which 1,000 papers were imported twice (same DOI, or same title,
    year and first author): 1,000 certain groups, merged in one transaction."""
    records = list(synthetic.papers(PAPERS))
    found: list[float] = []
    merged: list[float] = []
    for n in range(repeat):
        with Library.open(folder / f"merge{n}.sqlite") as library:
            library.import_papers(records, on_duplicate="keep")
            library.import_papers(records[:GROUPS], on_duplicate="keep")
            start = time.perf_counter()
            groups = [g for g in library.find_duplicates() if g.high]
            found.append(time.perf_counter() - start)
            twice = [g for g in groups if len(g.ids) == 2][:GROUPS]
            assert len(twice) == GROUPS, len(twice)

            merged.append(seconds(partial(merge_all, library, twice)))
    return [figure("find duplicates 11k", "s", found, f"{len(groups):,} certain groups"),
            figure("merge 1,000 duplicate groups", "s", merged, "one transaction")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        figures = [tag_rename(folder, args.repeat), list_add(folder, args.repeat),
                   empty_trash(folder, max(3, args.repeat // 2)),
                   *merge(folder, max(3, args.repeat // 2))]
    write("ops", figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
