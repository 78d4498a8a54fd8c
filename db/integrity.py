"""Checking a library: SQLite's own checks and the full-text index against the tables.

``papershelf check`` and Help → Check Library run :func:`check`; it repairs what can be
rebuilt from the tables (the full-text index) and reports the rest in words.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from db.failures import RESTORE_HINT

if TYPE_CHECKING:
    from db.library import Library

# More rows than this from integrity_check are summarised: the first ones say enough.
SHOWN_PROBLEMS = 10


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
        lines = [f"Checked {self.papers:,} papers and {self.notes:,} notes."]
        lines += [f"Repaired: {line}" for line in self.repaired]
        lines += [f"Problem: {line}" for line in self.problems]
        if self.ok:
            lines.append("The library is sound." if not self.repaired
                         else "The library is sound again.")
        else:
            lines.append(f"Restore the newest good backup ({RESTORE_HINT}); the damaged "
                         "file is kept beside it.")
        return "\n".join(lines)


def check(library: Library, *, repair: bool = True) -> Report:
    """Run SQLite's integrity and foreign-key checks and the full-text index's own check,
    and compare the index with the papers; rebuild the index when it is stale."""
    stats = library.stats()
    report = Report(papers=stats["papers"] + stats["trash"], notes=stats["notes"])
    conn = library.conn
    try:
        rows = [str(r[0]) for r in conn.execute("PRAGMA integrity_check")]
        if rows != ["ok"]:
            shown = rows[:SHOWN_PROBLEMS]
            more = f" (and {len(rows) - len(shown)} more)" if len(rows) > len(shown) else ""
            report.problems.append("SQLite's integrity check failed: " + "; ".join(shown)
                                   + more)
        broken = conn.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            tables = sorted({str(r[0]) for r in broken})
            report.problems.append(f"{len(broken)} row(s) in {', '.join(tables)} point at "
                                   "papers, tags or lists that no longer exist.")
        stale = _stale_index(conn, own_check=not library.read_only)
    except sqlite3.DatabaseError as exc:
        report.problems.append(f"The file could not be read: {exc}.")
        return report
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
            return f"its own check failed: {exc}"
    missing, extra = conn.execute(
        "SELECT (SELECT count(*) FROM papers WHERE id NOT IN (SELECT rowid FROM papers_fts)),"
        " (SELECT count(*) FROM papers_fts WHERE rowid NOT IN (SELECT id FROM papers))"
    ).fetchone()
    if missing or extra:
        return f"{missing} paper(s) missing from it, {extra} it holds that are gone"
    return ""
