"""The facade: every use case the GUI, the CLI, the tests and the benchmarks may call.

A :class:`Library` owns one connection. Reads return frozen records; every write is one
transaction and returns a :class:`db.records.Changes` saying what moved.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

from db import backup
from db.duplicates import DuplicateOps
from db.errors import LibraryError, NotFoundError
from db.fields import BY_NAME, SORTABLE, sort_sql
from db.first_page import newest_matching
from db.keys import KeyOps
from db.lists import ListOps
from db.notes import NoteOps
from db.records import Author, Paper, PaperRow
from db.search import CompiledQuery, compile_query
from db.store import IN_IDS, Clock, id_list, utc_now
from db.tagging import TagOps

# How many authors the table's short form names before "et al.".
SHORT_AUTHORS = 3

# bm25 weights of the full-text columns (title, authors, abstract, venue, tags, notes): a
# word in the title says more about a paper than the same word in its abstract.
RANK_WEIGHTS = "10.0, 5.0, 1.0, 2.0, 3.0, 2.0"
# Relevance orders a search matching up to this many papers. Beyond it the top of a
# ranking over most of the library tells the user little, and costs a second at 1M
# papers: such a search lists newest first, as the whole library does.
RANK_LIMIT = 50_000
# A result read whole (ids only) rather than counted and then paged, when counting it
# costs a pass over its rows anyway.
WHOLE_READ = 50_000
# The table's order when nothing else decides it: the latest added first.
NEWEST_FIRST = "p.added DESC, p.id"
_TRASHED = "SELECT id FROM papers WHERE deleted IS NOT NULL"


class Library(TagOps, KeyOps, ListOps, NoteOps, DuplicateOps):
    """A Papershelf library: an SQLite file (or memory) with papers, tags, lists, notes."""

    # Why the daily backup on opening failed, in words; "" when it did not.
    backup_problem = ""

    @classmethod
    def open(
        cls, path: Path | str, *, read_only: bool = False, clock: Clock = utc_now,
        backups: bool = True, daily_backup: bool = True,
    ) -> Library:
        """Open the library at ``path``, creating it if it does not exist.

        Takes the writer lock unless ``read_only``; raises :class:`LibraryError` with a
        plain message when the file cannot be used. A library opened for writing is
        backed up when its last backup is a day old (see :mod:`db.backup`); a backup
        that fails does not stop the opening, and says why in ``backup_problem``.
        ``backups=False`` is for tools that build a library from scratch (benchmarks):
        no backup on opening nor before its imports. ``daily_backup=False`` leaves the
        daily one to the caller (the window runs :meth:`daily_backup` on its writer
        thread once it is shown: it takes seconds for a large library).
        """
        library = cls(Path(path).expanduser(), read_only=read_only, clock=clock)
        library.backups = backups
        if not read_only and backups and daily_backup:
            library.daily_backup()
        return library

    def daily_backup(self) -> None:
        """Back up when the last backup is a day old; a failure is kept, in words, in
        ``backup_problem`` rather than raised."""
        self.backup_problem = ""
        if self.path is None or self.read_only or not self.backups or not backup.due(self.path):
            return
        if self.scalar("SELECT 1 FROM papers LIMIT 1") is None:
            return  # a new, empty library: nothing to lose yet
        try:
            backup.take(self.conn, self.path, "daily")
        except LibraryError as exc:
            self.backup_problem = str(exc)

    @classmethod
    def memory(cls, *, clock: Clock = utc_now) -> Library:
        """A library that lives in memory only: for tests and previews."""
        return cls(None, clock=clock)

    def __enter__(self) -> Library:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Run several use cases as one transaction: all of them are saved, or none."""
        with self.write():
            yield

    # -- search ---------------------------------------------------------------------------

    def search(
        self,
        query: str = "",
        *,
        sort: str | None = None,
        descending: bool = False,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[int]:
        """Ids of the papers matching ``query``, in order.

        Without ``sort``: by relevance when the query has words to rank by (unless they
        are a one- or two-letter prefix, or found in more than RANK_LIMIT papers), in list
        order for a query that is one reading list, else newest first. ``sort`` is a
        field name from the registry (``db.fields.SORTABLE``). ``limit`` and ``offset``
        give one page of the same order.
        """
        compiled = self._compile(query)
        return self._search(compiled, sort, descending, limit, offset, None)

    def page(self, query: str = "", *, sort: str | None = None, descending: bool = False,
             limit: int = 200) -> tuple[int, list[int]]:
        """How many papers match ``query``, and the first ``limit`` of them in the order
        :meth:`search` gives: what a table shows first, without reading every id."""
        compiled = self._compile(query)
        # A newest-first page needs the count itself (to choose how to read the index), so
        # reading every id as well would only do the work twice (100 ms instead of 43 ms
        # for 35k matches of 100k).
        newest_first = (sort is None and compiled.rank_match is None
                        and compiled.list_name is None)
        if not self._cheap_count(compiled) and not newest_first:
            # Counting would read every matching row once and the page a second time:
            # read the ids once instead, when there are not too many of them.
            ids = self._search(compiled, sort, descending, WHOLE_READ + 1, 0, None)
            if len(ids) <= WHOLE_READ:
                return len(ids), ids[:limit]
        count = self._count(compiled)
        return count, self._search(compiled, sort, descending, limit, 0, count)

    def _cheap_count(self, compiled: CompiledQuery) -> bool:
        """Whether the count comes from an index alone (see :meth:`_count`)."""
        if compiled.include_trash:
            return False
        return (compiled.words_only or compiled.where == "1"
                or _id_set(compiled.where) is not None)

    def _compile(self, query: str) -> CompiledQuery:
        tags = [(int(i), str(n)) for i, n in self.conn.execute("SELECT id, name FROM tags")]
        return compile_query(query, now=self.now_datetime(), tags=tags)

    def _search(self, compiled: CompiledQuery, sort: str | None, descending: bool,
                limit: int | None, offset: int, count: int | None) -> list[int]:
        if count is None and sort is None and compiled.words_only \
                and not compiled.include_trash:
            # Both the ranking and the index-walk decisions below need it: count once.
            count = self._count(compiled)
        where = _visible(compiled.where, compiled.include_trash)
        params: list[object] = list(compiled.params)
        join = ""
        if sort is not None:
            if sort not in SORTABLE:
                raise LibraryError(
                    f"Cannot sort by {sort!r}; sortable fields: {', '.join(SORTABLE)}."
                )
            order = sort_sql(sort, descending)
        elif compiled.rank_match is not None and self._worth_ranking(compiled, count):
            if compiled.words_only and not compiled.include_trash:
                # Ranking straight from the index, without joining every hit to papers,
                # halves the time of a one-word search over a large library.
                sql = (f"SELECT rowid FROM papers_fts WHERE papers_fts MATCH ? AND rowid "
                       f"NOT IN ({_TRASHED}) ORDER BY bm25(papers_fts, {RANK_WEIGHTS}), rowid")
                return self._ids(sql, [compiled.rank_match], limit, offset)
            join = (f"JOIN (SELECT rowid AS fts_id, bm25(papers_fts, {RANK_WEIGHTS}) AS rank "
                    "FROM papers_fts WHERE papers_fts MATCH ?) r ON r.fts_id = p.id")
            params.insert(0, compiled.rank_match)
            order = "r.rank, p.id"
        elif compiled.list_name is not None:
            join = ("JOIN list_items li ON li.paper_id = p.id AND li.list_id = "
                    "(SELECT id FROM lists WHERE name = ?)")
            params.insert(0, compiled.list_name)
            order = "li.position"
        else:
            order = NEWEST_FIRST
        table = "papers p"
        if order == NEWEST_FIRST and not compiled.include_trash:
            count = self._count(compiled) if count is None else count
            size = int(str(self.scalar("SELECT coalesce(max(id), 0) FROM papers")))
            if _common(count, size):
                if (compiled.words_only and compiled.rank_match is not None
                        and limit is not None and limit > 0 and offset == 0):
                    first = newest_matching(self.conn, compiled.rank_match, limit, count,
                                            size)
                    if first is not None:
                        return first
                # Walking the index in order meets a page of matches within a few hundred
                # rows; left to itself the planner sorts every match (100 ms at 100k).
                table = "papers p INDEXED BY papers_live_newest"
        sql = f"SELECT p.id FROM {table} {join} WHERE {where} ORDER BY {order}"
        return self._ids(sql, params, limit, offset)

    def _worth_ranking(self, compiled: CompiledQuery, count: int | None) -> bool:
        """Whether relevance should order the results: not for a prefix being typed, nor
        for words found in more than RANK_LIMIT papers."""
        if compiled.short_prefix:
            return False
        if count is not None and compiled.words_only and not compiled.include_trash:
            return count <= RANK_LIMIT
        found = self.scalar("SELECT count(*) FROM papers_fts WHERE papers_fts MATCH ?",
                            (compiled.rank_match,))
        return int(str(found)) <= RANK_LIMIT

    def _ids(self, sql: str, params: list[object], limit: int | None, offset: int) -> list[int]:
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params = [*params, int(limit), int(offset)]
        return [int(r[0]) for r in self.conn.execute(sql, params)]

    def count(self, query: str = "") -> int:
        """How many papers match ``query`` (trashed papers only with ``in:trash``)."""
        return self._count(self._compile(query))

    def _count(self, compiled: CompiledQuery) -> int:
        if compiled.words_only and not compiled.include_trash:
            # Counted in the index alone: a table scan costs 20× more at 100k papers.
            return int(str(self.scalar(
                f"SELECT count(*) FROM papers_fts WHERE papers_fts MATCH ? AND rowid NOT IN "
                f"({_TRASHED})", (compiled.rank_match,))))
        inner = None if compiled.include_trash else _id_set(compiled.where)
        if inner is not None:
            # One tag, list, import or field's words: counted from their own index without
            # reading each paper's row (200k rows of a 1M library: 200 ms → 30 ms).
            return int(str(self.scalar(
                f"WITH found(id) AS ({inner}) SELECT count(DISTINCT id) FROM found "
                f"WHERE id NOT IN ({_TRASHED})", compiled.params)))
        where = _visible(compiled.where, compiled.include_trash)
        return int(str(self.scalar(f"SELECT count(*) FROM papers p WHERE {where}",
                                   compiled.params)))

    # -- reading papers -------------------------------------------------------------------

    def rows(self, ids: Sequence[int]) -> list[PaperRow]:
        """What the table shows for ``ids``, in the same order (unknown ids left out)."""
        wanted = id_list(ids)
        authors: dict[int, list[str]] = {}
        for paper_id, name in self.conn.execute(
            "SELECT paper_id, CASE WHEN literal != '' THEN literal "
            "WHEN family != '' THEN family ELSE given END "
            f"FROM authors WHERE paper_id IN {IN_IDS} AND position <= ? "
            "ORDER BY paper_id, position",
            (wanted, SHORT_AUTHORS),
        ):
            authors.setdefault(int(paper_id), []).append(str(name))
        tags: dict[int, list[str]] = {}
        for paper_id, name in self.conn.execute(
            "SELECT pt.paper_id, t.name FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id "
            f"WHERE pt.paper_id IN {IN_IDS} ORDER BY t.name COLLATE NOCASE", (wanted,)
        ):
            tags.setdefault(int(paper_id), []).append(str(name))
        found: dict[int, PaperRow] = {}
        for (paper_id, key, title, year, venue, category, added, rating, status, code_url,
             extra, et_al, deleted) in self.conn.execute(
            "SELECT id, key, title, year, venue, category, added, rating, status, code_url, "
            f"extra, et_al, deleted FROM papers WHERE id IN {IN_IDS}", (wanted,)
        ):
            names = authors.get(int(paper_id), [])
            found[int(paper_id)] = PaperRow(
                id=int(paper_id), key=key, title=title,
                authors=short_authors(names, bool(et_al)), year=year, venue=venue,
                category=category, added=added, rating=int(rating), status=status,
                tags=tuple(tags.get(int(paper_id), ())),
                has_code=bool(code_url) or '"has_code"' in extra,
                deleted=deleted is not None,
            )
        return [found[i] for i in ids if i in found]

    def paper(self, paper_id: int) -> Paper:
        """Every field of one paper, with its tags and the lists holding it."""
        # Imported here: sqlite_utils costs a command that never reads one paper 70 ms.
        from sqlite_utils.db import NotFoundError as NotFoundRecord

        try:
            values = self.db.table("papers").get(paper_id)
        except NotFoundRecord:
            raise NotFoundError(f"No paper with id {paper_id} in this library.") from None
        authors = tuple(
            Author(family=f, given=g, literal=lit)
            for f, g, lit in self.conn.execute(
                "SELECT family, given, literal FROM authors WHERE paper_id = ? "
                "ORDER BY position", (paper_id,))
        )
        tags = tuple(str(r[0]) for r in self.conn.execute(
            "SELECT t.name FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id "
            "WHERE pt.paper_id = ? ORDER BY t.name COLLATE NOCASE", (paper_id,)))
        lists = tuple(str(r[0]) for r in self.conn.execute(
            "SELECT l.name FROM list_items li JOIN lists l ON l.id = li.list_id "
            "WHERE li.paper_id = ? ORDER BY l.position, l.id", (paper_id,)))
        return Paper(
            id=int(values["id"]), key=values["key"], entry_type=values["entry_type"],
            title=values["title"], abstract=values["abstract"], date=values["date"],
            venue=values["venue"], volume=values["volume"], number=values["number"],
            pages=values["pages"], publisher=values["publisher"], doi=values["doi"],
            arxiv=values["arxiv"], url=values["url"], code_url=values["code_url"],
            category=values["category"], score=values["score"], status=values["status"],
            rating=int(values["rating"]), authors=authors, et_al=bool(values["et_al"]),
            extra=json.loads(values["extra"]), tags=tags, lists=lists,
            added=values["added"], modified=values["modified"],
            deleted=values["deleted"] or "",
        )

    def paper_id(self, key: str) -> int:
        """The id of the paper with citation key ``key``."""
        found = self.scalar("SELECT id FROM papers WHERE key = ?", (key,))
        if found is None:
            # A former key still names its paper.
            found = self.scalar("SELECT paper_id FROM key_aliases WHERE alias = ?", (key,))
        if found is None:
            raise NotFoundError(f"No paper with citation key {key!r} in this library.")
        return int(str(found))

    def paper_by_key(self, key: str) -> Paper:
        return self.paper(self.paper_id(key))

    def stats(self) -> dict[str, int]:
        """Counts a status line or a check shows: papers, trash, tags, lists, notes."""
        counts = {
            "papers": "SELECT count(*) FROM papers WHERE deleted IS NULL",
            "trash": "SELECT count(*) FROM papers WHERE deleted IS NOT NULL",
            "tags": "SELECT count(*) FROM tags",
            "lists": "SELECT count(*) FROM lists",
            "notes": "SELECT count(*) FROM notes",
        }
        return {name: int(str(self.scalar(sql))) for name, sql in counts.items()}

    # -- per-library settings -----------------------------------------------------------

    def setting(self, name: str, default: str = "") -> str:
        value = self.scalar("SELECT value FROM settings WHERE name = ?", (name,))
        return default if value is None else str(value)

    def set_setting(self, name: str, value: str) -> None:
        with self.write():
            self.db.table("settings").upsert({"name": name, "value": value}, pk="name")


def _common(count: int, size: int) -> bool:
    """Whether ``count`` matches are more than one paper in twenty of a library whose
    largest id is ``size``."""
    return count * 20 > size


def _id_set(where: str) -> str | None:
    """The subquery of a condition that is only ``p.id IN (subquery)``, else None.

    The compiler writes every tag, list, import and full-text term in that form, and
    never a user's text into SQL, so balanced parentheses tell where it ends.
    """
    head = "p.id IN ("
    if not where.startswith(head) or not where.endswith(")"):
        return None
    depth = 0
    for position, char in enumerate(where):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0 and position != len(where) - 1:
                return None
    return where[len(head):-1]


def _visible(where: str, include_trash: bool) -> str:
    """Trashed papers are left out of every search that does not ask for them."""
    return where if include_trash else f"({where}) AND p.deleted IS NULL"


def short_authors(names: Sequence[str], et_al: bool) -> str:
    """``Wang, Yi, Liu et al.``: the first few family names, and whether more follow."""
    shown = list(names[:SHORT_AUTHORS])
    text = ", ".join(shown)
    if et_al or len(names) > SHORT_AUTHORS:
        text += " et al."
    return text


def field_label(name: str) -> str:
    """The label users see for a registry field."""
    return BY_NAME[name].label
