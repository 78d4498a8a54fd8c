"""The GUI's parts over a real library file: a reader, the writer thread, undo commands."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from db.importing import ReadOptions, import_file
from db.library import Library
from desktop.paths import sample_listing
from desktop.settings import Settings
from desktop.tasks import TaskRunner
from desktop.undo import Commands

if TYPE_CHECKING:
    from desktop.mainwindow import MainWindow


class Reported:
    """Collects what the app would have shown as errors, so tests can assert on them."""

    def __init__(self) -> None:
        self.errors: list[tuple[str, BaseException]] = []

    def __call__(self, what: str, error: BaseException) -> None:
        self.errors.append((what, error))


@pytest.fixture
def gui_library_path(tmp_path: Path) -> Path:
    path = tmp_path / "gui.sqlite"
    with Library.open(path) as lib:
        import_file(lib, sample_listing(), options=ReadOptions(capture_year=2025))
    return path


@pytest.fixture
def runner(qtbot: object, gui_library_path: Path) -> Iterator[TaskRunner]:
    task_runner = TaskRunner(Library.open(gui_library_path))
    yield task_runner
    task_runner.shutdown()


@pytest.fixture
def reader(gui_library_path: Path, runner: TaskRunner) -> Iterator[Library]:
    lib = Library.open(gui_library_path, read_only=True)
    yield lib
    lib.close()


@pytest.fixture
def reported() -> Reported:
    return Reported()


@pytest.fixture
def commands(runner: TaskRunner, reported: Reported) -> Commands:
    return Commands(runner, QUndoStack(), reported)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(tmp_path / "settings.ini")


@pytest.fixture
def window(qtbot: QtBot, reader: Library, runner: TaskRunner,
           settings: Settings) -> Iterator[MainWindow]:
    """The main window over the sample library, shown."""
    from desktop.mainwindow import MainWindow

    win = MainWindow(reader, runner, settings)
    qtbot.addWidget(win)
    win.resize(1400, 850)
    win.show()
    yield win
    runner.wait_idle()


def settle(window: MainWindow) -> None:
    """Let queued writes land and the window catch up (follow-up jobs included)."""
    for _ in range(3):
        assert window.runner.wait_idle()
        QApplication.processEvents()
