"""One writer per library: an advisory lock on a file beside it.

The operating system drops the lock when the process dies, so a crash never leaves a
stale lock behind that a user would have to delete by hand: what a dead process wrote in
the file is only read to name the holder of a lock that is really held.
"""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from db.errors import LibraryLockedError
from db.failures import NotWritableError

_STAMP = "%Y-%m-%dT%H:%M:%SZ"


def lock_path(library: Path) -> Path:
    return library.with_name(library.name + ".lock")


@dataclass(frozen=True)
class Holder:
    """Who holds a library's writer lock, as the lock file tells it."""

    pid: int | None = None
    host: str = ""
    started: datetime | None = None

    def describe(self) -> str:
        """``process 1234 on host x, since 2026-11-25 14:02``: as much as is known."""
        text = f"process {self.pid}" if self.pid is not None else "another process"
        if self.host:
            text += f" on host {self.host}"
        if self.started is not None:
            text += f", since {self.started.astimezone().strftime('%Y-%m-%d %H:%M')}"
        return text

    def text(self) -> str:
        """What the lock file holds: one ``name value`` line each."""
        lines = [f"pid {self.pid}", f"host {self.host}"]
        if self.started is not None:
            lines.append(f"started {self.started.strftime(_STAMP)}")
        return "\n".join(lines) + "\n"

    @classmethod
    def parse(cls, text: str) -> Holder:
        """Read a lock file, this version's or an older one's (``process 1234``)."""
        values: dict[str, str] = {}
        for line in text.splitlines():
            name, _, value = line.strip().partition(" ")
            values[name] = value.strip()
        pid_text = values.get("pid") or values.get("process") or ""
        try:
            started: datetime | None = datetime.strptime(
                values.get("started", ""), _STAMP).replace(tzinfo=UTC)
        except ValueError:
            started = None
        pid = int(pid_text) if pid_text.isascii() and pid_text.isdigit() else None
        return cls(pid, values.get("host", ""), started)

    @classmethod
    def this_process(cls) -> Holder:
        return cls(os.getpid(), socket.gethostname(), datetime.now(UTC).replace(microsecond=0))


class LockHeldError(LibraryLockedError):
    """The library is open for writing in another Papershelf, named by ``holder``."""

    def __init__(self, library: Path, holder: Holder) -> None:
        super().__init__(
            f"{library} is open for writing in another Papershelf ({holder.describe()}). "
            "Close it there, or open this library read-only.")
        self.library = library
        self.holder = holder


class WriterLock:
    """Held while a process may write a library; ``release`` or process exit frees it."""

    def __init__(self, library: Path) -> None:
        self.library = library
        self.path = lock_path(library)
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        """Take the lock, or raise :class:`LockHeldError` naming who has it, or
        :class:`NotWritableError` when the lock file cannot be made (a folder that cannot
        be written, a read-only disk)."""
        try:
            handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held open
        except OSError as exc:
            reason = f"its folder {self.path.parent} cannot be written ({exc.strerror})"
            raise NotWritableError(
                f"Papershelf cannot save changes to {self.library}: {reason}.", reason
            ) from None
        try:
            _lock(handle)
        except OSError:
            try:
                handle.seek(0)
                holder = Holder.parse(handle.read())
            except OSError:  # Windows' locks keep others from reading the locked byte
                holder = Holder()
            handle.close()
            raise LockHeldError(self.library, holder) from None
        handle.seek(0)
        handle.truncate()
        handle.write(Holder.this_process().text())
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


@contextmanager
def held(library: Path) -> Iterator[WriterLock]:
    """The writer lock for the length of a ``with``: for work on a closed library's file
    (a restore) that no other Papershelf may have open for writing meanwhile."""
    lock = WriterLock(library)
    lock.acquire()
    try:
        yield lock
    finally:
        lock.release()


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
