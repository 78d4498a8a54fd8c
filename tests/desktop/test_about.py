"""Help → About: version, licence, credits; and the app's name and icon on the desktop."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from db import __version__
from db.formats.csl import CREDIT, STYLE_LABELS
from desktop.app import App
from desktop.dialogs import help as help_texts
from desktop.dialogs.help import about_text, style_credit
from desktop.paths import APP_ID, app_icon


def test_about_names_the_version_the_licence_and_whose_work_it_uses() -> None:
    text = about_text()
    assert text.startswith(f"Papershelf {__version__}\n")
    assert "MIT licence" in text
    assert "Qt 6." in text and "PySide6" in text and "LGPL" in text
    assert CREDIT in text
    for label in STYLE_LABELS.values():
        assert f"\n  {label}, by " in text
    assert "APA 7th edition, by Brenton M. Wiernik and Andrew Dunning" in text
    assert "IEEE, by Michael Berkowitz and " in text and " others" in text
    assert all(library in text for library in help_texts.LIBRARIES)


def test_a_style_file_that_cannot_be_read_is_credited_by_its_label(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(help_texts, "get_style_filepath", lambda name: str(tmp_path / "gone"))
    style_credit.cache_clear()
    try:
        assert style_credit("apa") == "APA 7th edition"
        broken = tmp_path / "broken.csl"
        broken.write_text("<style><info><author>", encoding="utf-8")
        monkeypatch.setattr(help_texts, "get_style_filepath", lambda name: str(broken))
        style_credit.cache_clear()
        assert style_credit("ieee") == "IEEE"
    finally:
        style_credit.cache_clear()


def test_the_app_has_its_icon_and_its_desktop_entry_name(qtbot: QtBot, tmp_path: Path) -> None:
    assert app_icon().is_file()
    app = App(settings_path=tmp_path / "settings.ini")
    try:
        assert app.qt.desktopFileName() == APP_ID
        icon = app.qt.windowIcon()
        assert not icon.isNull() and not icon.pixmap(48, 48).isNull()
    finally:
        app.close()
