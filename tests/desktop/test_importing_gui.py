"""Importing from the window (files, the clipboard) and Tools → Find Duplicates."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from db.library import Library
from db.records import Author, PaperData
from desktop.actions.files import DUPLICATE_CHOICES
from desktop.dialogs import ask
from desktop.dialogs.duplicates import DuplicatesDialog
from desktop.mainwindow import MainWindow
from desktop.paths import sample_listing
from desktop.tasks import TaskRunner
from tests.desktop.conftest import settle

ADA = ("Ada Lovelace\n\nML\nh-index3\n1papers\n\n1 Papers\n\nMLJan 5, 2021\n"
       "Notes on the analytical engine\n\nAda Lovelace\n\nWe describe an engine.\n")


def summary_box(window: MainWindow) -> QMessageBox:
    boxes = [b for b in window.findChildren(QMessageBox) if b.objectName() == "importSummary"]
    assert boxes
    return boxes[-1]


def test_reimporting_asks_what_to_do_with_duplicates(
    window: MainWindow, reader: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def answer(parent: object, title: str, label: str, options: list[str],
               editable: bool = True) -> str:
        asked.append(label)
        return next(o for o in options if DUPLICATE_CHOICES[o] == "skip")

    monkeypatch.setattr(ask, "choice", answer)
    window.files.import_paths([sample_listing()])
    settle(window)
    # The fixture read the listing as captured in 2025; read today, its three papers
    # dated without a year fall in this year, so only 30 are the same papers.
    assert asked and asked[0].startswith("30 of the papers being imported are already")
    assert reader.stats()["papers"] == 36
    assert "30 already in the library" in summary_box(window).text()


def test_cancelling_the_duplicate_question_imports_nothing(
    window: MainWindow, reader: Library, monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    monkeypatch.setattr(ask, "choice", lambda *args, **kwargs: None)
    before = reader.imports()
    window.files.import_paths([sample_listing()])
    settle(window)
    assert reader.stats()["papers"] == 33 and reader.imports() == before
    assert "cancelled" in window.statusBar().currentMessage()


def test_paste_as_papers_imports_the_clipboard_and_undo_takes_it_back(
    window: MainWindow, reader: Library
) -> None:
    QGuiApplication.clipboard().setText(ADA)
    window.files.paste_papers.trigger()
    settle(window)
    assert reader.stats()["papers"] == 34
    record = reader.imports()[0]
    assert record.file == "clipboard" and record.format == "profile"
    assert summary_box(window).text().startswith("Imported 1 paper")
    window.undo_action.trigger()
    settle(window)
    assert reader.stats()["papers"] == 33 and len(reader.imports()) == 1
    assert "Ada Lovelace" not in [rl.name for rl in reader.lists()]


def test_a_file_that_cannot_be_read_is_reported(window: MainWindow, reader: Library,
                                                 tmp_path: object) -> None:
    from pathlib import Path

    junk = Path(str(tmp_path)) / "junk.bin"
    junk.write_bytes(b"\x00\x01\x02 binary")
    window.files.import_paths([junk])
    settle(window)
    box = summary_box(window)
    assert box.text() == "Imported 0 papers; 1 problem." and "binary file" in box.detailedText()
    assert reader.stats()["papers"] == 33


def test_find_duplicates_merges_and_sets_apart_with_undo(
    qtbot: QtBot, window: MainWindow, reader: Library, runner: TaskRunner
) -> None:
    ids = reader.search("")
    first = reader.paper(ids[0])
    second = reader.paper(ids[1])
    window.commands.new_paper(PaperData(title=first.title.upper(), authors=first.authors,
                                        date=first.date, venue="ICLR", tags=("copy",)),
                              lambda _: None)
    window.commands.new_paper(PaperData(title=second.title, doi="10.1/x", date="1999",
                                        authors=(Author("Other", "A."),)), lambda _: None)
    window.commands.new_paper(PaperData(title="Solo", doi="10.1/X"), lambda _: None)
    settle(window)
    dialog = DuplicatesDialog(reader, runner, window.commands, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.scan()
    settle(window)
    assert len(dialog.groups) == 2 and all(g.high for g in dialog.groups)
    assert dialog.table.columnCount() == 2
    venue_row = [dialog.table.verticalHeaderItem(r).text()
                 for r in range(dialog.table.rowCount())].index("Venue")
    cell = dialog.table.item(venue_row, 1)
    assert cell is not None and cell.text() == "ICLR" and cell.font().bold()
    dialog.group_list.setCurrentRow(0)
    kept = dialog.groups[0].ids[0]
    dialog.merge_button.click()
    settle(window)
    assert reader.paper(kept).venue == "ICLR" and "copy" in reader.paper(kept).tags
    assert len(dialog.groups) == 1
    dialog.apart_button.click()
    settle(window)
    assert dialog.groups == [] and not dialog.merge_all_button.isEnabled()
    window.undo_action.trigger()
    window.undo_action.trigger()
    settle(window)
    assert reader.paper(kept).venue == "" and reader.count("in:trash") == 0
    dialog.scan()
    settle(window)
    assert len(dialog.groups) == 2
    dialog.merge_all_certain()
    settle(window)
    assert dialog.groups == [] and reader.count("in:trash") == 2
    assert window.undo_action.text() == "&Undo Merge 2 groups of duplicates"
    assert dialog.summary.textFormat() == Qt.TextFormat.PlainText
