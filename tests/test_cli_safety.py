"""`papershelf backup`, `backups`, `restore`, `check`, and what the command line says about
a library that will not open, a synced folder, a full disk."""

from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path

import pytest

from db import backup
from db.library import Library
from db.papers import BACKUP_BEFORE_IMPORT
from tests.db.test_failures import DAMAGE
from tests.factories import FAMILIES, WORDS
from tests.test_cli import _loaded, run


@pytest.fixture
def lib(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A library of 33 papers with a note, and the daily backup its second opening took
    (before the note)."""
    from desktop.paths import sample_listing

    path = tmp_path / "cli.sqlite"
    assert run(capsys, "--library", str(path), "import", str(sample_listing()),
               "--year", "2025")[0] == 0
    key = json.loads(run(capsys, "--library", str(path), "search", "--json")[1])[0]["key"]
    assert run(capsys, "--library", str(path), "note", "add", key, "Keep me")[0] == 0
    assert [b.reason for b in backup.backups(path)] == ["daily"]
    return path


def test_backup_prints_where_and_what_it_holds(capsys: pytest.CaptureFixture[str],
                                               lib: Path) -> None:
    status, out, err = run(capsys, "--library", str(lib), "backup")
    assert status == 0 and err == ""
    made = backup.backups(lib)[0]
    assert made.reason == "manual"
    assert out.splitlines() == [
        f"Backed up 33 papers and 1 note to {made.path}",
        f"A plain-text copy, readable without Papershelf: {made.text_copy}",
    ]


def test_backups_are_listed_newest_first_and_restore_without_one_lists_them(
    capsys: pytest.CaptureFixture[str], lib: Path, tmp_path: Path
) -> None:
    status, out, err = run(capsys, "--library", str(tmp_path / "none.sqlite"), "backups")
    assert status == 0 and out == "" and "There are no backups of" in err
    run(capsys, "--library", str(lib), "backup")
    run(capsys, "--library", str(lib), "tag", "add", "x",
        json.loads(run(capsys, "--library", str(lib), "search", "--json")[1])[0]["key"])
    with Library.open(lib) as opened:
        opened.safeguard(backup.BEFORE_MERGE)
    status, out, err = run(capsys, "--library", str(lib), "backups")
    lines = out.splitlines()
    assert status == 0 and len(lines) == 3
    assert lines[0].startswith("1  ") and lines[0].endswith("33 papers, 1 note  "
                                                           "(before merge)")
    assert lines[1].startswith("2  ") and lines[1].endswith("(manual)")
    assert lines[2].startswith("3  ") and lines[2].endswith("33 papers, 0 notes  (daily)")
    assert f"papershelf --library {lib} restore NUMBER" in err
    assert run(capsys, "--library", str(lib), "restore")[1] == out


def test_restore_puts_a_backup_back_and_says_where_the_old_file_is(
    capsys: pytest.CaptureFixture[str], lib: Path
) -> None:
    run(capsys, "--library", str(lib), "backup")
    run(capsys, "--library", str(lib), "tag", "add", "later", "--",
        *[p["key"] for p in json.loads(run(capsys, "--library", str(lib), "search",
                                           "--json")[1])][:3])
    status, out, err = run(capsys, "--library", str(lib), "restore", "1")
    assert status == 0, err
    first, second = out.splitlines()
    assert first.startswith("Restored the backup of ") and first.endswith(f"into {lib}")
    kept = Path(second.removeprefix("The file it replaced is kept as "))
    assert kept.name.startswith("cli.sqlite.before-restore-") and kept.exists()
    with Library.open(lib) as restored:
        assert restored.tags() == [] and restored.stats()["notes"] == 1
    with Library.open(kept, read_only=True) as old:
        assert [t.name for t in old.tags()] == ["later"]
    # By its file, too; and a number that is not in the list is refused in words.
    status, out, _ = run(capsys, "--library", str(lib), "restore",
                         str(backup.backups(lib)[-1].path))
    assert status == 0 and out.startswith("Restored the backup of")
    status, _, err = run(capsys, "--library", str(lib), "restore", "99")
    assert status == 1 and "There is no backup number 99" in err


def test_restore_waits_for_a_window_that_writes_the_library(
    capsys: pytest.CaptureFixture[str], lib: Path
) -> None:
    run(capsys, "--library", str(lib), "backup")
    before = lib.read_bytes()
    with Library.open(lib):
        status, _, err = run(capsys, "--library", str(lib), "restore", "1")
    assert status == 1 and "is open for writing in another Papershelf (process " in err
    assert "close it there, then restore" in err and "Traceback" not in err
    assert lib.read_bytes() == before


def test_check_reports_and_repairs(capsys: pytest.CaptureFixture[str], lib: Path) -> None:
    status, out, _ = run(capsys, "--library", str(lib), "check")
    assert status == 0 and out.splitlines() == ["Checked 33 papers and 1 note.",
                                                "The library is sound."]
    with Library.open(lib) as opened:
        opened.conn.execute("DELETE FROM papers_fts WHERE rowid = (SELECT min(id) FROM papers)")
    status, out, _ = run(capsys, "--library", str(lib), "check")
    assert status == 0 and "Repaired: the search index" in out
    with Library.open(lib) as opened:
        opened.conn.execute("PRAGMA foreign_keys = OFF")
        opened.conn.execute("INSERT INTO notes(paper_id, body, created, modified) "
                            "VALUES (99999, 'orphan', '', '')")
    status, out, _ = run(capsys, "--library", str(lib), "check")
    assert status == 1 and "Problem: 1 row(s) in notes point at" in out
    assert "`papershelf restore`" in out


@pytest.mark.parametrize("kind", list(DAMAGE))
def test_a_damaged_library_is_explained_with_the_command_that_restores_it(
    capsys: pytest.CaptureFixture[str], lib: Path, kind: str
) -> None:
    run(capsys, "--library", str(lib), "backup")
    spoil, words = DAMAGE[kind]
    spoil(lib, lib.read_bytes())
    for command in (("search",), ("tag", "add", "x", "y"), ("check",)):
        status, out, err = run(capsys, "--library", str(lib), *command)
        assert status == 1 and out == ""
        assert "Traceback" not in err and words in err
        assert err.splitlines()[1].endswith(f"papershelf --library {lib} restore 1")
    status, out, err = run(capsys, "--library", str(lib), "restore", "1")
    assert status == 0, err
    assert ".damaged-" in out.splitlines()[1]
    with Library.open(lib) as restored:
        assert restored.stats()["papers"] == 33


def test_files_that_are_no_library_exit_1_without_a_traceback(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = tmp_path / "text.sqlite"
    text.write_text("not a database\n" * 50, encoding="utf-8")
    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE songs(id INTEGER PRIMARY KEY)")
    conn.commit()
    conn.close()
    for path, words in ((text, "it is not an SQLite database."),
                        (other, "it is another program's database.")):
        status, _, err = run(capsys, "--library", str(path), "tag", "add", "x", "y")
        assert status == 1 and "Traceback" not in err
        assert err.splitlines() == [f"papershelf: {path} is not a Papershelf library: {words}"]


def test_a_library_in_a_synced_folder_is_warned_of_by_write_commands(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    synced = tmp_path / "Dropbox" / "papers.sqlite"
    status, _, err = run(capsys, "--library", str(synced), "note", "add", "x", "y")
    warning = [line for line in err.splitlines() if line.startswith("papershelf: warning:")]
    assert len(warning) == 1 and "Dropbox syncs" in warning[0]
    status, _, err = run(capsys, "--library", str(synced), "search")
    assert status == 0 and "warning" not in err


def test_a_full_disk_is_said_in_words(capsys: pytest.CaptureFixture[str], lib: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    def full(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(Library, "add_note", full)
    key = json.loads(run(capsys, "--library", str(lib), "search", "--json")[1])[0]["key"]
    status, _, err = run(capsys, "--library", str(lib), "note", "add", key, "more")
    assert status == 1 and "Traceback" not in err
    assert err.splitlines() == ["papershelf: The disk is full: nothing of this change was "
                                "saved; what was saved before is safe. Free some space, then "
                                "try again."]


def _bibtex(count: int, seed: int) -> str:
    """``count`` papers no two of which look like duplicates."""
    entries = []
    for i in range(count):
        rng = random.Random(seed * 100_000 + i)
        title = " ".join(rng.choice(WORDS) for _ in range(8)).capitalize()
        entries.append(f"@article{{p{seed}x{i},\n  title = {{{title} {seed}-{i}}},\n"
                       f"  author = {{{rng.choice(FAMILIES)}{i}, Ann}},\n"
                       f"  year = {{{1990 + i % 30}}},\n  doi = {{10.1000/{seed}.{i}}}\n}}\n\n")
    return "".join(entries)


def test_a_large_import_and_a_merge_are_backed_up_first(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "big.sqlite"
    small, large = tmp_path / "small.bib", tmp_path / "large.bib"
    small.write_text(_bibtex(BACKUP_BEFORE_IMPORT, seed=1), encoding="utf-8")
    large.write_text(_bibtex(BACKUP_BEFORE_IMPORT + 1, seed=2), encoding="utf-8")
    assert run(capsys, "--library", str(path), "import", str(small))[0] == 0
    assert backup.backups(path) == []  # a new library: nothing to lose yet
    assert run(capsys, "--library", str(path), "import", str(large))[0] == 0
    newest = backup.backups(path)[0]
    assert newest.reason == backup.BEFORE_IMPORT
    assert newest.papers == BACKUP_BEFORE_IMPORT  # taken before the large one went in
    assert run(capsys, "--library", str(path), "import", str(small), "--on-duplicate",
               "keep")[0] == 0
    status, _, err = run(capsys, "--library", str(path), "duplicates", "--merge")
    assert status == 0 and f"{BACKUP_BEFORE_IMPORT} merged" in err
    assert backup.backups(path)[0].reason == backup.BEFORE_MERGE


def test_backups_and_restore_open_nothing_heavy(lib: Path) -> None:
    listed = _loaded("--library", str(lib), "backups")
    assert listed[0] == "0" and "db.library" not in listed
