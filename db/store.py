"""The connection under the Library: opening, pragmas, write transactions, the FTS index."""

from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from db import backup, fts
from db.errors import LibraryError, NotALibraryError
from db.failures import plain_write_error
from db.lock import WriterLock
from db.migrations import APPLICATION_ID, SCHEMA_VERSION, check_version, migrate

if TYPE_CHECKING:
    import sqlite_utils

Clock = Callable[[], datetime]

BUSY_TIMEOUT_MS = 5000
# The page cache of a bulk write (see Store.large_cache), in KiB.
BULK_CACHE_KIB = 64 * 1024


def utc_now() -> datetime:
    return datetime.now(UTC)


def timestamp(moment: datetime) -> str:
    """ISO 8601 in UTC to the second: sorts as text, reads as a date."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def id_list(ids: Iterable[int]) -> str:
    """A JSON array for ``IN (SELECT value FROM json_each(?))``: one parameter, any length."""
    return json.dumps(sorted({int(i) for i in ids}))


IN_IDS = "(SELECT value FROM json_each(?))"


def _connect(path: Path | None, read_only: bool) -> sqlite3.Connection:
    if path is None:
        conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    elif read_only:
        conn = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None,
            check_same_thread=False,
        )
    else:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


def _check_is_library(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse a file that is not SQLite, or is another program's database."""
    try:
        app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise NotALibraryError(
            f"{path} is not a Papershelf library: it is not an SQLite database ({exc})."
        ) from None
    if app_id != APPLICATION_ID and (app_id != 0 or tables):
        raise NotALibraryError(
            f"{path} is not a Papershelf library: it is another program's database."
        )


class Store:
    """Owns the connection; every write goes through :meth:`write`.

    The connection runs in autocommit mode and every write is an explicit
    ``BEGIN IMMEDIATE`` … ``COMMIT``, so a user action is exactly one transaction and a
    crash in the middle leaves the library as it was.
    """

    def __init__(
        self, path: Path | None, *, read_only: bool = False, clock: Clock = utc_now,
    ) -> None:
        self.path = path
        self.read_only = read_only
        self._clock = clock
        self._depth = 0
        # Backups before destructive operations (db.backup); off only for building tools.
        self.backups = True
        self._lock: WriterLock | None = None
        if path is not None and not read_only:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._lock = WriterLock(path)
            self._lock.acquire()
        try:
            if path is not None and read_only and not path.exists():
                raise LibraryError(f"{path} does not exist.")
            self.conn = _connect(path, read_only)
            if path is not None:
                _check_is_library(self.conn, path)
            self._configure()
        except BaseException:
            if self._lock is not None:
                self._lock.release()
            raise

    @functools.cached_property
    def db(self) -> sqlite_utils.Database:
        """sqlite-utils over the same connection, made when first used: importing it
        (with click and dateutil) takes 40 ms of a command-line run's start-up."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

    def _configure(self) -> None:
        conn = self.conn
        conn.execute("PRAGMA foreign_keys = ON")
        if self.read_only:
            version = check_version(conn)
            if version == 0:
                raise NotALibraryError(f"{self.path} is empty: it holds no library yet.")
            if version < SCHEMA_VERSION:
                raise LibraryError(
                    f"{self.path} needs upgrading, which a read-only library cannot do."
                )
            return
        if self.path is not None:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise LibraryError(f"{self.path}: could not switch the library to WAL mode.")
        conn.execute("PRAGMA synchronous = FULL")
        migrate(conn, self.path)

    def close(self) -> None:
        try:
            if not self.read_only:
                # SQLite's advice: let it refresh the planner's statistics where the
                # session's queries showed they matter.
                self.conn.execute("PRAGMA optimize")
                # Folding the WAL back keeps the library a single file between sessions.
                self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            self.conn.close()
            if self._lock is not None:
                self._lock.release()
                self._lock = None

    def now(self) -> str:
        return timestamp(self._clock())

    def now_datetime(self) -> datetime:
        return self._clock()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One user action: ``BEGIN IMMEDIATE`` … ``COMMIT``, rolled back on any error.

        Writes nested inside an open one join it, so that several use cases (an undo that
        re-creates a tag and re-tags its papers) commit together or not at all.
        """
        if self.read_only:
            raise LibraryError("This library is open read-only: changes cannot be saved.")
        if self._depth:
            self._depth += 1
            try:
                yield self.conn
            finally:
                self._depth -= 1
            return
        self.conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException as exc:
            if self.conn.in_transaction:  # a full disk has rolled it back already
                self.conn.execute("ROLLBACK")
            plain = plain_write_error(exc)
            if plain is None:
                raise
            raise plain from exc
        finally:
            self._depth = 0

    def cascades(self, table: str) -> list[tuple[str, str]] | None:
        """(child table, column) of every foreign key to ``table``'s id, from the schema;
        None when one of them does something else than ON DELETE CASCADE, or refers to
        another column."""
        found: list[tuple[str, str]] = []
        for child, column, target, action in self.conn.execute(
                'SELECT m.name, f."from", f."to", f.on_delete FROM sqlite_master m, '
                'pragma_foreign_key_list(m.name) f WHERE m.type = \'table\' AND f."table" = ?',
                (table,)):
            if str(action).upper() != "CASCADE" or target not in (None, "id"):
                return None
            found.append((str(child), str(column)))
        return found

    @contextmanager
    def cascading_by_hand(self, table: str) -> Iterator[list[tuple[str, str]]]:
        """For a write that deletes many rows of ``table`` and first deletes their
        children itself (the relations yielded): foreign keys are off during it.

        SQLite enforces a cascade row by row, probing every child table for every row
        deleted: a third of the time of emptying a trash of 10,000 papers. Deleting each
        child table's rows in one statement does the same work at once. Only possible
        outside a transaction (the pragma is ignored inside one): a nested write keeps
        foreign keys on, where the explicit deletes leave the cascade nothing to do.
        """
        children = self.cascades(table)
        if self._depth or children is None:
            yield children or []
            return
        self.conn.execute("PRAGMA foreign_keys = OFF")
        try:
            yield children
        finally:
            self.conn.execute("PRAGMA foreign_keys = ON")

    @contextmanager
    def large_cache(self) -> Iterator[None]:
        """A bigger page cache while a bulk write runs: an import updates the papers
        table, its indexes and the full-text index all over, and SQLite's default 2 MB
        cache re-reads their pages (5 % of importing 10,000 papers). Given back after,
        so that an open window does not keep the memory."""
        before = int(self.conn.execute("PRAGMA cache_size").fetchone()[0])
        # The pragma takes no parameters; both values are ints of our own.
        self.conn.execute(f"PRAGMA cache_size = {int(BULK_CACHE_KIB) * -1}")
        try:
            yield
        finally:
            self.conn.execute(f"PRAGMA cache_size = {before}")

    def safeguard(self, reason: str) -> None:
        """Back the library up before a destructive bulk operation (``reason`` names it).

        Raises :class:`LibraryError` when the backup cannot be made, so that the
        operation is not run without one. Inside an open transaction, or for a library in
        memory, there is nothing to do: the outermost caller backs up.
        """
        if self.path is None or self.read_only or self._depth or not self.backups:
            return
        if self.conn.execute("SELECT 1 FROM papers LIMIT 1").fetchone() is None:
            return  # nothing to lose
        try:
            backup.take(self.conn, self.path, reason)
        except LibraryError as exc:
            raise LibraryError(f"{exc} Nothing was changed: without a backup, "
                               f"Papershelf does not go on ({reason.replace('-', ' ')}).") \
                from None

    def reindex(self, ids: Iterable[int]) -> None:
        """Rewrite the full-text rows of ``ids`` from the tables, inside the open write."""
        ids_json = id_list(ids)
        if ids_json == "[]":
            return
        self.conn.execute(f"DELETE FROM papers_fts WHERE rowid IN {IN_IDS}", (ids_json,))
        self.conn.execute(fts.ROWS.format(where=f"WHERE p.id IN {IN_IDS}"), (ids_json,))

    def scalar(self, sql: str, params: tuple[object, ...] = ()) -> object:
        row = self.conn.execute(sql, params).fetchone()
        return None if row is None else row[0]
