"""The window's commands, one module per feature; each builds its QActions and handlers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QWidget

from db.library import Library
from desktop.settings import Settings
from desktop.tasks import TaskRunner
from desktop.undo import Commands
from desktop.views.searchbar import SearchBar
from desktop.views.table import PaperTable


@dataclass
class Context:
    """What an action may use: the library (read side), the commands, the main views."""

    window: QMainWindow
    reader: Library
    commands: Commands
    runner: TaskRunner
    settings: Settings
    table: PaperTable
    search: SearchBar
    report: Callable[[str, BaseException], None]
    status: Callable[[str], None]
    select_after: Callable[[list[int]], None]


def make_action(parent: QWidget, text: str, slot: Callable[[], object],
                shortcut: str | QKeySequence.StandardKey | None = None) -> QAction:
    """A QAction with its shortcut (a key string or a platform standard key)."""
    action = QAction(text, parent)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    action.triggered.connect(lambda _checked=False: slot())
    return action
