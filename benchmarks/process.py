"""Running `papershelf` as a user would: a new process, timed whole, with its peak RSS."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from benchmarks.figures import ROOT


def run_cli(*args: str) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of ``papershelf ARGS``; exits on a failed command."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    # Timed as an installed Papershelf runs: with its modules' bytecode cached (pip
    # compiles it on install), not compiled afresh on every start.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "desktop.cli", *args], cwd=ROOT, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    errors = child.stderr.read() if child.stderr else ""
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"papershelf {' '.join(args)} failed:\n{errors}")
    return elapsed, usage.ru_maxrss / 1024
