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


def base_key(paper: PaperData) -> str:
    """The key a paper would get before making it unique."""
    author = ""
    if paper.authors:
        first = paper.authors[0]
        author = "".join(_words(first.family or first.literal or first.given)).lower()
    title_words = [w for w in _words(paper.title) if w.lower() not in STOP_WORDS][:3]
    short = "".join(w[:1].upper() + w[1:].lower() for w in title_words)
    year = year_of(paper.date)
    key = f"{author}{short}{year if year is not None else ''}"
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


VALID_KEY = re.compile(r"^[A-Za-z0-9_:.\-+/]+$")


def check_key(key: str) -> str | None:
    """Why ``key`` cannot be a citation key, or None when it can."""
    if not key:
        return "a citation key cannot be empty"
    if not VALID_KEY.match(key):
        return (
            f"citation key {key!r} may hold only ASCII letters, digits and _ : . - + /"
        )
    return None
