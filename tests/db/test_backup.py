"""Backups: verified copies with a text twin, rotated, restorable."""

from __future__ import annotations

import random
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from db import backup
from db.backup import Backup
from db.errors import LibraryError
from db.library import Library
from tests.factories import fake_paper

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def filled(path: Path, papers: int = 5) -> Path:
    """A library with papers and a note, and no backup yet (opening it again takes the
    day's first one: tests that need a clean slate open it and clear them)."""
    with Library.open(path) as lib:
        ids = lib.import_papers([fake_paper(random.Random(i)) for i in range(papers)],
                                on_duplicate="keep").added
        lib.add_note(ids[0], "A note that must survive.")
    return path


def opened(path: Path) -> Library:
    """The library, open, without the daily backup its opening took."""
    lib = Library.open(path)
    shutil.rmtree(backup.folder_of(path), ignore_errors=True)
    return lib


def test_a_backup_is_a_checked_copy_with_a_text_twin(tmp_path: Path) -> None:
    path = filled(tmp_path / "lib.sqlite")
    with opened(path) as lib:
        made = backup.take(lib.conn, path, "manual", NOW)
    assert made.path.parent == tmp_path / "backups" / "lib.sqlite"
    assert (made.papers, made.notes, made.reason) == (5, 1, "manual")
    copy = sqlite3.connect(made.path)
    assert copy.execute("SELECT count(*) FROM papers").fetchone()[0] == 5
    copy.close()
    rows = backup.read_text_copy(made.text_copy)
    assert len(rows["papers"]) == 5
    assert rows["notes"][0]["body"] == "A note that must survive."
    assert "papers_fts" not in rows and len(rows["authors"]) >= 5
    assert backup.backups(path) == [made]
    assert "5 papers, 1 note" in made.describe()
    assert not list(made.path.parent.glob(".*"))  # no partial file left behind


def test_the_daily_backup_is_due_once_a_day(tmp_path: Path) -> None:
    path = filled(tmp_path / "lib.sqlite")
    with opened(path) as lib:
        assert backup.due(path, NOW)
        backup.take(lib.conn, path, "daily", NOW)
    assert not backup.due(path, NOW + timedelta(hours=23))
    assert backup.due(path, NOW + timedelta(hours=24))


def fake(days_ago: float, reason: str = "daily") -> Backup:
    created = NOW - timedelta(days=days_ago)
    return Backup(Path(f"/b/{created:%Y%m%dT%H%M}-{reason}.sqlite"), created, reason)


def test_rotation_keeps_a_day_then_7_daily_4_weekly_6_monthly_and_migrations() -> None:
    found = [fake(d / 4) for d in range(4 * 400)]  # four a day for 400 days
    found.append(fake(300, "before-migration-v4"))
    found.sort(key=lambda b: b.created, reverse=True)
    keep = set(backup.kept(found, NOW))
    by_path = {b.path: b for b in found}
    ages = sorted((NOW - by_path[p].created).days for p in keep)
    # The last day's four are all kept.
    assert sum(1 for p in keep if NOW - by_path[p].created < timedelta(days=1)) == 4
    assert any(by_path[p].reason.startswith("before-migration") for p in keep)
    # One day's four, the newest of each of 7 days (today's counted), of 4 weeks and of
    # 6 months (some shared), and the migration one.
    assert 4 + 6 <= len(keep) <= 4 + 6 + 4 + 6 + 1
    assert max(ages) == 300  # the migration backup; the oldest rotated one is younger
    assert max(a for a in ages if a != 300) < 190


def test_rotation_deletes_files_it_no_longer_keeps(tmp_path: Path) -> None:
    path = filled(tmp_path / "lib.sqlite", papers=1)
    with opened(path) as lib:
        for days in range(30, 0, -1):
            backup.take(lib.conn, path, "daily", NOW - timedelta(days=days))
        backup.take(lib.conn, path, backup.MIGRATION + "-v4", NOW - timedelta(days=29, hours=1))
    left = backup.backups(path)
    assert len(left) < 31
    assert any(b.reason.startswith(backup.MIGRATION) for b in left)
    files = {p.name for p in backup.folder_of(path).iterdir()}
    assert files == {b.path.name for b in left} | {b.text_copy.name for b in left}


def test_restore_puts_the_backup_back_and_keeps_what_it_replaced(tmp_path: Path) -> None:
    path = filled(tmp_path / "lib.sqlite")
    with opened(path) as lib:
        made = backup.take(lib.conn, path, "manual", NOW)
        lib.delete_papers(lib.search(""))
        lib.empty_trash()
    kept = backup.restore(made, path, now=NOW)
    assert kept is not None and kept.exists() and kept.name.startswith("lib.sqlite.before-restore")
    with Library.open(path) as lib:
        assert lib.stats()["papers"] == 5 and lib.stats()["notes"] == 1
    with Library.open(kept) as old:
        assert old.stats()["papers"] == 0


def test_a_damaged_backup_is_never_restored(tmp_path: Path) -> None:
    path = filled(tmp_path / "lib.sqlite")
    with opened(path) as lib:
        older = backup.take(lib.conn, path, "manual", NOW - timedelta(hours=1))
        newer = backup.take(lib.conn, path, "manual", NOW)
    newer.path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)
    assert not backup.good(newer) and backup.good(older)
    assert backup.newest_good(path) == older
    before = path.read_bytes()
    with pytest.raises(LibraryError, match="damaged"):
        backup.restore(newer, path)
    assert path.read_bytes() == before


def test_a_backup_that_cannot_be_written_says_so_and_changes_nothing(tmp_path: Path) -> None:
    path = filled(tmp_path / "lib.sqlite")
    lib = opened(path)
    shutil.rmtree(tmp_path / "backups")
    (tmp_path / "backups").write_text("in the way", encoding="utf-8")
    with lib, pytest.raises(LibraryError, match="Could not write a backup"):
        backup.take(lib.conn, path, "manual", NOW)
    with Library.open(path) as lib:
        assert lib.stats()["papers"] == 5


def test_opening_backs_up_once_a_day_and_a_new_library_not_at_all(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite"
    Library.open(path).close()
    assert backup.backups(path) == []
    filled(path)
    assert backup.backups(path) == []  # it was empty when it was opened
    Library.open(path).close()
    assert [b.reason for b in backup.backups(path)] == ["daily"]
    Library.open(path).close()
    assert len(backup.backups(path)) == 1


def test_a_safeguard_backup_comes_before_a_destructive_operation(tmp_path: Path) -> None:
    path = filled(tmp_path / "lib.sqlite")
    with Library.open(path) as lib:
        lib.safeguard("before-empty-trash")
        with lib.batch():
            lib.safeguard("inside a transaction: the outer caller backed up")
        assert backup.backups(path)[0].reason == "before-empty-trash"
        assert len(backup.backups(path)) == 2  # the daily one on opening, and this
        # The backup folder made unusable (a file in its way): the operation is refused.
        folder = tmp_path / "backups" / "lib.sqlite"
        folder.rename(tmp_path / "moved")
        folder.write_text("in the way", encoding="utf-8")
        with pytest.raises(LibraryError, match="Nothing was changed"):
            lib.safeguard("before-merge")


def test_destructive_operations_back_up_first(tmp_path: Path) -> None:
    path = filled(tmp_path / "lib.sqlite", papers=3)
    with opened(path) as lib:
        lib.import_papers([fake_paper(random.Random(100 + i)) for i in range(101)],
                          on_duplicate="keep")
        lib.import_papers([fake_paper(random.Random(300))], on_duplicate="keep")
        lib.delete_papers(lib.search("")[:2])
        lib.empty_trash()
        lib.purge_papers(lib.search("")[:1])
        reasons = [b.reason for b in backup.backups(path)]
    assert reasons == ["before-purge", "before-empty-trash", "before-import"]
    kept = backup.backups(path)[1]
    copy = sqlite3.connect(kept.path)
    assert copy.execute("SELECT count(*) FROM papers WHERE deleted IS NOT NULL").fetchone()[0] == 2
    copy.close()


def test_the_window_can_take_the_daily_backup_after_opening(tmp_path: Path) -> None:
    path = filled(tmp_path / "lib.sqlite")
    with Library.open(path, daily_backup=False) as lib:
        assert backup.backups(path) == []
        lib.daily_backup()
        assert [b.reason for b in backup.backups(path)] == ["daily"]
        assert lib.backup_problem == ""
