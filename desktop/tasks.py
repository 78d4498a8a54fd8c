"""The one writer: every change to the library runs here, off the GUI thread, in order.

The GUI thread reads through its own connection and keeps showing the last committed
state while a write runs. A job is a function of the writer's :class:`Library`; what it
returns comes back to the GUI thread through a queued signal, and a
:class:`db.records.Changes` result is announced as :attr:`TaskRunner.changed`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import count
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, QThread, QTimer, Signal, Slot

from db.library import Library
from db.records import Changes

Job = Callable[[Library], Any]
Done = Callable[[Any], None]

# A job that outlives this shows a progress dialog; shorter ones never flash one.
PROGRESS_DELAY_MS = 500


class Cancelled(Exception):
    """Raised inside a job that saw its task cancelled; the job's write is rolled back."""


@dataclass
class Task:
    """One submitted job: its label for a progress dialog, and a cancel flag it can poll."""

    job: Job
    label: str = ""
    on_done: Done | None = None
    on_error: Callable[[BaseException], None] | None = None
    number: int = 0
    cancel_event: threading.Event = field(default_factory=threading.Event)
    # Written by the job on the writer thread, read by the progress dialog: plain ints,
    # so a stale read only shows a slightly older figure.
    done: int = 0
    total: int = 0
    finished: bool = False

    def report(self, done: int, total: int) -> None:
        """For long jobs: how far they are; also the place where Cancel takes effect."""
        self.done, self.total = done, total
        self.check()

    def cancel(self) -> None:
        self.cancel_event.set()

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    def check(self) -> None:
        """For long jobs: stop here (rolling the write back) if the user cancelled."""
        if self.cancelled:
            raise Cancelled


@dataclass(frozen=True)
class _Outcome:
    """What a job came to: its result, or the error it raised."""

    task: Task
    result: Any
    error: BaseException | None


class _Worker(QObject):
    """Lives in the writer thread; runs tasks one at a time in the order they came."""

    finished = Signal(object)  # _Outcome

    def __init__(self, library: Library) -> None:
        super().__init__()
        self._library = library

    @Slot(object)
    def run(self, task: Task) -> None:
        _current.task = task
        try:
            result = task.job(self._library)
        except BaseException as exc:  # handed to the GUI thread, never swallowed
            self.finished.emit(_Outcome(task, None, exc))
            return
        finally:
            _current.task = None
        self.finished.emit(_Outcome(task, result, None))


_current = threading.local()


def current_task() -> Task | None:
    """The task a job is running for (on the writer thread), to report progress to."""
    task: Task | None = getattr(_current, "task", None)
    return task


class TaskRunner(QObject):
    """Runs writes on one thread. Signals:

    - ``changed(Changes)``: a write committed; views refresh what it names.
    - ``failed(str, BaseException)``: a job raised; the label says what was being done.
    - ``started(Task)`` / ``task_finished(Task)``: a labelled task began / ended.
    - ``idle()``: nothing is left to run.
    """

    changed = Signal(object)
    failed = Signal(str, object)
    started = Signal(object)
    task_finished = Signal(object)
    idle = Signal()
    _submit = Signal(object)

    def __init__(self, library: Library, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self._pending = 0
        self._numbers = count(1)
        self._thread = QThread()
        self._thread.setObjectName("papershelf-writer")
        self._worker = _Worker(library)
        self._worker.moveToThread(self._thread)
        self._submit.connect(self._worker.run)
        self._worker.finished.connect(self._on_finished)
        self._thread.start()

    @property
    def busy(self) -> bool:
        return self._pending > 0

    def submit(self, job: Job, *, label: str = "", on_done: Done | None = None,
               on_error: Callable[[BaseException], None] | None = None) -> Task:
        """Queue ``job``; ``on_done(result)`` runs on the GUI thread when it has run."""
        task = Task(job, label, on_done, on_error, next(self._numbers))
        self._pending += 1
        if label:
            self.started.emit(task)
        self._submit.emit(task)
        return task

    @Slot(object)
    def _on_finished(self, outcome: _Outcome) -> None:
        task, result, error = outcome.task, outcome.result, outcome.error
        self._pending -= 1
        task.finished = True
        try:
            if error is not None:
                if task.on_error is not None:
                    task.on_error(error)
                elif not isinstance(error, Cancelled):
                    self.failed.emit(task.label, error)
            else:
                if isinstance(result, Changes) and not result.empty:
                    self.changed.emit(result)
                if task.on_done is not None:
                    task.on_done(result)
        finally:
            if task.label:
                self.task_finished.emit(task)
            if not self._pending:
                self.idle.emit()

    def wait_idle(self, timeout_ms: int = 5000) -> bool:
        """Block until every submitted job has run and reported (for tests and quitting)."""
        if not self._pending:
            return True
        loop = QEventLoop()
        # A timer of our own, stopped below: a stray singleShot would fire into a loop
        # that no longer exists.
        timer = QTimer()
        timer.setSingleShot(True)
        timer.timeout.connect(loop.quit)
        self.idle.connect(loop.quit)
        timer.start(timeout_ms)
        loop.exec()
        timer.stop()
        # No disconnect: the connection dies with the loop.
        return not self._pending

    def shutdown(self) -> None:
        """Let queued writes finish, stop the thread, and close the writer's library."""
        self.wait_idle(30_000)
        self._thread.quit()
        self._thread.wait()
        self.library.close()
