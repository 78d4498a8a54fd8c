"""BibTeX and BibLaTeX files: entries to records, with nothing from the file lost.

bibtexparser's splitter cuts the text into blocks; its error recovery (a broken entry
ends where the next line starting with ``@`` begins) and line numbers are what a reader
needs. :mod:`db.formats.bibsplit` cuts well-formed text into the same blocks several times
faster, and leaves anything needing that recovery to bibtexparser. The values are
evaluated here: its middlewares resolve only whole-value ``@string``
references, not ``#`` concatenation or the month abbreviations every style defines.

What a record holds:

* modelled fields decoded from LaTeX for display (:mod:`db.formats.bibnames`);
* in ``extra``: every field not modelled, as written (``@string``s expanded) under its
  lower-case name; for a modelled field whose text as written differs from what is shown
  (beyond white space), that text under ``bibtex.<field>``, named by the BibTeX field it
  came from (``bibtex.title``, ``bibtex.journal``). Fields read in place of another
  (``editor`` as the authors, ``issue``, ``journaltitle``, ``school``…) are always kept
  that way, so an export can write the same field back. ``bibtex.type`` is the type as
  written when it maps to another one; ``bibtex.key`` a key that cannot be a citation key.

``Parsed.blocks`` holds the ``@preamble`` and ``@comment`` bodies in file order, as
written (a preamble's value with its quotes or braces). ``%`` starts a comment outside
field values, as biber and JabRef read it, so commented-out entries and fields stay out;
such comments and text between entries are not kept. A ``crossref``/``xdata`` child
inherits the fields it lacks; ``@xdata`` entries only lend fields and are not papers.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType

from bibtexparser.entrypoint import parse_string

from db.citekeys import check_key
from db.errors import FormatError
from db.formats import FormatIssue, Parsed, bibsplit
from db.formats.bibnames import (
    MAX_DECODED,
    MONTH_MACROS,
    authors,
    brace_depth,
    decode,
    evaluate,
    has_latex,
    keywords,
    marked_up,
    plain,
    plain_pages,
    read_date,
    squash,
)
from db.formats.bibsplit import (
    RawBlock,
    RawComment,
    RawEntry,
    RawFailure,
    RawPreamble,
    RawString,
)
from db.matching import normalize_arxiv, normalize_doi
from db.records import PaperData

_BIBTEX = ("article", "book", "booklet", "inbook", "incollection", "inproceedings", "manual",
           "mastersthesis", "misc", "phdthesis", "proceedings", "techreport", "unpublished")
_BIBLATEX = ("collection", "dataset", "online", "patent", "periodical", "reference",
             "inreference", "report", "set", "software", "thesis", "xdata")
ENTRY_TYPES: dict[str, str] = {
    **{name: name for name in _BIBTEX + _BIBLATEX},
    # Aliases that BibTeX and biblatex define themselves.
    "conference": "inproceedings", "electronic": "online", "www": "online",
    # biblatex's multi-volume and supplement types are their base type for a reader.
    "mvbook": "book", "bookinbook": "inbook", "suppbook": "inbook",
    "mvcollection": "collection", "suppcollection": "incollection",
    "mvproceedings": "proceedings", "mvreference": "reference", "suppperiodical": "article",
    "softwareversion": "software", "softwaremodule": "software", "codefragment": "software",
    # What Mendeley, Zotero and JabRef write for types BibTeX lacks.
    "webpage": "online", "web_page": "online", "book_section": "incollection",
    "generic": "misc", "journal_article": "article", "newspaper_article": "article",
    "magazine_article": "article", "conference_paper": "inproceedings",
    "computer_program": "software",
}

# BibLaTeX's fields that a child never inherits.
_NOT_INHERITED = frozenset({
    "crossref", "xref", "xdata", "ids", "entryset", "entrysubtype", "execute", "label",
    "options", "presort", "related", "relatedoptions", "relatedstring", "relatedtype",
    "shorthand", "shorthandintro", "sortkey"})
_BOOKISH = frozenset({"book", "mvbook", "collection", "mvcollection", "proceedings",
                      "mvproceedings", "reference", "mvreference"})
# A book's (a periodical's) titles become its child's book (journal) titles, never the
# child's own title; "" means not inherited at all.
_UNTITLED = {"shorttitle": "", "sorttitle": "", "indextitle": "", "indexsorttitle": ""}
_BOOK_TITLES = {"title": "booktitle", "subtitle": "booksubtitle",
                "titleaddon": "booktitleaddon", **_UNTITLED}
_JOURNAL_TITLES = {"title": "journaltitle", "subtitle": "journalsubtitle", **_UNTITLED}
_ALIASES = frozenset({"editor", "issue", "journaltitle", "institution", "school",
                      "organization"})
_MAX_DEPTH = 64  # pylatexenc recurses per brace level; real values nest a handful
_MAX_CHAIN = 8  # crossref/xdata levels followed (BibTeX itself follows one)
_SNIFF_LINES = 100
# bibtexparser's reasons for giving up on a block → what a user can act on.
_REASONS = (("Unexpected block start", "is not closed"), ("end of file", "is not closed"),
            ("comma after entry key", "has no comma after its key"),
            ("Expected a `=`", "has a field without '='"),
            ("equals sign", "has no '=' after its name"),
            ("after a closed entry field value", "lacks a comma between two fields"))

# bibtexparser's splitter logs each block it gives up on (to stderr, when the program has
# no logging set up): the reader reports the same as issues, in plain words.
logging.getLogger("bibtexparser.splitter").setLevel(logging.ERROR)

_ENTRY_START = re.compile(r"@\s*[A-Za-z][\w-]*\s*[{(]")
_HEAD = re.compile(r"@\s*([\w-]*)\s*[{(]\s*([^\s,{}()=\"]*)")
# An entry with no key: bibtexparser takes its first field for the key and gives up.
_KEYLESS = re.compile(
    r"(@[ \t]*(?!(?:string|preamble|comment)\b)[A-Za-z][\w-]*[ \t]*[{(])(?=\s*[\w.:+-]+\s*=)",
    re.IGNORECASE)
_MARKS = re.compile(r"(?<!\\)[{}()\"%]|@[ \t]*([A-Za-z][\w-]*)[ \t]*(?=[{(])")
_COMMENT = re.compile(r"(?<!\\)%")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
_DOI_URL = re.compile(r"https?://(?:dx\.)?doi\.org/(10\.\S+)", re.IGNORECASE)
_ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf)/([^\s?#]+)", re.IGNORECASE)
_COMMAS = re.compile(r"\s*,\s*")
_MARKUP = re.compile(r"[\\{}]")
_ARXIV_ID = re.compile(r"\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7}")
_ARXIV_NOTE = re.compile(r"arXiv:\s*(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?")


@dataclass
class _Entry:
    line: int
    type: str  # as written
    key: str
    fields: dict[str, str]  # lower-case name → value as written, @strings expanded


def sniff(text: str) -> bool:
    """Whether an ``@type{`` entry opens a line near the top (``%`` lines not counted)."""
    seen = 0
    for line in text[:200_000].split("\n"):
        stripped = line.strip().lstrip("\ufeff")
        if not stripped or stripped.startswith("%"):
            continue
        if _ENTRY_START.match(stripped):
            return True
        seen += 1
        if seen >= _SNIFF_LINES:
            break
    return False


def read(text: str, *, file: str = "") -> Parsed:
    """The entries of a BibTeX text as records; a broken entry is an issue, never a raise.

    Raises FormatError only for text that is not BibTeX: binary junk, or a text with no
    ``@`` block at all and more than blank and ``%`` lines. An empty file, or one holding
    only ``@comment``s, reads as no records.
    """
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    _refuse_junk(text, file)
    issues: list[FormatIssue] = []
    blocks: list[tuple[str, str]] = []
    macros = dict(MONTH_MACROS)
    found: list[RawEntry] = []
    has_strings = False
    # Duplicate keys are judged in _entries, where a keyless entry is no duplicate.
    for block in split_blocks(_prepare(text)):
        if type(block) is RawEntry:
            if block.repeated:
                names = ", ".join(sorted(name.lower() for name in block.repeated))
                issues.append(FormatIssue(file, block.line, f"{_label(block)} has {names} "
                                          "more than once; the first kept", warning=True))
            found.append(block)
        elif type(block) is RawString:
            has_strings = True
            try:
                macros[block.key.lower()] = evaluate(block.value, macros, [])
            except ValueError:
                macros[block.key.lower()] = block.value
        elif type(block) is RawPreamble:
            blocks.append(("preamble", block.value.strip()))
        elif type(block) is RawComment:
            blocks.append(("comment", block.comment))
        elif type(block) is RawFailure:
            issues.append(FormatIssue(file, block.line, _failure(block)))
    if not found and not blocks and not has_strings and not issues and any(
        line.strip() and not line.lstrip().startswith("%") for line in text.split("\n")
    ):
        raise FormatError("no BibTeX entry found (one starts like @article{key,)", file=file)
    entries = _entries(found, macros, file, issues)
    lookup = _Lookup(entries, file, issues)
    records: list[PaperData] = []
    lines: list[int] = []
    for entry in entries:
        if entry.type.lower() == "xdata":
            continue

        def warn(message: str, line: int = entry.line) -> None:
            issues.append(FormatIssue(file, line, message, warning=True))

        records.append(_record(entry, lookup.fields(entry), warn))
        lines.append(entry.line)
    unique = list(dict.fromkeys(issues))  # one crossref problem may be met on many paths
    unique.sort(key=lambda issue: issue.line)
    return Parsed(tuple(records), tuple(lines), tuple(unique), tuple(blocks))


def split_blocks(text: str) -> list[RawBlock]:
    """The blocks of a prepared text (:func:`_prepare`) as bibtexparser's splitter makes
    them: by :mod:`db.formats.bibsplit` (the same blocks, faster) when the text is well
    formed, else by bibtexparser, whose error recovery a broken file needs."""
    found = bibsplit.split(text)
    if found is None:
        found = bibsplit.from_bibtexparser(parse_string(text, parse_stack=[]).blocks)
    return found


def _refuse_junk(text: str, file: str) -> None:
    """FormatError for text that is not BibTeX at a glance, before it costs seconds."""
    sample = text[:65536]
    controls = len(_CONTROL.findall(sample))
    if controls > max(8, len(sample) // 100):  # a few: an old file's ^Z, say
        raise FormatError(f"not BibTeX text: {controls * 100 // len(sample)}% of its start are "
                          "control characters (a binary file, or another encoding such as "
                          "UTF-16)", file=file)
    # Every block costs bibtexparser tens of microseconds; a real entry is never shorter than
    # a few dozen characters, so a text dense with @ is junk that would take minutes.
    signs = text.count("@")
    if signs > 10_000 and signs > len(text) // 20:
        raise FormatError(f"not BibTeX text: {signs:,} @ signs in {len(text):,} characters",
                          file=file)


def _prepare(text: str) -> str:
    """The text with ``%`` comments outside values cut and keyless entries given ``,``.

    Newlines stay where they were, so bibtexparser's line numbers are the file's.
    """
    text = _KEYLESS.sub(r"\1,", text)
    # The look-behind keeps the regex from searching fast: most files have no % at all.
    if "%" not in text or not _COMMENT.search(text):
        return text
    cuts: list[tuple[int, int]] = []
    in_block = free = quoted = False
    depth, closer, skip_to = 0, "}", 0
    for mark in _MARKS.finditer(text):
        at, char = mark.start(), mark.group()[0]
        if at < skip_to:
            continue
        if char == "@":
            # bibtexparser also ends an unclosed block at an @ that opens a line.
            if not in_block or not text[text.rfind("\n", 0, at) + 1 : at].strip():
                in_block, quoted, depth = True, False, 0
                free = mark.group(1).lower() == "comment"
                closer = "}" if text[mark.end()] == "{" else ")"
                skip_to = mark.end() + 1  # past the opening delimiter
        elif char == "%" and not (in_block and (free or depth or quoted)):
            end = text.find("\n", at)
            skip_to = len(text) if end < 0 else end
            cuts.append((at, skip_to))
        elif not in_block:
            continue
        elif char == "{":
            depth += 1
        elif char == "}" and depth:
            depth -= 1
        elif char == '"' and not depth and not free:
            quoted = not quoted
        elif char == closer and not depth and not quoted:
            in_block = False
    if not cuts:
        return text
    pieces, pos = [], 0
    for start, end in cuts:
        pieces.append(text[pos:start])
        pos = end
    pieces.append(text[pos:])
    return "".join(pieces)


def _label(block: RawEntry | RawFailure) -> str:
    """``entry @article{smith2020`` as the file spells it, or ``@string``."""
    head = _HEAD.match(block.raw)
    if head is None:
        return "a block"
    kind = head[1] or "?"
    if kind.lower() in ("string", "preamble", "comment"):
        return f"@{kind}"
    return f"entry @{kind}{{{head[2]}"


def _failure(block: RawFailure) -> str:
    """Why bibtexparser gave up on a block, in plain words."""
    reason = block.reason
    plain = next((words for clue, words in _REASONS if clue in reason),
                 f"could not be read ({reason.strip()})")
    return f"{_label(block)} {plain}; skipped"


def _entries(found: list[RawEntry], macros: dict[str, str], file: str,
             issues: list[FormatIssue]) -> list[_Entry]:
    """Entries with their values evaluated; duplicates and too deep ones reported, left out."""
    first_line: dict[str, int] = {}
    entries: list[_Entry] = []
    for block in found:
        raw, key, line = block.raw, block.key, block.line
        head = _HEAD.match(raw)
        written = head[1] if head and head[1] else block.type
        if key and key in first_line:
            issues.append(FormatIssue(file, line, f"duplicate key {key} (the first one, "
                                      f"on line {first_line[key]}, kept)"))
            continue
        if raw.count("{") > _MAX_DEPTH and any(
                value.count("{") > _MAX_DEPTH and brace_depth(value) > _MAX_DEPTH
                for _, value in block.fields):
            issues.append(FormatIssue(file, line, f"{_label(block)} has braces nested more "
                                      f"than {_MAX_DEPTH} deep; skipped"))
            continue
        fields: dict[str, str] = {}
        unknown: list[str] = []
        try:
            for written_name, value in block.fields:
                name = written_name.strip().lower()
                if name and name not in fields:
                    fields[name] = evaluate(value, macros, unknown).strip()
        except ValueError as error:
            issues.append(FormatIssue(file, line, f"{_label(block)} {error}; skipped"))
            continue
        if key:
            first_line[key] = line
        entries.append(_Entry(line, written, key, fields))
        if unknown:
            names = ", ".join(dict.fromkeys(unknown))
            issues.append(FormatIssue(file, line, f"unknown @string name {names} in "
                                      f"{_label(block)}; kept as written", warning=True))
    return entries


def _titles(parent: str, child: str) -> dict[str, str]:
    """How a parent's title fields reach a child of another kind (biblatex's rules)."""
    if parent in _BOOKISH and child not in _BOOKISH:
        return _BOOK_TITLES
    if parent == "periodical" and child != "periodical":
        return _JOURNAL_TITLES
    return {}


class _Lookup:
    """Each entry's fields with what it inherits through ``xdata`` and ``crossref``."""

    def __init__(self, entries: list[_Entry], file: str, issues: list[FormatIssue]) -> None:
        self._keys = {entry.key: entry for entry in entries if entry.key}
        for entry in entries:  # biblatex's ``ids``: other keys the entry answers to
            for alias in entry.fields.get("ids", "").split(","):
                self._keys.setdefault(alias.strip(), entry)
        self._folded = {key.lower(): entry for key, entry in self._keys.items()}
        self._done: dict[int, dict[str, str]] = {}
        self._file, self._issues = file, issues

    def fields(self, entry: _Entry, trail: tuple[int, ...] = ()) -> dict[str, str]:
        if id(entry) in self._done:
            return self._done[id(entry)]
        if id(entry) in trail or len(trail) > _MAX_CHAIN:
            self._warn(entry, "its crossref/xdata chain loops or runs too deep; "
                              "inheritance stopped there")
            return entry.fields
        trail += (id(entry),)
        fields = dict(entry.fields)
        refs = [ref.strip() for ref in entry.fields.get("xdata", "").split(",")]
        for ref in filter(None, refs):
            parent = self._find(entry, ref, "xdata")
            for name, value in self.fields(parent, trail).items() if parent else ():
                if name not in _NOT_INHERITED:
                    fields.setdefault(name, value)
        crossref = entry.fields.get("crossref", "").strip()
        parent = self._find(entry, crossref, "crossref") if crossref else None
        if parent is not None:
            inherited = self.fields(parent, trail)
            titles = _titles(parent.type.lower(), entry.type.lower())
            for name, value in inherited.items():
                if name not in _NOT_INHERITED and name not in titles:
                    fields.setdefault(name, value)
            # After the same-name pass: a booktitle the parent carries for its children
            # (BibTeX's way) wins over the one made from its title (biblatex's).
            for name, renamed in titles.items():
                if renamed and name in inherited:
                    fields.setdefault(renamed, inherited[name])
        self._done[id(entry)] = fields
        return fields

    def _find(self, entry: _Entry, key: str, field: str) -> _Entry | None:
        parent = self._keys.get(key) or self._folded.get(key.lower())
        if parent is None:
            self._warn(entry, f"its {field} {key} is not in the file")
        return parent

    def _warn(self, entry: _Entry, message: str) -> None:
        label = f"entry @{entry.type}{{{entry.key}"
        self._issues.append(FormatIssue(self._file, entry.line, f"{label}: {message}",
                                        warning=True))


def _record(entry: _Entry, fields: dict[str, str], warn: Callable[[str], None]) -> PaperData:
    """One entry's fields as a record; everything not modelled goes to ``extra``."""
    extra: dict[str, str] = {}
    used: set[str] = set()

    def take(*names: str) -> tuple[str, str]:
        for name in names:
            raw = fields.get(name)
            if raw:  # values come stripped (_entries), so this one is not blank
                used.add(name)
                if name in _ALIASES:
                    extra[f"bibtex.{name}"] = raw
                return name, raw
        return "", ""

    def shown(*names: str, paragraphs: bool = False) -> str:
        name, raw = take(*names)
        if not raw:
            return ""
        if not has_latex(raw):
            # What decode() gives without LaTeX: the text squashed, nothing to keep.
            text = decode(raw, paragraphs=True) if paragraphs and "\n" in raw else squash(raw)
        else:
            text = decode(raw, paragraphs=paragraphs)
            if squash(raw) != squash(text):
                extra[f"bibtex.{name}"] = raw
        if len(raw) > MAX_DECODED:
            warn(f"{label}: its {name} is {len(raw):,} characters long; its LaTeX was kept")
        return text

    label = f"entry @{entry.type}{{{entry.key}"
    key = entry.key
    if not key:
        warn(f"entry @{entry.type} has no key; one will be made")
    elif (problem := check_key(key)) is not None:
        extra["bibtex.key"] = key
        warn(f"{label}: {problem}; it is kept as bibtex.key and a new key will be made")
        key = ""
    entry_type = ENTRY_TYPES.get(entry.type.lower(), entry.type.lower())
    if entry.type.lower() != entry_type:
        extra["bibtex.type"] = entry.type
    title = shown("title")
    abstract = shown("abstract", paragraphs=True)
    venue = shown("journal", "journaltitle", "booktitle")
    volume = shown("volume")
    number = shown("number", "issue")
    publisher = shown("publisher", "institution", "school", "organization")
    name, raw = take("pages")
    pages = plain_pages(decode(raw)) if raw else ""
    if raw and plain_pages(squash(raw)) != pages:  # BibTeX writes "--" for the "-" shown
        extra[f"bibtex.{name}"] = raw
    url = _plain(take, extra, "url")
    doi = _plain(take, extra, "doi", normalize_doi)
    if not doi and (match := _DOI_URL.search(url)):
        doi = normalize_doi(match[1])
    arxiv, category = _arxiv(fields, take, extra, url)
    name, raw = take("author", "editor")
    people, et_al = authors(raw)
    if name and marked_up(raw):
        extra[f"bibtex.{name}"] = raw
    tags = _tags(take, extra, fields)
    date = read_date(fields, used, extra, lambda message: warn(f"{label}: {message}"))
    extra.update((name, raw) for name, raw in fields.items() if name not in used)
    return PaperData(
        title=title, key=key, entry_type=entry_type, abstract=abstract, date=date,
        venue=venue, volume=volume, number=number, pages=pages, publisher=publisher,
        doi=doi, arxiv=arxiv, url=url, category=category, authors=people, et_al=et_al,
        extra=MappingProxyType(extra), tags=tags,
    )


_Take = Callable[..., tuple[str, str]]


def _plain(take: _Take, extra: dict[str, str], field: str,
           normalize: Callable[[str], str] = str) -> str:
    """A URL or a DOI, kept as written too when that differs."""
    name, raw = take(field)
    if not raw:
        return ""
    value = normalize(plain(raw))
    if name and value != squash(raw):
        extra[f"bibtex.{name}"] = raw
    return value


def _arxiv(fields: dict[str, str], take: _Take, extra: dict[str, str],
           url: str) -> tuple[str, str]:
    """The arXiv id and category: an arXiv ``eprint``, else an arxiv.org URL, else a note."""
    written = fields.get("eprint", "")
    eprint = normalize_arxiv(squash(written)) if written else ""
    kind = (fields.get("archiveprefix") or fields.get("eprinttype") or "").strip().lower()
    if eprint and (kind == "arxiv" or (not kind and _ARXIV_ID.fullmatch(eprint))):
        name, raw = take("eprint")
        if squash(raw) != eprint:
            extra[f"bibtex.{name}"] = raw
        _, category = take("primaryclass", "eprintclass")
        return eprint, squash(category)
    if match := _ARXIV_URL.search(url):
        return normalize_arxiv(match[1]), ""
    for field in ("journal", "note"):
        if match := _ARXIV_NOTE.search(fields.get(field, "")):
            return match[1], ""
    return "", ""


def _tags(take: _Take, extra: dict[str, str], fields: dict[str, str]) -> tuple[str, ...]:
    """Keywords (Calibre's ``tags`` too) split on ``,``/``;``; JabRef's groups if plain."""
    tags: list[str] = []
    for field in ("keywords", "tags"):
        _, raw = take(field)
        if not raw:
            continue
        found = keywords(raw)
        if ", ".join(found) != _COMMAS.sub(", ", squash(raw)):
            extra[field] = raw  # the split lost something: separators, markup, repeats
        tags.extend(found)
    groups = fields.get("groups", "")
    if groups and not _MARKUP.search(groups):  # kept in extra as well, as JabRef wrote it
        tags.extend(group for group in (squash(g) for g in groups.split(",")) if group)
    return tuple(dict.fromkeys(tags))
