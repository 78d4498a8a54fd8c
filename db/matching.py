"""Recognising the same paper twice: normalised identifiers and titles."""

from __future__ import annotations

import functools
import re
import string

from db.citekeys import ascii_fold

_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_ARXIV_PREFIX = re.compile(r"^(?:https?://arxiv\.org/(?:abs|pdf)/|arxiv:\s*)", re.IGNORECASE)
_ARXIV_VERSION = re.compile(r"v\d+$")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
_NOT_WORD = re.compile(r"[\W_]+")
_LATEX_COMMAND = re.compile(r"\\[a-zA-Z]+")
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def normalize_doi(doi: str) -> str:
    """``https://doi.org/10.1000/X`` → ``10.1000/x``: DOIs are case-insensitive."""
    return _DOI_PREFIX.sub("", doi.strip()).strip().lower()


def normalize_arxiv(arxiv: str) -> str:
    """``arXiv:2206.05437v2`` → ``2206.05437``: versions are the same paper."""
    bare = _ARXIV_PREFIX.sub("", arxiv.strip()).strip()
    bare = bare.removesuffix(".pdf")
    return _ARXIV_VERSION.sub("", bare)


def title_key(title: str) -> str:
    """A title folded so that case, accents, braces and punctuation do not matter."""
    # Punctuation becomes a space before folding: "Allen–Cahn" must not fold to "allencahn"
    # while "Allen-Cahn" folds to "allen cahn".
    if "\\" in title:
        title = _LATEX_COMMAND.sub(" ", title)
    text = _NOT_WORD.sub(" ", title)
    # ascii_fold leaves ASCII text as it is; most titles are.
    return _NOT_ALNUM.sub(" ", (text if text.isascii() else ascii_fold(text)).lower()).strip()


@functools.lru_cache(maxsize=4096)  # a library's names repeat
def name_key(family: str) -> str:
    return _NOT_ALNUM.sub("", ascii_fold(family).lower())


def nocase(text: str) -> str:
    """``text`` as SQLite's NOCASE collation compares it: ASCII letters folded, no others
    ("Ärger" and "ärger" stay two tags, as the library's unique indexes see them)."""
    return text.lower() if text.isascii() else text.translate(_ASCII_LOWER)
