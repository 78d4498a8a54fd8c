"""Writing a CSV table of papers for spreadsheets: a header row, then one row per paper.

Decisions:

* The header is the labels users see elsewhere (``db.fields``), so the table reads like
  the library's own columns; statuses are their labels too ("Unread").
* Titles and abstracts go through :func:`db.latex.readable`: a spreadsheet shows them to
  people, as the table does.
* Several authors or tags share a cell, separated by ``"; "`` (names may hold commas).
* Cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``,
  ``@``, tab or carriage return) get a leading ``'``, as OWASP advises against CSV
  injection: imported titles and abstracts are other people's text. Excel and LibreOffice
  show the value without running it; a program reading the file sees the ``'``.
* Minimal quoting and CRLF line ends, as RFC 4180 and Excel have them. Not ``\\n``: the
  writer quotes a value holding a character of the line end, and with ``\\n`` alone a
  carriage return in a value would go out unquoted and split its row. Line breaks inside
  a value are kept, inside quotes. The caller encodes the text (UTF-8) and writes it as it
  is (bytes, or ``newline=""``), as the csv module's own documentation asks.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from operator import attrgetter

from db.fields import BY_NAME, STATUS_LABELS
from db.formats import ExportItem, ExportOptions
from db.latex import readable
from db.records import Paper

__all__ = ["FORMULA_STARTS", "columns", "neutralise", "write"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_Cell = Callable[[Paper], str]


def _authors(paper: Paper) -> str:
    names = "; ".join(author.display for author in paper.authors)
    return f"{names} et al." if paper.et_al and names else names


# (registry field, cell) in the order of the header. A field as it is is an attrgetter,
# which costs a fraction of a lambda per cell of a large export.
_COLUMNS: tuple[tuple[str, _Cell], ...] = (
    ("key", attrgetter("key")),
    ("type", attrgetter("entry_type")),
    ("title", lambda p: readable(p.title)),
    ("author", _authors),
    ("year", lambda p: "" if p.year is None else str(p.year)),
    ("date", attrgetter("date")),
    ("venue", attrgetter("venue")),
    ("volume", attrgetter("volume")),
    ("number", attrgetter("number")),
    ("pages", attrgetter("pages")),
    ("publisher", attrgetter("publisher")),
    ("doi", attrgetter("doi")),
    ("arxiv", attrgetter("arxiv")),
    ("url", attrgetter("url")),
    ("code", attrgetter("code_url")),
    ("category", attrgetter("category")),
    ("tag", lambda p: "; ".join(p.tags)),
    ("status", lambda p: STATUS_LABELS.get(p.status, p.status)),
    ("rating", lambda p: str(p.rating)),
    ("added", attrgetter("added")),
)
_ABSTRACT: tuple[str, _Cell] = ("abstract", lambda p: readable(p.abstract))


def columns(options: ExportOptions = ExportOptions()) -> tuple[str, ...]:
    """The header row: registry field labels ("Citation key", "Title", "Authors"…)."""
    return tuple(BY_NAME[name].label for name, _ in _chosen(options))


def neutralise(cell: str) -> str:
    """``cell`` with a leading ``'`` when a spreadsheet would take it for a formula."""
    return f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell


def write(items: Sequence[ExportItem], options: ExportOptions = ExportOptions()) -> str:
    chosen = _chosen(options)
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(columns(options))
    writer.writerows([neutralise(cell(item.paper)) for _, cell in chosen] for item in items)
    return out.getvalue()


def _chosen(options: ExportOptions) -> tuple[tuple[str, _Cell], ...]:
    return (*_COLUMNS, _ABSTRACT) if options.abstracts else _COLUMNS
