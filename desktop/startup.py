"""Opening the library a user asked for, and seeding a brand-new default library."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from db import placement
from db.errors import LibraryError, LibraryLockedError
from db.failures import NotWritableError, check_before_opening, opening
from db.library import Library
from db.lock import LockHeldError
from desktop.paths import chosen_library_path, sample_listing


def library_path(argument: str | None) -> Path:
    """The file ``--library``, the environment or the default names."""
    return chosen_library_path(argument)[0]


def open_library(argument: str | None, *, read_only: bool = False,
                 daily_backup: bool = True) -> Library:
    """Open the library named by ``--library``, the environment, or the default.

    The very first time the default library is created, the bundled sample listing is
    imported into it, so that a new user sees real papers instead of an empty table.
    A file that is damaged, emptied, not a library, or cannot be written raises a
    :class:`LibraryError` in plain words (see :mod:`db.failures`), never SQLite's own.
    ``daily_backup=False`` leaves the day's backup to the caller (the window takes it on
    its writer thread).
    """
    path, is_default = chosen_library_path(argument)
    first_run = is_default and not path.exists()
    check_before_opening(path, read_only=read_only)
    with opening(path):
        library = Library.open(path, read_only=read_only, daily_backup=daily_backup)
    if first_run and not read_only:
        try:
            seed_sample(library)
        except BaseException:
            library.close()
            raise
    return library


def seed_sample(library: Library) -> None:
    # The readers are imported only here: a first run is the only one that needs them.
    from db.importing import import_file

    sample: Path = sample_listing()
    if sample.exists():
        import_file(library, sample, format="profile")


@dataclass
class Opened:
    """A library as the window opens it: the writer's and the reader's connections, and
    what the banner must say (why it is read-only, a synced folder)."""

    writer: Library
    reader: Library
    notices: list[str] = field(default_factory=list)

    @property
    def read_only(self) -> bool:
        return self.writer.read_only


def open_for_window(argument: str | None) -> Opened:
    """Open for writing if possible, else read-only with the reason in the notices.

    The day's backup is not taken here: it takes seconds for a large library, and the
    window runs it on its writer thread once it is shown (``backup_notice`` if it fails).
    """
    notices: list[str] = []
    try:
        writer = open_library(argument, daily_backup=False)
    except (LibraryLockedError, NotWritableError) as exc:
        writer = open_library(argument, read_only=True)
        notices.append(read_only_notice(exc))
    try:
        reader = open_library(str(writer.path), read_only=True)
    except BaseException:
        writer.close()
        raise
    if writer.path is not None:
        synced = placement.warning(writer.path)
        if synced:
            notices.append(synced)
    return Opened(writer, reader, notices)


def read_only_notice(exc: LibraryError) -> str:
    """The banner's words for a library opened read-only because of ``exc``."""
    if isinstance(exc, LockHeldError):
        return (f"Open read-only: another Papershelf ({exc.holder.describe()}) is writing "
                "this library. Close it there, then open this library again to make "
                "changes.")
    if isinstance(exc, NotWritableError) and exc.reason:
        return f"Open read-only: {exc.reason}, so changes cannot be saved."
    return f"Open read-only: {exc}"


def backup_notice(problem: str) -> str:
    return (f"Today's backup could not be made: {problem} Your library is unharmed; "
            "Papershelf tries again the next time it opens it.")
