"""Citation keys: made once when a paper enters the library, then left alone.

The default follows Better BibTeX's ``[auth:lower][shorttitle3_3][year]``: the first
author's family name folded to ASCII and lower-cased, the first three significant title
words capitalised, the year — ``wangAcmpAllenCahn2022``. Keys hold only ASCII letters and
digits, which every BibTeX, biber and pandoc version accepts.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from itertools import count

from db.records import PaperData, year_of

# Words a short title skips, as Better BibTeX does, so keys carry the meaningful words.
STOP_WORDS = frozenset({
    "a", "an", "the", "of", "on", "in", "for", "and", "or", "but", "nor", "with", "without",
    "to", "via", "from", "by", "at", "as", "is", "are", "be", "into", "onto", "over", "under",
    "about", "through", "towards", "toward", "using", "its", "their", "this", "that", "these",
    "those", "der", "die", "das", "und", "le", "la", "les", "des", "du", "de", "et", "von",
    "vom", "zur", "zum",
})

# Letters NFKD does not take apart into a base letter and a mark.
_FOLD = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "Ae", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "Oe", "ł": "l",
     "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th", "ı": "i"}
)
_WORD = re.compile(r"[^\W_]+")


def ascii_fold(text: str) -> str:
    """``Richtárik`` → ``Richtarik``; anything with no ASCII form is dropped."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return decomposed.encode("ascii", "ignore").decode("ascii")


def _words(text: str) -> list[str]:
    # Braces and LaTeX commands from BibTeX titles must not leak into a key.
    text = re.sub(r"\\[a-zA-Z]+", " ", text)
    return _WORD.findall(ascii_fold(text))


VALID_KEY = re.compile(r"^[A-Za-z0-9_:.\-+/]+$")
DEFAULT_PATTERN = "[auth:lower][shorttitle3_3][year]"
_TOKEN = re.compile(r"\[([a-z]+)(?::(lower|upper))?(?:(\d+)_(\d+))?\]")


def _family(paper: PaperData, index: int = 0) -> str:
    if len(paper.authors) <= index:
        return ""
    author = paper.authors[index]
    return "".join(_words(author.family or author.literal or author.given))


def _title_words(paper: PaperData, count_: int) -> list[str]:
    words = [w for w in _words(paper.title) if w.lower() not in STOP_WORDS][:count_]
    return [w[:1].upper() + w[1:].lower() for w in words]


def _token(paper: PaperData, name: str, first: int, second: int) -> str | None:
    year = year_of(paper.date)
    values = {
        "auth": lambda: _family(paper),
        "authors": lambda: "".join(_family(paper, i) for i in range(min(3, len(
            paper.authors)))) + ("EtAl" if len(paper.authors) > 3 or paper.et_al else ""),
        "year": lambda: str(year) if year is not None else "",
        "shortyear": lambda: f"{year % 100:02d}" if year is not None else "",
        "shorttitle": lambda: "".join(_title_words(paper, first or 3)),
        "veryshorttitle": lambda: "".join(_title_words(paper, 1)),
        "title": lambda: "".join(_title_words(paper, 99)),
    }
    make = values.get(name)
    return None if make is None else make()


def check_pattern(pattern: str) -> str | None:
    """Why ``pattern`` cannot make keys, or None when it can."""
    if not _TOKEN.search(pattern):
        return "a key pattern needs at least one field, such as [auth] or [year]"
    unknown = [m.group(1) for m in _TOKEN.finditer(pattern)
               if _token(PaperData(), m.group(1), 1, 1) is None]
    if unknown:
        return f"unknown key field [{unknown[0]}] (known: auth, authors, year, shortyear, " \
               "title, shorttitle, veryshorttitle)"
    literal = _TOKEN.sub("", pattern)
    if literal and not VALID_KEY.match(literal):
        return "a key pattern may hold only fields and ASCII letters, digits, _ : . - + /"
    return None


def base_key(paper: PaperData, pattern: str = DEFAULT_PATTERN) -> str:
    """The key ``pattern`` gives a paper before it is made unique.

    Better BibTeX's ``[auth:lower][shorttitle3_3][year]`` is the default; JabRef's
    ``[auth][year]`` works too. Keys hold only ASCII letters, digits and ``_:.-+/``.
    """

    def replace(match: re.Match[str]) -> str:
        value = _token(paper, match.group(1), int(match.group(3) or 0),
                       int(match.group(4) or 0)) or ""
        case = match.group(2)
        return value.lower() if case == "lower" else value.upper() if case == "upper" \
            else value

    key = _TOKEN.sub(replace, pattern)
    key = "".join(ch for ch in key if ch.isascii() and (ch.isalnum() or ch in "_:.-+/"))
    if not key or not key[0].isalpha():
        key = f"paper{key}"
    return key


def suffixes() -> Callable[[], str]:
    """``""``, ``a`` … ``z``, ``aa`` … ``az``, ``ba`` …: the suffixes tried in order."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    counter = count()

    def next_suffix() -> str:
        n = next(counter)
        if n == 0:
            return ""
        n -= 1
        out = ""
        while True:
            out = letters[n % 26] + out
            n = n // 26 - 1
            if n < 0:
                return out

    return next_suffix


def unique_key(base: str, taken: Callable[[str], bool]) -> str:
    """``base`` with the first suffix that ``taken`` says is free."""
    next_suffix = suffixes()
    while True:
        candidate = base + next_suffix()
        if not taken(candidate):
            return candidate




def check_key(key: str) -> str | None:
    """Why ``key`` cannot be a citation key, or None when it can."""
    if not key:
        return "a citation key cannot be empty"
    if not VALID_KEY.match(key):
        return (
            f"citation key {key!r} may hold only ASCII letters, digits and _ : . - + /"
        )
    return None
