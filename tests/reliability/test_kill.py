"""Crash safety: a library killed (SIGKILL) in the middle of a long write is still whole.

Each run copies a starting library, starts ``kill_child`` on it with one operation (an
import, a merge of every duplicate group, bulk tag edits), waits for it to say READY,
kills it after a seeded random delay within the operation's measured duration, reopens
the library and checks: SQLite's integrity and foreign-key checks, the FTS index against
the tables, and that the contents are exactly a state the operation passes through
between transactions (before it, or after one of its writes) — never a half-applied one.

``PAPERSHELF_RELIABILITY=long`` makes 70 runs per operation (210 in all) with a
10,000-entry import file; otherwise 3 per operation with 2,000 entries.
``PAPERSHELF_RELIABILITY_SEED`` replays another set of delays.
"""

from __future__ import annotations

import os
import random
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest

from benchmarks import synthetic
from db.library import Library
from tests.conftest import REPO
from tests.reliability.common import (
    LONG,
    REPORT,
    Fingerprint,
    KillRun,
    fingerprint,
    library_problems,
)
from tests.reliability.kill_child import ADDED_TAGS, OPERATIONS, fixed_clock

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX-only")

LIBRARY_PAPERS = 2_000
IMPORT_ENTRIES = 10_000 if LONG else 2_000
# A second import of the first papers, as when a user imports the same file twice: each
# becomes a certain duplicate group, so the merge has hundreds of groups to work through.
REIMPORTED = 400
RUNS_PER_OPERATION = 70 if LONG else 3
SEED = int(os.environ.get("PAPERSHELF_RELIABILITY_SEED", "20261125"))
# Kill delays are drawn up to this multiple of the operation's measured duration, so that
# some runs finish before the kill comes: the harness must see both cases.
DELAY_SPAN = 1.5
# Failing runs kept on disk for a post-mortem; the others are deleted as they pass.
KEEP_FAILED = 5
CHILD_TIMEOUT = 180.0


@dataclass(frozen=True)
class Scenario:
    operation: str
    start: Path
    file: Path | None
    states: tuple[Fingerprint, ...]  # before, then after each transaction
    duration: float  # seconds from READY to the end of an unkilled run


def _build_base(path: Path) -> None:
    """2,000 synthetic papers (about 2 % near-duplicates), with notes and reading lists."""
    with Library.open(path, clock=fixed_clock) as library:
        added = library.import_papers(list(synthetic.papers(LIBRARY_PAPERS)),
                                      on_duplicate="keep").added
        synthetic.furnish(library, added)


@pytest.fixture(scope="session")
def kill_sources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path | None]]:
    """Each operation's starting library (built once) and the file it needs."""
    folder = tmp_path_factory.mktemp("kill-sources")
    base = folder / "base.sqlite"
    _build_base(base)
    duplicated = folder / "duplicated.sqlite"
    shutil.copyfile(base, duplicated)
    with Library.open(duplicated, clock=fixed_clock) as library:
        library.import_papers(list(synthetic.papers(REIMPORTED)), on_duplicate="keep")
    bib = folder / f"import-{IMPORT_ENTRIES}.bib"
    bib.write_text(synthetic.to_bibtex(list(synthetic.papers(IMPORT_ENTRIES,
                                                             seed=synthetic.SEED + 1))),
                   encoding="utf-8")
    return {"import": (base, bib), "merge": (duplicated, None), "tags": (base, None)}


def _reference_states(start: Path, operation: str, file: Path | None,
                      folder: Path) -> tuple[Fingerprint, ...]:
    """The states the operation passes through between its transactions, unkilled."""
    path = folder / "reference.sqlite"
    shutil.copyfile(start, path)
    library = Library.open(path, clock=fixed_clock)
    try:
        states = [fingerprint(library.conn)]
        for step in OPERATIONS[operation](library, file):
            step(library)
            states.append(fingerprint(library.conn))
    finally:
        library.close()
    path.unlink()
    return tuple(states)


def _spawn(operation: str, path: Path, file: Path | None, log: IO[str]) -> subprocess.Popen[bytes]:
    argv = [sys.executable, "-m", "tests.reliability.kill_child", operation, str(path)]
    if file is not None:
        argv.append(str(file))
    # Unbuffered bytes: READY is read a byte at a time, so that nothing the child says
    # after it sits in a parent-side buffer where communicate() would not see it.
    return subprocess.Popen(argv, cwd=REPO, stdout=subprocess.PIPE, stderr=log, bufsize=0)


def _wait_ready(child: subprocess.Popen[bytes], log_path: Path) -> None:
    assert child.stdout is not None
    fd = child.stdout.fileno()
    line = b""
    while not line.endswith(b"\n"):
        readable, _, _ = select.select([fd], [], [], CHILD_TIMEOUT)
        byte = os.read(fd, 1) if readable else b""
        if not byte:
            break
        line += byte
    if line.strip() != b"READY":
        child.kill()
        child.wait()
        raise AssertionError(f"the child never got ready (said {line!r}): "
                             f"{log_path.read_text(encoding='utf-8')[-2000:]}")


@pytest.fixture(scope="session")
def scenarios(kill_sources: dict[str, tuple[Path, Path | None]],
              tmp_path_factory: pytest.TempPathFactory) -> dict[str, Scenario]:
    """Each operation's accepted states, and how long an unkilled child takes over it.

    The unkilled child must leave exactly the reference's final state: otherwise the
    fingerprint would depend on something else than the operation (a clock, an order), and
    every comparison below would mean nothing.
    """
    made: dict[str, Scenario] = {}
    for operation, (start, file) in kill_sources.items():
        folder = tmp_path_factory.mktemp(f"reference-{operation}")
        states = _reference_states(start, operation, file, folder)
        assert states[0] != states[-1], f"{operation} changed nothing: no test at all"
        path = folder / "child.sqlite"
        shutil.copyfile(start, path)
        log_path = folder / "child.log"
        with log_path.open("w", encoding="utf-8") as log:
            child = _spawn(operation, path, file, log)
            _wait_ready(child, log_path)
            out, _ = child.communicate(timeout=CHILD_TIMEOUT)
        assert child.returncode == 0, log_path.read_text(encoding="utf-8")
        duration = float(out.split()[-1])  # "DONE <seconds>"
        with Library.open(path) as library:
            final = fingerprint(library.conn)
        assert final == states[-1], (f"an unkilled {operation} left another state than the "
                                     f"reference: tables {final.differing(states[-1])}")
        made[operation] = Scenario(operation, start, file, states, duration)
        REPORT.kill_durations[operation] = duration
    return made


def _kill_run(scenario: Scenario, run: int, folder: Path) -> KillRun:
    rng = random.Random(f"{SEED}/{scenario.operation}/{run}")
    delay = rng.uniform(0.0, scenario.duration * DELAY_SPAN)
    folder.mkdir()
    path = folder / "library.sqlite"
    shutil.copyfile(scenario.start, path)
    log_path = folder / "child.log"
    with log_path.open("w", encoding="utf-8") as log:
        child = _spawn(scenario.operation, path, scenario.file, log)
        _wait_ready(child, log_path)
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)  # does nothing if the child is done already
        child.communicate(timeout=CHILD_TIMEOUT)
    steps = len(scenario.states) - 1
    result = KillRun(scenario.operation, run, delay, "killed", None, steps)
    if child.returncode == 0:
        result.outcome = "finished"
    elif child.returncode != -signal.SIGKILL:
        result.outcome = f"exit {child.returncode}"
        result.child_error = (f"the child failed by itself: "
                              f"{log_path.read_text(encoding='utf-8')[-1000:]}")
    found: Fingerprint | None = None
    try:
        library = Library.open(path)
    except Exception as exc:  # any failure to reopen is what this test is looking for
        result.damage.append(f"cannot reopen the library: {exc!r}")
    else:
        try:
            result.damage += library_problems(library)
            found = fingerprint(library.conn)
        except sqlite3.DatabaseError as exc:
            result.damage.append(f"cannot read the library: {exc}")
        finally:
            library.close()
    if found is not None and found in scenario.states:
        result.state = scenario.states.index(found)
    elif found is not None:
        before, after = scenario.states[0], scenario.states[-1]
        result.half_applied = (
            f"half-applied: papers {found.count('papers')} (before {before.count('papers')}, "
            f"after {after.count('papers')}); tables unlike before "
            f"{found.differing(before)}, unlike after {found.differing(after)}")
    if result.outcome == "finished" and result.state not in (None, steps):
        result.half_applied = (f"the child finished, yet the library is in state "
                               f"{result.state} of {steps}")
    if not result.problems:
        shutil.rmtree(folder)
    return result


def _describe(run: KillRun, folder: Path) -> str:
    return (f"run {run.run} (delay {run.delay:.3f}s, {run.outcome}, kept in {folder}): "
            f"{'; '.join(run.problems)}")


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_a_killed_operation_leaves_a_whole_library_before_or_after_it(
    operation: str, scenarios: dict[str, Scenario], tmp_path: Path
) -> None:
    scenario = scenarios[operation]
    folders = [tmp_path / f"run-{run:03d}" for run in range(RUNS_PER_OPERATION)]
    # Two children at a time in the long mode: the runs are independent, and the delays
    # are drawn from the measured duration, so a slower child only moves the kill earlier
    # in its operation.
    workers = min(2, os.cpu_count() or 1) if LONG else 1
    with ThreadPoolExecutor(max_workers=workers) as pool:
        runs = list(pool.map(lambda n: _kill_run(scenario, n, folders[n]),
                             range(RUNS_PER_OPERATION)))
    REPORT.kill_runs.extend(runs)
    failed = [run for run in runs if run.problems]
    for run in failed[KEEP_FAILED:]:
        shutil.rmtree(folders[run.run], ignore_errors=True)
    assert not failed, (
        f"{len(failed)} of {len(runs)} killed {operation} runs left a damaged library "
        f"(seed {SEED}):\n" + "\n".join(_describe(r, folders[r.run]) for r in failed[:10]))
    # The harness itself: the kills must have landed inside the operation at least once
    # over the long run, or it proved nothing about crashes.
    if LONG:
        assert any(r.outcome == "killed" and r.state == 0 for r in runs), \
            f"no {operation} run was killed before its first commit"


def test_the_checks_see_a_half_applied_edit_and_a_stale_index(
    scenarios: dict[str, Scenario], tmp_path: Path
) -> None:
    """The controls: what the kill runs look for is seen when it is there."""
    scenario = scenarios["tags"]
    path = tmp_path / "half.sqlite"
    shutil.copyfile(scenario.start, path)
    with Library.open(path, clock=fixed_clock) as library:
        ids = library.search("")
        library.add_tags(ids[: len(ids) // 2], ADDED_TAGS)  # half of the first edit
        assert fingerprint(library.conn) not in scenario.states
        assert library_problems(library) == []
        library.conn.execute("UPDATE papers SET title = 'changed behind the index' "
                             "WHERE id = ?", (ids[1],))
        assert [p for p in library_problems(library) if p.startswith("FTS text")]
        library.conn.execute("DELETE FROM papers_fts WHERE rowid = ?", (ids[0],))
        assert [p for p in library_problems(library) if p.startswith("FTS rows")]
