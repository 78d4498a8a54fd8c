"""Export 10k papers to each format through `papershelf export`, whole process.

    python benchmarks/export_bench.py [--papers 10000] [--runs 5] [--formats bibtex ris]

The citeproc bibliography is timed over 1k papers (it takes about a minute for 10k).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import datasets
from benchmarks.figures import Figure, figure, write
from benchmarks.process import run_cli
from db.exporting import FORMATS

SLOW = {"bibliography": 1000}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--formats", nargs="*", default=list(FORMATS))
    args = parser.parse_args()
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory() as folder:
        for fmt in args.formats:
            count = min(args.papers, SLOW.get(fmt, args.papers))
            library = datasets.library(count)
            out = Path(folder) / f"out.{fmt}"
            times = [run_cli("--library", str(library), "export", "--format",
                             fmt, "-o", str(out))[0]
                     for _ in range(args.runs if fmt not in SLOW else 1)]
            figures.append(figure(f"export {datasets.label(count)}: {fmt}", "s", times,
                                  f"{out.stat().st_size / 1e6:.1f} MB written"))
    write("export", figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
