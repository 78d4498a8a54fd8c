"""Import 10k papers from BibTeX, RIS and CSL-JSON through `papershelf import`, whole
process, into a new library each time.

    python benchmarks/import_bench.py [--papers 10000] [--runs 5]
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

FORMATS = {"BibTeX": "bib", "RIS": "ris", "CSL-JSON": "json"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    size = datasets.label(args.papers)
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory() as folder:
        for name, extension in FORMATS.items():
            source = datasets.file(args.papers, extension)
            times: list[float] = []
            peaks: list[float] = []
            for run in range(args.runs):
                library = Path(folder) / f"{extension}{run}.sqlite"
                seconds, peak = run_cli("--library", str(library), "import", str(source))
                times.append(seconds)
                peaks.append(peak)
            rate = args.papers / sorted(times)[len(times) // 2]
            megabytes = source.stat().st_size / 1e6
            figures.append(figure(f"import {size}: {name}", "s", times,
                                  f"{rate:,.0f} papers/s, file {megabytes:.1f} MB"))
            figures.append(figure(f"import {size} peak RSS: {name}", "MB", peaks))
    write("import", figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
