"""The texts of Help: the search syntax and About. Plain text, shown as plain text."""

from __future__ import annotations

from PySide6 import __version__ as qt_version

from db import __version__
from db.formats.csl import CREDIT

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


def about_text() -> str:
    return (f"Papershelf {__version__}\n\nAn offline reference manager: your papers, notes "
            "and reading lists in one file on your own machine.\n\n"
            f"Built with Qt for Python (PySide6 {qt_version}, LGPL) and SQLite.\n"
            f"{CREDIT}\nReleased under the MIT licence.")
