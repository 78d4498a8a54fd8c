"""The one registry of fields: every column, editor, search prefix and sort key.

The table, the detail pane, the search language, the exporters and the settings read
this; nothing else spells a column name. Sort expressions come from here, so user text
never reaches SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Match(Enum):
    """How ``name:value`` in a query is matched."""

    FULLTEXT = "fulltext"  # words in one column of the full-text index, prefix-matched
    TEXT = "text"  # case-insensitive equality on a papers column (or a prefix with *)
    NUMBER = "number"  # integer comparisons and ranges: 2022, >=2022, 2019..2021
    STATUS = "status"  # one of records.STATUSES
    AGE = "age"  # a timestamp compared with a duration or a date: <30d, >=2024-01-01
    TAG = "tag"  # a tag name, or any tag below it in the hierarchy (ml matches ml/fl)
    LIST = "list"  # a reading list's name
    CATEGORY = "category"  # cs.LG; "cs" matches cs.*, "LG" matches *.LG
    DOI = "doi"  # case-insensitive, with or without the https://doi.org/ prefix
    ARXIV = "arxiv"  # the arXiv id, version ignored
    IMPORT = "import"  # the number of an import: the papers it brought
    NONE = "none"  # not searchable by a prefix of its own


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    match: Match
    column: str = ""  # the papers column holding it ('' when it is not a plain column)
    fts_column: str = ""  # the papers_fts column for FULLTEXT matching
    sort_sql: str = ""  # an ORDER BY expression over ``p`` (papers); '' = not sortable
    editable: bool = False
    numeric: bool = False
    nullable: bool = False  # its sort value may be NULL (no year, no score, no author)


FIELDS: tuple[Field, ...] = (
    Field("title", "Title", Match.FULLTEXT, "title", "title",
          "p.title COLLATE NOCASE", editable=True),
    # The first author's family name (or an organisation's), lower-cased: kept on the
    # paper by the library's triggers (db/migrations.py, version 7).
    Field("author", "Authors", Match.FULLTEXT, "", "authors", "p.first_author",
          nullable=True),
    Field("year", "Year", Match.NUMBER, "year", "", "p.year", numeric=True, nullable=True),
    Field("date", "Date", Match.NONE, "date", "", "p.date", editable=True),
    Field("venue", "Venue", Match.FULLTEXT, "venue", "venue",
          "p.venue COLLATE NOCASE", editable=True),
    Field("abstract", "Abstract", Match.FULLTEXT, "abstract", "abstract", editable=True),
    Field("note", "Notes", Match.FULLTEXT, "", "notes"),
    Field("tag", "Tags", Match.TAG),
    Field("list", "Reading list", Match.LIST),
    Field("category", "Category", Match.CATEGORY, "category", "",
          "p.category COLLATE NOCASE", editable=True),
    Field("status", "Status", Match.STATUS, "status", "",
          "CASE p.status WHEN 'unread' THEN 0 WHEN 'reading' THEN 1 ELSE 2 END",
          editable=True),
    Field("rating", "Rating", Match.NUMBER, "rating", "", "p.rating",
          editable=True, numeric=True),
    Field("score", "Score", Match.NUMBER, "score", "", "p.score", editable=True,
          numeric=True, nullable=True),
    Field("doi", "DOI", Match.DOI, "doi", "", "p.doi COLLATE NOCASE", editable=True),
    Field("arxiv", "arXiv", Match.ARXIV, "arxiv", "", "p.arxiv", editable=True),
    Field("key", "Citation key", Match.TEXT, "key", "", "p.key COLLATE NOCASE",
          editable=True),
    Field("added", "Added", Match.AGE, "added", "", "p.added"),
    Field("modified", "Modified", Match.AGE, "modified", "", "p.modified"),
    Field("type", "Entry type", Match.TEXT, "entry_type", "", "p.entry_type",
          editable=True),
    Field("volume", "Volume", Match.NONE, "volume", "", "", editable=True),
    Field("number", "Number", Match.NONE, "number", "", "", editable=True),
    Field("pages", "Pages", Match.NONE, "pages", "", "", editable=True),
    Field("publisher", "Publisher", Match.TEXT, "publisher", "",
          "p.publisher COLLATE NOCASE", editable=True),
    Field("url", "URL", Match.NONE, "url", "", "", editable=True),
    Field("code", "Code URL", Match.NONE, "code_url", "", "", editable=True),
    Field("import", "Import", Match.IMPORT),
)

BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}

# The prefixes the search language accepts, in the order the README lists them.
SEARCH_PREFIXES: tuple[str, ...] = tuple(f.name for f in FIELDS if f.match is not Match.NONE)

# `has:X` — a paper that has X. The SQL is ours, over ``p`` (papers).
HAS: dict[str, str] = {
    "notes": "EXISTS (SELECT 1 FROM notes n WHERE n.paper_id = p.id)",
    # A code link, or the listing's "Code" marker when it named no link.
    "code": "(p.code_url != '' OR json_extract(p.extra, '$.has_code') = 'yes')",
    "doi": "p.doi != ''",
    "abstract": "p.abstract != ''",
    "arxiv": "p.arxiv != ''",
    "url": "p.url != ''",
    "tags": "EXISTS (SELECT 1 FROM paper_tags pt WHERE pt.paper_id = p.id)",
}

# How read statuses are named to users, everywhere they are shown.
STATUS_LABELS: dict[str, str] = {"unread": "Unread", "reading": "Reading", "read": "Read"}

# `in:X` — where a paper lives. Papers in the trash are hidden unless ``in:trash``.
IN_PLACES: tuple[str, ...] = ("trash", "library")

SORTABLE: tuple[str, ...] = tuple(f.name for f in FIELDS if f.sort_sql)

# The papers columns a caller may set through add/update, with the Python attribute of
# records.PaperData each one holds.
PAPER_COLUMNS: tuple[str, ...] = (
    "key", "entry_type", "title", "abstract", "date", "venue", "volume", "number", "pages",
    "publisher", "doi", "arxiv", "url", "code_url", "category", "score", "status", "rating",
)


def sort_sql(name: str, descending: bool = False) -> str:
    """The ORDER BY clause for a registry field; raises KeyError for an unknown one."""
    field = BY_NAME[name]
    if not field.sort_sql:
        raise KeyError(name)
    direction = "DESC" if descending else "ASC"
    order = f"{field.sort_sql} {direction}, p.id {direction}"
    if not field.nullable:
        # No NULL to place: a term for it would keep SQLite from reading the order from
        # the column's index (the first page of 100k papers by title: 87 ms → 0.1 ms).
        return order
    # NULLs (no year, no author) last whichever the direction, in terms that all run the
    # same way, so that one index (one per direction) gives the whole order.
    if descending:
        return f"({field.sort_sql}) IS NOT NULL DESC, {order}"
    return f"({field.sort_sql}) IS NULL ASC, {order}"
