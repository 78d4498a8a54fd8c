"""One place that shows what went wrong: the user's problems as they are, bugs with details.

A :class:`db.errors.LibraryError` (a taken citation key, a locked library, a malformed
file) is something the user can act on and is shown in its own words. Anything else is a
bug: it is logged with its traceback, and the dialog keeps the details behind a button.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget
from shiboken6 import isValid

from db.errors import LibraryError
from db.failures import plain_write_error

log = logging.getLogger("papershelf")


def describe(what: str, error: BaseException) -> tuple[str, str]:
    """The message and the details a user is shown for ``error`` while doing ``what``."""
    doing = f" ({what})" if what else ""
    # A full disk or a damaged file reaches here as SQLite's error when a write did not
    # translate it: the user's problem all the same, said in words.
    error = plain_write_error(error) or error
    if isinstance(error, LibraryError):
        return f"{error}{doing}", ""
    details = "".join(traceback.format_exception(error))
    log.error("unexpected error%s\n%s", doing, details)
    return (f"Papershelf hit an unexpected problem{doing}: {type(error).__name__}: {error}. "
            "Nothing was saved by the action that failed."), details


def show_error(parent: QWidget | None, what: str, error: BaseException) -> QMessageBox:
    error = plain_write_error(error) or error
    message, details = describe(what, error)
    box = QMessageBox(QMessageBox.Icon.Warning if isinstance(error, LibraryError)
                      else QMessageBox.Icon.Critical, "Papershelf", message, parent=parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    if details:
        box.setDetailedText(details)
    box.setObjectName("errorDialog")
    box.setWindowModality(Qt.WindowModality.WindowModal)
    box.open()
    return box


def catch_unexpected(parent: Callable[[], QWidget | None]) -> None:
    """Show an error no code caught (in a slot, a paint, a timer) like any other, and log
    it, rather than print a traceback to a terminal the user may not have.

    One dialog at a time: what fails in a paint fails again on every repaint, and the
    repeats are logged only.
    """
    shown: list[QMessageBox] = []

    def hook(kind: type[BaseException], error: BaseException,
             trace: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, trace)
            return
        error = error.with_traceback(trace)
        # The dialog goes with its window (another library opened since): not showing.
        if shown and isValid(shown[0]) and shown[0].isVisible():
            describe("", error)  # logged
            return
        shown[:] = [show_error(parent(), "", error)]

    sys.excepthook = hook
