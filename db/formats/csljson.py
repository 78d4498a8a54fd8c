"""CSL-JSON: the citation data of citeproc, pandoc and Zotero (schema: CSL 1.0.2 csl-data).

One item, or an array of items. Modelled variables become PaperData fields; every other
variable is kept in ``extra`` as ``csl.<variable>`` (text as it is, anything else as
JSON), and so are names and dates whose detail a field cannot hold (particles, suffixes,
ranges, seasons), so an export can write the item back whole.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from types import MappingProxyType

from db.citekeys import check_key
from db.errors import FormatError
from db.formats import FormatIssue, Parsed
from db.formats.idlist import arxiv_of, doi_of
from db.records import Author, PaperData

# CSL type → entry type. The first CSL type listed for an entry type is the one an export
# writes back; any other type read is kept in extra["csl.type"] so nothing is lost.
_TYPES: dict[str, str] = {
    "article-journal": "article", "article": "article", "article-magazine": "article",
    "article-newspaper": "article",
    "paper-conference": "inproceedings",
    "book": "book", "classic": "book", "collection": "book",
    "chapter": "incollection", "entry-encyclopedia": "incollection",
    "entry-dictionary": "incollection", "entry": "incollection",
    "thesis": "thesis",
    "report": "report",
    "webpage": "webpage", "post-weblog": "webpage", "post": "webpage",
    "dataset": "dataset",
    "software": "software",
    "patent": "patent",
    "standard": "standard",
    "manuscript": "unpublished",
    "document": "misc",
}
_WRITTEN_AS: dict[str, str] = {}
for _csl_type, _entry_type in _TYPES.items():
    _WRITTEN_AS.setdefault(_entry_type, _csl_type)

# An object is taken for an item when it has one of the variables the schema requires
# (id, type) or a title; anything else is some other JSON.
_ITEM_MARKERS = ("id", "type", "title")
_SNIFF = re.compile(r'"(?:id|type|title|author|issued)"\s*:')
_WHITESPACE = re.compile(r"[ \t\n\r]*")  # JSON's white space, and nothing else
_PLAIN_NAME = frozenset({"family", "given"})
_NOBODY = Author()
_ISO = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_DIGITS = re.compile(r"[0-9]{1,4}")
_KEYWORD_SEPARATOR = re.compile(r"[,;]")
_DASHES = re.compile(r"\s*(?:--?|[\u2010-\u2015\u2212])\s*")
_KINDS: dict[type, str] = {list: "array", str: "string", int: "number", float: "number",
                           bool: "true or false", type(None): "null"}
_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def sniff(text: str) -> bool:
    """Whether the text is a JSON object or array naming CSL variables near its top."""
    head = text[:65536].removeprefix("\ufeff").lstrip(" \t\r\n")
    return head[:1] in ("[", "{") and _SNIFF.search(head) is not None


def read(text: str, *, file: str = "") -> Parsed:
    """Every item of the text; a value that is not an item becomes an issue."""
    body = text.removeprefix("\ufeff")  # one character less on line 1 only
    starts = _values(body, file)
    records: list[PaperData] = []
    lines: list[int] = []
    issues: list[FormatIssue] = []
    line, counted = 1, 0
    for start, value in starts:
        line += body.count("\n", counted, start)  # positions only grow: count once
        counted = start
        if not isinstance(value, dict) or not any(name in value for name in _ITEM_MARKERS):
            what = ("an object without an id, a type or a title" if isinstance(value, dict)
                    else f"a JSON {_KINDS.get(type(value), 'value')}")
            issues.append(FormatIssue(file, line, f"{what} is not a CSL-JSON item; skipped"))
            continue
        try:
            records.append(_item(value, line, file, issues))
        except RecursionError:  # json.dumps of a value nested nearly as deep as it can go
            issues.append(FormatIssue(file, line, "an item nested too deeply; skipped"))
            continue
        lines.append(line)
    if starts and not records:
        raise FormatError("no CSL-JSON item here (an item is an object with an id, a type "
                          "or a title)", file=file, line=issues[0].line)
    return Parsed(tuple(records), tuple(lines), tuple(issues))


def _values(body: str, file: str) -> list[tuple[int, object]]:
    """(start position, value) of each item: the array's elements, or the one object.

    The array is walked element by element with ``raw_decode`` so that each item's line is
    known; a syntax error anywhere makes the whole text unreadable, as for any JSON.
    """
    decoder = json.JSONDecoder()
    pos = _skip(body, 0)
    if pos == len(body):
        raise FormatError("the text is empty, not CSL-JSON", file=file)
    values: list[tuple[int, object]] = []
    if body[pos] == "{":
        value, end = _decode(decoder, body, pos, file)
        values.append((pos, value))
        pos = end
    elif body[pos] == "[":
        pos = _skip(body, pos + 1)
        if body.startswith("]", pos):
            pos += 1
        else:
            while True:
                value, end = _decode(decoder, body, pos, file)
                values.append((pos, value))
                pos = _skip(body, end)
                if body.startswith(",", pos):
                    pos = _skip(body, pos + 1)
                elif body.startswith("]", pos):
                    pos += 1
                    break
                else:
                    raise _syntax(body, pos, "expected ',' or ']' after an item", file)
    else:
        raise _syntax(body, pos, "CSL-JSON starts with '[' or '{'", file)
    pos = _skip(body, pos)
    if pos != len(body):
        raise _syntax(body, pos, "more text after the end of the JSON", file)
    return values


def _skip(body: str, pos: int) -> int:
    match = _WHITESPACE.match(body, pos)
    return match.end() if match else pos


def _decode(decoder: json.JSONDecoder, body: str, pos: int, file: str) -> tuple[object, int]:
    try:
        value, end = decoder.raw_decode(body, pos)
    except json.JSONDecodeError as exc:
        raise FormatError(f"not valid JSON: {exc.msg} (column {exc.colno})", file=file,
                          line=exc.lineno) from None
    except RecursionError:
        raise _syntax(body, pos, "the JSON is nested too deeply to read", file) from None
    except ValueError as exc:  # a number of more than 4300 digits
        raise _syntax(body, pos, f"not valid JSON: {exc}", file) from None
    return value, end


def _syntax(body: str, pos: int, reason: str, file: str) -> FormatError:
    line = body.count("\n", 0, pos) + 1
    column = pos - body.rfind("\n", 0, pos)
    return FormatError(f"{reason} (column {column})", file=file, line=line)


def _json(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _item(item: dict[str, object], line: int, file: str,
          issues: list[FormatIssue]) -> PaperData:
    # JSON null says nothing; everything else read is removed from ``rest``, and what is
    # left goes to extra.
    rest = {name: value for name, value in item.items() if value is not None}
    extra: dict[str, str] = {}

    def warn(message: str) -> None:
        issues.append(FormatIssue(file, line, message, warning=True))

    def text(name: str) -> str:
        value = rest.get(name)
        if value is None:
            return ""
        if isinstance(value, str) or (isinstance(value, int | float)
                                      and not isinstance(value, bool)):
            del rest[name]
            return str(value).strip()
        warn(f"{name} is not text; kept as it is")
        return ""

    csl_type = text("type")
    entry_type = _TYPES.get(csl_type, "misc")
    if csl_type and _WRITTEN_AS.get(entry_type) != csl_type:
        extra["csl.type"] = csl_type
    key = _key(rest)
    authors = _authors(rest, extra, warn)
    date = _issued(rest, extra, warn)
    raw_doi = text("DOI")
    doi = doi_of(raw_doi)
    if raw_doi and not doi:
        extra["csl.DOI"] = raw_doi
        warn(f"DOI {raw_doi[:40]!r} is not a DOI; kept as it is")
    url = text("URL")
    full = doi_of(url) if "doi.org/" in url else ""
    if doi.startswith("10/") and full and not full.startswith("10/"):
        # A shortDOI is an alias: the full DOI, when the URL gives it, finds duplicates.
        extra["csl.DOI"], doi = raw_doi, full
    number = text("issue") or text("number")
    # Zotero files an arXiv preprint with "number": "arXiv:2206.05437".
    preprint = number if number.lower().startswith("arxiv:") else ""
    keywords = _KEYWORD_SEPARATOR.split(text("keyword"))
    title, venue, volume = text("title"), text("container-title"), text("volume")
    pages, publisher, abstract = text("page"), text("publisher"), text("abstract")
    extra |= {f"csl.{name}": _json(value) for name, value in rest.items()}
    return PaperData(
        title=title,
        key=key,
        entry_type=entry_type,
        authors=authors,
        date=date,
        venue=venue,
        volume=volume,
        number=number,
        pages=_DASHES.sub("-", pages),
        publisher=publisher,
        doi=doi,
        arxiv=next((arxiv_of(v) for v in (doi, url, preprint) if v and arxiv_of(v)), ""),
        url=url,
        abstract=abstract,
        tags=tuple(dict.fromkeys(word.strip() for word in keywords if word.strip())),
        extra=MappingProxyType(extra),
    )


def _key(rest: dict[str, object]) -> str:
    """The item's citation key: its citation-key when valid, else its id when valid.

    An id that is not used as the key stays in extra as csl.id; a citation-key equal to
    the key says nothing more and is dropped.
    """
    ident, cited = rest.pop("id", None), rest.get("citation-key")
    key = next((v for v in (cited, ident) if isinstance(v, str) and check_key(v) is None), "")
    if cited == key and key:
        del rest["citation-key"]
    if ident is not None and ident != key:
        rest["id"] = ident
    return key


def _authors(rest: dict[str, object], extra: dict[str, str],
             warn: Callable[[str], None]) -> tuple[Author, ...]:
    names = rest.get("author")
    if names is None:
        return ()
    if not isinstance(names, list):
        warn("author is not a list of names; kept as it is")
        return ()
    del rest["author"]
    authors: list[Author] = []
    exact = True
    for name in names:
        if type(name) is dict and len(name) == 2:
            family, given = name.get("family"), name.get("given")
            if type(family) is str and type(given) is str:
                family, given = family.strip(), given.strip()
                if family and given:  # the usual name, which the rules below keep as is
                    authors.append(Author(family=family, given=given))
                    continue
        if isinstance(name, str):  # not CSL, but plain enough to keep as a whole name
            author, exact = Author(literal=name.strip()), False
        elif isinstance(name, dict):
            parts = {k: v.strip() for k, v in name.items() if isinstance(v, str) and v.strip()}
            exact = exact and set(name) <= _PLAIN_NAME | {"literal"} and len(parts) == len(name)
            # Particles belong to the family name ("van der Berg"). Author has no suffix,
            # so it ends the family name after a comma, as the BibTeX reader does: family
            # "King, Jr.", given "Martin Luther" displays as "Martin Luther King, Jr.".
            family = " ".join(parts[k] for k in ("dropping-particle", "non-dropping-particle",
                                                 "family") if k in parts)
            family = ", ".join(filter(None, (family, parts.get("suffix", ""))))
            author = (Author(literal=parts["literal"]) if "literal" in parts
                      else Author(family=family, given=parts.get("given", "")))
        else:
            author, exact = Author(), False
        if author != _NOBODY:
            authors.append(author)
    if not exact:
        extra["csl.author"] = json.dumps(names, ensure_ascii=False)
    return tuple(authors)


def _issued(rest: dict[str, object], extra: dict[str, str],
            warn: Callable[[str], None]) -> str:
    """The ISO partial date of ``issued``; the original stays in extra when the date does
    not say all of it (a range, a season, circa, a literal or raw text)."""
    issued = rest.pop("issued", None)
    if issued is None:
        return ""
    date, exact = "", False
    if isinstance(issued, str):  # an EDTF string, which the schema's prose allows
        date = _iso_text(issued)
        exact = date == issued
    elif isinstance(issued, dict):
        parts = issued.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list):
            date = _from_parts(parts[0])
            exact = len(parts) == 1 and set(issued) == {"date-parts"} and (
                date.count("-") + 1 == len(parts[0]))
        for name in ("raw", "literal"):
            if not date and isinstance(issued.get(name), str):
                date = _iso_text(str(issued[name]))
    if not exact or not date:
        extra["csl.issued"] = _json(issued)
    if not date:
        warn(f"the date {_json(issued)[:60]!r} is not understood; kept as it is")
    return date


def _from_parts(parts: list[object]) -> str:
    """[2019, 5, 12] → 2019-05-12, stopping at the first part that is not a valid one
    (a season such as 21, or a day the month does not have)."""
    numbers: list[int] = []
    for part in parts[:3]:
        if isinstance(part, bool) or not isinstance(part, int | str):
            break
        if isinstance(part, str) and not _DIGITS.fullmatch(part.strip()):
            break
        numbers.append(int(part))
    if not numbers or not 1 <= numbers[0] <= 9999:
        return ""
    out = [f"{numbers[0]:04d}"]
    if len(numbers) > 1 and 1 <= numbers[1] <= 12:
        out.append(f"{numbers[1]:02d}")
        if len(numbers) > 2 and 1 <= numbers[2] <= _days(numbers[0], numbers[1]):
            out.append(f"{numbers[2]:02d}")
    return "-".join(out)


def _days(year: int, month: int) -> int:
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return 28 if month == 2 and not leap else _DAYS[month - 1]


def _iso_text(text: str) -> str:
    """``2019``, ``2019-05`` or ``2019-05-12`` as written, or '' for any other text."""
    match = _ISO.fullmatch(text.strip())
    if match is None:
        return ""
    return _from_parts([part for part in match.groups() if part is not None])
