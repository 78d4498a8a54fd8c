"""An error no code caught, in a slot or a timer, reaches the user as a dialog and the
log, never as a bare traceback."""

from __future__ import annotations

import logging
import sys
import time

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from desktop.dialogs.errors import catch_unexpected


def boxes(parent: QWidget) -> list[QMessageBox]:
    return [b for b in parent.findChildren(QMessageBox)
            if b.objectName() == "errorDialog" and b.isVisible()]


def run_events(seconds: float = 0.2) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()


@pytest.mark.qt_no_exception_capture
def test_an_uncaught_error_is_shown_once_and_logged(
        qtbot: QtBot, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # put back after the test
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    catch_unexpected(lambda: parent)

    def fail() -> None:
        raise RuntimeError("a slot went wrong")

    with caplog.at_level(logging.ERROR, logger="papershelf"):
        QTimer.singleShot(0, fail)
        run_events()
        (box,) = boxes(parent)
        assert box.text().startswith("Papershelf hit an unexpected problem: RuntimeError: "
                                     "a slot went wrong.")
        assert "Traceback" in box.detailedText() and "fail" in box.detailedText()
        # The same failure again (a paint, say) while the dialog is open: logged only.
        QTimer.singleShot(0, fail)
        run_events()
        assert boxes(parent) == [box]
    assert sum("a slot went wrong" in r.getMessage() for r in caplog.records) == 2
    box.close()
    QTimer.singleShot(0, fail)
    run_events()
    assert len(boxes(parent)) == 1
