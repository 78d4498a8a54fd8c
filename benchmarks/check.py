"""`make bench-check`: compare the latest figures with the committed baseline.

    python benchmarks/check.py [--latest benchmarks/results/latest.json]
                               [--baseline benchmarks/baseline.json] [--tolerance 0.25]

Fails (exit 1) when any figure in both files is more than 25 % slower (or larger) than
the baseline at its median or its p95, or when a target is missed. Figures are matched
by name; one missing from either side is listed, not judged. Not part of `make test`:
timings on a shared CI machine are too noisy to gate on.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.figures import RESULTS, ROOT, Figure, load

# Below these, a 25 % swing is timer noise rather than a regression.
FLOOR = {"ms": 2.0, "s": 0.05, "MB": 5.0}


def regressions(latest: list[Figure], baseline: list[Figure],
                tolerance: float) -> list[str]:
    before = {f.name: f for f in baseline}
    found = []
    for now in latest:
        old = before.get(now.name)
        if old is None:
            continue
        for stat in ("median", "p95"):
            was, is_ = getattr(old, stat), getattr(now, stat)
            if is_ > was * (1 + tolerance) and is_ - was > FLOOR.get(now.unit, 0):
                found.append(f"{now.name}: {stat} {was:.4g} → {is_:.4g} {now.unit} "
                             f"(+{(is_ / was - 1) * 100:.0f} %)")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--latest", type=Path, default=RESULTS / "latest.json")
    parser.add_argument("--baseline", type=Path, default=ROOT / "benchmarks" / "baseline.json")
    parser.add_argument("--tolerance", type=float, default=0.25)
    args = parser.parse_args()
    if not args.latest.exists():
        print(f"No figures at {args.latest}: run `make bench` first.", file=sys.stderr)
        return 2
    latest, baseline = load(args.latest), load(args.baseline)
    names_now, names_before = {f.name for f in latest}, {f.name for f in baseline}
    for name in sorted(names_before - names_now):
        print(f"not measured this time: {name}")
    for name in sorted(names_now - names_before):
        print(f"new (no baseline): {name}")
    problems = regressions(latest, baseline, args.tolerance)
    problems += [f"{f.name}: target missed ({f.target.stat} {getattr(f, f.target.stat):.4g} "
                 f"> {f.target.limit:g} {f.unit})" for f in latest
                 if f.target is not None and f.meets() is False]
    for line in problems:
        print(f"REGRESSION {line}")
    print(f"{len(names_now & names_before)} figures compared with {args.baseline.name}: "
          f"{len(problems) or 'no'} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
