"""Figures: timed samples, their median and 95th percentile, the targets they answer to,
and the JSON every benchmark writes (``benchmarks/results/*.json``, git-ignored).

A figure's name is stable across runs ("search 100k: one word"): ``bench-check`` compares
figures by name against ``benchmarks/baseline.json``.
"""

from __future__ import annotations

import json
import math
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"


@dataclass(frozen=True)
class Target:
    """What a figure must stay under, and which of its statistics is judged."""

    limit: float
    stat: str = "p95"  # "p95" or "median"


# The product's promises (issue 6), keyed by figure name. README states each one beside
# its measured value.
TARGETS: dict[str, Target] = {
    "keystroke → repaint 100k: all": Target(50),
    "search 1M: all": Target(200),
    "cold start → first paint 100k": Target(1000),
    "cold start peak RSS 100k": Target(200, "median"),
    "import 10k: BibTeX": Target(2.0, "median"),
    "export 10k: bibtex": Target(0.6, "median"),
    "tag rename 10k": Target(0.5, "median"),
    "merge 1,000 duplicate groups": Target(10, "median"),
}


@dataclass(frozen=True)
class Figure:
    name: str
    unit: str
    median: float
    p95: float
    samples: int
    detail: str = ""

    @property
    def target(self) -> Target | None:
        return TARGETS.get(self.name)

    def meets(self) -> bool | None:
        target = self.target
        if target is None:
            return None
        return (self.p95 if target.stat == "p95" else self.median) <= target.limit


def percentile(values: Iterable[float], fraction: float) -> float:
    """The nearest-rank percentile: a value that was measured, never an interpolation."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(fraction * len(ordered)) - 1))]


def figure(name: str, unit: str, samples: list[float], detail: str = "") -> Figure:
    return Figure(name, unit, statistics.median(samples), percentile(samples, 0.95),
                  len(samples), detail)


def timed(action: Callable[[], object], repeat: int, *, warm: int = 1) -> list[float]:
    """Milliseconds per call of ``action``, after ``warm`` calls that are not counted."""
    for _ in range(warm):
        action()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def _git_commit() -> str:
    try:
        done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                              capture_output=True, text=True, check=False)
    except OSError:
        return ""
    return done.stdout.strip()


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def environment() -> dict[str, object]:
    """The machine and versions a set of figures was measured with."""
    versions: dict[str, str] = {"python": platform.python_version(),
                                "sqlite": sqlite3.sqlite_version}
    try:
        import PySide6
        from PySide6 import QtCore

        versions["pyside6"] = PySide6.__version__
        versions["qt"] = QtCore.qVersion()
    except ImportError:
        pass
    return {
        "date": time.strftime("%Y-%m-%d %H:%M", time.localtime()),
        "commit": _git_commit(),
        "machine": platform.platform(),
        "cpu": _cpu(),
        "cores": os.cpu_count(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
        if hasattr(os, "sysconf") else None,
        "versions": versions,
    }


def write(bench: str, figures: list[Figure], **extra: object) -> Path:
    """Write ``figures`` as ``benchmarks/results/<bench>.json`` and print them."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"{bench}.json"
    out.write_text(json.dumps({"bench": bench, **environment(), **extra,
                               "figures": [asdict(f) for f in figures]}, indent=2),
                   encoding="utf-8")
    print_table(figures)
    print(f"written to {out.relative_to(ROOT)}", flush=True)
    return out


def load(path: Path) -> list[Figure]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [Figure(**f) for f in data["figures"]]


def print_table(figures: list[Figure]) -> None:
    width = max((len(f.name) for f in figures), default=10)
    print(f"{'figure':<{width}}  {'median':>10}  {'p95':>10}  {'n':>4}  target")
    for f in figures:
        target = f.target
        verdict = ""
        if target is not None:
            verdict = (f"{'met' if f.meets() else 'MISSED'} "
                       f"({target.stat} ≤ {target.limit:g} {f.unit})")
        print(f"{f.name:<{width}}  {f.median:>8.4g}{f.unit:>2}  {f.p95:>8.4g}{f.unit:>2}  "
              f"{f.samples:>4}  {verdict}", flush=True)
    sys.stdout.flush()
