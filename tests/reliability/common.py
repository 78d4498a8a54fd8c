"""What the reliability tests share: the mode, a library's fingerprint, and the report.

``PAPERSHELF_RELIABILITY`` unset keeps every test here short enough for ``make test``;
``long`` (``make reliability``) runs hundreds of kill runs and tens of thousands of fuzz
cases, and prints what they found at the end of the session.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from hypothesis import HealthCheck, settings

if TYPE_CHECKING:
    from db.library import Library

MODE_ENV = "PAPERSHELF_RELIABILITY"
LONG = os.environ.get(MODE_ENV, "").strip().lower() == "long"

def fuzz_settings(short: int = 200, long: int = 10_000) -> settings:
    """Hypothesis settings for one fuzz target: ``short`` cases normally, ``long`` in the
    long mode. No deadline: a slow case is caught by the time bounds of the corpus test,
    and a deadline would make a loaded CI machine fail at random."""
    return settings(
        max_examples=long if LONG else short,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                               HealthCheck.filter_too_much],
    )


# -- a library's contents, without its clock ---------------------------------------------

@dataclass(frozen=True)
class Fingerprint:
    """A digest of every row of every table (the FTS index by its visible rows), and the
    row counts for reports. Equal fingerprints mean equal contents."""

    digests: tuple[tuple[str, str], ...]
    counts: tuple[tuple[str, int], ...]

    def differing(self, other: Fingerprint) -> list[str]:
        mine, theirs = dict(self.digests), dict(other.digests)
        return sorted(name for name in mine.keys() | theirs.keys()
                      if mine.get(name) != theirs.get(name))

    def count(self, table: str) -> int:
        return dict(self.counts).get(table, 0)


def fingerprint(conn: sqlite3.Connection) -> Fingerprint:
    """The contents of the library on ``conn``: its schema and every table's rows.

    Left out: FTS5's shadow tables (their layout depends on how the index was merged, not
    on what it holds: ``papers_fts`` itself is read instead) and the planner statistics
    that ``PRAGMA optimize`` writes on close.
    """
    tables = [(str(name), str(kind), bool(without_rowid)) for name, kind, without_rowid in
              conn.execute("SELECT name, type, wr FROM pragma_table_list "
                           "WHERE schema = 'main' ORDER BY name")]
    digests: list[tuple[str, str]] = []
    counts: list[tuple[str, int]] = []
    schema = conn.execute("SELECT type, name, sql FROM sqlite_master "
                          "WHERE name NOT LIKE 'sqlite_stat%' ORDER BY name").fetchall()
    digests.append(("(schema)", _digest(schema)))
    for name, kind, without_rowid in tables:
        if kind not in ("table", "virtual") or name.startswith("sqlite_"):
            continue
        columns = "*" if without_rowid else "rowid, *"
        rows = conn.execute(f'SELECT {columns} FROM "{name}"').fetchall()
        rows.sort(key=repr)
        digests.append((name, _digest(rows)))
        counts.append((name, len(rows)))
    return Fingerprint(tuple(digests), tuple(counts))


def _digest(rows: list[tuple[object, ...]]) -> str:
    hashed = hashlib.sha256()
    for row in rows:
        hashed.update(repr(row).encode("utf-8", "surrogatepass"))
        hashed.update(b"\n")
    return hashed.hexdigest()


def library_problems(library: Library) -> list[str]:
    """Everything wrong with a library's storage: SQLite's own checks, foreign keys, and
    an FTS index that is not exactly what the tables say (empty when all is well)."""
    conn = library.conn
    problems: list[str] = []
    integrity = [str(r[0]) for r in conn.execute("PRAGMA integrity_check")]
    if integrity != ["ok"]:
        problems.append(f"integrity_check: {'; '.join(integrity[:5])}")
    orphans = conn.execute("PRAGMA foreign_key_check").fetchall()
    if orphans:
        problems.append(f"foreign_key_check: {len(orphans)} rows, first {orphans[0]}")
    problems += fts_problems(library)
    return problems


def fts_problems(library: Library) -> list[str]:
    """Whether the full-text index holds one row per paper, as the tables would build it.

    The same idea as ``tests/db/test_library.py``'s ``fts_consistent``, one step further:
    each paper's indexed text is compared with what re-indexing it now writes, in a
    transaction rolled back afterwards.
    """
    conn = library.conn
    problems: list[str] = []
    try:
        conn.execute("INSERT INTO papers_fts(papers_fts) VALUES ('integrity-check')")
    except sqlite3.DatabaseError as exc:
        problems.append(f"FTS integrity-check: {exc}")
    fts_ids = {int(r[0]) for r in conn.execute("SELECT rowid FROM papers_fts")}
    paper_ids = {int(r[0]) for r in conn.execute("SELECT id FROM papers")}
    if fts_ids != paper_ids:
        problems.append(f"FTS rows: {len(fts_ids - paper_ids)} without a paper, "
                        f"{len(paper_ids - fts_ids)} papers not indexed")
    indexed = conn.execute("SELECT rowid, * FROM papers_fts ORDER BY rowid").fetchall()
    conn.execute("BEGIN")
    try:
        library.reindex(paper_ids)
        rebuilt = conn.execute("SELECT rowid, * FROM papers_fts ORDER BY rowid").fetchall()
    finally:
        conn.execute("ROLLBACK")
    stale = [a[0] for a, b in zip(indexed, rebuilt, strict=False) if a != b]
    if stale or len(indexed) != len(rebuilt):
        problems.append(f"FTS text: {len(stale)} rows differ from their paper "
                        f"(first id {stale[0] if stale else None})")
    return problems


# -- the report printed after a long run ---------------------------------------------------

@dataclass
class KillRun:
    operation: str
    run: int
    delay: float
    outcome: str  # "killed", "finished" (exited before the kill came), or how it failed
    state: int | None  # which accepted state the library was left in; None: none of them
    steps: int  # how many transactions the operation has (states run from 0 to steps)
    damage: list[str] = field(default_factory=list)  # integrity, foreign keys, FTS, reopen
    half_applied: str = ""  # how the contents differ from every accepted state
    child_error: str = ""  # the child failed by itself: the harness, not a crash

    @property
    def corrupt(self) -> bool:
        return bool(self.damage)

    @property
    def problems(self) -> list[str]:
        return [*self.damage, *filter(None, (self.half_applied, self.child_error))]


@dataclass
class CorpusRow:
    case: str
    via: str  # "read_file" or "cli"
    outcome: str
    seconds: float


@dataclass
class Report:
    kill_runs: list[KillRun] = field(default_factory=list)
    kill_durations: dict[str, float] = field(default_factory=dict)
    fuzz_cases: dict[str, int] = field(default_factory=dict)
    corpus: list[CorpusRow] = field(default_factory=list)
    summary_path: Path | None = None

    def as_json(self) -> dict[str, object]:
        return {
            "mode": "long" if LONG else "short",
            "kill_runs": self.kill_summary(),
            "fuzz_cases": dict(sorted(self.fuzz_cases.items())),
            "corpus": [vars(row) for row in self.corpus],
        }

    def count_case(self, target: str) -> None:
        self.fuzz_cases[target] = self.fuzz_cases.get(target, 0) + 1

    def kill_summary(self) -> dict[str, dict[str, object]]:
        summary: dict[str, dict[str, object]] = {}
        for op in sorted({r.operation for r in self.kill_runs}):
            runs = [r for r in self.kill_runs if r.operation == op]
            killed = [r for r in runs if r.outcome == "killed"]
            summary[op] = {
                "runs": len(runs),
                "operation_seconds": round(self.kill_durations.get(op, 0.0), 3),
                "killed": len(killed),
                "finished_before_the_kill": len(runs) - len(killed),
                "killed_left_before": sum(1 for r in killed if r.state == 0),
                "killed_left_between_steps": sum(
                    1 for r in killed if r.state is not None and 0 < r.state < r.steps),
                "killed_left_after": sum(1 for r in killed if r.state == r.steps),
                "corrupt": sum(1 for r in runs if r.corrupt),
                "half_applied": sum(1 for r in runs if r.half_applied),
                "child_failures": sum(1 for r in runs if r.child_error),
            }
        return summary


REPORT = Report()
