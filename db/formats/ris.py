"""RIS: the tagged format of EndNote, Zotero, Mendeley and publishers' export buttons.

A record runs from ``TY  - JOUR`` to ``ER  -``. This module finds the records and their
lines itself and lets rispy group each record's tags into fields: rispy alone drops a
record whose ``ER`` line is missing, merges records when one is, cannot say where a record
starts, and raises on some continuation lines. Every tag not modelled is kept in ``extra``
as ``ris.<rispy's name>`` (``ris.<TAG>`` for tags rispy does not know), repeated values
joined by line breaks, so an export can write the record back.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import MappingProxyType

import rispy

from db.errors import FormatError
from db.formats import FormatIssue, Parsed
from db.formats.idlist import arxiv_of, doi_of
from db.records import Author, PaperData

# TY code → entry type. The first code listed for an entry type is the one an export
# writes back; any other code read is kept in extra["ris.type"] so nothing is lost.
_TYPES: dict[str, str] = {
    "JOUR": "article", "EJOUR": "article", "MGZN": "article", "NEWS": "article",
    "INPR": "article",
    "CONF": "inproceedings", "CPAPER": "inproceedings",
    "BOOK": "book", "EBOOK": "book", "EDBOOK": "book",
    "CHAP": "incollection", "ECHAP": "incollection",
    "THES": "thesis",
    "RPRT": "report", "GOVDOC": "report",
    "GEN": "misc",
    "ELEC": "webpage", "WEB": "webpage", "BLOG": "webpage", "ICOMM": "webpage",
    "DATA": "dataset", "DBASE": "dataset", "AGGR": "dataset",
    "COMP": "software",
    "PAT": "patent",
    "UNPB": "unpublished", "UNPD": "unpublished", "MANSCPT": "unpublished",
    "STAND": "standard",
}
_WRITTEN_AS: dict[str, str] = {}
for _code, _entry_type in _TYPES.items():
    _WRITTEN_AS.setdefault(_entry_type, _code)
# Some exporters write the type's name instead of its code ("Journal Article").
_TYPE_NAMES: dict[str, str] = {
    name.lower(): code for code, name in rispy.TYPE_OF_REFERENCE_MAPPING.items()
} | {"journal article": "JOUR", "book section": "CHAP", "conference paper": "CPAPER"}

_WOS = re.compile(r"(?m)^PT [A-Z]\b")
_TAG_LINE = re.compile(r"([A-Z][A-Z0-9])  -(?: (.*))?")
_LIST_TAGS = frozenset(rispy.LIST_TYPE_TAGS)
_NAMES: dict[str, str] = rispy.TAG_KEY_MAPPING
_DELIMITERS: dict[str, str] = rispy.config.DELIMITED_TAG_MAPPING
_ET_AL = frozenset({"et al", "et al.", "et. al."})
# "Fanning E." and "Smith JA" (Embase, Medline): a family name, then initials.
_INITIALS = re.compile(r"(?:[A-Z]\.-?){1,3}|[A-Z]{1,2}")
_DATE = re.compile(r"(\d{4})(?:[/-](\d{0,2}|[A-Za-z]{3,9})(?:[/-](\d{0,2})(?:[/-](.*))?)?)?")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH_NAME = re.compile(r"(?i)jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?"
                         r"|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
_DASHES = re.compile(r"\s*(?:--?|[\u2010-\u2015\u2212])\s*")
# Publication dates, most authoritative first: PY (year), Y1 (primary date), DA (date).
_DATE_FIELDS = (("year", "PY"), ("publication_year", "Y1"), ("date", "DA"))
# Venue tags, fullest name first: JF, T2, JO, JA, J2.
_VENUE_FIELDS = ("alternate_title3", "secondary_title", "journal_name", "alternate_title2",
                 "alternate_title1")


@dataclass
class _Record:
    line: int
    type: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    untagged: list[str] = field(default_factory=list)
    closed: bool = False

    def continue_with(self, text: str) -> None:
        """A line without a tag continues the tag before it, as rispy reads it: a new
        value of a list tag (AU, KW, UR…), more text of any other."""
        if not self.fields:
            self.untagged.append(text)
        elif self.fields[-1][0] in _LIST_TAGS:
            self.fields.append((self.fields[-1][0], text))
        else:
            tag, value = self.fields[-1]
            self.fields[-1] = (tag, f"{value} {text}" if value else text)


def sniff(text: str) -> bool:
    """Whether a ``TY  -`` line, which starts every RIS record, is near the top."""
    head = text[:65536].removeprefix("\ufeff")
    return any(_TAG_LINE.fullmatch(line.rstrip()) and line.startswith("TY")
               for line in re.split(r"\r\n|\r|\n", head)[:200])


def read(text: str, *, file: str = "") -> Parsed:
    """Every record that has a field; empty records and stray tags become issues."""
    issues: list[FormatIssue] = []
    found = _split(text, file, issues)
    if not found:
        if _WOS.search(text[:4096]):
            raise FormatError("this is Web of Science tagged text ('PT J'), not RIS", file=file)
        raise FormatError("no RIS record found (a record starts with a line such as "
                          "'TY  - JOUR')", file=file, line=issues[0].line if issues else 0)
    kept: list[_Record] = []
    for record in found:
        if not any(value for _, value in record.fields) and not record.untagged:
            issues.append(FormatIssue(file, record.line, "a record with nothing but its type; "
                                                         "skipped"))
            continue
        if not record.closed:
            until = "the end of the text" if record is found[-1] else "the next 'TY  -' line"
            issues.append(FormatIssue(file, record.line, "this record has no 'ER  -' line; "
                                                         f"read up to {until}", warning=True))
        kept.append(record)
    grouped = _group(kept)
    papers = tuple(_paper(rec, fields, file, issues) for rec, fields in zip(kept, grouped,
                                                                            strict=True))
    issues.sort(key=lambda issue: issue.line)
    return Parsed(papers, tuple(rec.line for rec in kept), tuple(issues))


def _split(text: str, file: str, issues: list[FormatIssue]) -> list[_Record]:
    """The records, each from its TY line to its ER line, the next TY line or the end."""
    records: list[_Record] = []
    current: _Record | None = None
    stray = False
    # Split on line breaks only: str.splitlines() would also break at form feeds and
    # U+2028 inside an abstract, and the line numbers would no longer match an editor's.
    for number, raw in enumerate(_lines(text.removeprefix("\ufeff")), 1):
        line = raw.rstrip()
        match = _TAG_LINE.fullmatch(line)
        if match is None:
            # Text outside records ("Record #1 of 2", "1.") is an exporter's, not data.
            if current is not None and line.strip():
                current.continue_with(line.strip())
            continue
        tag, value = match[1], (match[2] or "").strip()
        if tag == "TY":
            current = _Record(number, value)
            records.append(current)
        elif current is None:
            # One issue per run of tags outside records; an extra ER line loses nothing.
            if tag != "ER" and not stray:
                issues.append(FormatIssue(file, number, f"a {tag} line outside a record (no "
                                                        "'TY  -' line before it); skipped"))
            stray = stray or tag != "ER"
            continue
        elif tag == "ER":
            current.closed = True
            current = None
        else:
            current.fields.append((tag, value))
        stray = False
    return records


def _lines(text: str) -> list[str]:
    """The text split at line breaks (CR LF, CR or LF) and at nothing else."""
    return re.split(r"\r\n|\r|\n", text) if "\r" in text else text.split("\n")


def _group(records: list[_Record]) -> list[dict[str, list[str]]]:
    """Each record's values by rispy's field name (or by the tag, for tags it does not know).

    These are rispy's rules (0.10, ``enforce_list_tags=False``) for a record written one
    tag per line with continuations joined, applied to the fields directly: rispy itself
    re-reads such a text line by line, most of a large file's reading time. A test checks
    that both give the same.
    """
    grouped: list[dict[str, list[str]]] = []
    for record in records:
        entry: dict[str, str | list[str]] = {}
        for tag, value in record.fields:
            name = _NAMES.get(tag, tag)
            delimiter = _DELIMITERS.get(tag)
            content: str | list[str] = (
                [part.strip() for part in value.split(delimiter)] if delimiter else value)
            if tag in _LIST_TAGS or name in entry:
                # A list tag, or another value of a single one: rispy makes a list.
                known = entry.get(name)
                more = content if isinstance(content, list) else [content]
                if known is None:
                    entry[name] = more
                elif isinstance(known, list):
                    known.extend(more)
                else:
                    entry[name] = [known, *more]
            else:
                entry[name] = content
        values: dict[str, list[str]] = {}
        for name, found in entry.items():
            items = [item.strip() for item in (found if isinstance(found, list) else [found])]
            if any(items):
                values[name] = [item for item in items if item]
        grouped.append(values)
    return grouped


def _take(values: dict[str, list[str]], *names: str) -> str:
    """The first value of the first field present, removed so that it is not in extra."""
    for name in names:
        if values.get(name):
            first = values[name].pop(0)
            if not values[name]:
                del values[name]
            return first
    return ""


def _paper(record: _Record, values: dict[str, list[str]], file: str,
           issues: list[FormatIssue]) -> PaperData:
    extra: dict[str, str] = {}
    code = record.type.upper()
    code = code if code in _TYPES else _TYPE_NAMES.get(record.type.lower(), code)
    entry_type = _TYPES.get(code, "misc")
    if record.type and _WRITTEN_AS.get(entry_type) != record.type:
        extra["ris.type"] = record.type.lower()
    authors, et_al = _authors(values.pop("authors", []) + values.pop("first_authors", []))
    start, end = _take(values, "start_page"), _take(values, "end_page")
    if end and (not start or "-" in start):
        values.setdefault("end_page", []).append(end)  # a lone or second end page is kept
        end = ""
    raw_doi = _take(values, "doi")
    doi = doi_of(raw_doi)
    if raw_doi and not doi:
        values.setdefault("doi", []).insert(0, raw_doi)  # not a DOI: kept as written
    url = _take(values, "urls")
    links = [raw_doi, url, *values.get("urls", [])]
    if not doi:
        doi = next((doi_of(link) for link in links if "doi.org/" in link and doi_of(link)), "")
    # Taken in this order (each _take removes what it reads); what is left goes to extra.
    title = _take(values, "title", "primary_title")
    date = _date(values, record.line, file, issues)
    venue = _take(values, *_VENUE_FIELDS)
    volume = _take(values, "volume", "VO")
    number = _take(values, "number")
    publisher = _take(values, "publisher")
    arxiv = next((arxiv_of(link) for link in links if link and arxiv_of(link)), "")
    abstract = _take(values, "abstract", "notes_abstract")
    tags = tuple(dict.fromkeys(values.pop("keywords", [])))
    extra |= {f"ris.{name}": "\n".join(items) for name, items in values.items()}
    if record.untagged:
        extra["ris.untagged"] = "\n".join(record.untagged)
    return PaperData(
        title=title, entry_type=entry_type, authors=authors, et_al=et_al, date=date,
        venue=venue, volume=volume, number=number,
        pages=_DASHES.sub("-", f"{start}-{end}" if end else start), publisher=publisher,
        doi=doi, arxiv=arxiv, url=url, abstract=abstract, tags=tags,
        extra=MappingProxyType(extra),
    )


def _authors(names: Iterable[str]) -> tuple[tuple[Author, ...], bool]:
    authors: list[Author] = []
    et_al = False
    for name in names:
        author = _author(name)
        if author is None:
            et_al = True
        else:
            authors.append(author)
    return tuple(authors), et_al


@functools.lru_cache(maxsize=8192)  # the same people recur across a listing
def _author(name: str) -> Author | None:
    """One AU value as an Author; None for "et al."."""
    if name.lower() in _ET_AL:
        return None
    if "," in name:
        # "Last, First" and RIS's "Last, First, Suffix". Author has no suffix, so it
        # ends the family name after a comma, as the BibTeX reader does: family
        # "King, Jr.", given "Martin Luther" displays as "Martin Luther King, Jr.".
        family, given, *rest = (part.strip() for part in name.split(","))
        if len(rest) == 1:
            family = ", ".join(filter(None, (family, rest[0])))
        elif rest:  # more commas than RIS's form has: all after the first is given
            given = name.split(",", 1)[1].strip()
        return Author(family=family, given=given)
    words = name.split()
    if 2 <= len(words) <= 4 and _INITIALS.fullmatch(words[-1]):
        return Author(family=" ".join(words[:-1]), given=words[-1])
    return Author(literal=name)  # an organisation: never split


def _date(values: dict[str, list[str]], line: int, file: str,
          issues: list[FormatIssue]) -> str:
    """The most precise of PY, Y1 and DA that agrees with the ones before it.

    A value that only repeats part of the date is dropped; a value that says more (another
    day, "2005/07/15/Summer") or that is not understood stays in extra.
    """
    best = ""
    repeats: dict[tuple[str, int], str] = {}  # values that are nothing but a date
    for name, tag in _DATE_FIELDS:
        for index, value in enumerate(values.get(name, [])):
            if not value.strip("/ "):
                repeats[(name, index)] = ""  # "///": no date at all
                continue
            read = _iso(value)
            if read is None:
                issues.append(FormatIssue(file, line, f"the date {tag} {value[:40]!r} is not "
                                                      "understood; kept as it is", warning=True))
                continue
            iso, whole = read
            if whole:
                repeats[(name, index)] = iso
            if iso.startswith(best):
                best = iso
    for name, _ in _DATE_FIELDS:
        kept = [value for index, value in enumerate(values.get(name, []))
                if (name, index) not in repeats or not best.startswith(repeats[(name, index)])]
        if kept:
            values[name] = kept
        else:
            values.pop(name, None)
    return best


@functools.lru_cache(maxsize=4096)  # a listing repeats its dates
def _iso(value: str) -> tuple[str, bool] | None:
    """``2019/05/12/`` → ``2019-05-12``, ``2019///`` → ``2019``, with whether that is all
    the value says (not so for "2005/07/15/Summer"); None when it is not a date."""
    match = _DATE.fullmatch(value.strip())
    if match is None:
        return None
    year, month, day, other = match.groups()
    # RIS writes an unknown month or day as nothing or as 00; some write "2015/october".
    if month and month.isalpha():
        if not _MONTH_NAME.fullmatch(month):
            return None
        month = str(_MONTHS.index(month[:3].lower()) + 1)
    m, d = (int(part) if part else 0 for part in (month, day))
    if d and not m:
        return None
    try:
        datetime.date(int(year), m or 1, d or 1)
    except ValueError:
        return None
    iso = year + (f"-{m:02d}" if m else "") + (f"-{d:02d}" if d else "")
    return iso, not (other and other.strip())
