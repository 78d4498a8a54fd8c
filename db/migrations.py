"""The library's schema, as appended steps. A step once released is never edited.

``PRAGMA user_version`` holds how many steps a library has had. Each step runs in its own
transaction; the file is backed up before the first pending step; a library whose version
is above :data:`SCHEMA_VERSION` was written by a newer Papershelf and is refused.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from db import backup
from db.errors import LibraryTooNewError

Step = Callable[[sqlite3.Connection], None]

# The application id marks a file as a Papershelf library ("PpSh"), so that another
# program's SQLite database is recognised as such instead of being migrated.
APPLICATION_ID = 0x50705368


def _execute_all(conn: sqlite3.Connection, script: str) -> None:
    """Run each statement of ``script`` inside the caller's transaction.

    ``executescript`` would commit the open transaction first, so a failed step could
    leave a half-migrated library behind.
    """
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            conn.execute(statement)
            statement = ""
    if statement.strip():
        conn.execute(statement)


def _v1_initial(conn: sqlite3.Connection) -> None:
    _execute_all(
        conn,
        """
        CREATE TABLE papers (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE COLLATE NOCASE,
            entry_type TEXT NOT NULL DEFAULT 'article',
            title TEXT NOT NULL DEFAULT '',
            -- The title folded for duplicate matching (see db/matching.py).
            title_key TEXT NOT NULL DEFAULT '',
            abstract TEXT NOT NULL DEFAULT '',
            date TEXT NOT NULL DEFAULT '',
            year INTEGER,
            venue TEXT NOT NULL DEFAULT '',
            volume TEXT NOT NULL DEFAULT '',
            number TEXT NOT NULL DEFAULT '',
            pages TEXT NOT NULL DEFAULT '',
            publisher TEXT NOT NULL DEFAULT '',
            doi TEXT NOT NULL DEFAULT '',
            arxiv TEXT NOT NULL DEFAULT '',
            url TEXT NOT NULL DEFAULT '',
            code_url TEXT NOT NULL DEFAULT '',
            category TEXT NOT NULL DEFAULT '',
            score REAL,
            status TEXT NOT NULL DEFAULT 'unread'
                CHECK (status IN ('unread', 'reading', 'read')),
            rating INTEGER NOT NULL DEFAULT 0 CHECK (rating BETWEEN 0 AND 5),
            et_al INTEGER NOT NULL DEFAULT 0,
            extra TEXT NOT NULL DEFAULT '{}',
            added TEXT NOT NULL,
            modified TEXT NOT NULL,
            deleted TEXT
        );
        CREATE INDEX papers_year ON papers(year);
        CREATE INDEX papers_added ON papers(added);
        CREATE INDEX papers_title ON papers(title COLLATE NOCASE);
        CREATE INDEX papers_title_key ON papers(title_key) WHERE title_key != '';
        CREATE INDEX papers_doi ON papers(doi COLLATE NOCASE) WHERE doi != '';
        CREATE INDEX papers_arxiv ON papers(arxiv) WHERE arxiv != '';
        CREATE INDEX papers_deleted ON papers(deleted) WHERE deleted IS NOT NULL;

        CREATE TABLE authors (
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            family TEXT NOT NULL DEFAULT '',
            given TEXT NOT NULL DEFAULT '',
            literal TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (paper_id, position)
        ) WITHOUT ROWID;

        CREATE TABLE tags (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            color TEXT NOT NULL DEFAULT ''
        );

        CREATE TABLE paper_tags (
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
            PRIMARY KEY (paper_id, tag_id)
        ) WITHOUT ROWID;
        CREATE INDEX paper_tags_tag ON paper_tags(tag_id, paper_id);

        CREATE TABLE lists (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            description TEXT NOT NULL DEFAULT '',
            position INTEGER NOT NULL,
            created TEXT NOT NULL
        );

        CREATE TABLE list_items (
            list_id INTEGER NOT NULL REFERENCES lists(id) ON DELETE CASCADE,
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            added TEXT NOT NULL,
            PRIMARY KEY (list_id, paper_id)
        ) WITHOUT ROWID;
        CREATE INDEX list_items_paper ON list_items(paper_id);

        CREATE TABLE smart_lists (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            query TEXT NOT NULL
        );

        CREATE TABLE notes (
            id INTEGER PRIMARY KEY,
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            body TEXT NOT NULL,
            created TEXT NOT NULL,
            modified TEXT NOT NULL
        );
        CREATE INDEX notes_paper ON notes(paper_id);

        CREATE TABLE settings (
            name TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );

        -- Kept up to date by the library in the same transaction as every write (not by
        -- triggers: one bulk re-index per write is several times faster on imports).
        CREATE VIRTUAL TABLE papers_fts USING fts5(
            title, authors, abstract, venue, tags, notes,
            tokenize = 'unicode61 remove_diacritics 2',
            prefix = '1 2 3'
        );
        """
    )


def _v2_live_index(conn: sqlite3.Connection) -> None:
    # Counting the papers outside the trash (by status, or recently added, for the
    # sidebar) reads these small indexes instead of every row with its abstract:
    # 40–80 ms → 1–3 ms at 100k papers.
    _execute_all(
        conn,
        """
        DROP INDEX papers_deleted;
        CREATE INDEX papers_live ON papers(deleted, status);
        DROP INDEX papers_added;
        CREATE INDEX papers_added ON papers(added, deleted);
        """,
    )


def _v3_imports_and_duplicates(conn: sqlite3.Connection) -> None:
    _execute_all(
        conn,
        """
        -- Every import, so that a user can see and undo "the papers from that file".
        CREATE TABLE imports (
            id INTEGER PRIMARY KEY,
            file TEXT NOT NULL,
            format TEXT NOT NULL,
            at TEXT NOT NULL,
            added INTEGER NOT NULL,
            merged INTEGER NOT NULL,
            duplicates INTEGER NOT NULL,
            skipped INTEGER NOT NULL,
            -- Text the file carried besides entries (BibTeX @preamble, @comment), as a
            -- JSON list of [kind, text], kept for export.
            blocks TEXT NOT NULL DEFAULT '[]'
        );
        CREATE TABLE import_items (
            import_id INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            -- 1 when the import merged into a paper already there (undo leaves it).
            merged INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (import_id, paper_id)
        ) WITHOUT ROWID;
        CREATE INDEX import_items_paper ON import_items(paper_id);
        -- Pairs the user said are not the same paper (low id first).
        CREATE TABLE not_duplicates (
            a INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            b INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            PRIMARY KEY (a, b),
            CHECK (a < b)
        ) WITHOUT ROWID;
        -- Fuzzy duplicate matching looks up papers by their first author's name.
        CREATE INDEX authors_first ON authors(family COLLATE NOCASE) WHERE position = 0;
        """,
    )


def _v4_key_aliases_and_live_exports(conn: sqlite3.Connection) -> None:
    _execute_all(
        conn,
        """
        -- Keys a paper had before: a manuscript may still cite them (BibLaTeX ids).
        CREATE TABLE key_aliases (
            alias TEXT PRIMARY KEY COLLATE NOCASE,
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE
        );
        CREATE INDEX key_aliases_paper ON key_aliases(paper_id);
        -- A reading list or smart list bound to a file rewritten on every change.
        CREATE TABLE live_exports (
            id INTEGER PRIMARY KEY,
            list_id INTEGER REFERENCES lists(id) ON DELETE CASCADE,
            smart_list_id INTEGER REFERENCES smart_lists(id) ON DELETE CASCADE,
            path TEXT NOT NULL,
            format TEXT NOT NULL,
            options TEXT NOT NULL DEFAULT '{}',
            last_written TEXT NOT NULL DEFAULT '',
            last_error TEXT NOT NULL DEFAULT '',
            CHECK ((list_id IS NULL) != (smart_list_id IS NULL))
        );
        """,
    )


def _v5_newest_first_index(conn: sqlite3.Connection) -> None:
    # The table's default order (newest first) read straight from an index of the papers
    # outside the trash: the first page of 100k papers in 0.1 ms instead of sorting them
    # all (85 ms). papers_live (deleted, status) went because the planner preferred it
    # for every "deleted IS NULL" and then sorted; status counts use the partial index.
    _execute_all(
        conn,
        """
        DROP INDEX papers_live;
        CREATE INDEX papers_live_newest ON papers(added DESC) WHERE deleted IS NULL;
        CREATE INDEX papers_live_status ON papers(status) WHERE deleted IS NULL;
        -- Searches leave the trash out by its ids: a few, read without a table scan.
        CREATE INDEX papers_trash ON papers(deleted) WHERE deleted IS NOT NULL;
        """,
    )


def _v6_tags_indexed_by_id(conn: sqlite3.Connection) -> None:
    # The index held tag names, so renaming a tag re-indexed every paper carrying it
    # (0.9 s for 10k papers); it now holds their ids. Every row is rebuilt once.
    # The rows as db/fts.py builds them at this version, frozen here: a later change to
    # that module must not change what this step does to a version-5 library.
    conn.execute("DELETE FROM papers_fts")
    conn.execute(
        """
        INSERT INTO papers_fts(rowid, title, authors, abstract, venue, tags, notes)
        SELECT p.id, p.title,
            (SELECT group_concat(name, '; ') FROM (
                SELECT CASE WHEN a.literal != '' THEN a.literal
                            ELSE trim(a.given || ' ' || a.family) END AS name
                FROM authors a WHERE a.paper_id = p.id ORDER BY a.position)),
            p.abstract, p.venue,
            (SELECT group_concat('t' || pt.tag_id, ' ') FROM paper_tags pt
                WHERE pt.paper_id = p.id),
            (SELECT group_concat(n.body, ' ') FROM notes n WHERE n.paper_id = p.id)
        FROM papers p
        """
    )


def _v7_sort_indexes(conn: sqlite3.Connection) -> None:
    # Sorting the table by year or by first author reads the first page from an index
    # instead of sorting every paper (85 ms at 100k, a second at 1M). Each expression is
    # the one db/fields.py sorts by, as SQLite uses an index only for the same
    # expression; NULLs come last both ways, so years have one index per direction.
    # Title and citation key had theirs; the other columns are sorted in full, as an
    # index each would slow every import. The first author's sort name is kept on the
    # paper by triggers, whichever code writes the authors, so that it can be indexed.
    _execute_all(
        conn,
        """
        CREATE INDEX papers_live_year ON papers(year IS NULL, year) WHERE deleted IS NULL;
        CREATE INDEX papers_live_year_desc ON papers(year IS NOT NULL, year)
            WHERE deleted IS NULL;

        ALTER TABLE papers ADD COLUMN first_author TEXT;
        UPDATE papers SET first_author = (
            SELECT lower(coalesce(nullif(a.family, ''), a.literal)) FROM authors a
            WHERE a.paper_id = papers.id AND a.position = 0);
        -- A paper inserted with its first author's name already right (as imports do)
        -- is not written again.
        CREATE TRIGGER authors_first_inserted AFTER INSERT ON authors
            WHEN NEW.position = 0 AND (SELECT first_author FROM papers WHERE id = NEW.paper_id)
                IS NOT lower(coalesce(nullif(NEW.family, ''), NEW.literal))
        BEGIN
            UPDATE papers SET first_author = lower(coalesce(nullif(NEW.family, ''),
                                                            NEW.literal))
            WHERE id = NEW.paper_id;
        END;
        CREATE TRIGGER authors_first_updated AFTER UPDATE ON authors
            WHEN NEW.position = 0 OR OLD.position = 0
        BEGIN
            UPDATE papers SET first_author = (
                SELECT lower(coalesce(nullif(a.family, ''), a.literal)) FROM authors a
                WHERE a.paper_id = papers.id AND a.position = 0)
            WHERE id IN (NEW.paper_id, OLD.paper_id);
        END;
        CREATE TRIGGER authors_first_deleted AFTER DELETE ON authors
            WHEN OLD.position = 0
        BEGIN
            UPDATE papers SET first_author = (
                SELECT lower(coalesce(nullif(a.family, ''), a.literal)) FROM authors a
                WHERE a.paper_id = papers.id AND a.position = 0)
            WHERE id = OLD.paper_id;
        END;
        CREATE INDEX papers_live_author ON papers(first_author IS NULL, first_author)
            WHERE deleted IS NULL;
        """,
    )


# Appended, never edited: step N takes a library from version N-1 to N.
STEPS: tuple[Step, ...] = (_v1_initial, _v2_live_index, _v3_imports_and_duplicates,
                           _v4_key_aliases_and_live_exports, _v5_newest_first_index,
                           _v6_tags_indexed_by_id, _v7_sort_indexes)
SCHEMA_VERSION = len(STEPS)


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def check_version(conn: sqlite3.Connection) -> int:
    """The library's schema version; refuses one written by a newer Papershelf."""
    version = schema_version(conn)
    if version > SCHEMA_VERSION:
        raise LibraryTooNewError(
            f"This library was written by a newer version of Papershelf (schema {version}; "
            f"this version understands up to {SCHEMA_VERSION}). Update Papershelf to open it."
        )
    return version


def backup_before_migration(conn: sqlite3.Connection, path: Path, version: int) -> Path:
    """Back the library up before a migration touches it (a backup never rotated away)."""
    return backup.take(conn, path, f"{backup.MIGRATION}-v{version}").path


def migrate(conn: sqlite3.Connection, path: Path | None) -> list[int]:
    """Bring the library up to :data:`SCHEMA_VERSION`; return the steps applied.

    ``path`` is the library file (``None`` for an in-memory library: nothing to back up).
    Must be called on a connection in autocommit mode with no transaction open.
    """
    version = check_version(conn)
    if version == SCHEMA_VERSION:
        return []
    if version > 0 and path is not None:
        backup_before_migration(conn, path, version)
    applied: list[int] = []
    for number in range(version + 1, SCHEMA_VERSION + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            STEPS[number - 1](conn)
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            # PRAGMA takes no parameters; ``number`` is an int from our own range.
            conn.execute(f"PRAGMA user_version = {int(number)}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        applied.append(number)
    return applied
