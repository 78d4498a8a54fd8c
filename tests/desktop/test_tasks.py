"""The writer thread: order, results, errors, cancel, and many jobs in a row."""

from __future__ import annotations

import threading
from functools import partial

import pytest

from db.errors import LibraryError
from db.library import Library
from db.records import Changes
from desktop.tasks import Cancelled, Task, TaskRunner, current_task


def test_jobs_run_in_order_off_the_gui_thread(runner: TaskRunner) -> None:
    seen: list[tuple[int, bool]] = []
    gui = threading.get_ident()
    def job(n: int) -> None:
        seen.append((n, threading.get_ident() != gui))

    for n in range(5):
        runner.submit(partial(lambda n, lib: job(n), n))
    assert runner.wait_idle()
    assert seen == [(n, True) for n in range(5)]


def test_results_come_back_and_changes_are_announced(runner: TaskRunner) -> None:
    results: list[object] = []
    announced: list[Changes] = []
    runner.changed.connect(announced.append)
    runner.submit(lambda lib: lib.create_list("New"), on_done=results.append)
    runner.submit(lambda lib: lib.stats()["lists"], on_done=results.append)
    assert runner.wait_idle()
    assert isinstance(results[0], Changes) and results[1] == 2
    assert announced == [results[0]]


def test_errors_reach_the_gui_thread(runner: TaskRunner) -> None:
    failures: list[tuple[str, BaseException]] = []
    runner.failed.connect(lambda what, exc: failures.append((what, exc)))
    runner.submit(lambda lib: lib.create_list("Kai Yi"), label="Creating a list")
    assert runner.wait_idle()
    assert failures[0][0] == "Creating a list"
    assert isinstance(failures[0][1], LibraryError)


def test_a_cancelled_job_rolls_back_quietly(runner: TaskRunner, reader: Library) -> None:
    failures: list[object] = []
    runner.failed.connect(lambda what, exc: failures.append(exc))
    started = threading.Event()
    release = threading.Event()

    def long_job(lib: Library) -> Changes:
        task = current_task()
        assert task is not None
        with lib.batch():
            lib.create_list("Half done")
            started.set()
            release.wait(5)
            task.report(1, 2)
        return Changes()

    task: Task = runner.submit(long_job, label="Long")
    assert started.wait(5)
    task.cancel()
    release.set()
    assert runner.wait_idle()
    assert failures == [] and [rl.name for rl in reader.lists()] == ["Kai Yi"]
    with pytest.raises(Cancelled):
        task.check()


def test_many_jobs_in_a_row(runner: TaskRunner) -> None:
    # Guards the Qt binding: some releases lose a reference on every signal emitted,
    # which aborts the interpreter after a few hundred.
    for _ in range(2000):
        runner.submit(lambda lib: None)
    assert runner.wait_idle(20_000)
