"""The main window driven as a user drives it: type, click, drag, undo; then the file.

Each test names the point of the window's brief it covers.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QProgressDialog,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from db.library import Library
from db.records import Changes, PaperData
from desktop.dialogs import ask
from desktop.mainwindow import MainWindow
from desktop.models.papers import COLUMNS, ROW_BLOCK, ids_to_mime
from desktop.models.sidebar import KIND_ROLE, NAME_ROLE
from desktop.settings import Settings
from desktop.tasks import TaskRunner, current_task
from tests.desktop.conftest import settle


def type_search(qtbot: QtBot, window: MainWindow, text: str) -> None:
    window.search.field.clear()
    qtbot.keyClicks(window.search.field, text)
    qtbot.waitUntil(lambda: not window.search._debounce.isActive(), timeout=2000)


def titles(window: MainWindow) -> list[str]:
    return [window.model.index(r, 0).data() for r in range(window.model.rowCount())]


def sidebar_index(window: MainWindow, kind: str, name: str) -> object:
    model = window.sidebar.model()
    found = model.match(model.index(0, 0), NAME_ROLE, name, -1,
                        Qt.MatchFlag.MatchRecursive | Qt.MatchFlag.MatchExactly)
    return next(i for i in found if i.data(KIND_ROLE) == kind)


# 1. See the library --------------------------------------------------------------------------

def test_1_the_window_shows_sidebar_table_and_detail(window: MainWindow) -> None:
    assert window.model.rowCount() == 33
    sections = [window.sidebar.model().index(r, 0).data()
                for r in range(window.sidebar.model().rowCount())]
    assert sections == ["Library", "Reading lists", "Smart lists", "Tags"]
    assert window.status_label.text() == "33 papers · 33 shown · 0 selected"
    assert window.detail.isVisible() and window.sidebar.isVisible()


def test_1_layout_sort_and_selection_survive_a_restart(
    qtbot: QtBot, window: MainWindow, reader: Library, runner: TaskRunner, settings: Settings
) -> None:
    window.splitter.setSizes([300, 700, 400])
    window.table.horizontalHeader().moveSection(2, 0)
    window.table.setColumnHidden(3, True)
    window.table.horizontalHeader().sectionClicked.emit(2)  # sort by year
    window.table.selectRow(5)
    chosen = window.table.selected_ids()
    window.close()
    again = MainWindow(reader, runner, settings)
    qtbot.addWidget(again)
    again.show()
    assert again.table.sort == ("year", False)
    assert again.table.horizontalHeader().visualIndex(2) == 0
    assert again.table.isColumnHidden(3)
    assert again.table.selected_ids() == chosen
    assert abs(again.splitter.sizes()[0] - 300) < 40
    assert settings.last_library == str(reader.path)


# 2. Browse the table ----------------------------------------------------------------------------

def test_2_header_click_sorts_in_sql_and_cycles(window: MainWindow, reader: Library) -> None:
    year = next(i for i, c in enumerate(COLUMNS) if c.field == "year")
    window.table.horizontalHeader().sectionClicked.emit(year)
    assert window.model.ids() == reader.search("", sort="year")
    window.table.horizontalHeader().sectionClicked.emit(year)
    assert window.model.ids() == reader.search("", sort="year", descending=True)
    window.table.horizontalHeader().sectionClicked.emit(year)
    assert window.table.sort == (None, False)


def test_2_columns_can_be_hidden_from_the_menu(window: MainWindow) -> None:
    menu = window.table.columns_menu(window)
    venue = next(a for a in menu.actions() if a.text() == "Venue")
    venue.trigger()
    assert window.table.isColumnHidden(next(i for i, c in enumerate(COLUMNS)
                                            if c.field == "venue"))
    assert not next(a for a in menu.actions() if a.text() == "Title").isEnabled()


def test_2_enter_opens_only_safe_links(qtbot: QtBot, window: MainWindow, reader: Library,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr("desktop.links.QDesktopServices.openUrl",
                        lambda url: record(opened, bytes(url.toEncoded().data()).decode()))
    type_search(qtbot, window, "title:ACMP")
    window.table.setFocus()
    window.table.selectRow(0)
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    assert opened == ["https://github.com/ykiiiiii/ACMP"]
    paper_id = window.table.selected_ids()[0]
    window.commands.edit_papers({paper_id: {"code_url": "javascript:alert(1)",
                                            "doi": "10.1000/x y"}}, "Edit")
    settle(window)
    window.table.doubleClicked.emit(window.model.index(0, 0))
    assert opened[-1] == "https://doi.org/10.1000/x%20y"


def test_2_a_100k_library_opens_with_a_few_pages_fetched(
    qtbot: QtBot, tmp_path: Path, settings: Settings
) -> None:
    path = tmp_path / "big.sqlite"
    with Library.open(path) as lib:
        lib.import_papers([PaperData(title=f"Paper {n} on graphs", key=f"p{n}", date="2020")
                           for n in range(100_000)], on_duplicate="keep")
    runner = TaskRunner(Library.open(path))
    reader = Library.open(path, read_only=True)
    try:
        win = MainWindow(reader, runner, settings)
        qtbot.addWidget(win)
        win.show()
        QApplication.processEvents()
        assert win.model.rowCount() == 100_000
        # The first screen's rows, in a read or two.
        assert 1 <= win.model.row_reads <= 3
        assert win.model.rows_read <= 3 * ROW_BLOCK
        win.table.scrollToBottom()
        QApplication.processEvents()
        assert win.model.row_reads <= 5
        # One import: papers list in file order, the last at the bottom.
        assert win.model.index(99_999, 0).data() == "Paper 99999 on graphs"
        assert win.model.rows_read < 2000
    finally:
        win.close()
        runner.shutdown()
        reader.close()


# 3. Search as they type -------------------------------------------------------------------------

def test_3_typing_filters_and_the_status_bar_counts(qtbot: QtBot, window: MainWindow) -> None:
    type_search(qtbot, window, "protein")
    assert 0 < window.model.rowCount() < 33
    assert window.model.ids() == window.reader.search("protein")
    assert any("Protein" in t for t in titles(window))
    window.table.selectAll()
    count = window.model.rowCount()
    assert window.status_label.text() == f"33 papers · {count} shown · {count} selected"


def test_3_a_malformed_query_is_explained_and_the_results_stay(
    qtbot: QtBot, window: MainWindow
) -> None:
    type_search(qtbot, window, "graph")
    shown = window.model.ids()
    type_search(qtbot, window, 'graph "unclosed')
    assert window.search.error.isVisible()
    assert window.search.error.text() == "unclosed quote at 6"
    assert window.model.ids() == shown


def test_3_keys_focus_and_clear_the_field(qtbot: QtBot, window: MainWindow) -> None:
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.search.field.hasFocus()
    qtbot.keyClicks(window.search.field, "graph")
    qtbot.keyClick(window.search.field, Qt.Key.Key_Escape)
    assert window.search.text() == "" and window.model.rowCount() == 33
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Slash)
    assert window.search.field.hasFocus()


def test_3_completion_offers_prefixes_tags_and_lists(window: MainWindow) -> None:
    words = window.search._words.stringList()
    assert "author:" in words and 'list:"Kai Yi"' in words
    ids = window.model.ids()[:2]
    window.commands.add_tags(ids, ["ml/federated"])
    settle(window)
    assert 'tag:"ml/federated"' in window.search._words.stringList()


# 4. Work with tags ---------------------------------------------------------------------------

def test_4_clicking_tags_writes_the_query(qtbot: QtBot, window: MainWindow) -> None:
    ids = window.model.ids()
    window.commands.add_tags(ids[:3], ["gnn"])
    window.commands.add_tags(ids[2:5], ["bio"])
    settle(window)
    gnn, bio = sidebar_index(window, "tag", "gnn"), sidebar_index(window, "tag", "bio")
    window.sidebar.choose(gnn, Qt.KeyboardModifier.NoModifier)  # type: ignore[arg-type]
    assert window.search.text() == 'tag:"gnn"' and window.model.rowCount() == 3
    window.sidebar.choose(bio, Qt.KeyboardModifier.ControlModifier)  # type: ignore[arg-type]
    assert window.model.ids() == [ids[2]]
    window.sidebar.choose(bio, Qt.KeyboardModifier.AltModifier)  # type: ignore[arg-type]
    assert "-tag:" in window.search.text()


def test_4_dragging_papers_onto_a_tag_tags_them(window: MainWindow, reader: Library) -> None:
    ids = window.model.ids()
    window.commands.add_tags(ids[:1], ["gnn"])
    settle(window)
    data = window.model.mimeData([window.model.index(1, 0), window.model.index(2, 0)])
    target = sidebar_index(window, "tag", "gnn")
    rect = window.sidebar.visualRect(target)  # type: ignore[arg-type]
    drop = QDropEvent(rect.center().toPointF(), Qt.DropAction.CopyAction, data,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    window.sidebar.dropEvent(drop)
    settle(window)
    assert reader.tagged("gnn") == frozenset(ids[:3])
    assert sidebar_index(window, "tag", "gnn").data(Qt.ItemDataRole.DisplayRole)  # type: ignore[attr-defined]


# 5. Read and edit a paper ------------------------------------------------------------------------

def test_5_editing_in_the_detail_pane_saves_and_undoes(qtbot: QtBot, window: MainWindow,
                                                       reader: Library) -> None:
    window.table.selectRow(0)
    paper_id = window.table.selected_ids()[0]
    venue = window.detail.findChild(QWidget, "detailVenue")
    assert venue is not None
    venue.setFocus()
    qtbot.keyClicks(venue, "ICLR")
    qtbot.keyClick(venue, Qt.Key.Key_Return)
    settle(window)
    assert reader.paper(paper_id).venue == "ICLR"
    assert window.model.index(0, 3).data() == "ICLR"
    assert window.undo_action.text() == "&Undo Edit Venue"
    window.undo_action.trigger()
    settle(window)
    assert reader.paper(paper_id).venue == ""


# 6. Keep reading lists ----------------------------------------------------------------------------

def test_6_add_the_selection_to_a_new_list_and_reorder_it_by_dragging(
    window: MainWindow, reader: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ask, "choice", lambda *args: "Retreat")
    window.table.selectRow(0)
    window.table.selectionModel().select(
        window.model.index(4, 0),
        window.table.selectionModel().SelectionFlag.Select
        | window.table.selectionModel().SelectionFlag.Rows)
    first, fifth = window.table.selected_ids()
    window.lists.add_to_list.trigger()
    settle(window)
    assert reader.list_order("Retreat") == [first, fifth]
    window.search.set_query('list:"Retreat"')
    assert window.model.reorderable and window.model.ids() == [first, fifth]
    window.model.dropMimeData(ids_to_mime([fifth]), Qt.DropAction.MoveAction, 0, 0,
                              window.model.index(-1, -1))
    settle(window)
    assert reader.list_order("Retreat") == [fifth, first]
    assert window.model.ids() == [fifth, first]
    window.table.sort_requested.emit("year", False)
    window.table.set_sort("year", False)
    window.run_search()
    assert not window.model.reorderable


def test_6_save_the_search_as_a_smart_list(window: MainWindow, reader: Library,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ask, "text", lambda *args: "Proteins")
    window.search.set_query("protein year:>=2023")
    window.lists.save_search.trigger()
    settle(window)
    assert [(s.name, s.query) for s in reader.smart_lists()] == [("Proteins",
                                                                  "protein year:>=2023")]


# 7. Undo anything -------------------------------------------------------------------------------

def test_7_delete_goes_to_the_trash_and_undo_brings_it_back(
    qtbot: QtBot, window: MainWindow, reader: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.table.setFocus()
    window.table.selectRow(0)
    paper_id = window.table.selected_ids()[0]
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    settle(window)
    assert reader.search("in:trash") == [paper_id] and window.model.rowCount() == 32
    # The next paper is selected and shown, not the one that went to the trash.
    assert window.table.selected_ids() == [window.model.ids()[0]]
    title = window.detail.findChild(QPlainTextEdit, "detailTitle")
    assert title is not None
    assert title.toPlainText() == reader.paper(window.model.ids()[0]).title
    assert not window.papers.restore.isEnabled()
    assert window.undo_action.text() == "&Undo Move 1 paper to the trash"
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    settle(window)
    assert reader.search("in:trash") == [] and window.model.rowCount() == 33
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    settle(window)
    assert reader.search("in:trash") == [paper_id]
    monkeypatch.setattr(ask, "confirm", lambda *args: False)
    window.papers.empty_trash.trigger()
    settle(window)
    assert reader.count("in:trash") == 1
    monkeypatch.setattr(ask, "confirm", lambda *args: True)
    window.papers.empty_trash.trigger()
    settle(window)
    assert reader.count("in:trash") == 0 and reader.stats()["papers"] == 32


# 8. Find the usual commands ----------------------------------------------------------------------

def test_8_menus_hold_the_usual_commands(window: MainWindow) -> None:
    menus = {menu.title().replace("&", ""): [b.text().replace("&", "")
                                             for b in menu.actions() if b.text()]
             for menu in window.menuBar().findChildren(QMenu)
             if menu.parent() is window.menuBar()}
    assert menus["File"] == ["New Library…", "Open Library…", "Restore from Backup…",
                             "Import…", "Export…", "Quit"]
    for wanted in ("New Paper", "Move to Trash", "Select All", "Copy Citation Key",
                   "Preferences…"):
        assert wanted in menus["Edit"]
    assert {"Columns", "Show Sidebar", "Show Detail Pane", "Theme"} <= set(menus["View"])
    assert menus["Help"] == ["Search Syntax", "Check Library", "About Papershelf"]


def test_8_shortcuts_new_paper_copy_key_toggle_sidebar(
    qtbot: QtBot, window: MainWindow, reader: Library
) -> None:
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    settle(window)
    qtbot.waitUntil(lambda: bool(window.table.selected_ids()), timeout=2000)
    new = reader.paper(window.table.selected_ids()[0])
    assert new.title == "Untitled paper" and reader.stats()["papers"] == 34
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == new.key
    window.toggle_sidebar.trigger()
    assert not window.sidebar.isVisible()


def test_8_dropping_files_on_the_window_imports_them(
    qtbot: QtBot, window: MainWindow, reader: Library, tmp_path: Path
) -> None:
    listing = tmp_path / "ada.txt"
    listing.write_text("Ada Lovelace\n\nML\nh-index3\n1papers\n\n1 Papers\n\n"
                       "MLJan 5, 2021\nNotes on the analytical engine\n\nAda Lovelace\n\n"
                       "We describe an engine.\n", encoding="utf-8")
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(listing))])
    drop = QDropEvent(QPoint(400, 300).toPointF(), Qt.DropAction.CopyAction, data,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    window.dropEvent(drop)
    qtbot.waitUntil(lambda: reader.stats()["papers"] == 34, timeout=3000)
    settle(window)
    assert "Imported 1 paper" in window.statusBar().currentMessage()
    assert "Ada Lovelace" in [rl.name for rl in reader.lists()]
    window.undo_action.trigger()
    settle(window)
    assert reader.stats()["papers"] == 33 and "Ada Lovelace" not in [
        rl.name for rl in reader.lists()]


# 9. Never wait on a frozen window -------------------------------------------------------------

def test_9_a_long_write_shows_progress_and_cancel_rolls_it_back(
    qtbot: QtBot, window: MainWindow, reader: Library
) -> None:
    def slow(lib: Library) -> Changes:
        task = current_task()
        assert task is not None
        with lib.batch():
            lib.create_list("Half done")
            for step in range(100):
                task.report(step, 100)
                QThreadSleep.msleep(20)
        return Changes()

    window.runner.submit(slow, label="A slow job")
    # The window still answers while the job runs.
    type_search(qtbot, window, "protein")
    qtbot.waitUntil(lambda: bool(window.progress.dialogs()), timeout=3000)
    dialog = window.progress.dialogs()[0]
    assert isinstance(dialog, QProgressDialog) and dialog.labelText() == "A slow job"
    cancel = dialog.findChild(QPushButton)
    assert cancel is not None and cancel.text() == "Cancel"
    cancel.click()
    settle(window)
    assert "Half done" not in [rl.name for rl in reader.lists()]
    assert window.progress.dialogs() == []


def test_9_errors_are_plain_words(window: MainWindow) -> None:
    window.table.selectRow(0)
    paper_id = window.table.selected_ids()[0]
    window.commands.edit_papers({paper_id: {"date": "<b>June</b>"}}, "Edit Date")
    settle(window)
    boxes = [b for b in window.findChildren(QMessageBox) if b.objectName() == "errorDialog"]
    assert boxes and boxes[-1].textFormat() == Qt.TextFormat.PlainText
    assert "<b>June</b>" in boxes[-1].text() and boxes[-1].detailedText() == ""


# 10. Keyboard and screen readers -------------------------------------------------------------

def test_10_names_for_assistive_technology_and_tab_order(window: MainWindow) -> None:
    for name in ("searchField", "paperTable", "detailPane", "sidebar", "statusBar"):
        widget = window.findChild(QWidget, name)
        assert widget is not None, name
        assert widget.accessibleName() == name
    chain: list[str] = []
    widget = window.search.field.nextInFocusChain()
    while widget is not None and widget is not window.search.field and len(chain) < 200:
        chain.append(widget.objectName())
        widget = widget.nextInFocusChain()
    assert chain.index("paperTable") < chain.index("sidebar") < chain.index("detailTitle")


def record(into: list[str], url: str) -> bool:
    into.append(url)
    return True


class QThreadSleep:
    @staticmethod
    def msleep(ms: int) -> None:
        import time

        time.sleep(ms / 1000)


def test_preferences_preview_keys_and_apply_a_pattern_only_when_confirmed(
    qtbot: QtBot, window: MainWindow, reader: Library, settings: Settings,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.dialogs.preferences import PreferencesDialog

    dialog = PreferencesDialog(settings, reader, window.runner, window)
    qtbot.addWidget(dialog)
    before = sorted(reader.paper(i).key for i in reader.search(""))
    dialog.pattern.setText("[auth][year]")
    qtbot.waitUntil(lambda: dialog.pattern_note.text().startswith("33 key(s) would change"))
    dialog.pattern.setText("[colour]")
    qtbot.waitUntil(lambda: "Unknown key field" in dialog.pattern_note.text())
    assert not dialog.apply_pattern.isEnabled()
    dialog.pattern.setText("[auth][year]")
    qtbot.waitUntil(dialog.apply_pattern.isEnabled)
    monkeypatch.setattr(ask, "confirm", lambda *args: False)
    dialog.apply_pattern.click()
    settle(window)
    assert sorted(reader.paper(i).key for i in reader.search("")) == before
    monkeypatch.setattr(ask, "confirm", lambda *args: True)
    dialog.apply_pattern.click()
    settle(window)
    assert reader.paper_id("wangAcmpAllenCahn2022") == reader.paper_id("Wang2022")
    dialog.key_format.setCurrentIndex(1)
    dialog.accept()
    assert settings.key_format == "latex"
    window.table.selectRow(0)
    window.papers.copy_key.trigger()
    assert QGuiApplication.clipboard().text().startswith("\\cite{")
