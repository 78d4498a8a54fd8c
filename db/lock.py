"""One writer per library: an advisory lock on a file beside it.

The operating system drops the lock when the process dies, so a crash never leaves a
stale lock behind that a user would have to delete by hand.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import IO

from db.errors import LibraryLockedError


def lock_path(library: Path) -> Path:
    return library.with_name(library.name + ".lock")


class WriterLock:
    """Held while a process may write a library; ``release`` or process exit frees it."""

    def __init__(self, library: Path) -> None:
        self.path = lock_path(library)
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held open on purpose
        try:
            _lock(handle)
        except OSError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise LibraryLockedError(
                f"{self.path.with_suffix('')} is open for writing in another Papershelf "
                f"({holder}). Close it there, or open this library read-only."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"process {os.getpid()}\n")
        handle.flush()
        self._file = handle

    def release(self) -> None:
        if self._file is None:
            return
        try:
            self._file.seek(0)
            self._file.truncate()
            _unlock(self._file)
        finally:
            self._file.close()
            self._file = None


if sys.platform == "win32":
    import msvcrt

    def _lock(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
