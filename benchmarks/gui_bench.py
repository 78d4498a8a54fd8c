"""The window over a 100k-paper library: launch to first painted table, keystroke to repaint.

    python benchmarks/gui_bench.py [--papers 100000] [--launches 5]

Launch is measured as a user sees it: a new process (`papershelf --library …`) until the
table has painted its first rows. A keystroke is measured from the search running (after
the field's typing pause) until the table has repainted. Writes
``benchmarks/results/gui.json`` (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.search_bench import build, percentile

# Typed one character at a time, as a user would, then a few whole queries.
TYPED = "federated learning"
QUERIES = ('tag:"ml/federated"', "author:wang year:>=2020", '"message passing"', "")

PROBE = """
import os, sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from desktop.app import App
start = float(os.environ["BENCH_START"])
app = App(settings_path=None)
app.open(sys.argv[1])
window = app.window

class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and window.model.rowCount():
            QTimer.singleShot(0, lambda: (print(time.time() - start,
                                                window.model.pages_fetched, flush=True),
                                          app.qt.quit()))
            watched.removeEventFilter(self)
        return False

probe = FirstPaint()
window.table.viewport().installEventFilter(probe)
app.qt.exec()
app.close()
"""


def launch_times(path: Path, launches: int) -> tuple[list[float], int]:
    times: list[float] = []
    pages = 0
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=tempfile.mkdtemp())
    for _ in range(launches):
        env["BENCH_START"] = repr(time.time())
        done = subprocess.run([sys.executable, "-c", PROBE, str(path)], env=env, check=True,
                              capture_output=True, text=True,
                              cwd=Path(__file__).resolve().parent.parent)
        seconds, fetched = done.stdout.split()
        times.append(float(seconds) * 1000)
        pages = int(fetched)
    return times, pages


def keystroke_times(path: Path) -> list[float]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from desktop.app import App

    app = App(settings_path=Path(tempfile.mkdtemp()) / "settings.ini")
    app.open(str(path))
    window = app.window
    assert window is not None
    window.resize(1400, 850)
    window.show()
    app.qt.processEvents()
    queries = [TYPED[:n] for n in range(1, len(TYPED) + 1)] + list(QUERIES)
    times: list[float] = []
    for _ in range(3):
        for query in queries:
            start = time.perf_counter()
            window.search.field.setText(query)
            window.run_search(query)
            # Paint now, as the event loop would right after: rows of the first screen
            # are fetched from the library here.
            window.table.viewport().repaint()
            times.append((time.perf_counter() - start) * 1000)
            app.qt.processEvents()
    app.close()
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--launches", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite"
        built = build(path, args.papers)
        print(f"built a {args.papers:,}-paper library in {built:.1f} s")
        launches, pages = launch_times(path, args.launches)
        keys = keystroke_times(path)
    figures = {
        "launch_to_first_paint_ms": {"p50": statistics.median(launches),
                                     "p95": percentile(launches, 0.95),
                                     "pages_fetched": pages},
        "keystroke_to_repaint_ms": {"p50": statistics.median(keys),
                                    "p95": percentile(keys, 0.95), "samples": len(keys)},
    }
    for name, values in figures.items():
        print(f"{name:<28} p50 {values['p50']:8.1f}   p95 {values['p95']:8.1f}")
    print(f"pages of rows fetched at launch: {pages}")
    out = Path(__file__).resolve().parent / "results" / "gui.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"papers": args.papers, "machine": platform.platform(),
                               "python": platform.python_version(), **figures}, indent=2),
                   encoding="utf-8")
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
