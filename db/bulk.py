"""Many papers read at once: what an export of a whole library needs.

:meth:`db.library.Library.paper` runs about ten queries for one paper, which is right for
the detail pane and far too slow for 10,000 papers. These functions read the same records
for any number of ids in one query per table and give back exactly what the one-paper
methods give (a test compares them), in the order of the ids asked for.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from db.errors import NotFoundError
from db.records import Author, Paper
from db.store import IN_IDS, id_list

if TYPE_CHECKING:
    from db.library import Library

_R = TypeVar("_R")


def record_maker(cls: type[_R]) -> Callable[..., _R]:
    """``cls(**fields)`` with every field given, for a frozen dataclass, at a quarter of
    the cost: its ``__init__`` sets each field through ``object.__setattr__``, which for
    the 28 fields of a Paper is most of the time of reading 10,000 of them. Any class
    whose ``__init__`` does more than set the fields gets ``cls`` itself, and so does a
    call that does not give every field (one added to the class since, say)."""
    if (not dataclasses.is_dataclass(cls) or hasattr(cls, "__post_init__")
            or hasattr(cls, "__slots__")
            or not all(field.init for field in dataclasses.fields(cls))):
        return cls
    count = len(dataclasses.fields(cls))
    new = object.__new__

    def make(**fields: Any) -> _R:
        if len(fields) != count:
            return cls(**fields)
        record = new(cls)
        record.__dict__.update(fields)
        return record

    return make


_PAPER = record_maker(Paper)
_COLUMNS = ("id, key, entry_type, title, abstract, date, venue, volume, number, pages, "
            "publisher, doi, arxiv, url, code_url, category, score, status, rating, et_al, "
            "extra, added, modified, deleted")


def papers(library: Library, ids: Sequence[int]) -> list[Paper]:
    """``[library.paper(i) for i in ids]``, in a handful of queries.

    Raises :class:`NotFoundError` for an id that is not in the library, as ``paper`` does.
    Trashed papers are read like any other: the caller's scope decides what is shown.
    """
    wanted = id_list(ids)
    conn = library.conn
    # Many papers share an author: one frozen value per distinct name saves building (and
    # keeping) the same record thousands of times.
    people: dict[tuple[str, str, str], Author] = {}
    authors: dict[int, list[Author]] = {}
    for paper_id, family, given, literal in conn.execute(
            "SELECT paper_id, family, given, literal FROM authors "
            f"WHERE paper_id IN {IN_IDS} ORDER BY paper_id, position", (wanted,)):
        name = (family, given, literal)
        author = people.get(name)
        if author is None:
            author = people[name] = Author(family=family, given=given, literal=literal)
        authors.setdefault(paper_id, []).append(author)
    tags = _grouped(library, "SELECT pt.paper_id, t.name FROM paper_tags pt "
                    "JOIN tags t ON t.id = pt.tag_id WHERE pt.paper_id IN {ids} "
                    "ORDER BY pt.paper_id, t.name COLLATE NOCASE", wanted)
    lists = _grouped(library, "SELECT li.paper_id, l.name FROM list_items li "
                     "JOIN lists l ON l.id = li.list_id WHERE li.paper_id IN {ids} "
                     "ORDER BY li.paper_id, l.position, l.id", wanted)
    found: dict[int, Paper] = {}
    for (paper_id, key, entry_type, title, abstract, date, venue, volume, number, pages,
         publisher, doi, arxiv, url, code_url, category, score, status, rating, et_al,
         extra, added, modified, deleted) in conn.execute(
            f"SELECT {_COLUMNS} FROM papers WHERE id IN {IN_IDS}", (wanted,)):
        found[paper_id] = _PAPER(
            id=int(paper_id), key=key, entry_type=entry_type, title=title,
            abstract=abstract, date=date, venue=venue, volume=volume, number=number,
            pages=pages, publisher=publisher, doi=doi, arxiv=arxiv, url=url,
            code_url=code_url, category=category, score=score, status=status,
            rating=int(rating), authors=tuple(authors.get(paper_id, ())),
            et_al=bool(et_al),
            # Most papers have no extra fields: skip the JSON parser for them.
            extra={} if extra == "{}" else json.loads(extra),
            tags=tags.get(paper_id, ()), lists=lists.get(paper_id, ()),
            added=added, modified=modified, deleted=deleted or "",
        )
    try:
        return [found[i] for i in ids]
    except KeyError as missing:
        raise NotFoundError(f"No paper with id {missing.args[0]} in this library.") from None


def note_bodies(library: Library, ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    """The text of each paper's notes, oldest first, as ``library.notes`` orders them;
    papers without notes are left out."""
    return _grouped(library, "SELECT paper_id, body FROM notes WHERE paper_id IN {ids} "
                    "ORDER BY paper_id, created, id", id_list(ids))


def aliases(library: Library, ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    """Each paper's former keys, as ``library.aliases`` gives them; papers without any
    left out."""
    return _grouped(library, "SELECT paper_id, alias FROM key_aliases "
                    "WHERE paper_id IN {ids} ORDER BY paper_id, alias", id_list(ids))


def _grouped(library: Library, sql: str, wanted: str) -> dict[int, tuple[str, ...]]:
    """(paper id, text) rows, ordered by paper id, as one tuple per paper."""
    grouped: dict[int, list[str]] = {}
    for paper_id, text in library.conn.execute(sql.format(ids=IN_IDS), (wanted,)):
        grouped.setdefault(paper_id, []).append(str(text))
    return {paper_id: tuple(texts) for paper_id, texts in grouped.items()}
