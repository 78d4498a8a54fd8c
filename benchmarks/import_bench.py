"""Import a synthetic 10k-entry BibTeX file through `papershelf import`, whole process.

    python benchmarks/import_bench.py [--entries 10000] [--runs 3]

Prints wall time, entries per second and peak memory (the child's max RSS).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.synthetic import papers, to_bibtex

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    times: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        bib = Path(folder) / "synthetic.bib"
        bib.write_text(to_bibtex(list(papers(args.entries))), encoding="utf-8")
        for run in range(args.runs):
            library = Path(folder) / f"run{run}.sqlite"
            start = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "desktop.cli", "--library", str(library), "import",
                 str(bib)], cwd=ROOT, capture_output=True, text=True,
                env=dict(os.environ, PYTHONPATH=str(ROOT)), check=False)
            times.append(time.perf_counter() - start)
            if done.returncode != 0:
                sys.stderr.write(done.stderr)
                return 1
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        median = statistics.median(times)
        print(done.stdout.strip())
        print(f"{args.entries} entries: median {median:.2f} s over {args.runs} runs "
              f"({args.entries / median:,.0f} entries/s), peak memory {peak_mb:.0f} MB, "
              f"file {bib.stat().st_size / 1e6:.1f} MB")
    out = ROOT / "benchmarks" / "results" / "import.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"entries": args.entries, "median_s": median,
                               "entries_per_s": args.entries / median,
                               "peak_rss_mb": peak_mb, "runs": times}, indent=2),
                   encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
