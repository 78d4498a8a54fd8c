"""Papers as rows: a record checked, its column values, and many records inserted at once.

An import used to insert each paper with a dozen single statements (the paper, its key
checks, its authors, each tag looked up), 100,000 of them for 10,000 papers. PaperRows
gathers the rows of a batch instead and writes each table with one ``executemany``: it
gives ids, citation keys and tag ids itself, exactly as inserting the records one by one
in the same order would have (the next id is one past the largest, as SQLite gives it).
"""

from __future__ import annotations

import functools
import json
import operator
import re
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import date as date_type

from db.citekeys import base_key, check_key, unique_key
from db.errors import LibraryError
from db.fields import PAPER_COLUMNS
from db.matching import nocase, normalize_arxiv, normalize_doi, title_key
from db.records import STATUSES, Author, PaperData, year_of

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")

# The papers columns an insert fills, in this order.
INSERTED = ("id", *PAPER_COLUMNS, "year", "title_key", "et_al", "extra", "first_author",
            "added", "modified")
_INSERT_PAPER = (f"INSERT INTO papers({', '.join(INSERTED)}) "
                 f"VALUES ({', '.join('?' for _ in INSERTED)})")
_VALUES = INSERTED[1:-2]  # what column_values gives
_read_columns = operator.attrgetter(*PAPER_COLUMNS)
# json.dumps(value, ensure_ascii=False, sort_keys=True), without making an encoder each time.
_extra_json = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode
_row_values = operator.itemgetter(*_VALUES)
_INSERT_AUTHOR = ("INSERT INTO authors(paper_id, position, family, given, literal) "
                  "VALUES (?, ?, ?, ?, ?)")
_INSERT_PAPER_TAG = "INSERT OR IGNORE INTO paper_tags(paper_id, tag_id) VALUES (?, ?)"
# Past this many keys in the library (per paper imported), taken keys are looked up one at
# a time rather than all read first: pasting one paper must not read 100,000 keys.
_READ_ALL_KEYS_RATIO = 4


@functools.lru_cache(maxsize=4096)  # an import checks the same few dates many times
def check_date(value: str) -> str | None:
    """Why ``value`` is not an ISO partial date (YYYY, YYYY-MM, YYYY-MM-DD), or None."""
    if value == "":
        return None
    match = _DATE.match(value)
    if not match:
        return f"date {value!r} must look like 2022, 2022-06 or 2022-06-11"
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        date_type(year or 1, month or 1, day or 1)
    except ValueError:
        return f"date {value!r} is not a real date"
    return None


def validate(data: PaperData) -> None:
    """Raise LibraryError, in plain words, for a record the library cannot hold."""
    problems = [
        check_date(data.date),
        None if data.status in STATUSES else
        f"status {data.status!r} must be one of {', '.join(STATUSES)}",
        None if 0 <= data.rating <= 5 else f"rating {data.rating} must be between 0 and 5",
        check_key(data.key) if data.key else None,
    ]
    found = [p for p in problems if p]
    if found:
        text = "; ".join(found)
        raise LibraryError(text[:1].upper() + text[1:] + ".")


def column_values(data: PaperData) -> dict[str, object]:
    """The papers columns of a record (``key`` as given), normalised as stored."""
    values: dict[str, object] = dict(zip(PAPER_COLUMNS, _read_columns(data), strict=True))
    values["doi"] = normalize_doi(data.doi) if data.doi else ""
    values["arxiv"] = normalize_arxiv(data.arxiv) if data.arxiv else ""
    values["year"] = year_of(data.date)
    values["title_key"] = title_key(data.title)
    values["et_al"] = int(data.et_al)
    values["extra"] = _extra_json(dict(data.extra)) if data.extra else "{}"
    values["first_author"] = first_author(data.authors)
    return values


def first_author(authors: Sequence[Author]) -> str | None:
    """The first author's sort name as the library's triggers make it (SQLite's lower()
    folds ASCII letters only): given with the paper's row, the trigger has nothing to
    do, and an import does not rewrite every row it has just written."""
    if not authors:
        return None
    return nocase(authors[0].family or authors[0].literal)


def clean_tag_name(name: str) -> str:
    """Tags are trimmed, inner white space folded, and hierarchy slashes tidied."""
    parts = [" ".join(part.split()) for part in name.split("/")]
    return "/".join(part for part in parts if part)


class PaperRows:
    """New papers of one write, queued as rows and written a batch at a time.

    Use inside an open write. :meth:`add` checks a record and gives it its id and key at
    once (so the caller can report and index it); :meth:`flush` writes what is queued.
    Tags are created when first met, as one-by-one inserts did, so tag ids are the same.
    """

    def __init__(self, conn: sqlite3.Connection, now: str, pattern: str,
                 expected: int = 0) -> None:
        self._conn = conn
        self._now = now
        self._pattern = pattern
        self._next_id = int(conn.execute("SELECT coalesce(max(id), 0) + 1 FROM papers")
                            .fetchone()[0])
        self._papers: list[tuple[object, ...]] = []
        self._authors: list[tuple[int, int, str, str, str]] = []
        self._paper_tags: list[tuple[int, int]] = []
        # Keys (NOCASE-folded, as the unique index compares them) → taken or not.
        self._keys: dict[str, bool] = {}
        self._all_keys = int(conn.execute("SELECT count(*) FROM papers").fetchone()[0]) \
            <= _READ_ALL_KEYS_RATIO * max(expected, 1)
        if self._all_keys:
            self._keys = {nocase(str(k)): True for (k,) in conn.execute("SELECT key FROM papers")}
        self._tags = {nocase(str(name)): int(tag_id)
                      for tag_id, name in conn.execute("SELECT id, name FROM tags")}
        # Tag names as written → their ids (None for a name that cleans to nothing):
        # the same few names are written on thousands of papers.
        self._tag_names: dict[str, int | None] = {}

    def taken(self, key: str) -> bool:
        """Whether a paper (in the library, or queued) has ``key``, in any letter case."""
        folded = nocase(key)
        known = self._keys.get(folded)
        if known is None:
            if self._all_keys:
                return False
            known = self._conn.execute("SELECT 1 FROM papers WHERE key = ?",
                                       (key,)).fetchone() is not None
            self._keys[folded] = known
        return known

    def add(self, data: PaperData, values: dict[str, object] | None = None) -> int:
        """Queue one paper; its id. A taken key gets a suffix (an imported file's keys may
        clash with the library's); no key gets one from the library's pattern.
        ``values`` are its :func:`column_values` when the caller has them already."""
        validate(data)
        key = data.key
        if key and self.taken(key):
            key = unique_key(key, self.taken)
        elif not key:
            key = unique_key(base_key(data, self._pattern), self.taken)
        paper_id = self._next_id
        self._next_id += 1
        self._keys[nocase(key)] = True
        if values is None:
            values = column_values(data)
        values["key"] = key
        self._papers.append((paper_id, *_row_values(values), self._now, self._now))
        self._authors += [(paper_id, position, a.family, a.given, a.literal)
                          for position, a in enumerate(data.authors)]
        self._paper_tags.extend((paper_id, tag_id) for tag_id in self.tag_ids(data.tags))
        return paper_id

    def tag_ids(self, names: Iterable[str]) -> list[int]:
        """Ids of the tags named, creating those that do not exist yet."""
        ids: list[int] = []
        for raw in names:
            if raw in self._tag_names:
                known = self._tag_names[raw]
                if known is not None:
                    ids.append(known)
                continue
            name = clean_tag_name(raw)
            tag_id = None
            if name:
                folded = nocase(name)
                tag_id = self._tags.get(folded)
                if tag_id is None:
                    cursor = self._conn.execute("INSERT INTO tags(name) VALUES (?)", (name,))
                    tag_id = self._tags[folded] = int(cursor.lastrowid or 0)
                ids.append(tag_id)
            self._tag_names[raw] = tag_id
        return ids

    def flush(self) -> None:
        """Write the queued papers, their authors and their tags."""
        if not self._papers:
            return
        self._conn.executemany(_INSERT_PAPER, self._papers)
        self._conn.executemany(_INSERT_AUTHOR, self._authors)
        self._conn.executemany(_INSERT_PAPER_TAG, self._paper_tags)
        self._papers.clear()
        self._authors.clear()
        self._paper_tags.clear()
