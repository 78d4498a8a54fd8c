"""Check Library: SQLite's checks, the index against the tables, repairs in words."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from db.integrity import CheckStopped, check
from db.library import Library
from tests.factories import fake_paper


def library_with(path: Path, count: int = 6) -> Library:
    lib = Library.open(path)
    lib.import_papers([fake_paper(random.Random(i)) for i in range(count)], on_duplicate="keep")
    return lib


def test_a_sound_library_says_so(tmp_path: Path) -> None:
    with library_with(tmp_path / "lib.sqlite") as lib:
        report = check(lib)
    assert report.ok and not report.repaired
    assert report.describe().splitlines() == ["Checked 6 papers and 0 notes.",
                                              "The library is sound."]


def test_a_stale_search_index_is_rebuilt(tmp_path: Path) -> None:
    with library_with(tmp_path / "lib.sqlite") as lib:
        first = lib.search("")[0]
        title = lib.paper(first).title.split()[0]
        lib.conn.execute("DELETE FROM papers_fts WHERE rowid = ?", (first,))
        assert first not in lib.search(title)
        report = check(lib)
        assert report.ok and report.repaired
        assert "1 paper(s) missing" in report.describe()
        assert first in lib.search(title)
        assert check(lib).repaired == []


def test_a_read_only_library_reports_without_repairing(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite"
    with library_with(path) as lib:
        lib.conn.execute("DELETE FROM papers_fts WHERE rowid = (SELECT max(id) FROM papers)")
    with Library.open(path, read_only=True) as reader:
        report = check(reader)
    assert not report.ok and "stale" in report.describe()
    assert "Restore the newest good backup" in report.describe()


def test_dangling_rows_are_reported(tmp_path: Path) -> None:
    with library_with(tmp_path / "lib.sqlite") as lib:
        lib.conn.execute("PRAGMA foreign_keys = OFF")
        lib.conn.execute("INSERT INTO notes(paper_id, body, created, modified) "
                         "VALUES (9999, 'orphan', '', '')")
        report = check(lib)
    assert not report.ok
    assert "point at papers, tags or lists that no longer exist" in report.describe()


def test_a_check_stopped_at_once_changes_nothing(tmp_path: Path) -> None:
    with library_with(tmp_path / "lib.sqlite", count=200) as lib:
        asked: list[bool] = []

        def stop() -> bool:
            asked.append(True)
            return True

        with pytest.raises(CheckStopped, match="nothing was changed"):
            check(lib, stop=stop)
        assert asked
        # The connection is left as it was: nothing else is stopped from now on.
        assert len(lib.search("")) == 200
        assert check(lib, stop=lambda: False).ok


def test_a_check_stopped_while_rebuilding_the_index_rolls_the_rebuild_back(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with library_with(tmp_path / "lib.sqlite", count=300) as lib:
        lib.conn.execute("DELETE FROM papers_fts WHERE rowid = (SELECT max(id) FROM papers)")
        stopping = {"now": False}
        reindex = lib.reindex

        def reindex_then_cancel(ids: list[int]) -> None:
            stopping["now"] = True  # the user presses Cancel as the rebuild starts
            reindex(ids)

        monkeypatch.setattr(lib, "reindex", reindex_then_cancel)
        with pytest.raises(CheckStopped):
            check(lib, stop=lambda: stopping["now"])
        monkeypatch.undo()
        # Still stale: the rebuild was not half done.
        report = check(lib, repair=False)
        assert not report.ok and "1 paper(s) missing" in report.describe()
        assert check(lib).repaired
