"""BibTeX values read: expressions evaluated, LaTeX decoded, names split, dates found.

A value is ``{…}`` and ``"…"`` parts, numbers and ``@string`` names joined by ``#``
(:func:`evaluate`); what it says is LaTeX. Decoding is :func:`db.latex.readable`'s, applied
to the words that carry LaTeX rather than to whole values: pylatexenc costs milliseconds
per abstract, and a large ``.bib`` holds thousands. A value is cut at spaces outside braces
and math; each piece with markup goes to ``readable`` (cached, since names and venues
repeat), plain runs are copied. In a BibTeX value everything is LaTeX, so ``--`` between
plain words becomes – as ``readable`` does when a text carries other markup.

Names follow BibTeX ("First von Last", "von Last, First", "von Last, Jr, First"; ``and``
separates people; a name wholly in braces is an organisation) with bibtexparser's splitting
helpers. There is no suffix in :class:`~db.records.Author`, so a suffix ends the family
name after a comma: ``Smith, Jr., John`` gives family ``Smith, Jr.`` and given ``John``.
That displays as "John Smith, Jr.", and writing it back as ``family, given`` gives exactly
BibTeX's ``von Last, Jr, First`` again.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Callable

from bibtexparser.middlewares.names import (
    parse_single_name_into_parts,
    split_multiple_persons_names,
)

from db.latex import readable
from db.records import Author

# Longer values are shown as written minus their braces: decoding megabytes of LaTeX takes
# minutes, and such a value is junk or an attack rather than an abstract.
MAX_DECODED = 50_000

# What makes a value LaTeX to readable(), less its two-apostrophe quote (found apart: an
# alternation would slow the scan of every abstract).
_HINT = re.compile(r"[\\{}$~`]")
_PARAGRAPH = re.compile(r"\n[ \t]*\n\s*")
_BRACE = re.compile(r"(?<!\\)[{}]")
_MATH = re.compile(r"(?<!\\)(\$\$?).*?(?<!\\)\1|\\\(.*?\\\)|\\\[.*?\\\]", re.DOTALL)
_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december")
# The month abbreviations every BibTeX style defines; a file's own @string wins.
MONTH_MACROS = {name[:3]: name.capitalize() for name in _MONTH_NAMES}
_BARE = re.compile(r"[^\s#{}\"]+")
_BRACES_QUOTES = re.compile(r'(?<!\\)[{}"]')
# One brace group from the first character to the last (braces nested at most twice; a
# brace after a backslash does not count, as in _closing): "{M{\\"u}ller, J{\\"u}rgen}".
_IN_GROUP = r"(?:[^{}\\]++|\\++[^\\])"
_ONE_GROUP = re.compile(r"\{(?:" + _IN_GROUP + r"|\{" + _IN_GROUP + r"*+\})*+\}")
_ISO = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?![\d])")
_MONTH = re.compile(r"([A-Za-z]+)\.?|(\d{1,2})")
_YEAR = re.compile(r"(\d{4})(?:\s*(?:-+|–|/)\s*\d{4})?")
_NOOPSORT = re.compile(r"\\noopsort\s*\{[^{}]*\}")
_FIELD_START = re.compile(r"[\w.:+-]+\s*=")
_TILDE_ACCENT = re.compile(r"(?<!\\)\\~(\{[^{}]*\}|[A-Za-z])")
# BibTeX's "others" is lower-case only ("Others" may be someone's name); "et al." is sloppy
# data that means the same.
_DASHES = re.compile(r"\s*(?:-+|[‐‑‒–—−])\s*")
_URL_ESCAPE = re.compile(r"\\([%_#&~$])")
_OTHERS = frozenset({"others", "et al.", "et al"})
# biblatex's extended name format: "given=John, family=Smith, prefix=van".
_EXTENDED = re.compile(r"\s*([a-z-]+)\s*=\s*(.*)", re.DOTALL)
_KEYWORD_SEPARATOR = re.compile(r"[,;]")
_NAME_MARKS = re.compile(r"[{}\\]")
# A name list whose brace groups hold no space, no nested group and no backslash before
# a space, and with no backslash outside them ("M{\\"u}ller, J{\\"u}rgen and Li, Wei"):
# no " and " can fall inside a group, so the list splits at every one.
_FLAT_GROUPS = re.compile(r"(?:[^{}\\]++|\{(?:[^{}\\ ]|\\[^ ])*+\})*+")
# The "and" between two names, in a list whose white space is single spaces (squash).
_AND = re.compile(r" [aA][nN][dD] ")


def squash(text: str) -> str:
    """Runs of white space as one space, as BibTeX reads them."""
    # A long ASCII text (an abstract) is often squashed already: a few searches for the
    # characters str.split() cuts at say so faster than splitting it into words.
    if len(text) > 200 and text.isascii() and not (
            "  " in text or "\n" in text or "\t" in text or "\r" in text or "\x0b" in text
            or "\x0c" in text or "\x1c" in text or "\x1d" in text or "\x1e" in text
            or "\x1f" in text or text[0] == " " or text[-1] == " "):
        return text
    return " ".join(text.split())


def decode(raw: str, *, paragraphs: bool = False) -> str:
    """Readable Unicode from a BibTeX value; ``$…$`` math is kept as written.

    With ``paragraphs`` a blank line stays a paragraph break (abstracts), as in LaTeX.
    """
    if paragraphs and "\n" in raw:
        parts = (decode(part) for part in _PARAGRAPH.split(raw))
        return "\n\n".join(part for part in parts if part)
    text = squash(raw)
    if not has_latex(text):
        return text
    if len(text) > MAX_DECODED:
        return strip_braces(text)
    out: list[str] = []
    pos = 0
    while (hint := _next_hint(text, pos)) >= 0:
        start = max(pos, text.rfind(" ", pos, hint) + 1)
        end = _piece_end(text, start)
        out.append(_dashes(text[pos:start]))
        out.append(_decode_piece(text[start:end]))
        pos = end
    out.append(_dashes(text[pos:]))
    return "".join(out)


def strip_braces(text: str) -> str:
    """``{ACMP}: {A}llen`` → ``ACMP: Allen``; braces in math (``$…$``, ``\\(…\\)``) are kept."""
    pieces: list[str] = []
    pos = 0
    for math in _MATH.finditer(text):
        pieces.append(_BRACE.sub("", text[pos : math.start()]))
        pieces.append(math.group())
        pos = math.end()
    pieces.append(_BRACE.sub("", text[pos:]))
    return "".join(pieces)


def _next_hint(text: str, pos: int) -> int:
    match = _HINT.search(text, pos)
    quote = text.find("''", pos, match.start() if match else len(text))
    return quote if quote >= 0 else match.start() if match else -1


def brace_depth(value: str) -> int:
    """How deep braces nest in ``value``."""
    deepest = level = 0
    for match in _BRACE.finditer(value):
        level += 1 if match.group() == "{" else -1
        deepest = max(deepest, level)
    return deepest


def plain_pages(text: str) -> str:
    """``100--110`` and ``100 – 110`` as ``100-110``."""
    return _DASHES.sub("-", text)


def plain(raw: str) -> str:
    """A URL or a DOI: unescaped and without spaces, but never decoded as LaTeX (``~``)."""
    value = "".join(raw.split())
    if value.startswith("\\url{") and value.endswith("}"):
        value = value[5:-1]
    return _URL_ESCAPE.sub(r"\1", value)


def keywords(raw: str) -> list[str]:
    """Keywords split on ``,`` or ``;``, decoded, without repeats."""
    words = _KEYWORD_SEPARATOR.split(raw)
    if has_latex(raw):
        found = [decode(word) for word in words]
    else:  # what decode() makes of words without LaTeX, for a fraction of the cost
        found = [" ".join(word.split()) for word in words]
    return list(dict.fromkeys(word for word in found if word))


def has_latex(raw: str) -> bool:
    """Whether :func:`decode` would treat ``raw`` as LaTeX rather than return it squashed:
    one of ``\\ { } $ ~ ` ''`` in it (_HINT). Each is looked for apart: a search for one
    character is several times faster than the regular expression's scan."""
    return ("\\" in raw or "{" in raw or "}" in raw or "$" in raw or "~" in raw
            or "`" in raw or "''" in raw)


def _dashes(text: str) -> str:
    return text.replace("---", "—").replace("--", "–") if "--" in text else text


def _piece_end(text: str, start: int) -> int:
    """Where the piece starting at ``start`` ends: a space outside braces and math.

    A control word takes the word after it along (``\\c c``, ``\\textbf {x}``), since
    its argument may follow a space.
    """
    level = 0
    math = ""
    i, n = start, len(text)
    while i < n:
        char = text[i]
        if char == "\\" and i + 1 < n:
            following = text[i + 1]
            if following.isalpha():
                i += 2
                while i < n and text[i].isalpha():
                    i += 1
                if i < n and text[i] == " ":
                    i += 1
                continue
            if following in "([" and not math:
                math = "\\" + following
            elif following in ")]" and math in ("\\(", "\\["):
                math = ""
            i += 2
            continue
        if char == "$":
            mark = "$$" if text.startswith("$$", i) else "$"
            math = "" if math == mark else (math or mark)
            i += len(mark)
            continue
        if char == "{":
            level += 1
        elif char == "}":
            level = max(0, level - 1)
        elif char == " " and not level and not math:
            return i
        i += 1
    return n


@functools.lru_cache(maxsize=8192)
def _decode_piece(piece: str) -> str:
    if not any(mark in piece for mark in ("\\", "$", "~", "`", "''")):
        return _dashes(_BRACE.sub("", piece))  # what readable() makes of braces alone
    try:
        result = readable(piece)
    except RecursionError:  # pylatexenc recurses per brace level; callers bound depth
        result = piece
    # readable() gives up on LaTeX it cannot parse and returns it as written: still drop
    # the case-protecting braces, which mean nothing to a reader.
    return strip_braces(result) if result == piece else result


def authors(raw: str) -> tuple[tuple[Author, ...], bool]:
    """The people in a BibTeX name list, and whether it ends with ``and others``."""
    names = _names(raw)
    people = [name for name in names if name not in _OTHERS]
    found = (_shown_person(name) for name in people)
    return tuple(person for person in found if person is not None), len(people) < len(names)


def marked_up(raw: str) -> bool:
    """Whether a name list holds LaTeX beyond the braces around an organisation's name,
    which writing the authors back as BibTeX would not give again."""
    if not has_latex(raw):
        return False
    for name in _names(raw):
        inner = name[1:-1] if _wholly_braced(name) else name
        if has_latex(inner):
            return True
    return False


# authors() and marked_up() split the same list one after the other.
@functools.lru_cache(maxsize=16)
def _names(raw: str) -> tuple[str, ...]:
    # bibtexparser splits names at "~", also in the tilde accent of "Herm\\~an".
    text = squash(raw)
    if "~" in text:
        text = _TILDE_ACCENT.sub(r"{\\~\1}", text)
    if _FLAT_GROUPS.fullmatch(text):  # no " and " inside braces: split at every one
        return tuple(name for name in _AND.split(text) if name)
    masked = _braces_masked(text)
    if masked is None:
        names = split_multiple_persons_names(text)
    else:
        names, start = [], 0
        for found in _AND.finditer(masked):
            names.append(text[start : found.start()])
            start = found.end()
        names.append(text[start:])
    return tuple(name.strip() for name in names if name.strip())


def _braces_masked(text: str) -> str | None:
    """``text`` with every brace group (braces included) written as ``x``s, so that
    splitting at " and " outside braces is a plain search; None where that would not
    split as bibtexparser's ``split_multiple_persons_names`` does (a backslash or an
    unopened ``}`` outside braces), which the caller then uses.

    On a squashed list (single spaces) that function's rules come to exactly this: "and"
    between spaces, outside braces, in any letter case; a backslash inside braces makes
    the next character (even a brace) plain.
    """
    if "{" not in text and "}" not in text and "\\" not in text:
        return text
    groups: list[tuple[int, int]] = []
    level = opened = pos = 0
    while (mark := _NAME_MARKS.search(text, pos)) is not None:
        at = mark.start()
        pos = at + 1
        char = text[at]
        if char == "\\":
            if not level:
                return None
            pos += 1
        elif char == "{":
            if not level:
                opened = at
            level += 1
        elif not level:
            return None
        else:
            level -= 1
            if not level:
                groups.append((opened, pos))
    if level:
        groups.append((opened, len(text)))
    pieces, start = [], 0
    for first, end in groups:
        pieces.append(text[start:first])
        pieces.append("x" * (end - first))
        start = end
    pieces.append(text[start:])
    return "".join(pieces)


@functools.lru_cache(maxsize=8192)
def _shown_person(name: str) -> Author | None:
    """The person ``name`` is, or None when nothing of it would show."""
    person = _person(name)
    return person if person.display else None


@functools.lru_cache(maxsize=8192)  # the same people recur across a bibliography
def _person(name: str) -> Author:
    if _wholly_braced(name):
        return Author(literal=decode(name[1:-1]))
    extended = _extended(name)
    if extended is not None:
        return extended
    try:
        parts = parse_single_name_into_parts(name, strict=False)
    except ValueError:  # not raised in lenient mode today; a name must never sink an entry
        return Author(literal=decode(name))
    if len(parts.first) == 1 and not parts.von and parts.first[0][:1].islower() \
            and "," not in name:
        # "van Gogh": bibtexparser takes two words for First Last; BibTeX sees von Last.
        parts.von, parts.first = parts.first, []
    family = decode(" ".join(parts.von + parts.last))
    if parts.jr:
        family = f"{family}, {decode(' '.join(parts.jr))}"
    return Author(family=family, given=decode(" ".join(parts.first)))


def _wholly_braced(name: str) -> bool:
    """``{World Health Organization}``: one brace group from the first to the last char."""
    if not (name.startswith("{") and name.endswith("}")):
        return False
    level = 0
    for match in _BRACE.finditer(name):
        level += 1 if match.group() == "{" else -1
        if level == 0:
            return match.end() == len(name)
    return False


def _extended(name: str) -> Author | None:
    """A name in biblatex's ``family=Smith, given=John, prefix=van`` form, or None."""
    parts: dict[str, str] = {}
    for piece in name.split(","):
        match = _EXTENDED.fullmatch(piece)
        if match is None:
            return None
        parts.setdefault(match[1], match[2].strip().strip('"'))
    if "family" not in parts and "given" not in parts:
        return None
    family = " ".join(p for p in (parts.get("prefix", ""), parts.get("family", "")) if p)
    if parts.get("suffix"):
        family = f"{family}, {parts['suffix']}"
    return Author(family=decode(family), given=decode(parts.get("given", "")))


def evaluate(raw: str, macros: dict[str, str], unknown: list[str]) -> str:
    """A field value: ``{…}`` and ``"…"`` parts, numbers and @string names, joined by ``#``.

    Names with no @string go to ``unknown`` and stay as written. Raises ValueError, in
    plain words, for two parts with no ``#`` between them.
    """
    if raw.isdigit():
        return raw
    if raw[:1] == "{" and raw[-1:] == "}" and (
            (raw.count("{") == 1 and raw.count("}") == 1) or _ONE_GROUP.fullmatch(raw)):
        return raw[1:-1]  # by far the most common shape: no need to walk it
    parts: list[str] = []
    joined = True
    i, n = 0, len(raw)
    while i < n:
        char = raw[i]
        if char.isspace() or char == "#":
            joined = joined or char == "#"
            i += 1
            continue
        if not joined:
            if _FIELD_START.match(raw, i):
                raise ValueError("lacks a comma between two fields")
            raise ValueError(f"has a value with no # before {raw[i:i + 20]!r}")
        joined = False
        if char in '{"':
            end = _closing(raw, i)
            if end < 0:
                return raw  # unbalanced: keep what was written rather than guess
            parts.append(raw[i + 1 : end])
            i = end + 1
        else:
            bare = _BARE.match(raw, i)
            word = bare.group() if bare else raw[i]
            i += len(word)
            value = word if word.isdigit() else macros.get(word.lower())
            if value is None:
                unknown.append(word)
                value = word
            parts.append(value)
    return "".join(parts)


def _closing(raw: str, start: int) -> int:
    """The index closing the ``{`` or ``"`` at ``start``, or -1; braces nest in both."""
    quoted = raw[start] == '"'
    depth = 0
    for match in (_BRACES_QUOTES if quoted else _BRACE).finditer(raw, start + 1):
        char = match.group()
        if char == '"':
            if not depth:
                return match.start()
        elif char == "{":
            depth += 1
        elif depth:
            depth -= 1
        else:
            return -1 if quoted else match.start()
    return -1


def read_date(fields: dict[str, str], used: set[str], extra: dict[str, str],
          warn: Callable[[str], None]) -> str:
    """``date`` (ISO, a range's start), else ``year`` with ``month`` and ``day``."""
    if raw := fields.get("date", "").strip():
        text = decode(raw)
        iso = _ISO.match(text.split("/")[0].strip())
        date = _iso(iso[1], iso[2] or "", iso[3] or "") if iso else ""
        if date:
            used.add("date")
            if date != text:
                extra["bibtex.date"] = fields["date"]
            return date
        warn(f"date {text!r} is not understood; kept as written")
    raw_year = fields.get("year", "")
    if not raw_year.strip():
        return ""
    written = decode(raw_year)
    # \noopsort{…} only steers BibTeX's sorting; a range counts from its start.
    year = _YEAR.fullmatch(decode(_NOOPSORT.sub("", raw_year)) if "noopsort" in raw_year
                           else written)
    if year is None or not _iso(year[1]):
        warn(f"year {written!r} is not a year; the date was left empty")
        return ""
    used.add("year")
    if written != year[1]:
        extra["bibtex.year"] = raw_year
    text = decode(fields.get("month", ""))
    if not text:
        return year[1]
    month, day, clean = _month(text)
    if month is None:
        warn(f"month {text!r} is not understood; the date holds the year only")
        return year[1]
    used.add("month")
    if not clean:  # "August--September", "10~January": the date cannot say it all
        extra["bibtex.month"] = fields["month"]
    day = decode(fields.get("day", "")) or day
    date = _iso(year[1], str(month), day)
    if day and len(date) < 10:
        warn(f"day {day!r} is not a day of that month; the date holds the month only")
    elif fields.get("day"):
        used.add("day")
    return date


@functools.lru_cache(maxsize=256)  # a file spells its months a few ways, thousands of times
def _month(text: str) -> tuple[int | None, str, bool]:
    """The month in ``text``, a day written with it, and whether it was a month alone."""
    alone = _MONTH.fullmatch(text)
    if alone:
        return _month_number(alone[1] or alone[2]), "", True
    words = re.findall(r"[A-Za-z]+|\d+", text)
    month = next((n for word in words if word.isalpha() and (n := _month_number(word))), None)
    days = [word for word in words if word.isascii() and word.isdigit() and len(word) <= 2]
    return month, days[0] if len(days) == 1 else "", False


def _month_number(word: str) -> int | None:
    if word.isascii() and word.isdigit():
        return int(word) if 1 <= int(word) <= 12 else None
    folded = word.lower()
    if len(folded) >= 3:
        for number, name in enumerate(_MONTH_NAMES, 1):
            if name.startswith(folded):
                return number
    return None


@functools.lru_cache(maxsize=4096)
def _iso(year: str, month: str = "", day: str = "") -> str:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` for a real date, else the longest real part."""
    try:
        datetime.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        if day:
            return _iso(year, month)
        return _iso(year) if month else ""
    return "-".join([year] + [f"{int(part):02d}" for part in (month, day) if part])
