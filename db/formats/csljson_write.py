"""CSL-JSON out: the citation data pandoc, citeproc and Zotero read (CSL 1.0.2 csl-data).

The writer mirrors the reader (``db.formats.csljson``). What the reader kept in ``extra``
as ``csl.<variable>`` is written back as that variable, and the originals it kept of
names, dates and DOIs are written instead of the modelled value while reading them gives
that value again (an edit since wins). So CSL-JSON → library → CSL-JSON keeps every
variable, and library → CSL-JSON → library keeps every field CSL has a variable for.

What changes on the way: ``id`` is the citation key (the original id is not kept); text
is what the app shows (``plain``: LaTeX made Unicode); a variable or type that CSL 1.0.2
does not have goes into ``custom``, so that every item is valid against csl-data.json.
A paper known on arXiv gains the abstract page as its URL (or arXiv's DOI), which the
reader reads the id from; with a DOI and a URL of its own, the id is only in
``archive_location``, which the reader does not read. Nothing is made up: ``et_al`` is
left out (CSL has no "more authors" marker; ``{"literal": "others"}`` would print as an
author), as are the code URL, category, rating and reading status.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence

from db.errors import FormatError
from db.formats import ExportItem, ExportOptions, jsontext
from db.formats.csljson import _TYPES as _READ_TYPES  # the reader's table, the one truth
from db.formats.csljson import read
from db.formats.idlist import arxiv_of
from db.latex import readable
from db.records import Author, Paper, PaperData

# Entry type → CSL type. The reader's types first (so they read back as themselves), then
# the BibTeX and biblatex types, as their nearest CSL type.
_CSL_TYPES: dict[str, str] = {
    "article": "article-journal", "inproceedings": "paper-conference", "book": "book",
    "incollection": "chapter", "thesis": "thesis", "report": "report",
    "webpage": "webpage", "dataset": "dataset", "software": "software", "patent": "patent",
    "standard": "standard", "unpublished": "manuscript", "misc": "document",
    "booklet": "pamphlet", "inbook": "chapter", "manual": "report",
    "mastersthesis": "thesis", "phdthesis": "thesis", "proceedings": "book",
    "techreport": "report", "collection": "collection", "online": "webpage",
    "periodical": "periodical", "reference": "book", "inreference": "entry-encyclopedia",
}
# What a style prints for the kind of thesis, which CSL's one type cannot tell.
_GENRES = {"mastersthesis": "Master's thesis", "phdthesis": "PhD thesis"}
# The types that come out in issues; any other type's number is its own (a report's, a
# patent's, a bill's, an episode's), which CSL calls ``number``.
_IN_ISSUES = frozenset({"article", "article-journal", "article-magazine", "article-newspaper",
                        "periodical", "paper-conference", "review", "review-book"})
# CSL 1.0.2's variables (csl-data.json), by the kind of value each holds. An item holds no
# others ("additionalProperties": false): what the reader kept of other names, or of a
# value of the wrong kind, goes into ``custom``, CSL's place for "additional information".
_NAMES = frozenset({
    "author", "chair", "collection-editor", "compiler", "composer", "container-author",
    "contributor", "curator", "director", "editor", "editorial-director",
    "executive-producer", "guest", "host", "interviewer", "illustrator", "narrator",
    "organizer", "original-author", "performer", "producer", "recipient",
    "reviewed-author", "script-writer", "series-creator", "translator"})
_DATES = frozenset({"accessed", "available-date", "event-date", "issued", "original-date",
                    "submitted"})
_NUMBERS = frozenset({
    "id", "chapter-number", "citation-number", "collection-number", "edition",
    "first-reference-note-number", "issue", "locator", "number", "number-of-pages",
    "number-of-volumes", "page", "page-first", "part", "printing", "supplement", "volume"})
_TEXTS = frozenset({
    "citation-key", "language", "journalAbbreviation", "shortTitle", "abstract", "annote",
    "archive", "archive_collection", "archive_location", "archive-place", "authority",
    "call-number", "citation-label", "collection-title", "container-title",
    "container-title-short", "dimensions", "division", "DOI", "event", "event-title",
    "event-place", "genre", "ISBN", "ISSN", "jurisdiction", "keyword", "medium", "note",
    "original-publisher", "original-publisher-place", "original-title", "part-title",
    "PMCID", "PMID", "publisher", "publisher-place", "references", "reviewed-genre",
    "reviewed-title", "scale", "section", "source", "status", "title", "title-short", "URL",
    "version", "volume-title", "volume-title-short", "year-suffix"})
_STRUCTURED = _NAMES | _DATES | {"categories", "custom"}
_NAME_PARTS = frozenset({"family", "given", "dropping-particle", "non-dropping-particle",
                         "suffix", "literal"})
_NAME_FLAGS = frozenset({"comma-suffix", "static-ordering", "parse-names"})
_DATE_PARTS = frozenset({"date-parts", "season", "circa", "literal", "raw"})
CSL_TYPES = frozenset({
    "article", "article-journal", "article-magazine", "article-newspaper", "bill", "book",
    "broadcast", "chapter", "classic", "collection", "dataset", "document", "entry",
    "entry-dictionary", "entry-encyclopedia", "event", "figure", "graphic", "hearing",
    "interview", "legal_case", "legislation", "manuscript", "map", "motion_picture",
    "musical_score", "pamphlet", "paper-conference", "patent", "performance", "periodical",
    "personal_communication", "post", "post-weblog", "regulation", "report", "review",
    "review-book", "software", "song", "speech", "standard", "thesis", "treaty", "webpage"})
# Variables the writer sets from modelled fields, or checks before writing back.
_HANDLED = frozenset({"id", "type", "author", "issued", "DOI", "custom"})
# BibTeX fields the BibTeX reader keeps in extra under their own name, for the variables
# styles print (a book's edition and place); their text may be LaTeX.
_BIBTEX: dict[str, str] = {
    "edition": "edition", "address": "publisher-place", "location": "publisher-place",
    "series": "collection-title", "isbn": "ISBN", "issn": "ISSN", "note": "note",
}
_ISO = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
# Text is LaTeX when it has a command, an escaped character or a brace group. A lone "~",
# "''" or "$" is far more often meant as itself (a CSL or RIS title, "~5% faster"), and
# readable() would turn the tilde into a space.
_LATEX = re.compile(r"\\[A-Za-z@]|\\[^A-Za-z\s]|[{}]")


def write(items: Sequence[ExportItem], options: ExportOptions = ExportOptions()) -> str:
    """A JSON array of one item per paper, in the order given; the same input always
    gives the same text (keys sorted, two-space indent, UTF-8 as it is)."""
    data = [to_csl(item.paper, abstracts=options.abstracts) for item in items]
    return jsontext.dumps(data) + "\n"


def to_csl(paper: Paper, *, abstracts: bool = True) -> dict[str, object]:
    """One CSL-JSON item: ``id`` is the citation key, text is plain (LaTeX made readable)."""
    item: dict[str, object] = {}
    custom: dict[str, object] = {}  # what CSL has no variable for
    extra = paper.extra
    for name, raw in extra.items():
        variable = name[4:]
        if name.startswith("csl.") and variable not in _HANDLED:
            value = _value(variable, raw)
            if _fits(variable, value):
                item[variable] = value
            else:
                custom[variable] = value
    kept_custom = extra.get("csl.custom")
    original = {} if kept_custom is None else _value("custom", kept_custom)
    if isinstance(original, dict):
        custom |= original  # the original's own keys win
    else:
        custom["custom"] = original
    for field, variable in _BIBTEX.items():
        if extra.get(field, "").strip() and variable not in item:
            item[variable] = plain(extra[field]).strip()

    item["id"] = paper.key or extra.get("csl.id") or f"item-{paper.id}"
    if paper.key:  # CSL 1.0.2's own name for it, which Zotero and citation.js read
        item.setdefault("citation-key", paper.key)
    item["type"] = _type(paper, custom)
    if paper.entry_type in _GENRES and "genre" not in item:
        item["genre"] = _GENRES[paper.entry_type]
    if paper.authors:
        item["author"] = _authors(paper)
    if (issued := _issued(paper)) is not None:
        item["issued"] = issued
    _text(item, "title", plain(paper.title))
    _text(item, "container-title", plain(paper.venue))
    _text(item, "volume", paper.volume)
    if paper.number.strip():
        item[_number_variable(paper, item)] = paper.number.strip()
    _text(item, "page", paper.pages)
    _text(item, "publisher", plain(paper.publisher))
    _doi_and_url(paper, item)
    if abstracts:
        _text(item, "abstract", plain(paper.abstract))
    else:
        item.pop("abstract", None)
    _text(item, "keyword", ", ".join(paper.tags))
    if custom:
        item["custom"] = custom
    return item


def _text(item: dict[str, object], variable: str, value: str) -> None:
    # An empty field says nothing, and must not hide what extra gave the variable.
    if value.strip():
        item[variable] = value.strip()


def plain(text: str) -> str:
    """The text a reader sees: LaTeX made Unicode (``readable``), other text as it is."""
    if "\\" not in text and "{" not in text and "}" not in text:
        return text  # what _LATEX looks for, found far sooner in a long abstract
    return readable(text) if _LATEX.search(text) else text


def _value(variable: str, raw: str) -> object:
    """A variable kept in extra, as the reader found it. The reader wrote text as it is
    and any other value as JSON; a text variable stays text whatever its words."""
    if variable in _TEXTS or variable in _NUMBERS or (
            variable not in _STRUCTURED and raw[:1] not in ("[", "{")):
        return raw
    try:
        return json.loads(raw)
    except ValueError:  # an EDTF date string, or text in a variable CSL does not have
        return raw


def _fits(variable: str, value: object) -> bool:
    """Whether csl-data.json allows the value for the variable."""
    if variable in _TEXTS:
        return isinstance(value, str)
    if variable in _NUMBERS:
        return _scalar(value)
    if variable in _NAMES:
        return isinstance(value, list) and all(_fits_name(name) for name in value)
    if variable in _DATES:
        return isinstance(value, str) or _fits_date(value)
    if variable == "categories":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    return False  # "custom" is merged, never a variable of its own here


def _scalar(value: object) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def _fits_name(name: object) -> bool:
    return isinstance(name, dict) and all(
        (key in _NAME_PARTS and isinstance(value, str))
        or (key in _NAME_FLAGS and (_scalar(value) or isinstance(value, bool)))
        for key, value in name.items())


def _fits_date(date: object) -> bool:
    if not isinstance(date, dict) or not set(date) <= _DATE_PARTS:
        return False
    parts = date.get("date-parts", [[0]])
    return (isinstance(parts, list) and 1 <= len(parts) <= 2
            and all(isinstance(p, list) and 1 <= len(p) <= 3 and all(map(_scalar, p))
                    for p in parts)
            and all(isinstance(date.get(k, ""), str) for k in ("literal", "raw"))
            and _scalar(date.get("season", 0))
            and (_scalar(date.get("circa", 0)) or isinstance(date["circa"], bool)))


def _type(paper: PaperData, custom: dict[str, object]) -> str:
    # The original CSL type while it still says the entry type (an edit may have changed
    # it); one that CSL 1.0.2 does not have ("video") is kept in custom.
    original = paper.extra.get("csl.type", "")
    if original and _READ_TYPES.get(original, "misc") == paper.entry_type:
        if original in CSL_TYPES:
            return original
        custom.setdefault("type", original)
    return _CSL_TYPES.get(paper.entry_type, "document")


def _authors(paper: PaperData) -> object:
    original = paper.extra.get("csl.author")
    value = None if original is None else _value("author", original)
    if _fits("author", value) and _reads_back({"author": value},
                                              lambda r: r.authors == paper.authors):
        return value
    return [_name(author) for author in paper.authors if author != _NOBODY]


_NOBODY = Author()


def _name(author: Author) -> dict[str, str]:
    if author.literal:
        return {"literal": author.literal}
    # The reader joined any particle into the family name ("van der Berg"): written as is,
    # it reads back the same and every style prints it whole.
    name = {}
    if author.family:
        name["family"] = author.family
    if author.given:
        name["given"] = author.given
    return name


def _issued(paper: PaperData) -> object | None:
    # The original when the reader could not say all of it in an ISO date (a range, a
    # season, a literal date), or none at all.
    original = paper.extra.get("csl.issued")
    if original is not None:
        value = _value("issued", original)
        if _fits("issued", value) and _reads_back({"issued": value},
                                                  lambda r: r.date == paper.date):
            return value
    if not paper.date:
        return None
    match = _ISO.fullmatch(paper.date)
    if match is None:  # not an ISO date: styles print a literal date as it is
        return {"literal": paper.date}
    return {"date-parts": [[int(part) for part in match.groups() if part is not None]]}


def _number_variable(paper: PaperData, item: dict[str, object]) -> str:
    """``issue`` for a journal's issue, ``number`` for a report's (or Zotero's arXiv
    number); when extra already gave one of them, the other."""
    preferred = ("number" if paper.number.lower().startswith("arxiv:")
                 or item["type"] not in _IN_ISSUES else "issue")
    other = "issue" if preferred == "number" else "number"
    return other if preferred in item else preferred


def _doi_and_url(paper: PaperData, item: dict[str, object]) -> None:
    _text(item, "URL", paper.url)
    original = paper.extra.get("csl.DOI")
    # The reader kept the DOI as written when it is not a DOI, or when it is a shortDOI
    # and the URL gave the full one.
    if original is not None and _reads_back({"DOI": original, "URL": paper.url},
                                            lambda r: r.doi == paper.doi):
        item["DOI"] = original
    else:
        _text(item, "DOI", paper.doi)
    if paper.arxiv and not any(arxiv_of(str(item.get(v, ""))) == paper.arxiv
                               for v in ("DOI", "URL", "number")):
        # A preprint known by its arXiv id alone: the abstract page is what every style
        # and pandoc print and link (arXiv's own DOI when the URL is another page), and
        # the id goes where Chicago and MLA show an archive. The reader finds the id again.
        if "URL" not in item:
            item["URL"] = f"https://arxiv.org/abs/{paper.arxiv}"
        elif "DOI" not in item:
            item["DOI"] = f"10.48550/arXiv.{paper.arxiv}"
        if "archive" not in item and "archive_location" not in item:
            item["archive"], item["archive_location"] = "arXiv", paper.arxiv


def _reads_back(variables: dict[str, object], same: Callable[[PaperData], bool]) -> bool:
    """Whether the reader, given these variables, finds again what the paper holds."""
    text = json.dumps([{"type": "document", "title": "-", **variables}], ensure_ascii=False)
    try:
        records = read(text).records
    except (FormatError, RecursionError):
        return False
    return len(records) == 1 and same(records[0])
