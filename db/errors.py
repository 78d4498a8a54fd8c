"""The errors a user can act on. Anything else raised from ``db`` is a bug."""

from __future__ import annotations


class LibraryError(Exception):
    """Something the user can act on: shown to them as it is, in plain words."""


class LibraryLockedError(LibraryError):
    """Another Papershelf process is writing this library."""


class LibraryTooNewError(LibraryError):
    """The library was written by a newer Papershelf than this one."""


class NotALibraryError(LibraryError):
    """The file is not a Papershelf library (or not an SQLite database at all)."""


class NotFoundError(LibraryError):
    """A paper, tag, list or note named by the caller does not exist."""


class QueryError(LibraryError):
    """A malformed search query.

    ``position`` is the 0-based character offset in the query where the problem is.
    """

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} at {position}")
        self.message = message
        self.position = position


class FormatError(LibraryError):
    """Text that a format reader could not understand, with where and why."""

    def __init__(self, reason: str, *, file: str = "", line: int = 0) -> None:
        self.reason = reason
        self.file = file
        self.line = line
        where = ":".join(part for part in (file, str(line) if line else "") if part)
        super().__init__(f"{where}: {reason}" if where else reason)
