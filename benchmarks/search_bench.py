"""Time ``Library.search`` over a synthetic 100k-paper library, for five query shapes.

    python benchmarks/search_bench.py [--papers 100000] [--repeat 30]

Prints the median and 95th percentile per query and writes them as JSON to
``benchmarks/results/search.json`` (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.synthetic import papers
from db.library import Library
from db.records import PaperData

QUERIES: dict[str, tuple[str, str | None]] = {
    "one word": ("diffusion", None),
    "prefix while typing": ("fe", None),
    "phrase": ('"message passing"', None),
    "tag filter": ('tag:"ml/federated"', None),
    "combined, sorted by year": ("author:wang graph year:>=2015 -tag:survey", "year"),
}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def build(path: Path, count: int) -> float:
    start = time.perf_counter()
    with Library.open(path) as library:
        batch: list[PaperData] = []
        for record in papers(count):
            batch.append(record)
            if len(batch) == 10_000:
                library.import_papers(batch, on_duplicate="keep")
                batch.clear()
        if batch:
            library.import_papers(batch, on_duplicate="keep")
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite"
        built = build(path, args.papers)
        print(f"built a {args.papers:,}-paper library in {built:.1f} s")
        results: dict[str, dict[str, object]] = {}
        with Library.open(path, read_only=True) as library:
            print(f"{'query':<28} {'hits':>7} {'p50 ms':>8} {'p95 ms':>8}")
            for name, (query, sort) in QUERIES.items():
                library.search(query, sort=sort)  # warm the page cache once
                times = []
                for _ in range(args.repeat):
                    start = time.perf_counter()
                    hits = library.search(query, sort=sort)
                    times.append((time.perf_counter() - start) * 1000)
                p50, p95 = statistics.median(times), percentile(times, 0.95)
                results[name] = {"query": query, "hits": len(hits), "p50_ms": round(p50, 2),
                                 "p95_ms": round(p95, 2)}
                print(f"{name:<28} {len(hits):>7} {p50:>8.1f} {p95:>8.1f}")
    out = Path(__file__).resolve().parent / "results" / "search.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({
        "papers": args.papers, "repeat": args.repeat, "build_s": round(built, 2),
        "machine": platform.platform(), "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version, "queries": results,
    }, indent=2), encoding="utf-8")
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
