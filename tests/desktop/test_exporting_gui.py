"""Exporting from the window: the dialog, copying references, live exports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from db.library import Library
from db.live import live_exports
from desktop.dialogs.export import ExportDialog
from desktop.mainwindow import MainWindow
from desktop.tasks import TaskRunner
from tests.desktop.conftest import settle


def choose(combo: QComboBox, data: object) -> None:
    matches = [i for i in range(combo.count()) if combo.itemData(i) == data]
    assert matches, data
    combo.setCurrentIndex(matches[0])


def test_the_export_dialog_previews_and_writes_a_list(
    qtbot: QtBot, window: MainWindow, reader: Library, runner: TaskRunner, tmp_path: Path
) -> None:
    dialog = ExportDialog(reader, runner, [], "", window.report_error, window)
    qtbot.addWidget(dialog)
    choose(dialog.scope, ("list", "Kai Yi"))
    choose(dialog.format, "csljson")
    preview = json.loads(dialog.preview.toPlainText())
    assert len(preview) == 3 and preview[0]["title"].startswith("ACMP")
    choose(dialog.format, "bibliography")
    assert dialog.style_choice.isEnabled()
    choose(dialog.format, "csljson")
    target = tmp_path / "kai.json"
    dialog.destination.setText(str(target))
    dialog.save()
    settle(window)
    written = json.loads(target.read_text(encoding="utf-8"))
    assert [p["id"] for p in written] == [reader.paper(i.paper_id).key
                                          for i in reader.list_items("Kai Yi")]


def test_copy_as_bibliography_carries_three_flavours(window: MainWindow) -> None:
    window.table.selectRow(0)
    window.papers.copy_reference.trigger()
    data = QGuiApplication.clipboard().mimeData()
    assert data is not None
    assert "Allen-Cahn" in data.text() and "<" in data.html()
    assert b"@" in bytes(data.data("application/x-bibtex").data())
    window.papers.copy_citation.trigger()
    assert QGuiApplication.clipboard().text().startswith("(Wang")


def choose_file(monkeypatch: pytest.MonkeyPatch, target: Path) -> Path:
    """The file the user picks in Export Automatically's save dialog."""
    monkeypatch.setattr("desktop.actions.live.QFileDialog.getSaveFileName",
                        lambda *args: (str(target), ""))
    return target


def test_a_list_bound_to_a_file_follows_an_edit(
    qtbot: QtBot, window: MainWindow, reader: Library, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    target = choose_file(monkeypatch, tmp_path / "refs.json")
    window.sidebar.live_export_requested.emit("list", "Kai Yi")
    settle(window)
    assert len(json.loads(target.read_text(encoding="utf-8"))) == 33
    first = reader.list_items("Kai Yi")[0].paper_id
    window.commands.edit_papers({first: {"title": "Renamed in the window"}}, "Edit Title")
    qtbot.waitUntil(lambda: "Renamed in the window" in target.read_text(encoding="utf-8"),
                    timeout=1000)
    assert live_exports(reader)[0].last_error == ""
    window.sidebar.live_export_stop_requested.emit("list", "Kai Yi")
    settle(window)
    assert live_exports(reader) == []


def test_a_smart_list_bound_from_its_menu_follows_the_papers_it_finds(
    qtbot: QtBot, window: MainWindow, reader: Library, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    target = choose_file(monkeypatch, tmp_path / "diffusion.bib")
    window.commands.save_smart_list("Diffusion", "diffusion")
    settle(window)
    found = reader.search("diffusion")
    assert found

    def menu_action(text: str) -> QAction | None:
        index = window.sidebar.sidebar_model.find("smart", "Diffusion")
        assert index is not None
        menu = window.sidebar.menu_for(index)
        assert menu is not None
        return next((a for a in menu.actions() if a.text() == text), None)

    assert menu_action("Stop Exporting Automatically") is None
    start = menu_action("Export Automatically to a File…")
    assert start is not None
    start.trigger()
    settle(window)
    assert target.read_text(encoding="utf-8").count("@") == len(found)
    (binding,) = live_exports(reader)
    assert binding.smart_list == "Diffusion" and binding.list_name == ""
    index = window.sidebar.sidebar_model.find("smart", "Diffusion")
    assert index is not None and str(target) in index.data(Qt.ItemDataRole.ToolTipRole)
    # A paper the search starts finding is written to the file.
    other = next(i for i in reader.search("") if i not in found)
    window.commands.edit_papers({other: {"title": "Diffusion models, found at last"}},
                                "Edit Title")
    qtbot.waitUntil(lambda: "Diffusion models, found at last"
                    in target.read_text(encoding="utf-8"), timeout=2000)
    stop = menu_action("Stop Exporting Automatically")
    assert stop is not None
    stop.trigger()
    settle(window)
    assert live_exports(reader) == []


def test_a_drag_carries_references_for_text_editors(window: MainWindow) -> None:
    data = window.model.mimeData([window.model.index(0, 0)])
    assert "Allen-Cahn" in data.text() and data.hasFormat("application/x-papershelf-paper-ids")
