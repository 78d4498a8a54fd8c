"""Checking a library: SQLite's own checks and the full-text index against the tables.

``papershelf check`` and Help → Check Library run :func:`check`; it repairs what can be
rebuilt from the tables (the full-text index) and reports the rest in words.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from db.counts import amount
from db.errors import LibraryError
from db.failures import RESTORE_HINT

if TYPE_CHECKING:
    from db.library import Library

# More rows than this from integrity_check are summarised: the first ones say enough.
SHOWN_PROBLEMS = 10
# How often, in SQLite's virtual machine steps, a check asks whether to stop: about
# 15,000 times a second, for a few milliseconds in all.
STOP_POLL_STEPS = 1000


class CheckStopped(LibraryError):
    """A check its caller stopped (Cancel): it changed nothing and concluded nothing."""


STOPPED = "The check was stopped before it ended; nothing was changed."


@dataclass
class Report:
    """What a check found: problems it could not fix, and what it rebuilt."""

    papers: int = 0
    notes: int = 0
    problems: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def describe(self) -> str:
        lines = [f"Checked {amount(self.papers, 'paper')} and {amount(self.notes, 'note')}."]
        lines += [f"Repaired: {line}" for line in self.repaired]
        lines += [f"Problem: {line}" for line in self.problems]
        if self.ok:
            lines.append("The library is sound." if not self.repaired
                         else "The library is sound again.")
        else:
            lines.append(f"Restore the newest good backup ({RESTORE_HINT}); the damaged "
                         "file is kept beside it.")
        return "\n".join(lines)


def check(library: Library, *, repair: bool = True,
          stop: Callable[[], bool] | None = None) -> Report:
    """Run SQLite's integrity and foreign-key checks and the full-text index's own check,
    and compare the index with the papers; rebuild the index when it is stale.

    ``stop`` is asked a few thousand times a second, from inside SQLite's work; once it
    says True the check ends with :class:`CheckStopped`, having changed nothing (a
    rebuild under way is rolled back).
    """
    conn = library.conn
    if stop is not None:
        conn.set_progress_handler(lambda: 1 if stop() else 0, STOP_POLL_STEPS)
    try:
        return _check(library, repair, stop or (lambda: False))
    except sqlite3.OperationalError as exc:
        if _interrupted(exc):
            raise CheckStopped(STOPPED) from None
        raise
    finally:
        if stop is not None:
            conn.set_progress_handler(None, 0)


def _interrupted(exc: sqlite3.DatabaseError) -> bool:
    """Whether SQLite stopped because the caller asked it to (not a damaged file)."""
    return isinstance(exc, sqlite3.OperationalError) and str(exc) == "interrupted"


def _check(library: Library, repair: bool, stop: Callable[[], bool]) -> Report:
    def step() -> None:
        # Between the checks too: a small library's may each end before SQLite asks.
        if stop():
            raise CheckStopped(STOPPED)

    stats = library.stats()
    report = Report(papers=stats["papers"] + stats["trash"], notes=stats["notes"])
    conn = library.conn
    try:
        step()
        rows = [str(r[0]) for r in conn.execute("PRAGMA integrity_check")]
        if rows != ["ok"]:
            shown = rows[:SHOWN_PROBLEMS]
            more = f" (and {len(rows) - len(shown)} more)" if len(rows) > len(shown) else ""
            report.problems.append("SQLite's integrity check failed: " + "; ".join(shown)
                                   + more)
        step()
        broken = conn.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            tables = sorted({str(r[0]) for r in broken})
            report.problems.append(f"{len(broken)} row(s) in {', '.join(tables)} point at "
                                   "papers, tags or lists that no longer exist.")
        step()
        stale = _stale_index(conn, own_check=not library.read_only)
    except sqlite3.DatabaseError as exc:
        if _interrupted(exc):
            raise
        report.problems.append(f"The file could not be read: {exc}.")
        return report
    step()
    if stale:
        if repair and not library.read_only:
            ids = [int(r[0]) for r in conn.execute("SELECT id FROM papers")]
            with library.write():
                conn.execute("DELETE FROM papers_fts")
                library.reindex(ids)
            report.repaired.append(f"the search index ({stale}); rebuilt for "
                                   f"{len(ids):,} papers.")
        else:
            report.problems.append(f"The search index is stale ({stale}).")
    return report


def _stale_index(conn: sqlite3.Connection, *, own_check: bool) -> str:
    """Why the full-text index disagrees with the papers, or '' when it does not."""
    if own_check:  # a command written as an INSERT: a read-only connection cannot run it
        try:
            conn.execute("INSERT INTO papers_fts(papers_fts) VALUES ('integrity-check')")
        except sqlite3.DatabaseError as exc:
            if _interrupted(exc):
                raise
            return f"its own check failed: {exc}"
    missing, extra = conn.execute(
        "SELECT (SELECT count(*) FROM papers WHERE id NOT IN (SELECT rowid FROM papers_fts)),"
        " (SELECT count(*) FROM papers_fts WHERE rowid NOT IN (SELECT id FROM papers))"
    ).fetchone()
    if missing or extra:
        return f"{missing} paper(s) missing from it, {extra} it holds that are gone"
    return ""
