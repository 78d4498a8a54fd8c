"""Frozen values that cross the library's boundary: what callers give and get back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

STATUSES: tuple[str, ...] = ("unread", "reading", "read")

_EMPTY: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True)
class Author:
    """One author of a paper: a person (family, given) or an organisation (literal)."""

    family: str = ""
    given: str = ""
    literal: str = ""

    @property
    def display(self) -> str:
        """The name as people write it: "Kai Yi", "World Health Organization"."""
        if self.literal:
            return self.literal
        return " ".join(part for part in (self.given, self.family) if part)

    @property
    def short(self) -> str:
        """The name as a table column shows it: the family name, or the literal name."""
        return self.literal or self.family or self.given


@dataclass(frozen=True)
class PaperData:
    """A paper's own fields, as a format reader produces them or an editor submits them.

    ``key`` empty means "generate one". ``extra`` holds every imported field that the
    library does not model, verbatim, so that nothing from an import is lost.
    """

    title: str = ""
    key: str = ""
    entry_type: str = "article"
    abstract: str = ""
    date: str = ""
    venue: str = ""
    volume: str = ""
    number: str = ""
    pages: str = ""
    publisher: str = ""
    doi: str = ""
    arxiv: str = ""
    url: str = ""
    code_url: str = ""
    category: str = ""
    score: float | None = None
    status: str = "unread"
    rating: int = 0
    authors: tuple[Author, ...] = ()
    et_al: bool = False
    extra: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Paper(PaperData):
    """A paper as stored: its fields plus identity, timestamps and memberships."""

    id: int = 0
    added: str = ""
    modified: str = ""
    deleted: str = ""
    lists: tuple[str, ...] = ()

    @property
    def year(self) -> int | None:
        return year_of(self.date)


@dataclass(frozen=True)
class PaperRow:
    """What one row of the table shows, fetched for a page of ids at a time."""

    id: int
    key: str
    title: str
    authors: str
    year: int | None
    venue: str
    category: str
    added: str
    rating: int
    status: str
    tags: tuple[str, ...]
    has_code: bool
    deleted: bool


@dataclass(frozen=True)
class Tag:
    id: int
    name: str
    color: str
    count: int


@dataclass(frozen=True)
class ReadingList:
    id: int
    name: str
    description: str
    count: int
    position: int


@dataclass(frozen=True)
class ListItem:
    paper_id: int
    position: int
    added: str


@dataclass(frozen=True)
class SmartList:
    id: int
    name: str
    query: str


@dataclass(frozen=True)
class Note:
    id: int
    paper_id: int
    body: str
    created: str
    modified: str


@dataclass(frozen=True)
class Changes:
    """What one write moved, so that views (and live exports) refresh only that.

    ``papers`` are the ids whose own cells changed (including added and trashed ones);
    ``added``/``removed`` are ids that entered the library or left it for good.
    """

    papers: frozenset[int] = frozenset()
    added: frozenset[int] = frozenset()
    removed: frozenset[int] = frozenset()
    tags: bool = False
    lists: frozenset[int] = frozenset()
    smart_lists: bool = False
    notes: frozenset[int] = frozenset()
    created_id: int | None = None

    @property
    def empty(self) -> bool:
        return not (
            self.papers or self.added or self.removed or self.tags or self.lists
            or self.smart_lists or self.notes
        )

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            papers=self.papers | other.papers,
            added=self.added | other.added,
            removed=self.removed | other.removed,
            tags=self.tags or other.tags,
            lists=self.lists | other.lists,
            smart_lists=self.smart_lists or other.smart_lists,
            notes=self.notes | other.notes,
            created_id=other.created_id if other.created_id is not None else self.created_id,
        )


def year_of(date: str) -> int | None:
    """The year of an ISO partial date (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``)."""
    head = date[:4]
    return int(head) if len(head) == 4 and head.isascii() and head.isdigit() else None
