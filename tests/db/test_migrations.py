"""The schema's appended steps: old files open, newer ones are refused, nothing half-done."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from db import migrations
from db.errors import LibraryError, LibraryLockedError, LibraryTooNewError, NotALibraryError
from db.library import Library

V1_FILE = Path(__file__).parent / "data" / "schema-v1.library"


def test_a_new_library_is_at_the_current_version(library_path: Path) -> None:
    with Library.open(library_path) as lib:
        assert migrations.schema_version(lib.conn) == migrations.SCHEMA_VERSION
        assert lib.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert lib.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert lib.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_the_v1_library_file_opens_with_its_papers(tmp_path: Path) -> None:
    copy = tmp_path / "v1.sqlite"
    shutil.copy(V1_FILE, copy)
    with Library.open(copy) as lib:
        assert migrations.schema_version(lib.conn) == migrations.SCHEMA_VERSION
        indexes = {r[0] for r in lib.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert {"papers_live_newest", "papers_live_status", "papers_trash"} <= indexes
        assert "papers_live" not in indexes and "papers_deleted" not in indexes
        assert lib.stats() == {"papers": 3, "trash": 1, "tags": 2, "lists": 1, "notes": 1}
        assert lib.search("message passing") == [lib.paper_id("wangAcmpAllenCahn2022")]
        assert [i.paper_id for i in lib.list_items("Kai Yi")] == [1, 2]
        assert lib.paper(1).tags == ("gnn", "ml/graphs")


def test_a_library_from_a_newer_papershelf_is_refused(library_path: Path) -> None:
    Library.open(library_path).close()
    conn = sqlite3.connect(library_path)
    conn.execute(f"PRAGMA user_version = {migrations.SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(LibraryTooNewError, match="newer version of Papershelf"):
        Library.open(library_path)
    with pytest.raises(LibraryTooNewError):
        Library.open(library_path, read_only=True)
    # The refusal released the writer lock.
    conn = sqlite3.connect(library_path)
    conn.execute(f"PRAGMA user_version = {migrations.SCHEMA_VERSION}")
    conn.close()
    Library.open(library_path).close()


def _add_step(monkeypatch: pytest.MonkeyPatch, step: migrations.Step) -> None:
    steps = (*migrations.STEPS, step)
    monkeypatch.setattr(migrations, "STEPS", steps)
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", len(steps))
    monkeypatch.setattr("db.store.SCHEMA_VERSION", len(steps))


def test_a_pending_step_backs_the_file_up_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "v1.sqlite"
    shutil.copy(V1_FILE, copy)

    def add_column(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE papers ADD COLUMN language TEXT NOT NULL DEFAULT ''")

    _add_step(monkeypatch, add_column)
    with Library.open(copy) as lib:
        assert migrations.schema_version(lib.conn) == migrations.SCHEMA_VERSION
        assert lib.stats()["papers"] == 3
        assert "language" in [r[1] for r in lib.conn.execute("PRAGMA table_info(papers)")]
    backups = list((tmp_path / "backups" / "v1.sqlite").glob("*-before-migration-v1.sqlite"))
    assert len(backups) == 1
    assert backups[0].with_suffix(".jsonl").exists()
    old = sqlite3.connect(backups[0])
    assert old.execute("PRAGMA user_version").fetchone()[0] == 1
    assert old.execute("SELECT count(*) FROM papers").fetchone()[0] == 4
    old.close()


def test_a_failing_step_leaves_the_library_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "v1.sqlite"
    shutil.copy(V1_FILE, copy)

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE papers ADD COLUMN half_done TEXT")
        raise sqlite3.OperationalError("disk I/O error")

    released = migrations.SCHEMA_VERSION
    _add_step(monkeypatch, broken)
    with pytest.raises(sqlite3.OperationalError):
        Library.open(copy)
    conn = sqlite3.connect(copy)
    # The released steps went through, each in its own transaction; the broken one left
    # no trace.
    assert conn.execute("PRAGMA user_version").fetchone()[0] == released
    columns = [r[1] for r in conn.execute("PRAGMA table_info(papers)")]
    assert "half_done" not in columns
    conn.close()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"this is a text file, not a database\n" * 40, "not an SQLite database"),
        (b"SQLite format 3\x00" + b"\x00" * 50, "not an SQLite database"),
    ],
)
def test_files_that_are_not_libraries_are_refused(
    library_path: Path, content: bytes, message: str
) -> None:
    library_path.write_bytes(content)
    with pytest.raises(NotALibraryError, match=message):
        Library.open(library_path)
    assert library_path.read_bytes() == content


def test_another_programs_database_is_refused(library_path: Path) -> None:
    conn = sqlite3.connect(library_path)
    conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(NotALibraryError, match="another program's database"):
        Library.open(library_path)


def test_one_writer_at_a_time_and_readers_beside_it(library_path: Path) -> None:
    writer = Library.open(library_path)
    try:
        with pytest.raises(LibraryLockedError, match="open for writing in another"):
            Library.open(library_path)
        with Library.open(library_path, read_only=True) as reader:
            assert reader.read_only and reader.stats()["papers"] == 0
            with pytest.raises(LibraryError, match="read-only"):
                reader.create_list("x")
    finally:
        writer.close()
    Library.open(library_path).close()


def test_an_empty_file_read_only_is_explained(tmp_path: Path) -> None:
    with pytest.raises(LibraryError, match="does not exist"):
        Library.open(tmp_path / "missing.sqlite", read_only=True)
