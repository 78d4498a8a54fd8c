"""Duplicate lookups for many records at once: find_match's rules, answered from memory.

:func:`db.duplicates.find_match` asks the library four indexed questions per record; at
10,000 records that is tens of thousands of statements and half a second of cursor steps
over every paper sharing a first author. :class:`MatchIndex` asks one query per batch for
every paper any record of the batch could match (same DOI, arXiv id or folded title, or
the same first author's family name), keeps those papers' keys in dictionaries, and
answers each record from them with exactly find_match's rules and order (a test compares
the two). Papers added or merged during the import are put in the index as they go, so a
record also matches an earlier record of the same file, as when each was inserted before
the next was looked up.

The index is complete for every key it has loaded: a paper is always indexed under all of
its keys, and a key is loaded (every paper of the library holding it) before a record
holding it is looked up.
"""

from __future__ import annotations

import bisect
import json
import sqlite3
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from db.duplicates import similar_among
from db.matching import name_key, nocase, normalize_arxiv, normalize_doi, title_key
from db.records import PaperData, year_of

# Every paper a batch could match, by any of the four lookups. Each branch reads one of
# the indexes that find_match's own queries use (a test checks the plan), and the "!= ''"
# lets SQLite use the partial ones.
_CANDIDATES = """
    SELECT p.id, p.doi, p.arxiv, p.title_key, p.year, a.family, a.literal
    FROM papers p LEFT JOIN authors a ON a.paper_id = p.id AND a.position = 0
    WHERE p.id IN (
        SELECT id FROM papers WHERE doi COLLATE NOCASE IN (SELECT value FROM json_each(?))
            AND doi != ''
        UNION SELECT id FROM papers WHERE arxiv IN (SELECT value FROM json_each(?))
            AND arxiv != ''
        UNION SELECT id FROM papers WHERE title_key IN (SELECT value FROM json_each(?))
            AND title_key != ''
        UNION SELECT paper_id FROM authors WHERE position = 0
            AND family COLLATE NOCASE IN (SELECT value FROM json_each(?)))
"""
_ONE = """
    SELECT p.id, p.doi, p.arxiv, p.title_key, p.year, a.family, a.literal
    FROM papers p LEFT JOIN authors a ON a.paper_id = p.id AND a.position = 0
    WHERE p.id = ?
"""


class Query(NamedTuple):
    """What find_match asks about one record, computed once."""

    doi: str  # normalised and NOCASE-folded; '' asks nothing
    arxiv: str
    title: str  # matching.title_key; '' stops the lookup after the identifiers
    year: int | None
    family: str  # the first author's family (or literal) name as given, NOCASE-folded
    name: str  # ... and as matching.name_key folds it


class _Keys(NamedTuple):
    """One paper's keys as the library stores them."""

    doi: str  # NOCASE-folded
    arxiv: str
    title: str
    year: int | None
    family: str  # the first author's family column, NOCASE-folded ('' for none)
    name: str  # name_key of the first author's family or literal name


def query(data: PaperData, values: Mapping[str, object] | None = None) -> Query:
    """What find_match asks about ``data``; ``values`` are its paper_rows.column_values
    when the caller has them (the same normalised DOI, arXiv id, title key and year)."""
    first = data.authors[0] if data.authors else None
    family = (first.family or first.literal) if first else ""
    if values is None:
        return Query(
            doi=nocase(normalize_doi(data.doi)) if data.doi else "",
            arxiv=normalize_arxiv(data.arxiv) if data.arxiv else "",
            title=title_key(data.title),
            year=year_of(data.date),
            family=nocase(family),
            name=name_key(family),
        )
    year = values["year"]
    return Query(doi=nocase(str(values["doi"])), arxiv=str(values["arxiv"]),
                 title=str(values["title_key"]), year=year if isinstance(year, int) else None,
                 family=nocase(family), name=name_key(family))


class MatchIndex:
    """find_match over the library and whatever is added to the index meanwhile."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._papers: dict[int, _Keys] = {}
        self._by_doi: dict[str, list[int]] = {}
        self._by_arxiv: dict[str, list[int]] = {}
        self._by_title: dict[str, list[int]] = {}
        self._by_author_year: dict[tuple[str, int | None], list[int]] = {}
        self._loaded_doi: set[str] = set()
        self._loaded_arxiv: set[str] = set()
        self._loaded_title: set[str] = set()
        self._loaded_family: set[str] = set()

    def prepare(self, records: Sequence[PaperData],
                values: Sequence[Mapping[str, object]] | None = None) -> list[Query]:
        """The records' queries (see :func:`query`), with every paper of the library they
        could match loaded."""
        queries = ([query(data) for data in records] if values is None
                   else [query(data, v) for data, v in zip(records, values, strict=True)])
        dois = {q.doi for q in queries if q.doi} - self._loaded_doi
        arxivs = {q.arxiv for q in queries if q.arxiv} - self._loaded_arxiv
        titles = {q.title for q in queries if q.title} - self._loaded_title
        families = {q.family for q in queries if q.title and q.family} - self._loaded_family
        if dois or arxivs or titles or families:
            params = tuple(json.dumps(sorted(keys), ensure_ascii=False)
                           for keys in (dois, arxivs, titles, families))
            for row in self._conn.execute(_CANDIDATES, params):
                if row[0] not in self._papers:
                    self._put(int(row[0]), _stored(row))
            self._loaded_doi |= dois
            self._loaded_arxiv |= arxivs
            self._loaded_title |= titles
            self._loaded_family |= families
        return queries

    def find(self, q: Query) -> int | None:
        """find_match's answer for the record ``q`` was made from (see :meth:`prepare`)."""
        if q.doi and (ids := self._by_doi.get(q.doi)):
            return ids[0]
        if q.arxiv and (ids := self._by_arxiv.get(q.arxiv)):
            return ids[0]
        if not q.title:
            return None
        papers = self._papers
        for paper_id in self._by_title.get(q.title, ()):
            keys = papers[paper_id]
            if keys.year == q.year and keys.name == q.name:
                return paper_id
        if not q.family:
            return None
        ids = self._by_author_year.get((q.family, q.year))
        if ids:
            similar = similar_among(q.title, [papers[paper_id].title for paper_id in ids])
            if similar:
                return ids[similar[0]]
        return None

    def add(self, paper_id: int, q: Query, data: PaperData) -> None:
        """Index a paper just inserted from ``data`` (whose query is ``q``)."""
        first = data.authors[0] if data.authors else None
        self._put(paper_id, _Keys(q.doi, q.arxiv, q.title, q.year,
                                  nocase(first.family) if first else "", q.name))

    def refresh(self, paper_id: int) -> None:
        """Index a paper again as the library now holds it (after a merge filled it)."""
        old = self._papers.pop(paper_id, None)
        if old is not None:
            for ids in self._buckets(old):
                ids.remove(paper_id)
        row = self._conn.execute(_ONE, (paper_id,)).fetchone()
        if row is not None:
            self._put(paper_id, _stored(row))

    def _put(self, paper_id: int, keys: _Keys) -> None:
        self._papers[paper_id] = keys
        for ids in self._buckets(keys, create=True):
            # Ids mostly arrive in increasing order; find_match reads them in id order.
            if not ids or ids[-1] < paper_id:
                ids.append(paper_id)
            else:
                bisect.insort(ids, paper_id)

    def _buckets(self, keys: _Keys, create: bool = False) -> list[list[int]]:
        """The id lists ``keys`` puts a paper in (made when ``create``)."""
        found: list[list[int]] = []
        for table, key in ((self._by_doi, keys.doi), (self._by_arxiv, keys.arxiv),
                           (self._by_title, keys.title)):
            if key:
                found.append(table.setdefault(key, []) if create else table[key])
        if keys.family:
            author_year = (keys.family, keys.year)
            found.append(self._by_author_year.setdefault(author_year, []) if create
                         else self._by_author_year[author_year])
        return found


def _stored(row: tuple[object, ...]) -> _Keys:
    _, doi, arxiv, folded, year, family, literal = row
    return _Keys(
        doi=nocase(str(doi)),
        arxiv=str(arxiv),
        title=str(folded),
        year=None if year is None else int(str(year)),
        family=nocase(str(family or "")),
        name=name_key(str(family or literal or "")),
    )
