"""The window's safety net: the banner, a read-only library, Restore from Backup…, Check
Library, and the dialog for a library that will not open."""

from __future__ import annotations

import os
import random
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from db import backup
from db.backup import Backup
from db.integrity import STOPPED
from db.library import Library
from desktop.app import App
from desktop.dialogs import ask, damaged
from desktop.dialogs.damaged import DamagedDialog
from desktop.dialogs.restore import RestoreDialog
from desktop.mainwindow import MainWindow
from desktop.models.sidebar import KIND_ROLE, NAME_ROLE
from desktop.settings import Settings
from desktop.startup import Opened, open_for_window
from desktop.tasks import Task, TaskRunner
from tests.db.test_failures import DAMAGE
from tests.desktop.conftest import settle
from tests.factories import fake_paper

# PAPERSHELF_SHOTS=/some/folder saves what these tests build as PNGs, for a person to
# look at (nothing compares them).
SHOTS = os.environ.get("PAPERSHELF_SHOTS", "")


def shoot(widget: object, name: str) -> None:
    grab = getattr(widget, "grab", None)
    if grab is not None and SHOTS and Path(SHOTS).is_dir():
        grab().save(str(Path(SHOTS) / f"papershelf-{name}.png"))


def filled(path: Path, count: int = 30) -> Path:
    with Library.open(path) as lib:
        ids = lib.import_papers([fake_paper(random.Random(i)) for i in range(count)],
                                on_duplicate="keep").added
        lib.add_note(ids[0], "A note that must survive.")
    return path


def message_boxes(widget: object, name: str) -> list[QMessageBox]:
    assert isinstance(widget, MainWindow)
    return [b for b in widget.findChildren(QMessageBox) if b.objectName() == name
            or (not name and b.isVisible())]


@pytest.fixture
def opened_window(qtbot: QtBot, tmp_path: Path) -> Iterator[tuple[MainWindow, Opened]]:
    """A window over a library that another Papershelf (a Library held here) writes."""
    path = filled(tmp_path / "shared.sqlite")
    other = Library.open(path)
    opened = open_for_window(str(path))
    runner = TaskRunner(opened.writer)
    window = MainWindow(opened.reader, runner, Settings(tmp_path / "settings.ini"))
    window.show_notices(opened.notices)
    qtbot.addWidget(window)
    window.resize(1400, 850)
    window.show()
    yield window, opened
    runner.shutdown()
    opened.reader.close()
    other.close()


# -- read-only, and the banner saying why --------------------------------------------------

def test_a_library_another_papershelf_writes_opens_read_only_with_a_banner(
    opened_window: tuple[MainWindow, Opened]
) -> None:
    window, opened = opened_window
    assert opened.read_only and window.read_only
    (notice,) = window.banner.notices()
    assert notice.startswith(f"Open read-only: another Papershelf (process {os.getpid()} "
                             "on host ")
    assert "is writing this library" in notice
    assert window.banner.isVisible()
    assert window.model.rowCount() == 30  # everything can be read
    shoot(window, "read-only-window")


def test_every_editing_action_is_off_while_read_only(
    qtbot: QtBot, opened_window: tuple[MainWindow, Opened]
) -> None:
    window, _ = opened_window
    window.table.selectRow(0)
    settle(window)
    for action in (window.papers.new_paper, window.papers.delete, window.papers.delete_for_good,
                   window.papers.empty_trash, window.files.import_files,
                   window.files.paste_papers, window.lists.add_to_list, window.lists.new_list,
                   window.lists.save_search, window.find_duplicates_action,
                   window.safety.restore_backup):
        assert not action.isEnabled(), action.text()
    for action in (window.papers.copy_key, window.export_action, window.safety.check_library,
                   window.files.open_library):
        assert action.isEnabled(), action.text()
    detail = window.detail
    assert all(field.widget.isReadOnly() for field in detail._fields.values())
    assert detail.shared.tags.isReadOnly() and not detail.shared.rating.isEnabled()
    assert not detail.notes.add_button.isEnabled() and detail.notes.editor.isReadOnly()
    assert not detail.notes.delete_button.isEnabled()
    # The sidebar offers searches, not renames; drops onto it are refused.
    model = window.sidebar.model()
    lists = next(model.index(r, 0) for r in range(model.rowCount())
                 if model.index(r, 0).data(NAME_ROLE) == "lists")
    assert lists.data(KIND_ROLE) == "section"
    assert window.sidebar.menu_for(lists) is None  # "New list…" is all it would offer
    assert not window.sidebar.acceptDrops()


def test_an_edit_that_gets_through_is_refused_with_a_message(
    qtbot: QtBot, opened_window: tuple[MainWindow, Opened], monkeypatch: pytest.MonkeyPatch
) -> None:
    window, opened = opened_window
    shown: list[str] = []
    monkeypatch.setattr("desktop.mainwindow.show_error",
                        lambda parent, what, error: shown.append(str(error)))
    paper_id = opened.reader.search("")[0]
    window.commands.add_tags([paper_id], ["urgent"])
    settle(window)
    assert shown == ["This library is open read-only: changes cannot be saved."]
    assert opened.reader.tags() == []
    files = QMimeData()
    files.setUrls([QUrl.fromLocalFile("/tmp/some.bib")])
    drop = QDropEvent(QPoint(10, 10), Qt.DropAction.CopyAction, files,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    window.dropEvent(drop)
    assert window.statusBar().currentMessage() == ("This library is open read-only: changes "
                                                   "cannot be saved.")


def test_a_synced_folder_and_a_failed_daily_backup_are_in_the_banner(
    app: App, tmp_path: Path
) -> None:
    folder = tmp_path / "Dropbox" / "papers"
    folder.mkdir(parents=True)
    path = filled(folder / "lib.sqlite")
    shutil.rmtree(backup.folder_of(path).parent, ignore_errors=True)
    backup.folder_of(path).parent.write_text("in the way", encoding="utf-8")
    assert app.open(str(path))
    window = app.window
    assert window is not None and not window.read_only
    # The window shows first; the day's backup runs on the writer thread after.
    settle(window)
    synced, backup_notice = window.banner.notices()
    assert synced.startswith(f"This library is in a folder that Dropbox syncs "
                             f"({tmp_path / 'Dropbox'})")
    assert backup_notice.startswith("Today's backup could not be made: Could not write a "
                                    "backup in ")
    assert "Your library is unharmed" in backup_notice
    assert window.papers.new_paper.isEnabled()
    window.resize(1400, 850)
    shoot(window, "banner-window")


def test_the_day_s_backup_is_taken_once_the_window_is_shown(app: App, tmp_path: Path) -> None:
    path = filled(tmp_path / "lib.sqlite")
    shutil.rmtree(backup.folder_of(path).parent, ignore_errors=True)
    assert app.open(str(path))
    assert app.window is not None
    settle(app.window)
    assert [b.reason for b in backup.backups(path)] == ["daily"]
    assert app.window.banner.notices() == []
    assert app.window.statusBar().currentMessage() == "Today's backup is made."


def test_no_notice_no_banner(window: MainWindow) -> None:
    assert window.banner.isHidden() and window.banner.notices() == []
    window.show_notices(["Something to know."])
    assert window.banner.isVisible()
    window.show_notices([])
    assert window.banner.isHidden()


# -- File → Restore from Backup… -------------------------------------------------------------

def test_the_restore_dialog_lists_the_backups_and_asks_before_restoring(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = filled(tmp_path / "lib.sqlite")
    with Library.open(path) as lib:  # the opening took the daily one
        lib.add_note(lib.search("")[0], "Another note")
        lib.safeguard(backup.BEFORE_MERGE)
    dialog = RestoreDialog(path)
    qtbot.addWidget(dialog)
    dialog.show()
    items = [dialog.table.topLevelItem(r) for r in range(dialog.table.topLevelItemCount())]
    rows = [[item.text(c) for c in range(4)] for item in items if item is not None]
    assert [row[1:] for row in rows] == [["Before merge", "30", "2"], ["Daily", "30", "1"]]
    assert rows[0][0] >= rows[1][0]
    assert dialog.selected() == backup.backups(path)[0] and dialog.restore_button.isEnabled()
    shoot(dialog, "restore-dialog")
    chosen: list[Backup] = []
    dialog.restore_chosen.connect(chosen.append)
    questions: list[str] = []

    def answer(parent: object, title: str, question: str, action: str) -> bool:
        questions.append(question)
        return len(questions) > 1  # no the first time, yes the second

    monkeypatch.setattr(ask, "confirm", answer)
    dialog.select(1)
    dialog.restore_button.click()
    assert chosen == [] and dialog.isVisible()
    assert "Changes made after" in questions[0] and "lib.sqlite.before-restore-" in questions[0]
    assert "(30 papers, 1 note)" in questions[0]
    dialog.restore_button.click()
    assert chosen == [backup.backups(path)[1]] and not dialog.isVisible()


def test_a_library_without_backups_says_so(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = RestoreDialog(tmp_path / "new.sqlite")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.empty.isVisible() and not dialog.restore_button.isEnabled()


@pytest.fixture
def app(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[App]:
    monkeypatch.delenv("PAPERSHELF_LIBRARY", raising=False)
    application = App(settings_path=tmp_path / "settings.ini")
    yield application
    application.close()


def test_restoring_from_the_window_reopens_the_library_and_says_where_the_old_one_is(
    app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = filled(tmp_path / "lib.sqlite")
    assert app.open(str(path))
    window = app.window
    assert window is not None
    window.commands.add_tags(window.reader.search(""), ["added after the backup"])
    settle(window)
    monkeypatch.setattr(ask, "confirm", lambda *args: True)
    window.safety.restore_backup.trigger()
    dialog = window.findChild(RestoreDialog)
    assert dialog is not None
    dialog.restore_button.click()
    QApplication.processEvents()
    assert app.window is not None and app.window is not window
    assert app.window.reader.tags() == [] and app.window.model.rowCount() == 30
    (box,) = [b for b in app.window.findChildren(QMessageBox) if b.isVisible()]
    assert box.text().startswith("Restored the backup of ")
    kept = Path(box.text().splitlines()[-1])
    assert kept.name.startswith("lib.sqlite.before-restore-") and kept.exists()
    with Library.open(kept, read_only=True) as old:
        assert [t.name for t in old.tags()] == ["added after the backup"]


# -- Help → Check Library ----------------------------------------------------------------------

def test_check_library_runs_on_the_writer_and_shows_the_report(
    qtbot: QtBot, window: MainWindow, runner: TaskRunner
) -> None:
    window.safety.check_library.trigger()
    settle(window)
    (box,) = message_boxes(window, "checkReport")
    assert box.text() == "Checked 33 papers and 0 notes.\nThe library is sound."
    assert box.textFormat() == Qt.TextFormat.PlainText
    box.close()
    # A stale index is rebuilt there, and searches find what it lost.
    runner.library.conn.execute("DELETE FROM papers_fts")
    window.search.set_query("protein")
    settle(window)
    assert window.model.rowCount() == 0
    window.safety.check_library.trigger()
    settle(window)
    report = [b for b in message_boxes(window, "checkReport") if b.isVisible()][-1]
    assert "Repaired: the search index" in report.text()
    assert report.icon() == QMessageBox.Icon.Information
    assert window.model.rowCount() > 0
    shoot(report, "check-report")


def test_cancelling_check_library_stops_it_and_says_so(
    qtbot: QtBot, window: MainWindow, runner: TaskRunner
) -> None:
    gate = threading.Event()
    runner.submit(lambda lib: gate.wait(10))  # the writer is busy: the check waits its turn
    started: list[Task] = []
    runner.started.connect(started.append)
    failures: list[str] = []
    runner.failed.connect(lambda label, error: failures.append(f"{label}: {error}"))
    window.safety.check_library.trigger()
    (task,) = [t for t in started if t.label == "Checking the library"]
    task.cancel()  # the progress dialog's Cancel
    gate.set()
    settle(window)
    assert message_boxes(window, "checkReport") == []
    assert window.statusBar().currentMessage() == STOPPED
    assert failures == []
    # Not cancelled, it runs to its report.
    window.safety.check_library.trigger()
    settle(window)
    (box,) = message_boxes(window, "checkReport")
    assert "The library is sound." in box.text()


def test_a_check_that_finds_damage_offers_the_backups(
    qtbot: QtBot, window: MainWindow, runner: TaskRunner
) -> None:
    runner.library.conn.execute("PRAGMA foreign_keys = OFF")
    runner.library.conn.execute("INSERT INTO notes(paper_id, body, created, modified) "
                                "VALUES (99999, 'orphan', '', '')")
    window.safety.check_library.trigger()
    settle(window)
    (box,) = message_boxes(window, "checkReport")
    assert box.icon() == QMessageBox.Icon.Warning and "Problem: " in box.text()
    offer = next(b for b in box.buttons() if b.text() == "Restore from Backup…")
    offer.click()
    assert window.findChild(RestoreDialog) is not None


# -- a library that will not open ------------------------------------------------------------

def test_the_damaged_dialog_offers_what_can_be_done(qtbot: QtBot, tmp_path: Path) -> None:
    path = filled(tmp_path / "lib.sqlite")
    with Library.open(path) as lib:
        newest = backup.take(lib.conn, path, "manual")
    problem = f"{path} is damaged: the file is cut short (100,000 of 401,408 bytes)."
    dialog = DamagedDialog(path, problem, newest)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.choices() == ["Restore the Newest Good Backup", "Open Another Library…",
                                "Quit"]
    assert dialog.problem.text() == problem
    assert dialog.problem.textFormat() == Qt.TextFormat.PlainText
    assert "lib.sqlite.damaged-…" in dialog.backup_label.text()
    assert dialog.restore_button.isDefault() and dialog.focusProxy() is dialog.restore_button
    shoot(dialog, "damaged-dialog")
    dialog.restore_button.click()
    assert dialog.choice == damaged.RESTORE
    alone = DamagedDialog(path, problem, None, can_quit=False)
    qtbot.addWidget(alone)
    assert alone.choices() == ["Open Another Library…", "Cancel"]
    assert alone.backup_label.text() == "There is no good backup of this library to restore."


@pytest.mark.parametrize("kind", list(DAMAGE))
def test_opening_a_damaged_library_offers_its_newest_good_backup_and_restores_it(
    app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    path = filled(tmp_path / "lib.sqlite")
    with Library.open(path) as lib:
        backup.take(lib.conn, path, "manual")
    data = path.read_bytes()
    spoil, words = DAMAGE[kind]
    spoil(path, data)
    asked: list[tuple[str, Backup | None, bool]] = []

    def choose(parent: object, library: Path, problem: str, newest: Backup | None, *,
               can_quit: bool) -> str:
        asked.append((problem, newest, can_quit))
        return damaged.RESTORE

    monkeypatch.setattr(damaged, "ask", choose)
    assert app.open(str(path))
    ((problem, newest, can_quit),) = asked
    assert words in problem and can_quit
    assert newest == backup.newest_good(path)
    window = app.window
    assert window is not None and window.model.rowCount() == 30
    (box,) = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    kept = Path(box.text().splitlines()[-1])
    assert kept.name.startswith("lib.sqlite.damaged-") and kept.exists()


def test_a_file_that_is_no_library_offers_another_one_or_quitting(
    app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = tmp_path / "notes.sqlite"
    text.write_text("not a library\n" * 40, encoding="utf-8")
    other = filled(tmp_path / "other.sqlite", count=3)
    answers = iter([damaged.OTHER, damaged.OTHER, damaged.QUIT])
    offered: list[Backup | None] = []

    def choose(parent: object, library: Path, problem: str, newest: Backup | None, *,
               can_quit: bool) -> str:
        offered.append(newest)
        assert "is not a Papershelf library: it is not an SQLite database." in problem
        return next(answers)

    picks = iter([None, other])  # the file dialog cancelled once: the choices come back
    monkeypatch.setattr(damaged, "ask", choose)
    monkeypatch.setattr(damaged, "choose_library", lambda parent: next(picks))
    assert app.open(str(text))
    assert offered == [None, None]
    assert app.window is not None and app.window.reader.path == other
    app.close()
    assert not app.open(str(text))  # Quit
    assert app.window is None


def test_merging_duplicates_in_the_window_is_backed_up_first(
    qtbot: QtBot, window: MainWindow, gui_library_path: Path
) -> None:
    ids = window.reader.search("")[:2]
    before = len(backup.backups(gui_library_path))
    window.commands.merge_groups([ids])
    settle(window)
    found = backup.backups(gui_library_path)
    assert len(found) == before + 1 and found[0].reason == backup.BEFORE_MERGE
    assert found[0].papers == 33


def test_opening_it_again_once_the_other_papershelf_closed_makes_it_writable(
    app: App, tmp_path: Path
) -> None:
    path = filled(tmp_path / "lib.sqlite", count=3)
    other = Library.open(path)
    try:
        assert app.open(str(path))
        assert app.window is not None and app.window.read_only
        assert app.window.windowTitle() == "Papershelf — lib.sqlite (read-only)"
    finally:
        other.close()
    assert app.switch(path)
    assert app.window is not None and not app.window.read_only
    assert app.window.banner.notices() == [] and app.window.papers.new_paper.isEnabled()
    assert app.switch(path) and app.window.windowTitle() == "Papershelf — lib.sqlite"
