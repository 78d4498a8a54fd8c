"""`make bench`: build the synthetic libraries, run every benchmark, print one table.

    python benchmarks/run.py [--quick]

Each benchmark runs in its own process (the window's figures must not share a process
with a loaded library) and writes ``benchmarks/results/<name>.json``; this collects them
into ``benchmarks/results/latest.json``, which ``make bench-check`` compares with
``benchmarks/baseline.json``. ``--quick`` runs fewer repetitions and skips the 1M library.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.figures import RESULTS, ROOT, Figure, environment, load, print_table

BENCHES: dict[str, tuple[list[str], list[str]]] = {
    # name: (full arguments, quick arguments)
    "datasets": ([], ["--sizes", "1000", "10000", "100000"]),
    "search": ([], ["--sizes", "100000", "--repeat", "10"]),
    "gui": ([], ["--launches", "3", "--rounds", "3"]),
    "import": ([], ["--runs", "2"]),
    "export": ([], ["--runs", "2"]),
    "ops": ([], ["--repeat", "3"]),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", nargs="*", choices=list(BENCHES), default=list(BENCHES))
    args = parser.parse_args()
    started = time.perf_counter()
    for name in args.only:
        full, quick = BENCHES[name]
        script = ROOT / "benchmarks" / f"{name}{'' if name == 'datasets' else '_bench'}.py"
        print(f"\n== {name}", flush=True)
        done = subprocess.run([sys.executable, str(script), *(quick if args.quick else full)],
                              cwd=ROOT, check=False)
        if done.returncode != 0:
            print(f"{name} failed (exit {done.returncode})", file=sys.stderr)
            return 1
    figures: list[Figure] = []
    for name in BENCHES:
        path = RESULTS / f"{name}.json"
        if name != "datasets" and path.exists():
            figures += load(path)
    latest = RESULTS / "latest.json"
    latest.write_text(json.dumps({**environment(), "quick": args.quick, "figures": [
        {"name": f.name, "unit": f.unit, "median": f.median, "p95": f.p95,
         "samples": f.samples, "detail": f.detail} for f in figures]}, indent=2),
        encoding="utf-8")
    print(f"\n== all figures ({time.perf_counter() - started:.0f} s)")
    print_table(figures)
    missed = [f.name for f in figures if f.meets() is False]
    print(f"written to {latest.relative_to(ROOT)}; targets missed: {', '.join(missed) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
