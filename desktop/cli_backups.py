"""The command line's safety net: ``backup``, ``backups``, ``restore`` and ``check``; what
a user is told when the library will not open, lies in a synced folder, or cannot be
tidied up on closing.

``backups`` and ``restore`` never open the library: it may be the damaged file they are
run to replace. ``restore`` holds the writer lock while it works, so that no window
writes the file being replaced.
"""

from __future__ import annotations

import argparse
import shlex
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from db import backup
from db.counts import amount
from db.errors import LibraryError
from db.lock import LockHeldError, held
from desktop.console import EXIT_OK, EXIT_REJECTED, EXIT_USAGE
from desktop.console import err as _err
from desktop.console import out as _out

if TYPE_CHECKING:
    from db.library import Library



def cmd_backup(library: Library, args: argparse.Namespace) -> int:
    assert library.path is not None  # the command line opens files only
    made = backup.take(library.conn, library.path, "manual")
    _out(f"Backed up {amount(made.papers, 'paper')} and {amount(made.notes, 'note')} to "
         f"{made.path}")
    _out(f"A plain-text copy, readable without Papershelf: {made.text_copy}")
    return EXIT_OK


def cmd_check(library: Library, args: argparse.Namespace) -> int:
    from db.integrity import check

    report = check(library)
    _out(report.describe())
    if library.read_only and not report.ok:
        _err("papershelf: another Papershelf is writing this library, so nothing was "
             "repaired; run Help → Check Library there.")
    return EXIT_OK if report.ok else EXIT_REJECTED


def cmd_backups(path: Path, args: argparse.Namespace) -> int:
    found = backup.backups(path)
    folder = backup.folder_of(path)
    if not found:
        _err(f"There are no backups of {path} yet (they are kept in {folder}).")
        return EXIT_OK
    width = len(str(len(found)))
    for number, item in enumerate(found, 1):
        _out(f"{number:>{width}}  {item.describe()}")
    _err(f"{len(found)} backup{'s' if len(found) != 1 else ''} in {folder}. Put one in "
         f"the library's place with: {_command(args, 'restore NUMBER')}")
    return EXIT_OK


def cmd_restore(path: Path, args: argparse.Namespace) -> int:
    if args.backup is None:
        return cmd_backups(path, args)
    from db.failures import diagnose

    chosen = _chosen(path, args.backup)
    # A damaged library is kept under a name that says so; a sound one as what it was.
    keep_as = "damaged" if diagnose(path) is not None else "before-restore"
    try:
        with held(path):
            kept = backup.restore(chosen, path, keep_as=keep_as)
    except LockHeldError as exc:
        raise LibraryError(f"{path} is open for writing in another Papershelf "
                           f"({exc.holder.describe()}): close it there, then restore.") \
            from None
    named = f"the backup of {chosen.summary()}" if chosen.reason != "file" else chosen.path
    _out(f"Restored {named} into {path}")
    if kept is not None:
        _out(f"The file it replaced is kept as {kept}")
    return EXIT_OK


def without_library(path: Path, args: argparse.Namespace,
                    report_bug: Callable[[BaseException], None]) -> int:
    """``backups`` and ``restore``: on the library's file, never opened."""
    try:
        if args.command == "backups":
            return cmd_backups(path, args)
        return cmd_restore(path, args)
    except LibraryError as exc:
        _err(f"papershelf: {exc}")
        return EXIT_REJECTED
    except Exception as exc:
        report_bug(exc)
        return EXIT_USAGE


def warn_if_synced(path: Path) -> None:
    """One line on stderr when a command that writes finds the library in a synced folder."""
    from db import placement

    warning = placement.warning(path)
    if warning:
        _err(f"papershelf: warning: {warning}")


def close(library: Library, report_bug: Callable[[BaseException], None]) -> int:
    """Close the library; a failure to tidy up (a full disk) loses nothing committed."""
    from db.failures import plain_write_error

    try:
        library.close()
    except Exception as exc:
        if plain_write_error(exc) is None:
            report_bug(exc)
            return EXIT_USAGE
        _err(f"papershelf: the library could not be tidied up on closing ({exc}); what "
             "was saved is safe, and is folded back into it the next time it opens.")
        return EXIT_REJECTED
    return EXIT_OK


def _chosen(path: Path, spec: str) -> backup.Backup:
    """The backup ``spec`` names: its number in the list, or its file."""
    found = backup.backups(path)
    if spec.isdigit():
        number = int(spec)
        if not 1 <= number <= len(found):
            raise LibraryError(f"There is no backup number {number}: there are "
                               f"{len(found)} (`papershelf backups` lists them).")
        return found[number - 1]
    file = Path(spec).expanduser()
    if not file.is_file():
        raise LibraryError(f"{file} is not a file: name a backup by its number in "
                           "`papershelf backups`, or by its file.")
    same = next((b for b in found if b.path.resolve() == file.resolve()), None)
    if same is not None:
        return same
    return backup.Backup(file, datetime.fromtimestamp(file.stat().st_mtime, UTC), "file")


def restore_hint(path: Path, args: argparse.Namespace, damaged: bool) -> str:
    """What a user whose library will not open can do about it: the command to restore
    the newest good backup, when there is one."""
    found = backup.backups(path)
    newest = next(((n, b) for n, b in enumerate(found, 1) if backup.good(b)), None)
    if newest is not None:
        number, good = newest
        return (f"papershelf: the newest good backup is from {good.summary()}. Put it in the "
                f"library's place (the damaged file is kept beside it) with: "
                f"{_command(args, f'restore {number}')}")
    if found:
        return (f"papershelf: none of its {len(found)} backups can be read either; "
                f"{_command(args, 'restore')} lists them.")
    if damaged:
        return (f"papershelf: there is no backup of it to restore "
                f"({_command(args, 'restore')} lists a library's backups).")
    return ""


def _command(args: argparse.Namespace, rest: str) -> str:
    """The command to type, naming the library as this one was named."""
    library = f"--library {shlex.quote(args.library)} " if args.library else ""
    return f"papershelf {library}{rest}"
