"""Export 10k papers to each format through `papershelf export`, whole process.

    python benchmarks/export_bench.py [--papers 10000] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.synthetic import papers
from db.exporting import FORMATS
from db.library import Library

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--formats", nargs="*", default=list(FORMATS))
    args = parser.parse_args()
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite"
        with Library.open(path) as library:
            library.import_papers(list(papers(args.papers)), on_duplicate="keep")
        for fmt in args.formats:
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                subprocess.run([sys.executable, "-m", "desktop.cli", "--library", str(path),
                                "export", "--format", fmt, "-o", str(Path(folder) / "out")],
                               cwd=ROOT, check=True, capture_output=True,
                               env=dict(os.environ, PYTHONPATH=str(ROOT)))
                times.append(time.perf_counter() - start)
            results[fmt] = statistics.median(times)
            print(f"{fmt:<14} {results[fmt]:7.2f} s  ({args.papers} papers, median of "
                  f"{args.runs})", flush=True)
    out = ROOT / "benchmarks" / "results" / "export.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"papers": args.papers, "seconds": results}, indent=2),
                   encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
