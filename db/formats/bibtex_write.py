r"""Papers as a ``.bib`` file: BibTeX for bibtex/natbib, BibLaTeX for biber.

It must compile safely, draw no warning from the real tools, and read back through
:mod:`db.formats.bibtex` as the same paper. Decisions, and why:

* **Lossless.** A field imported from BibTeX is written as it was (the reader's
  ``extra["bibtex.<field>"]``) while the reader's own decoding of that still gives the
  paper's value; else it was edited here, and the value is escaped. Unmodelled fields
  (``extra``) are written back verbatim.
* **Escaping** (:func:`escape`). Commands are braced, ``{\textbackslash}``, or bibtex's
  case changing may upper-case their names. ``^`` is ``{\string^}`` and ``<>|`` go through
  math: the reader decodes ``\textasciicircum``/``\textless``/``\textbar`` to other
  characters or none, and pdflatex's default OT1 encoding prints ``<>|`` as ``¡¿—``.
  ``''`` and ``,,`` are split, or LaTeX prints quotes; ``--`` stays a dash, as in the
  BibTeX it mostly comes from (the reader keeps ``--`` or reads it as –: one dash).
* **Capitals.** Title words with a capital after the first letter (ACMP, GNNs, SO(3),
  DiffImpute, Allen-Cahn) are braced, so that styles that lower-case titles keep them.
* **Complete entries.** An entry lacking a field plain.bst requires of its type is an
  ``@misc`` (which requires nothing, and shows the venue, else the arXiv id or DOI, as
  ``howpublished``): the sample listings' venue-less "articles" are. For biber likewise,
  when ``@misc`` takes every field written.
* **Security** (:func:`harmless`). Raw text keeps its commands but those that read or write
  files, run programs or define commands, whose backslash becomes ``{\textbackslash}``;
  TeX's ``^^`` escape is split. Raw text with unbalanced braces is escaped instead.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from itertools import accumulate

from pylatexenc.latexencode import UnicodeToLatexEncoder

from db.citekeys import ascii_fold, check_key
from db.formats import ExportItem, ExportOptions
from db.formats.bibnames import authors as read_authors
from db.formats.bibnames import decode, keywords, plain, plain_pages, read_date, squash
from db.formats.bibtex import ENTRY_TYPES
from db.formats.profile import category_for
from db.matching import normalize_arxiv, normalize_doi
from db.records import Author, Paper


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


def _table(spec: str) -> dict[str, tuple[frozenset[str], ...]]:
    """``"a b: x y|z; c: x"``: a and b need x, and y or z; c needs x."""
    table: dict[str, tuple[frozenset[str], ...]] = {}
    for rule in spec.split(";"):
        kinds, needs = rule.split(":")
        table |= dict.fromkeys(kinds.split(),
                               tuple(frozenset(need.split("|")) for need in needs.split()))
    return table


_DEFAULTS = ExportOptions()
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# These first, in this order, then the rest by name: the same input gives the same bytes.
_ORDER = ("author", "editor", "title", "journal", "journaltitle", "booktitle", "howpublished",
          "volume", "number", "issue", "pages", "year", "month", "day", "date", "publisher",
          "institution", "school", "organization", "doi", "url", "eprint", "archiveprefix",
          "eprinttype", "primaryclass", "eprintclass", "keywords", "abstract", "key", "ids")
_ORDERED = frozenset(_ORDER)
# The fields plain.bst sorts a type by (else it warns that it needs a ``key``).
_AUTHOR = _set("author")
_SORTED_BY = {"book": _set("author editor"), "inbook": _set("author editor"),
              "manual": _set("author organization"), "proceedings": _set("editor organization")}
_BIBTEX_TYPES = _set("article book booklet conference inbook incollection inproceedings manual "
                     "mastersthesis misc phdthesis proceedings techreport unpublished")
_TO_BIBTEX = {**dict.fromkeys(_set("collection mvbook reference mvreference mvcollection"),
                              "book"),
              **dict.fromkeys(_set("bookinbook suppbook"), "inbook"),
              **dict.fromkeys(_set("inreference suppcollection"), "incollection"),
              "mvproceedings": "proceedings", "report": "techreport", "thesis": "phdthesis",
              "suppperiodical": "article"}
# biblatex's data model (blx-dm.def) and the BibTeX aliases biber maps.
_BIBLATEX_TYPES = _set(
    "article artwork audio bibnote book bookinbook booklet collection commentary dataset "
    "inbook incollection inproceedings inreference image jurisdiction legal legislation letter "
    "manual misc movie music mvcollection mvreference mvproceedings mvbook online patent "
    "performance periodical proceedings reference report review set software standard "
    "suppbook suppcollection suppperiodical thesis unpublished video conference electronic "
    "mastersthesis phdthesis techreport www")
# The fields plain.bst checks per type.
_BIBTEX_NEEDS = _table(
    "article: author title journal year; book: author|editor title publisher year;"
    "booklet manual: title; proceedings: title year; inbook: author|editor title "
    "chapter|pages publisher year; incollection: author title booktitle publisher year;"
    "inproceedings conference: author title booktitle year; mastersthesis phdthesis: author "
    "title school year; techreport: author title institution year; unpublished: author "
    "title note")
# biblatex's mandatory fields (blx-dm.def) under biber's names, less the date that every
# type (@misc too) requires.
_BIBLATEX_NEEDS = _table(
    "article: author journaltitle title; book mvbook unpublished: author title;"
    "inbook bookinbook suppbook inproceedings conference: author title booktitle;"
    "booklet: author|editor title; collection reference mvcollection mvreference periodical: "
    "editor title; incollection suppcollection inreference: author editor title booktitle;"
    "dataset manual misc software proceedings mvproceedings: title; online electronic www: "
    "title url|doi|eprint; patent: author title number; report thesis: author title type "
    "institution; techreport phdthesis mastersthesis: author title institution; set: entryset")
_NOT_MISC = _set("journaltitle booktitle volume number issue pages publisher institution")
# BibTeX names biber reads as another field: writing both would clash.
_BIBER_ALIAS = {"journal": "journaltitle", "school": "institution", "address": "location",
                "annote": "annotation", "archiveprefix": "eprinttype", "key": "sortkey",
                "primaryclass": "eprintclass", "pdf": "file", "hyphenation": "langid"}
_BOOKTITLED = _set("inproceedings conference incollection inbook inreference bookinbook "
                   "suppbook suppcollection")
_BOOKISH = _set("book inbook incollection inproceedings conference proceedings")
# The reader takes the first of these present: a value must not be written under a later
# name than a field kept verbatim.
_VENUES = ("journal", "journaltitle", "booktitle")
_PUBLISHERS = ("publisher", "institution", "school", "organization")
_OWN = _set("has_code needs_details")  # Papershelf's own markers, not BibTeX fields
_FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.:+/-]*")
_ARXIV_CATEGORY = re.compile(r"(?:astro-ph|cond-mat|cs|econ|eess|gr-qc|hep-(?:ex|lat|ph|th)|math"
                             r"|math-ph|nlin|nucl-(?:ex|th)|physics|q-bio|q-fin|quant-ph|stat)"
                             r"(?:\.[A-Za-z-]+)?")
_ISO = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_DASH_RUN = re.compile(r"\s*[-‐‑‒–—−]+\s*")
# A line in a value that opens like an entry or a field: bibtexparser starts an entry at
# the @ and biber warns of a runaway string. It joins the line before (white space is
# white space to BibTeX), or in an abstract, where a blank line is a paragraph, gets {}.
_LINE_START = re.compile(r"\n(\s*)(?=@|[\w.:+-]+\s*=)")

# -- escaping -------------------------------------------------------------------------------

_TEXT = {"\\": r"{\textbackslash}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%",
         "$": r"\$", "#": r"\#", "_": r"\_", "~": r"{\textasciitilde}", "^": r"{\string^}",
         "`": r"{\textasciigrave}", "<": r"{\ensuremath{<}}", ">": r"{\ensuremath{>}}",
         "|": r"{\ensuremath{|}}"}
# A lone brace as \{ would unbalance the value for bibtex, which counts escaped braces too.
_LONE = {**_TEXT, "{": r"{\ensuremath{\lbrace}}", "}": r"{\ensuremath{\rbrace}}"}
_SPECIAL = re.compile(r"[\\{}&%$#_~^`<>|]")
_LIGATURE = re.compile(r"(?<=')'|(?<=,),")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_TRAILING = re.compile(r"[.,:;!?]+$")
_FIRST_LETTER = re.compile(r"(?:^|(?<=[ ~-]))[^\x00-\x7f]")
# For escape()'s shortcut: one character class is scanned far faster than alternatives.
_SPECIAL_OR_CONTROL = re.compile(r"[\\{}&%$#_~^`<>|\x00-\x1f\x7f]")
_ODD_SPACE = re.compile(r"[^\S ]")  # white space that squash() turns into " "
_INNER_CAPITAL = re.compile(r"[^ ][A-Z]")  # after a word's first character (ASCII)


def _unencodable(char: str) -> str:
    """A character pylatexenc has no macro for: its ASCII letter, else its code point."""
    folded = ascii_fold(char)
    return folded if folded.isalnum() else f"[U+{ord(char):04X}]"


_ENCODER = UnicodeToLatexEncoder(non_ascii_only=True, replacement_latex_protection="braces-all",
                                 unknown_char_policy=_unencodable, unknown_char_warning=False)


def _ascii(text: str) -> str:
    """Non-ASCII characters as LaTeX: ``Richtárik`` → ``Richt{\\'a}rik``."""
    if text.isascii():
        return text
    return str(_ENCODER.unicode_to_latex(unicodedata.normalize("NFC", text)))


def _nested(text: str) -> bool:
    if "{" not in text and "}" not in text:
        return True  # most values: no need to walk a long abstract character by character
    depths = list(accumulate(1 if char == "{" else -1 for char in text if char in "{}"))
    return not depths or (min(depths) >= 0 and depths[-1] == 0)


def _balanced(raw: str) -> bool:
    """Braces balance for bibtex (which counts ``\\{``) and for bibtexparser (which does not)."""
    if "{" not in raw and "}" not in raw:
        return True
    return _nested(raw) and _nested(re.sub(r"\\[{}]", "", raw))


def escape(text: str, *, unicode: bool = True, protect: bool = False) -> str:
    """User text as a value's content; ``protect`` braces words whose capitals must stay.
    White space runs become one space and control characters go, as the reader squashes."""
    # Most text needs nothing done, and a large export would spend most of its time
    # finding that out the long way. Text is given back as it is when _escape_all would
    # give it back (a test holds the two to it): no special or control character, no
    # white space squash() would fold, no pair _LIGATURE splits (a pair is looked for
    # only where its character is: one character is found far faster than two); and
    # ASCII (for _ascii, and for isupper with ``protect``) or left as it is.
    if not (_SPECIAL_OR_CONTROL.search(text) or "  " in text or text[:1] == " "
            or text[-1:] == " " or ("'" in text and "''" in text)
            or ("," in text and ",," in text)):
        if text.isascii():  # ASCII white space other than " " is control characters
            if not (protect and _INNER_CAPITAL.search(text)):
                return text
        elif unicode and not protect and not _ODD_SPACE.search(text):
            return text
    return _escape_all(text, unicode=unicode, protect=protect)


def _escape_all(text: str, *, unicode: bool, protect: bool) -> str:
    text = squash(_CONTROL.sub(" ", text))
    table = _TEXT if _nested(text) else _LONE
    pieces: list[str] = []
    for word in text.split(" ") if protect else [text]:
        tail = _TRAILING.search(word) if protect else None
        core = word[: tail.start()] if tail else word
        escaped = _escape_run(core, table)
        if protect and any(char.isupper() for char in core[1:]):
            escaped = "{" + escaped + "}"
        pieces.append(escaped + (_escape_run(tail.group(), table) if tail else ""))
    joined = " ".join(pieces)
    return joined if unicode else _ascii(joined)


def _escape_run(text: str, table: Mapping[str, str]) -> str:
    if _SPECIAL.search(text):
        text = "".join(table.get(char, char) for char in text)
    return _LIGATURE.sub(r"{}\g<0>", text)


# Control words that read or write files, run programs, define or build commands, or
# change how the rest is read; matched in any case, as bibtex's case changing may turn
# \INPUT into \input, and with @ as a letter (\@@input is the primitive).
_DANGEROUS = re.compile(
    r"input|include|import|read|write|open|close|code|csname|command|cmd|environment|package"
    r"|class|special|immediate|makeat|syntax|scan|file|shell|lua|primitive|every|nameuse"
    r"|usename|expand|mdfive|bibliography|typein|load|def$|mode$|^(?:cs|pdf)|^(?:g?let|futurelet"
    r"|begin|@*end|stop|bye|dump)$")
_COMMAND = re.compile(r"\\([A-Za-z@]+|.?)", re.DOTALL)


def harmless(raw: str) -> str:
    """Raw LaTeX with the backslash of every dangerous command written as text."""
    if "\\" not in raw and "^^" not in raw:
        return raw  # no command at all, as in most values

    def defuse(match: re.Match[str]) -> str:
        name = match[1]
        if (name[:1].isalpha() or name[:1] == "@") and _DANGEROUS.search(name.lower()):
            return r"{\textbackslash}" + name
        return match[0]

    return _COMMAND.sub(defuse, raw).replace("^^", r"{\string^}{\string^}")


# -- writing --------------------------------------------------------------------------------


def write(items: Sequence[ExportItem], options: ExportOptions = _DEFAULTS) -> str:
    """BibTeX for bibtex and natbib, entries in the order given; UTF-8 unless
    ``options.unicode`` is False. Former keys are left out: bibtex has no aliases."""
    return _Writer(items, options, biblatex=False).text()


def write_biblatex(items: Sequence[ExportItem], options: ExportOptions = _DEFAULTS) -> str:
    """BibLaTeX for biber: ``date``, ``journaltitle``, ``eprinttype``; former keys as ``ids``."""
    return _Writer(items, options, biblatex=True).text()


class _Writer:
    def __init__(self, items: Sequence[ExportItem], options: ExportOptions, *,
                 biblatex: bool) -> None:
        self.items, self.options, self.biblatex = items, options, biblatex
        self.keys = {item.paper.key for item in items}
        # A library names the same people and uses the same tags again and again: each
        # is written once.
        self._names: dict[Author, str] = {}
        self._seen: dict[int, tuple[Author, str]] = {}
        self._name_parts: dict[tuple[str, bool], str] = {}
        self._tags: dict[str, str] = {}

    def text(self) -> str:
        return "\n".join(map(self.entry, self.items))

    def entry(self, item: ExportItem) -> str:
        paper = item.paper
        kind = self.natural_type(paper)
        fields = self.fields(item, kind)
        if self.missing(kind, fields):
            fallback = self.fields(item, "misc")
            if not self.biblatex or not (self.missing("misc", fallback)
                                         or _NOT_MISC & fallback.keys()):
                kind, fields = "misc", fallback
        # plain.bst sorts by author (editor…), or warns without a key
        if not self.biblatex and "key" not in fields and _SORTED_BY.get(
                kind, _AUTHOR).isdisjoint(fields):
            # ASCII: alpha.bst cuts its labels from it by bytes
            fields["key"] = self.braced(ascii_fold(paper.title) or paper.key)
        names = [name for name in _ORDER if name in fields]
        if len(names) < len(fields):
            names += sorted(fields.keys() - _ORDERED)
        lines = [f"@{kind}{{{paper.key},"]
        for name in names:
            value = fields[name]
            if "\n" in value:
                value = _LINE_START.sub(r"\n\1{}" if name == "abstract" else r" \1", value)
            lines.append(f"  {name} = {value},")
        return "\n".join(lines) + "\n}\n"

    def natural_type(self, paper: Paper) -> str:
        """The type as imported while it still says the paper's type, else the paper's."""
        valid = _BIBLATEX_TYPES if self.biblatex else _BIBTEX_TYPES
        written = paper.extra.get("bibtex.type", "").lower()
        if written in valid and ENTRY_TYPES.get(written, written) == paper.entry_type:
            return written
        kind = paper.entry_type.lower()
        if kind in valid or self.biblatex:
            return kind if kind in valid else "misc"
        if kind == "thesis" and re.search(r"master|^ma", paper.extra.get("type", "").lower()):
            return "mastersthesis"
        return _TO_BIBTEX.get(kind, "misc")

    def missing(self, kind: str, fields: Mapping[str, str]) -> bool:
        """Whether a field the type requires is missing (or, for plain.bst, a book has both
        an author and an editor, which it refuses)."""
        present = set(fields)
        if self.biblatex:
            present |= {_BIBER_ALIAS.get(name, name) for name in fields}
        elif kind in ("book", "inbook") and {"author", "editor"} <= present:
            return True
        needs = (_BIBLATEX_NEEDS if self.biblatex else _BIBTEX_NEEDS).get(kind, ())
        return any(present.isdisjoint(need) for need in needs)

    # -- values -------------------------------------------------------------------------

    def braced(self, text: str, *, protect: bool = False) -> str:
        return "{" + escape(text, unicode=self.options.unicode, protect=protect) + "}"

    def raw(self, raw: str) -> str:
        text = harmless(raw)
        return "{" + (text if self.options.unicode else _ascii(text)) + "}"

    def kept(self, paper: Paper, source: str, current: str, decoder: Callable[[str], object],
             *, protect: bool = False) -> str:
        """The text as imported while it decodes to ``current``, else ``current`` escaped;
        escaped too when it reads as itself (no markup), which is the same to a reader and
        mends a bare ``&`` that was kept only because its field was an alias."""
        raw = paper.extra.get(f"bibtex.{source}")
        if raw is not None and squash(raw) != current and _balanced(raw) and decoder(
                raw) == current:
            return self.raw(raw)
        return self.braced(current, protect=protect)

    def fields(self, item: ExportItem, kind: str) -> dict[str, str]:
        paper, extra = item.paper, item.paper.extra
        fields: dict[str, str] = {}
        role = "editor" if "bibtex.editor" in extra else "author"
        if names := self.names(paper, role):
            fields[role] = names
        if paper.title.strip():
            fields["title"] = self.kept(paper, "title", paper.title, decode, protect=True)
        if paper.venue.strip():
            source = next((name for name in ("journaltitle", "journal", "booktitle")
                           if f"bibtex.{name}" in extra), "") if extra else ""
            if not source:  # the reader takes a journal first: a booktitle left over says so
                booked = kind in _BOOKTITLED and not extra.get("booktitle", "").strip()
                source = "booktitle" if booked else "journal"
            name = "booktitle" if source == "booktitle" else (
                "journaltitle" if self.biblatex else "journal")
            fields[_first_read(name, _VENUES, extra)] = self.kept(
                paper, source, paper.venue, decode)
        if paper.volume.strip():
            fields["volume"] = self.kept(paper, "volume", paper.volume, decode)
        if paper.number.strip():
            source = "issue" if "bibtex.issue" in extra else "number"
            fields[_first_read(self.number_name(kind, paper, source), ("number", "issue"),
                               extra)] = self.kept(paper, source, paper.number, decode)
        if paper.pages.strip():
            fields["pages"] = self.pages(paper)
        fields.update(self.date(paper))
        if paper.publisher.strip():
            source = next((name for name in _PUBLISHERS[1:] if f"bibtex.{name}" in extra),
                          "publisher")
            fields[_first_read(self.publisher_name(kind, source), _PUBLISHERS, extra)] = \
                self.kept(paper, source, paper.publisher, decode)
        if paper.doi:
            fields["doi"] = self.link(paper, "doi", lambda raw: normalize_doi(plain(raw)))
        if paper.url:
            fields["url"] = self.link(paper, "url", plain)
        if paper.arxiv:
            self.arxiv(paper, fields)
        if paper.tags:
            raw = extra.get("keywords", "")
            fields["keywords"] = self.raw(raw) if self.same_tags(paper) and _balanced(raw) else (
                "{" + ", ".join([self.tag(tag) for tag in paper.tags]) + "}")
        if self.options.abstracts and paper.abstract.strip():
            fields["abstract"] = self.abstract(paper)
        if self.biblatex:
            self.ids(item, fields)
        self.extras(paper, fields)
        if kind == "misc" and "howpublished" not in fields:
            self.howpublished(paper, fields)
        return fields

    def names(self, paper: Paper, role: str) -> str:
        raw = paper.extra.get(f"bibtex.{role}")
        if raw is not None and _balanced(raw) and read_authors(raw) == (paper.authors,
                                                                         paper.et_al):
            return self.raw(raw)
        names = [name for name in map(self.name, paper.authors) if name]
        if names and paper.et_al:
            names.append("others")
        return "{" + " and ".join(names) + "}" if names else ""

    def name(self, author: Author) -> str:
        # By identity first, far cheaper than hashing an Author's fields (the bulk loader
        # gives one Author per person); each entry keeps its Author, so no other object
        # can take its id while the cache lives.
        seen = self._seen.get(id(author))
        if seen is not None and seen[0] is author:
            return seen[1]
        written = self._names.get(author)
        if written is None:
            written = self._names[author] = self._name(author)
        self._seen[id(author)] = (author, written)
        return written

    def _name(self, author: Author) -> str:
        """``Family, Given`` (``Family, Jr., Given``); an organisation braced. A lone family
        name of several words is braced, BibTeX's own form (the reader takes it for an
        organisation), or for biber ``family={…}``, which the reader reads back exactly."""
        if author.literal.strip():
            return "{" + self.name_part(author.literal, literal=True) + "}"
        family, given = squash(author.family), squash(author.given)
        main, _, suffix = family.partition(", ")
        parts = {"family": main, "suffix": suffix} if main and suffix else {"family": family}
        written = {key: self.name_part(value) for key, value in (parts | {"given": given}).items()
                   if value}
        lone = not (family and given) and (not family or re.search(r"[ ,]", family)
                                           or family == "others")
        if self.biblatex and lone and not re.search("[,=]", "".join(written.values())):
            # (biber splits extended names at , and = even in braces)
            return ", ".join(f"{key}={{{value}}}" for key, value in written.items())
        if family and given:
            return ", ".join(written.values())  # "Smith, Jr." is BibTeX's "von Last, Jr, First"
        text = self.name_part(family or given)
        return "{" + text + "}" if lone else text

    def name_part(self, text: str, *, literal: bool = False) -> str:
        written = self._name_parts.get((text, literal))
        if written is None:
            written = self._name_parts[text, literal] = self._name_part(text, literal)
        return written

    def _name_part(self, text: str, literal: bool) -> str:
        """Escaped; braced: what splits a name list (commas, ``and``) or makes biber read
        ``key=value``, and ``\\&``… (bibtex's initial is then not a backslash). A first
        character that bibtex or biber would cut badly for an initial goes in ``{\\relax
        …}``: bibtex takes one byte of a UTF-8 letter (abbrv, alpha: invalid UTF-8), biber's
        initial of ``{\\string^}`` breaks the .bbl (``giveni={^}…}``). (Not ``\\relax …``
        unbraced: bibtexparser drops a backslash after ``and``.)"""
        words: list[str] = []
        for word in squash(text).split(" "):
            escaped = escape(word, unicode=self.options.unicode)
            if not literal and word.lower() == "and":
                escaped = "{" + word + "}"
            elif self.biblatex and _SPECIAL.match(word):
                escaped = "".join(("{\\relax", escape(word[0]), "}",
                                   escape(word[1:], unicode=self.options.unicode)))
            words.append(escaped)
        # Braces through math too: a name that starts with \{ loses it after an "and".
        joined = " ".join(words).replace("\\{", _LONE["{"]).replace("\\}", _LONE["}"])
        if not self.biblatex and self.options.unicode:
            joined = _FIRST_LETTER.sub(r"{\\relax \g<0>}", joined)
        return joined if literal else re.sub(r"[,=]|\\[&%$#_]", r"{\g<0>}", joined)

    def tag(self, name: str) -> str:
        written = self._tags.get(name)
        if written is None:
            written = self._tags[name] = escape(name, unicode=self.options.unicode)
        return written

    def number_name(self, kind: str, paper: Paper, source: str) -> str:
        """plain.bst warns about a number without a volume (articles) or a series (books),
        and with a volume in books: there it is written as ``issue``, which it ignores."""
        if self.biblatex:
            return "issue" if source == "issue" and kind in ("article", "periodical") else "number"
        series = paper.extra.get("series", "").strip()
        if (kind == "article" and not paper.volume.strip()) or (
                kind in _BOOKISH and (paper.volume.strip() or not series)):
            return "issue"
        return "number"

    def publisher_name(self, kind: str, source: str) -> str:
        if kind in ("phdthesis", "mastersthesis", "thesis"):
            return "institution" if self.biblatex else "school"
        if kind in ("techreport", "report"):
            return "institution"
        if kind == "manual" and not self.biblatex:
            return "organization"  # plain.bst prints a manual's organization, not publisher
        return "organization" if source == "organization" else "publisher"

    def pages(self, paper: Paper) -> str:
        raw = paper.extra.get("bibtex.pages")
        if raw is not None and _balanced(raw) and plain_pages(decode(raw)) == paper.pages:
            return self.raw(raw)
        runs = _DASH_RUN.split(squash(paper.pages))
        return "{" + "--".join(escape(run, unicode=self.options.unicode) for run in runs) + "}"

    def link(self, paper: Paper, name: str, reads: Callable[[str], str]) -> str:
        """A DOI or URL as imported, else as it is with only what would break the value
        percent-encoded; never LaTeX-escaped, as biber reads it verbatim."""
        value, raw = getattr(paper, name), paper.extra.get(f"bibtex.{name}")
        if raw is not None and (self.options.unicode or raw.isascii()) and _balanced(
                raw) and reads(raw) == value:
            return self.raw(raw)
        strict = harmless(value) != value or not _balanced(value)
        return "{" + _UNSAFE_IN_LINK[strict, self.options.unicode].sub(_percent, value) + "}"

    def date(self, paper: Paper) -> dict[str, str]:
        """BibLaTeX's ``date``; BibTeX's ``year``, ``month`` as a macro and ``day`` (which
        bibtex ignores and biber and the reader read), as imported where that still holds."""
        iso = _ISO.fullmatch(paper.date)
        if iso is None:
            return {}

        def gives(fields: dict[str, str]) -> bool:
            return read_date(fields, set(), {}, lambda _: None) == paper.date

        raw = paper.extra.get("bibtex.date", "")
        kept = {"date": self.raw(raw)} if raw and _balanced(raw) and gives({"date": raw}) else {}
        if self.biblatex:
            return kept or {"date": "{" + paper.date + "}"}
        year, month, day = iso.groups()
        out = {"year": "{" + year + "}"}
        if month:
            out["month"] = _MONTHS[int(month) - 1]  # a macro every style defines
        if day:
            out["day"] = "{" + str(int(day)) + "}"
        raw_year = paper.extra.get("bibtex.year", "")
        raw_month = paper.extra.get("bibtex.month", "")
        if (raw_year or raw_month) and _balanced(raw_year) and _balanced(raw_month):
            tried = {"year": raw_year or year, "month": raw_month or month or ""}
            if day and not gives(tried):
                tried["day"] = day
            if gives(tried):
                out |= {name: self.raw(tried[name]) for name, value in
                        (("year", raw_year), ("month", raw_month)) if value}
                if "day" not in tried:  # "10~January": the month says the day
                    out.pop("day", None)
        return out | kept

    def arxiv(self, paper: Paper, fields: dict[str, str]) -> None:
        fields["eprint"] = self.kept(paper, "eprint", paper.arxiv,
                                     lambda raw: normalize_arxiv(squash(raw)))
        kind, within = ("eprinttype", "eprintclass") if self.biblatex else (
            "archiveprefix", "primaryclass")
        written = paper.extra.get(kind, "")  # "arXiv" or "arxiv", as imported
        usual = "arxiv" if self.biblatex else "arXiv"
        fields[kind] = "{" + (written if written.lower() == "arxiv" else usual) + "}"
        if _ARXIV_CATEGORY.fullmatch(paper.category):
            fields[within] = "{" + paper.category + "}"

    def same_tags(self, paper: Paper) -> bool:
        """Whether the imported ``keywords`` (with ``tags`` and JabRef's ``groups``) still
        give the paper's tags, so that they are written back as they were."""
        extra = paper.extra
        if not extra.get("keywords", "").strip():
            return False
        found = keywords(extra["keywords"]) + keywords(extra.get("tags", ""))
        groups = extra.get("groups", "")
        if not re.search(r"[\\{}]", groups):
            found += [squash(group) for group in groups.split(",") if group.strip()]
        return {_tag(tag) for tag in found} == {_tag(tag) for tag in paper.tags}

    def abstract(self, paper: Paper) -> str:
        raw = paper.extra.get("bibtex.abstract")
        if raw is not None and _balanced(raw) and decode(raw, paragraphs=True) == paper.abstract:
            return self.raw(raw)
        if "\n" not in paper.abstract:  # one paragraph: spare the split
            return "{" + escape(paper.abstract, unicode=self.options.unicode) + "}"
        paragraphs = (escape(part, unicode=self.options.unicode)
                      for part in re.split(r"\n\s*\n", paper.abstract))
        return "{" + "\n\n".join(part for part in paragraphs if part) + "}"

    def ids(self, item: ExportItem, fields: dict[str, str]) -> None:
        """biblatex's ``ids``: the former keys, less any that another entry now uses."""
        written = [key.strip() for key in item.paper.extra.get("ids", "").split(",")]
        aliases = [key for key in dict.fromkeys([*item.aliases, *written]) if key
                   and key not in self.keys and check_key(key) is None]
        if aliases and aliases == [key for key in written if key]:
            fields["ids"] = self.raw(item.paper.extra["ids"])  # as imported
        elif aliases:
            fields["ids"] = "{" + ", ".join(aliases) + "}"

    def extras(self, paper: Paper, fields: dict[str, str]) -> None:
        """Fields kept verbatim from an import, unless a field written supersedes them."""
        for name, value in sorted(paper.extra.items()):
            if value.strip() and _FIELD_NAME.fullmatch(name) and not self.superseded(
                    name, value, paper, fields):
                fields[name] = self.raw(value) if _balanced(value) else self.braced(value)

    def superseded(self, name: str, value: str, paper: Paper, fields: Mapping[str, str]) -> bool:
        """``crossref``, ``xdata`` and ``xref`` go: the reader copied what they lent, and the
        tools would lend again, bibtex by other rules than biblatex's (a book's title as
        the child's title), both by a type that may have changed."""
        if (name in fields or name in _OWN or name.startswith(("bibtex.", "ris.", "csl."))
                or name in ("keywords", "crossref", "xdata", "xref")):
            return True
        if name == "subject" and category_for(value) == paper.category:
            return True  # a listing's subject code, which its category says
        if not self.biblatex:  # the date's (one the reader did not read would warn now),
            return name in ("month", "day")  # or none: plain.bst warns of "a month but no year"
        keys = {key.strip() for key in value.split(",")} - {""}
        return (name == "ids" or _BIBER_ALIAS.get(name) in fields  # biber reads them as one
                or (name in ("year", "month", "day") and "date" in fields)  # date xor year
                or (name in ("related", "entryset") and not keys <= self.keys))  # it warns

    def howpublished(self, paper: Paper, fields: dict[str, str]) -> None:
        """What a @misc shows in place of a venue; biblatex prints eprint and DOI itself."""
        if paper.venue.strip():
            fields["howpublished"] = self.braced(paper.venue)
        elif not self.biblatex and (paper.arxiv or paper.doi):
            category = paper.category if _ARXIV_CATEGORY.fullmatch(paper.category) else ""
            shown = f"arXiv:{paper.arxiv}" + (f" [{category}]" if category else "")
            fields["howpublished"] = self.braced(shown if paper.arxiv else f"doi:{paper.doi}")


# What a link has percent-encoded: white space; braces and backslashes too when they
# would change the value (``strict``); with ``unicode`` False, non-ASCII characters.
_UNSAFE_IN_LINK = {(strict, unicode): re.compile(
    (r"[\s{}\\]" if strict else r"\s") + ("" if unicode else r"|[^\x00-\x7f]"))
    for strict in (False, True) for unicode in (False, True)}


def _percent(match: re.Match[str]) -> str:
    return "".join(f"%{byte:02X}" for byte in match[0].encode())


def _first_read(name: str, order: tuple[str, ...], extra: Mapping[str, str]) -> str:
    """``name``, unless a verbatim field the reader takes before it (or in its place) is
    there: then the first of ``order``, which the reader takes first."""
    if not extra:
        return name
    before = order[: order.index(name) + 1] if name in order else ()
    return order[0] if any(extra.get(other, "").strip() for other in before) else name


def _tag(name: str) -> str:
    """A tag as the library compares names: folded white space and slashes, any case."""
    return "/".join(part for part in (" ".join(p.split()) for p in name.split("/")) if part
                    ).casefold()
