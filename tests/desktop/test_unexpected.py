"""An error no code caught, in a slot or a timer, reaches the user as a dialog and the
log, never as a bare traceback."""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from desktop import app as app_module
from desktop.app import App, run_app
from desktop.dialogs.errors import catch_unexpected
from desktop.settings import Settings


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


@pytest.mark.qt_no_exception_capture
def test_a_dialog_gone_with_its_window_does_not_silence_the_next_error(
        qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    windows = [QWidget()]
    windows[0].show()
    catch_unexpected(lambda: windows[-1])

    def fail() -> None:
        raise RuntimeError("a slot went wrong")

    QTimer.singleShot(0, fail)
    run_events()
    assert len(boxes(windows[0])) == 1
    # Another library opened: the old window, and its dialog with it, are deleted.
    windows[0].deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    windows.append(QWidget())
    qtbot.addWidget(windows[-1])
    windows[-1].show()
    QTimer.singleShot(0, fail)
    run_events()
    assert len(boxes(windows[-1])) == 1


def test_a_failure_before_the_window_runs_is_one_line_and_logged(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(app_module, "log_path", lambda: tmp_path / "log" / "papershelf.log")
    monkeypatch.setattr(app_module, "Settings",
                        lambda path: Settings(tmp_path / "settings.ini"))

    def broken(self: App, argument: str | None) -> bool:
        raise RuntimeError("the library would not open")

    monkeypatch.setattr(App, "open", broken)
    with caplog.at_level(logging.ERROR, logger="papershelf"):
        assert run_app(str(tmp_path / "lib.sqlite")) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"papershelf: an unexpected problem stopped Papershelf (RuntimeError: the "
                   f"library would not open). Details were written to "
                   f"{tmp_path / 'log' / 'papershelf.log'}."]
    assert any("Traceback" in r.getMessage() and "would not open" in r.getMessage()
               for r in caplog.records)
