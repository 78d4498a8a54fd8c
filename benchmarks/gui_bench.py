"""The window over a 100k-paper library: cold start, keystrokes, scrolling.

    python benchmarks/gui_bench.py [--papers 100000] [--launches 10] [--rounds 10]

* Cold start: a new process (`papershelf --library …`'s App) until the table has painted
  its first rows, with the process's peak RSS.
* Keystroke → repaint: from the search running (after the field's typing pause) until
  the table has repainted, per kind of query; "typing" types "federated learning" one
  letter at a time.
* Scroll: the scroll bar dragged from top to bottom in 100 steps, each step repainted.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import datasets
from benchmarks.figures import ROOT, Figure, figure, write
from benchmarks.search_bench import QUERIES

TYPED = "federated learning"
SCROLL_STEPS = 100

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
                                                window.model.rows_read, flush=True),
                                          app.qt.quit()))
            watched.removeEventFilter(self)
        return False

probe = FirstPaint()
window.table.viewport().installEventFilter(probe)
app.qt.exec()
app.close()
"""


def cold_starts(path: Path, launches: int) -> list[Figure]:
    times: list[float] = []
    peaks: list[float] = []
    rows = 0
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=tempfile.mkdtemp(),
               PYTHONPATH=str(ROOT))
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: bytecode cached
    for _ in range(launches):
        env["BENCH_START"] = repr(time.time())
        child = subprocess.Popen([sys.executable, "-c", PROBE, str(path)], env=env, cwd=ROOT,
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        out = child.stdout.read() if child.stdout else ""
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0 or not out.strip():
            raise SystemExit(f"the window did not start (exit {child.returncode})")
        seconds, fetched = out.split()
        times.append(float(seconds) * 1000)
        peaks.append(usage.ru_maxrss / 1024)
        rows = int(fetched)
    return [figure("cold start → first paint 100k", "ms", times,
                   f"{rows} rows read"),
            figure("cold start peak RSS 100k", "MB", peaks, "whole process")]


def in_window(path: Path, rounds: int) -> list[Figure]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from desktop.app import App

    app = App(settings_path=Path(tempfile.mkdtemp()) / "settings.ini")
    app.open(str(path))
    window = app.window
    assert window is not None
    window.resize(1400, 850)
    window.show()
    app.qt.processEvents()

    def keystroke(query: str, sort: str | None) -> float:
        window.table.set_sort(sort, False)
        start = time.perf_counter()
        window.search.field.setText(query)
        window.run_search(query)
        # Paint now, as the event loop would right after: rows of the first screen are
        # read from the library here.
        window.table.viewport().repaint()
        elapsed = (time.perf_counter() - start) * 1000
        app.qt.processEvents()
        return elapsed

    kinds = {name: queries for name, queries in QUERIES.items()}
    kinds["typing"] = [(TYPED[:n], None) for n in range(1, len(TYPED) + 1)]
    samples: dict[str, list[float]] = {name: [] for name in kinds}
    for query, sort in (q for queries in kinds.values() for q in queries):
        keystroke(query, sort)  # warm
    for _ in range(rounds):
        for name, queries in kinds.items():
            for query, sort in queries:
                samples[name].append(keystroke(query, sort))
                keystroke("", None)  # the next query starts from the whole library
    figures = [figure(f"keystroke → repaint 100k: {name}", "ms", values)
               for name, values in samples.items()]
    figures.append(figure("keystroke → repaint 100k: all", "ms",
                          [v for values in samples.values() for v in values],
                          "every kind above"))

    keystroke("", None)
    bar = window.table.verticalScrollBar()
    steps: list[float] = []
    start_all = time.perf_counter()
    for step in range(1, SCROLL_STEPS + 1):
        start = time.perf_counter()
        bar.setValue(bar.maximum() * step // SCROLL_STEPS)
        window.table.viewport().repaint()
        steps.append((time.perf_counter() - start) * 1000)
    total = time.perf_counter() - start_all
    figures.append(figure("scroll step 100k", "ms", steps,
                          f"top to bottom in {SCROLL_STEPS} steps: {total * 1000:.0f} ms; "
                          f"{window.model.rows_read:,} rows read"))
    app.close()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--launches", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    path = datasets.library(args.papers)
    write("gui", cold_starts(path, args.launches) + in_window(path, args.rounds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
