"""Writing RIS that :func:`db.formats.ris.read`, rispy, Zotero and EndNote read back.

Decisions:

* Lines end with CRLF, as the RIS specification asks and as Zotero and EndNote write it;
  the project's reader and rispy accept either. Callers write the text as it is (bytes, or
  ``newline=""``), so that a text-mode file does not turn ``\\r\\n`` into ``\\r\\r\\n``.
* Every value is one line: RIS has no escaping, and a line break inside a value would
  start a continuation, or a new tag if the next line looked like one. Line breaks (and
  the white space around them) become one space.
* The date is written twice, as Zotero does: ``PY`` holds the year, ``DA`` the full
  ``YYYY/MM/DD/`` form when there is a month. The reader drops both as repeats.
* The venue is ``T2``, the one tag RIS gives every type's container (journal, proceedings,
  book); ``JO`` is the journal's abbreviation.
* RIS has no arXiv tag: the arXiv page is written as a ``UR`` after the paper's own URL,
  which is where the reader finds the id again.
* What the reader kept in ``extra`` as ``ris.*`` (tags the library does not model) is
  written back after the modelled tags, so RIS → library → RIS loses nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence

import rispy

from db.formats import ExportItem, ExportOptions
from db.formats.idlist import arxiv_of
from db.formats.ris import _TYPE_NAMES, _TYPES, _WRITTEN_AS
from db.records import Author, Paper

__all__ = ["NEWLINE", "write"]

NEWLINE = "\r\n"

# Entry types from BibTeX and biblatex that the reader's table does not name, written as
# the RIS type closest to them (they read back as the RIS type's entry type).
_MORE_TYPES: dict[str, str] = {
    "phdthesis": "THES", "mastersthesis": "THES", "techreport": "RPRT", "online": "ELEC",
    "inbook": "CHAP", "inreference": "CHAP", "proceedings": "CONF", "collection": "EDBOOK",
}
# rispy's field name → tag, to write back what the reader kept under rispy's names.
_TAG_OF: dict[str, str] = {name: tag for tag, name in rispy.TAG_KEY_MAPPING.items()}
# Kept in extra but written from the paper, or not a tag at all.
_NOT_WRITTEN_BACK = frozenset({"type", "untagged", "id", "type_of_reference",
                               "end_of_reference"})
_TAG = re.compile(r"[A-Z][A-Z0-9]")
# Everything str.splitlines() breaks at, with the white space around it: any of these
# inside a value could end the line for some reader.
_LINE_BREAK = re.compile(r"\s*[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]+\s*")
# One of them, found far sooner than _LINE_BREAK, which tries at every space.
_BREAK_CHAR = re.compile(r"[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
_ISO = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def write(items: Sequence[ExportItem], options: ExportOptions = ExportOptions()) -> str:
    """One RIS record per item, in order, separated by a blank line."""
    return "".join(_record(item.paper, options) for item in items)


def one_line(value: str) -> str:
    """``value`` as RIS can hold it: line breaks become one space, ends are stripped."""
    if value.isprintable() or not _BREAK_CHAR.search(value):  # no line break is printable
        return value.strip()
    return _LINE_BREAK.sub(" ", value).strip()


def _record(paper: Paper, options: ExportOptions) -> str:
    lines = [f"{tag}  - {text}" for tag, value in _tags(paper, options)
             if (text := one_line(value))]
    return NEWLINE.join([f"TY  - {_type(paper)}", *lines, "ER  - ", "", ""])


def _tags(paper: Paper, options: ExportOptions) -> Iterator[tuple[str, str]]:
    """(tag, value) in the order Zotero writes them; empty values are dropped later."""
    yield "ID", paper.key
    yield "TI", paper.title
    for author in paper.authors:
        yield "AU", _name(author)
    if paper.et_al:
        yield "AU", "et al."  # the reader's (and Scopus's) marker for more authors
    yield from _date(paper.date)
    yield "T2", paper.venue
    yield "VL", paper.volume
    yield "IS", paper.number
    start, dash, end = paper.pages.partition("-")
    if dash and start.strip() and end.strip():
        yield "SP", start
        yield "EP", end
    else:
        yield "SP", paper.pages  # one page, an article number, or a form not to split
    yield "PB", paper.publisher
    yield "DO", paper.doi
    yield "UR", paper.url
    kept_urls = paper.extra.get("ris.urls", "").split("\n")
    if paper.arxiv and all(arxiv_of(one_line(link)) != paper.arxiv
                           for link in (paper.doi, paper.url, *kept_urls)):
        yield "UR", f"https://arxiv.org/abs/{paper.arxiv}"
    if options.abstracts:
        yield "AB", paper.abstract
    for tag in paper.tags:
        yield "KW", tag
    yield from _kept(paper.extra)


def _type(paper: Paper) -> str:
    """The code read at import when it still means the paper's type, else the usual one."""
    kept = one_line(paper.extra.get("ris.type", ""))
    code = kept.upper() if kept.upper() in _TYPES else _TYPE_NAMES.get(kept.lower(), "")
    if code and _TYPES.get(code) == paper.entry_type:
        return code
    if kept and code not in _TYPES and paper.entry_type == "misc":
        return kept.upper()  # a code the reader does not know ("SOUND") read as misc
    return _WRITTEN_AS.get(paper.entry_type) or _MORE_TYPES.get(paper.entry_type, "GEN")


def _name(author: Author) -> str:
    """``Family, Given``; an organisation as written. A suffix the reader folded into the
    family name ("King, Jr.") goes last again, in RIS's ``Family, Given, Suffix`` form."""
    if author.literal:
        return author.literal
    family, comma, suffix = author.family.partition(",")
    if comma:
        return f"{family.strip()}, {author.given}, {suffix.strip()}"
    return f"{author.family}, {author.given}"


def _date(date: str) -> Iterator[tuple[str, str]]:
    match = _ISO.fullmatch(date.strip())
    if match is None:
        yield "DA", date  # not an ISO date: kept as written (the reader keeps it in extra)
        return
    year, month, day = match.groups()
    yield "PY", year
    if month:
        yield "DA", f"{year}/{month}/{day or ''}/"


def _kept(extra: Mapping[str, str]) -> Iterator[tuple[str, str]]:
    """The ``ris.*`` values the reader kept, by tag (sorted, so the output is stable);
    repeated values were joined with line breaks and become repeated tags again."""
    found: list[tuple[str, str]] = []
    for name, value in extra.items():
        field = name.removeprefix("ris.")
        if field == name or field in _NOT_WRITTEN_BACK:
            continue
        # A tag rispy does not know was kept under the tag itself ("ris.XY").
        tag = _TAG_OF.get(field) or (field if _TAG.fullmatch(field) else "")
        if tag:
            found.append((tag, value))
    for tag, value in sorted(found):
        for part in value.split("\n"):
            yield tag, part
