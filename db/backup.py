"""Backups of a library: online copies, verified before they count, rotated, each with a
plain-text twin.

Where they live: ``backups/<library name>/`` beside the library file. Each backup is two
files with the same stem, ``<UTC time>-<reason>``:

* ``.sqlite`` — a copy made with SQLite's online backup API (a consistent snapshot even
  while the library is open), written to a temporary name, checked (``integrity_check``
  and the same paper and note counts as the library), then renamed: a backup that is
  there is a good one.
* ``.jsonl`` — every row of every table as JSON lines, so that the papers and notes
  survive even if no SQLite file does: any text editor or script can read them.

When: on open at most once a day, before every migration, and before destructive bulk
operations (emptying the trash, purging, merging duplicates, a large import).

Rotation keeps everything from the last day, then the newest backup of each of the last
7 days, 4 weeks and 6 months; backups taken before a migration are never rotated away.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from db.counts import amount
from db.errors import LibraryError

FOLDER = "backups"
KEEP_DAILY = 7
KEEP_WEEKLY = 4
KEEP_MONTHLY = 6
# Everything younger than this is kept: the backup before this morning's merge must not
# be rotated away by the one before this afternoon's.
KEEP_ALL = timedelta(days=1)
DAILY = timedelta(days=1)
MIGRATION = "before-migration"
# Why a safeguard backup was taken (Library.safeguard), as its file names say it.
BEFORE_MERGE = "before-merge"
BEFORE_IMPORT = "before-import"
BEFORE_EMPTY_TRASH = "before-empty-trash"
BEFORE_PURGE = "before-purge"
_STAMP = "%Y%m%dT%H%M%S%fZ"
_NAME = re.compile(r"^(\d{8}T\d{12}Z)-([a-z0-9-]+)\.sqlite$")
# The full-text index is rebuilt from the tables; SQLite's own tables are not data.
_NOT_DATA = re.compile(r"^(sqlite_|papers_fts)")


@dataclass(frozen=True)
class Backup:
    """One backup: its files, when and why it was taken, what it holds."""

    path: Path
    created: datetime
    reason: str
    papers: int = 0
    notes: int = 0

    @property
    def text_copy(self) -> Path:
        return self.path.with_suffix(".jsonl")

    @property
    def when(self) -> str:
        """When it was taken, in local time to the minute."""
        return self.created.astimezone().strftime("%Y-%m-%d %H:%M")

    @property
    def why(self) -> str:
        return self.reason.replace("-", " ")

    def describe(self) -> str:
        """One line of a list of backups: when, what it holds, why."""
        return f"{self.when}  {self.contents}  ({self.why})"

    def summary(self) -> str:
        """For a sentence: ``2026-11-25 14:02 (33 papers, 2 notes; daily)``."""
        return f"{self.when} ({self.contents}; {self.why})"

    @property
    def contents(self) -> str:
        """``33 papers, 1 note``."""
        return f"{amount(self.papers, 'paper')}, {amount(self.notes, 'note')}"


def folder_of(library: Path) -> Path:
    return library.parent / FOLDER / library.name


def take(conn: sqlite3.Connection, library: Path, reason: str,
         now: datetime | None = None) -> Backup:
    """Back up the library open on ``conn`` (no transaction of its own open) and rotate.

    Raises :class:`LibraryError` in plain words when the copy cannot be written or does
    not check out; the library itself is never touched.
    """
    created = now or datetime.now(UTC)
    folder = folder_of(library)
    stem = f"{created.strftime(_STAMP)}-{_slug(reason)}"
    target = folder / f"{stem}.sqlite"
    partial = folder / f".{stem}.sqlite.partial"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        papers, notes = _counts(conn)
        dest = sqlite3.connect(partial)
        try:
            conn.backup(dest)
            _verify(dest, papers, notes, partial)
            _write_text_copy(dest, target.with_suffix(".jsonl"), created, reason)
        finally:
            dest.close()
        os.replace(partial, target)
    except OSError as exc:
        _discard(partial)
        raise LibraryError(f"Could not write a backup in {folder}: {exc.strerror}.") from None
    except sqlite3.Error as exc:
        _discard(partial)
        raise LibraryError(f"Could not back up {library.name}: {exc}.") from None
    except LibraryError:
        _discard(partial)
        raise
    backup = Backup(target, created, _slug(reason), papers, notes)
    rotate(library, created)
    return backup


def due(library: Path, now: datetime | None = None) -> bool:
    """Whether the daily backup on opening is due: none yet, or the newest a day old."""
    found = backups(library)
    return not found or (now or datetime.now(UTC)) - found[0].created >= DAILY


def backups(library: Path) -> list[Backup]:
    """The library's backups, newest first, with the counts their text copies record."""
    folder = folder_of(library)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        match = _NAME.match(path.name)
        if match is None:
            continue
        created = datetime.strptime(match.group(1), _STAMP).replace(tzinfo=UTC)
        papers, notes = _recorded_counts(path.with_suffix(".jsonl"))
        found.append(Backup(path, created, match.group(2), papers, notes))
    return sorted(found, key=lambda b: b.created, reverse=True)


def rotate(library: Path, now: datetime | None = None) -> list[Backup]:
    """Delete the backups the rotation no longer keeps; return them."""
    found = backups(library)
    keep = set(kept(found, now or datetime.now(UTC)))
    gone = [b for b in found if b.path not in keep]
    for backup in gone:
        backup.path.unlink(missing_ok=True)
        backup.text_copy.unlink(missing_ok=True)
    return gone


def kept(found: list[Backup], now: datetime) -> list[Path]:
    """Which of ``found`` (newest first) the rotation keeps."""
    keep = [b.path for b in found if b.reason.startswith(MIGRATION)
            or now - b.created < KEEP_ALL]
    periods: tuple[tuple[int, Callable[[datetime], object]], ...] = (
        (KEEP_DAILY, lambda t: t.date()),
        (KEEP_WEEKLY, lambda t: t.isocalendar()[:2]),
        (KEEP_MONTHLY, lambda t: (t.year, t.month)),
    )
    for count, period in periods:
        seen: list[object] = []
        for backup in found:
            key = period(backup.created)
            if key in seen:
                continue
            seen.append(key)
            keep.append(backup.path)  # the newest of its day, week or month
            if len(seen) == count:
                break
    return list(dict.fromkeys(keep))


def good(backup: Backup) -> bool:
    """Whether the backup file opens and passes SQLite's integrity check."""
    try:
        conn = sqlite3.connect(f"file:{backup.path}?mode=ro", uri=True)
        try:
            return str(conn.execute("PRAGMA integrity_check").fetchone()[0]) == "ok"
        finally:
            conn.close()
    except sqlite3.Error:
        return False


def newest_good(library: Path) -> Backup | None:
    return next((b for b in backups(library) if good(b)), None)


def restore(backup: Backup, library: Path, *, keep_as: str = "before-restore",
            now: datetime | None = None) -> Path | None:
    """Put ``backup`` in the library's place. The library must be closed.

    The file it replaces (with its WAL and shared-memory files) is kept beside it as
    ``<name>.<keep_as>-<time>``, never deleted; that path is returned (None when there was
    no library file). Raises :class:`LibraryError` if the backup is damaged.
    """
    if not good(backup):
        raise LibraryError(f"The backup {backup.path.name} is damaged; choose another.")
    stamp = (now or datetime.now(UTC)).strftime(_STAMP)
    kept_as: Path | None = None
    partial = library.with_name(f".{library.name}.restoring")
    # The copy is made first: if it fails (a full disk), the library is still in place.
    try:
        source = sqlite3.connect(f"file:{backup.path}?mode=ro", uri=True)
        dest = sqlite3.connect(partial)
        try:
            source.backup(dest)
        finally:
            dest.close()
            source.close()
    except (OSError, sqlite3.Error) as exc:
        _discard(partial)
        why = exc.strerror if isinstance(exc, OSError) else str(exc)
        raise LibraryError(f"Could not restore {library.name}: {why}. The library was "
                           "left as it was.") from None
    try:
        if library.exists():
            kept_as = library.with_name(f"{library.name}.{keep_as}-{stamp}")
            for suffix in ("", "-wal", "-shm"):
                old = library.with_name(library.name + suffix)
                if old.exists():
                    os.replace(old, kept_as.with_name(kept_as.name + suffix))
        os.replace(partial, library)
    except OSError as exc:
        _discard(partial)
        raise LibraryError(f"Could not restore {library.name}: {exc.strerror}.") from None
    return kept_as


def _discard(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


def _slug(reason: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", reason.lower()).strip("-") or "backup"


def _counts(conn: sqlite3.Connection) -> tuple[int, int]:
    names = {str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master")}
    papers = conn.execute("SELECT count(*) FROM papers").fetchone()[0] \
        if "papers" in names else 0
    notes = conn.execute("SELECT count(*) FROM notes").fetchone()[0] \
        if "notes" in names else 0
    return int(papers), int(notes)


def _verify(dest: sqlite3.Connection, papers: int, notes: int, path: Path) -> None:
    result = str(dest.execute("PRAGMA integrity_check").fetchone()[0])
    if result != "ok":
        raise LibraryError(f"The backup {path.name} failed its integrity check: {result}.")
    if _counts(dest) != (papers, notes):
        raise LibraryError(f"The backup {path.name} does not hold what the library holds.")


def _tables(conn: sqlite3.Connection) -> list[str]:
    return [str(r[0]) for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        if not _NOT_DATA.match(str(r[0]))]


def _rows(conn: sqlite3.Connection, table: str) -> Iterator[dict[str, object]]:
    cursor = conn.execute(f'SELECT * FROM "{table}"')  # a name from sqlite_master
    columns = [d[0] for d in cursor.description]
    for row in cursor:
        yield dict(zip(columns, row, strict=True))


def _write_text_copy(conn: sqlite3.Connection, path: Path, created: datetime,
                     reason: str) -> None:
    papers, notes = _counts(conn)
    partial = path.with_name(f".{path.name}.partial")
    with open(partial, "w", encoding="utf-8") as stream:
        header = {"papershelf-backup": 1, "created": created.isoformat(), "reason": reason,
                  "schema": conn.execute("PRAGMA user_version").fetchone()[0],
                  "papers": papers, "notes": notes}
        stream.write(json.dumps(header, ensure_ascii=False) + "\n")
        for table in _tables(conn):
            for row in _rows(conn, table):
                stream.write(json.dumps({"table": table, "row": row}, ensure_ascii=False,
                                        default=_blob) + "\n")
        stream.flush()
        os.fsync(stream.fileno())
    os.replace(partial, path)


def _blob(value: object) -> object:
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(type(value).__name__)


def _recorded_counts(text_copy: Path) -> tuple[int, int]:
    try:
        with open(text_copy, encoding="utf-8") as stream:
            header = json.loads(stream.readline())
        return int(header.get("papers", 0)), int(header.get("notes", 0))
    except (OSError, ValueError, AttributeError):
        return 0, 0


def read_text_copy(text_copy: Path) -> dict[str, list[dict[str, object]]]:
    """The rows a text copy holds, by table: what a recovery without SQLite starts from."""
    tables: dict[str, list[dict[str, object]]] = {}
    with open(text_copy, encoding="utf-8") as stream:
        stream.readline()
        for line in stream:
            item = json.loads(line)
            tables.setdefault(item["table"], []).append(item["row"])
    return tables
