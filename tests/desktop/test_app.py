"""The composition root: opening, switching and closing libraries; starting without Qt."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from db.library import Library
from db.records import PaperData
from desktop.app import App, platform_problem


def make_library(path: Path, titles: list[str]) -> Path:
    with Library.open(path) as lib:
        lib.import_papers([PaperData(title=t) for t in titles])
    return path


def test_open_switch_and_remember_the_last_library(qtbot: QtBot, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PAPERSHELF_LIBRARY", raising=False)
    first = make_library(tmp_path / "first.sqlite", ["One", "Two"])
    second = make_library(tmp_path / "second.sqlite", ["Three"])
    app = App(settings_path=tmp_path / "settings.ini")
    try:
        assert app.open(str(first))
        assert app.window is not None and app.window.model.rowCount() == 2
        app.window.library_requested.emit(second)
        assert app.window.model.rowCount() == 1
        assert "second.sqlite" in app.window.windowTitle()
        # The first library's writer lock was released with its window.
        Library.open(first).close()
    finally:
        app.close()
    again = App(settings_path=tmp_path / "settings.ini")
    try:
        assert again.open(None)
        assert again.window is not None and again.window.reader.path == second
    finally:
        again.close()


def test_a_library_that_cannot_open_keeps_the_current_one(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []

    class Box:
        def exec(self) -> int:
            return 0

    def fake_show_error(parent: object, what: str, error: BaseException) -> Box:
        shown.append(str(error))
        return Box()

    asked: list[tuple[str, bool]] = []

    def fake_ask(parent: object, library: Path, problem: str, newest: object, *,
                 can_quit: bool) -> str:
        asked.append((problem, can_quit))
        return "quit"  # "Cancel" while a window is open: keep the current library

    monkeypatch.setattr("desktop.app.show_error", fake_show_error)
    monkeypatch.setattr("desktop.app.damaged.ask", fake_ask)
    good = make_library(tmp_path / "good.sqlite", ["One"])
    bad = tmp_path / "bad.sqlite"
    bad.write_text("not a database" * 100)
    too_new = make_library(tmp_path / "new.sqlite", ["Two"])
    with Library.open(too_new) as lib:
        lib.conn.execute("PRAGMA user_version = 999")
    app = App(settings_path=tmp_path / "settings.ini")
    try:
        assert app.open(str(good))
        assert not app.switch(bad)
        assert asked and "not a Papershelf library" in asked[0][0] and not asked[0][1]
        assert app.window is not None and app.window.reader.path == good
        assert not app.switch(too_new)  # not damage: said in a message, nothing offered
        assert shown and len(asked) == 1
        assert app.window is not None and app.window.reader.path == good
    finally:
        app.close()


def test_a_missing_display_is_explained_before_qt_starts(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr("desktop.app.sys.platform", "linux")
    problem = platform_problem()
    assert problem is not None and "no display" in problem
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr("desktop.app.ctypes.util.find_library", lambda name: None)
    problem = platform_problem()
    assert problem is not None and "libxcb-cursor0" in problem
