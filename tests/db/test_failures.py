"""Failures in plain words: a full disk, a read-only library, a damaged file."""

from __future__ import annotations

import errno
import os
import random
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from db import backup
from db.errors import LibraryError, NotALibraryError
from db.failures import (
    DamagedLibraryError,
    DiskFullError,
    NotWritableError,
    check_before_opening,
    diagnose,
    opening,
    plain_write_error,
    unwritable,
)
from db.library import Library
from tests.factories import fake_paper

SAVED = "nothing of this change was saved; what was saved before is safe."


def papers(count: int, seed: int = 0) -> list[object]:
    return [fake_paper(random.Random(seed + i)) for i in range(count)]


def words_of(error: BaseException) -> LibraryError:
    """The error a user is shown: already in words (once Store.write translates), or
    translated here."""
    if isinstance(error, LibraryError):
        return error
    plain = plain_write_error(error)
    assert plain is not None, repr(error)
    return plain


def test_a_full_disk_refuses_the_whole_write_in_plain_words(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite"
    lib = Library.open(path)
    lib.import_papers(papers(5), on_duplicate="keep")  # type: ignore[arg-type]
    # The disk is full from here on: the file may not grow by a page.
    pages = lib.conn.execute("PRAGMA page_count").fetchone()[0]
    lib.conn.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(Exception) as raised:
        lib.import_papers(papers(400, seed=100), on_duplicate="keep")  # type: ignore[arg-type]
    error = words_of(raised.value)
    assert isinstance(error, DiskFullError)
    assert str(error).startswith(f"The disk is full: {SAVED}")
    assert lib.stats()["papers"] == 5  # nothing of the import, all of what was there
    lib.conn.execute("PRAGMA max_page_count = 1073741823")
    lib.close()
    with Library.open(path) as again:
        assert again.stats()["papers"] == 5


def test_a_library_that_became_read_only_is_said_so(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite"
    Library.open(path).close()
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as raised:
        conn.execute("INSERT INTO tags(name) VALUES ('x')")
    conn.close()
    error = plain_write_error(raised.value)
    assert isinstance(error, NotWritableError)
    assert str(error) == ("The library can no longer be written (its file, folder or disk "
                          f"became read-only): {SAVED}")


@pytest.mark.parametrize(
    ("number", "kind", "words"),
    [
        (errno.ENOSPC, DiskFullError, "The disk is full"),
        (errno.EDQUOT, DiskFullError, "The disk is full"),
        (errno.EROFS, NotWritableError, "the disk it is on is read-only"),
        (errno.EACCES, NotWritableError, "permission to write it was taken away"),
    ],
)
def test_the_operating_system_s_refusals_are_said_in_words(
    number: int, kind: type[LibraryError], words: str
) -> None:
    error = plain_write_error(OSError(number, os.strerror(number)))
    assert isinstance(error, kind) and words in str(error) and SAVED in str(error)


def test_what_is_not_a_known_failure_stays_a_bug() -> None:
    assert plain_write_error(ValueError("a bug")) is None
    assert plain_write_error(sqlite3.OperationalError("no such column: x")) is None
    assert plain_write_error(LibraryError("already in words")) is None
    # The ROLLBACK that fails after SQLite rolled back itself carries the cause.
    try:
        try:
            raise sqlite3.OperationalError("database or disk is full")
        except sqlite3.OperationalError:
            raise sqlite3.OperationalError(  # noqa: B904 - as Store.write's ROLLBACK does
                "cannot rollback - no transaction is active")
    except sqlite3.OperationalError as exc:
        assert isinstance(plain_write_error(exc), DiskFullError)


def test_a_damaged_file_while_writing_points_to_check_and_restore() -> None:
    error = plain_write_error(sqlite3.DatabaseError("database disk image is malformed"))
    assert isinstance(error, DamagedLibraryError)
    assert "Help → Check Library" in str(error) and "papershelf restore" in str(error)


# -- opening a damaged library ----------------------------------------------------------


def library_with_backup(path: Path) -> bytes:
    with Library.open(path) as lib:
        lib.import_papers(papers(30), on_duplicate="keep")  # type: ignore[arg-type]
        backup.take(lib.conn, path, "manual")
    return path.read_bytes()


def _truncated(path: Path, data: bytes) -> None:
    path.write_bytes(data[: len(data) // 3])


def _empty(path: Path, data: bytes) -> None:
    path.write_bytes(b"")


def _overwritten_start(path: Path, data: bytes) -> None:
    path.write_bytes(b"\x00" * 100 + data[100:])


def _scrambled(path: Path, data: bytes) -> None:
    damaged = bytearray(data)
    for offset in range(4096, len(damaged), 4096):
        damaged[offset: offset + 64] = b"\xa5" * 64
    path.write_bytes(bytes(damaged))


DAMAGE: dict[str, tuple[Callable[[Path, bytes], None], str]] = {
    "truncated": (_truncated, "is damaged: the file is cut short"),
    "empty": (_empty, "is empty: the papers it held are gone"),
    "overwritten start": (_overwritten_start, "no longer begins as an SQLite database"),
    "scrambled pages": (_scrambled, "is damaged: SQLite cannot read it"),
}


@pytest.mark.parametrize("kind", list(DAMAGE))
def test_each_kind_of_damage_is_told_in_words(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "lib.sqlite"
    data = library_with_backup(path)
    spoil, words = DAMAGE[kind]
    spoil(path, data)
    with pytest.raises(DamagedLibraryError, match=words):
        check_before_opening(path, read_only=False)
        with opening(path):
            Library.open(path).close()


def test_a_file_that_is_not_sqlite_and_another_program_s_database(tmp_path: Path) -> None:
    text = tmp_path / "notes.sqlite"
    text.write_text("hello " * 200, encoding="utf-8")
    with pytest.raises(NotALibraryError, match=r"it is not an SQLite database\.$"), \
            opening(text):
        Library.open(text).close()
    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE photos(id INTEGER PRIMARY KEY)")
    conn.commit()
    conn.close()
    with pytest.raises(NotALibraryError, match="another program's database"), opening(other):
        Library.open(other).close()


def test_an_empty_file_without_backups_becomes_a_new_library(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    path.write_bytes(b"")
    assert diagnose(path) is None
    check_before_opening(path, read_only=False)
    with Library.open(path) as lib:
        assert lib.stats()["papers"] == 0


def test_a_sound_library_is_diagnosed_as_such(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite"
    library_with_backup(path)
    assert diagnose(path) is None
    assert not (tmp_path / "lib.sqlite-wal").exists()  # the diagnosis left nothing beside it


def test_a_library_that_cannot_be_written_is_refused_for_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "lib.sqlite"
    Library.open(path).close()
    assert unwritable(path) == ""
    real_access = os.access
    monkeypatch.setattr("db.failures.os.access",
                        lambda p, mode: False if Path(p) == path else real_access(p, mode))
    assert unwritable(path) == "the file lib.sqlite is read-only"
    with pytest.raises(NotWritableError, match=r"cannot save changes to .*read-only"):
        check_before_opening(path, read_only=False)
    check_before_opening(path, read_only=True)  # reading it is fine
    monkeypatch.setattr("db.failures.os.access",
                        lambda p, mode: False if Path(p) == tmp_path else real_access(p, mode))
    assert unwritable(tmp_path / "sub" / "new.sqlite") == f"its folder {tmp_path} cannot be " \
                                                          "written"


def test_restoring_over_a_damaged_file_keeps_it_and_its_journal(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite"
    data = library_with_backup(path)
    _truncated(path, data)
    (tmp_path / "lib.sqlite-wal").write_bytes(b"journal")
    newest = backup.newest_good(path)
    assert newest is not None
    kept = backup.restore(newest, path, keep_as="damaged")
    assert kept is not None and kept.name.startswith("lib.sqlite.damaged-")
    assert kept.read_bytes() == data[: len(data) // 3]
    assert kept.with_name(kept.name + "-wal").read_bytes() == b"journal"
    with Library.open(path) as lib:
        assert lib.stats()["papers"] == 30


def test_a_restore_that_fails_leaves_the_library_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "lib.sqlite"
    data = library_with_backup(path)
    newest = backup.backups(path)[0]

    class FullDisk:
        """A connection whose copy runs out of room, as a full disk makes it."""

        def backup(self, target: object) -> None:
            raise sqlite3.OperationalError("database or disk is full")

        def close(self) -> None:
            pass

    monkeypatch.setattr("db.backup.good", lambda chosen: True)
    monkeypatch.setattr("db.backup.sqlite3.connect", lambda *a, **k: FullDisk())
    shutil.copyfile(path, tmp_path / "copy")
    with pytest.raises(LibraryError, match="The library was left as it was"):
        backup.restore(newest, path)
    assert path.read_bytes() == data
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backups", "copy", "lib.sqlite",
                                                          "lib.sqlite.lock"]
