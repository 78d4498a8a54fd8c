"""Failures a user can act on, in plain words: a full disk, a library that cannot be
written, a damaged file.

SQLite and the operating system report these as ``sqlite3`` and ``OSError`` exceptions
from deep inside a write or an opening. The functions here turn them into
:class:`LibraryError` subclasses whose words say what became of the user's papers and
what to do next; anything they do not recognise stays a bug (they return None).
"""

from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from db.backup import backups
from db.errors import LibraryError, NotALibraryError

# Where a user finds the way back to a good copy: every message that suggests a restore
# names both places.
RESTORE_HINT = "File → Restore from Backup…, or `papershelf restore`"
NOTHING_SAVED = "nothing of this change was saved; what was saved before is safe."

# SQLite's primary result codes (the low byte of an extended code).
_BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = (
    5, 6, 8, 10, 11, 13, 14, 26)
# For an error raised without a code (by a wrapper, or before Python 3.11 kept them).
_BY_MESSAGE = (("database or disk is full", _FULL), ("readonly database", _READONLY),
               ("disk image is malformed", _CORRUPT), ("file is not a database", _NOTADB),
               ("disk I/O error", _IOERR), ("database is locked", _BUSY),
               ("unable to open database file", _CANTOPEN))
_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
_DENIED_ERRNOS = {errno.EACCES, errno.EPERM}
_SQLITE_MAGIC = b"SQLite format 3\x00"


class DiskFullError(LibraryError):
    """The disk (or the user's quota) is full: a write was refused whole."""


class NotWritableError(LibraryError):
    """The library's file, folder or disk cannot be written; ``reason`` says which."""

    def __init__(self, message: str, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason


class DamagedLibraryError(NotALibraryError):
    """The file was a library once and SQLite can no longer read it whole."""


def plain_write_error(exc: BaseException) -> LibraryError | None:
    """What a failed write means to the user, or None when it is not a known failure.

    Looks through the exception's causes too: after a full disk, SQLite has already
    rolled the transaction back, so the ROLLBACK that follows fails and carries the real
    error as its context.
    """
    for cause in _chain(exc):
        if isinstance(cause, LibraryError):
            return None  # already in words
        kind = _kind(cause)
        if kind == _FULL:
            return DiskFullError(f"The disk is full: {NOTHING_SAVED} Free some space, "
                                 "then try again.")
        if kind == _READONLY:
            reason = _denied_reason(cause)
            return NotWritableError(
                f"The library can no longer be written ({reason}): {NOTHING_SAVED}",
                reason)
        if kind in (_CORRUPT, _NOTADB):
            return DamagedLibraryError(
                f"The library file is damaged ({cause}): {NOTHING_SAVED} Help → Check "
                f"Library says what is wrong; a backup can be restored ({RESTORE_HINT}).")
        if kind == _IOERR:
            return LibraryError(
                f"The library file could not be written (the disk reported an error: "
                f"{cause}): {NOTHING_SAVED} The disk may be failing or was unplugged.")
        if kind in (_BUSY, _LOCKED):
            return LibraryError(f"The library stayed busy in another program: "
                                f"{NOTHING_SAVED} Try again in a moment.")
    return None


def plain_open_error(exc: BaseException, path: Path) -> LibraryError | None:
    """What a failure while opening the library at ``path`` means, or None (a bug)."""
    for cause in _chain(exc):
        if isinstance(cause, LibraryError):
            return None
        kind = _kind(cause)
        if kind in (_CORRUPT, _NOTADB):
            return diagnose(path, cause) or DamagedLibraryError(
                f"{path} cannot be read: SQLite says {cause}.")
        if kind == _READONLY:
            reason = unwritable(path) or _denied_reason(cause)
            return NotWritableError(f"Papershelf cannot save changes to {path}: {reason}.",
                                    reason)
        if kind == _FULL:
            return DiskFullError(f"The disk holding {path} is full: Papershelf cannot open "
                                 "the library for changes. Free some space, then try again.")
        if kind == _CANTOPEN:
            return LibraryError(f"{path} cannot be opened ({cause}): check that it is a "
                                "file, and that its folder exists and can be read.")
        if kind == _IOERR:
            return LibraryError(f"{path} could not be read: the disk reported an error "
                                f"({cause}).")
    return None


def diagnose(path: Path, cause: BaseException | None = None) -> NotALibraryError | None:
    """Why the file at ``path`` cannot be a library, told from its bytes; None when they
    look like a library (the problem, if any, lies elsewhere).

    ``cause`` is SQLite's own complaint, when there was one. A file with backups beside
    it was a library once, so what is wrong with it is damage, not a wrong choice.
    """
    try:
        size = path.stat().st_size
        with open(path, "rb") as stream:
            header = stream.read(100)
    except OSError:
        return None
    had_backups = bool(backups(path))
    if size == 0:
        if not had_backups:
            return None  # a new file: opening it makes a library
        return DamagedLibraryError(
            f"{path} is empty: the papers it held are gone from the file (a full disk, a "
            "crash while copying, or a sync program can do that).")
    if not header.startswith(_SQLITE_MAGIC):
        if had_backups:
            return DamagedLibraryError(
                f"{path} is damaged: it no longer begins as an SQLite database does (its "
                "beginning was overwritten).")
        return NotALibraryError(
            f"{path} is not a Papershelf library: it is not an SQLite database.")
    expected = _expected_size(header)
    if expected and size < expected:
        return DamagedLibraryError(
            f"{path} is damaged: the file is cut short ({size:,} of {expected:,} bytes), "
            "as a full disk, a crash while copying, or a sync program can leave it.")
    if cause is None:
        cause = _read_error(path)
    kind = _kind(cause) if cause is not None else None
    if kind == _CORRUPT or (kind == _NOTADB and had_backups):
        return DamagedLibraryError(f"{path} is damaged: SQLite cannot read it ({cause}).")
    if kind == _NOTADB:
        return NotALibraryError(
            f"{path} is not a Papershelf library: it is not an SQLite database ({cause}).")
    return None


def _read_error(path: Path) -> sqlite3.Error | None:
    """What SQLite says reading the file's schema, or None when it reads."""
    try:
        # Immutable: the file alone is read, and no journal files are left beside it.
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as exc:
        return exc
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return None
    except sqlite3.Error as exc:
        return exc
    finally:
        conn.close()


def unwritable(path: Path) -> str:
    """Why Papershelf could not write the library at ``path``, in words; "" when it can.

    Asked before opening: SQLite opens a read-only file without a word and fails only at
    the first change, and a folder that cannot be written holds no lock or journal.
    """
    if path.exists() and not os.access(path, os.W_OK):
        return f"the file {path.name} is read-only"
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent  # opening makes the missing folders
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"its folder {folder} cannot be written"
    return ""


def check_before_opening(path: Path, *, read_only: bool) -> None:
    """Refuse, in words, what opening ``path`` would get wrong silently: an emptied
    library (SQLite would make a new one in its place), and a library opened for
    changes that cannot be saved."""
    if path.is_file() and path.stat().st_size == 0:
        emptied = diagnose(path)
        if emptied is not None:
            raise emptied
    if not read_only:
        reason = unwritable(path)
        if reason:
            raise NotWritableError(f"Papershelf cannot save changes to {path}: {reason}.",
                                   reason)


@contextmanager
def opening(path: Path) -> Iterator[None]:
    """Around ``Library.open(path)``: every failure of a damaged or unusable file comes
    out as a :class:`LibraryError` in plain words, with the file's own diagnosis."""
    try:
        yield
    except NotALibraryError as exc:
        if isinstance(exc, DamagedLibraryError):
            raise
        if exc.__context__ is not None and _kind(exc.__context__) == _READONLY:
            # Read-only, SQLite still writes a small index file beside a WAL library
            # that no other program has open; where it cannot, it cannot read at all.
            reason = f"its folder {path.parent} cannot be written"
            raise NotWritableError(
                f"{path} cannot be opened here, not even read-only: {reason}, and SQLite "
                "needs to write beside a library to read it. Copy the library to a folder "
                "you can write to.", reason) from exc
        better = diagnose(path, exc.__context__)
        if better is None:
            raise
        raise better from exc
    except (sqlite3.Error, OSError) as exc:
        plain = plain_open_error(exc, path)
        if plain is None:
            raise
        raise plain from exc


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _kind(exc: BaseException) -> int | None:
    """The SQLite result code an error stands for (an OS error mapped to its nearest)."""
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        if isinstance(code, int) and code & 0xFF not in (0, 1):
            return code & 0xFF
        text = str(exc)
        return next((kind for words, kind in _BY_MESSAGE if words in text), None)
    if isinstance(exc, OSError):
        if exc.errno in _FULL_ERRNOS:
            return _FULL
        if exc.errno == errno.EROFS or exc.errno in _DENIED_ERRNOS:
            return _READONLY
        if exc.errno == errno.EIO:
            return _IOERR
    return None


def _denied_reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.errno == errno.EROFS:
        return "the disk it is on is read-only"
    if isinstance(exc, OSError) and exc.errno in _DENIED_ERRNOS:
        return "permission to write it was taken away"
    return "its file, folder or disk became read-only"


def _expected_size(header: bytes) -> int:
    """The size the database header promises, or 0 when the header cannot say."""
    if len(header) < 100 or header[92:96] != header[24:28]:
        return 0  # the page count is only valid when written by the same change
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    return page_size * int.from_bytes(header[28:32], "big")
