"""Readable plain text from the LaTeX found in paper titles and abstracts.

Abstracts from arXiv, BibTeX or Google Scholar carry LaTeX markup (accents, ``\\emph``,
``\\url``, ``\\%``, dashes, quote ligatures).  :func:`readable` turns it into Unicode for
display and leaves ``$…$`` and ``\\(…\\)`` math exactly as written: math has no faithful
plain-text form, and a renderer will want the source.

Parsing is pylatexenc's; this module adjusts it for abstracts rather than documents:

* ``~`` becomes a plain space, not U+00A0, so copied text searches and pastes cleanly.
* ``&`` stays ``&`` (pylatexenc assumes a table column); ``\\url{u}`` is ``u`` without
  angle brackets; ``\\href{u}{t}`` is ``t (u)``.
* A quote opened with two backticks and closed with a straight ``"`` (common in Scholar
  exports) gets a curly closing quote, as if closed with two apostrophes.
* A bare ``%`` is a percent sign ("74% fewer"), not a comment eating the rest of the line.
* Display math (``\\[…\\]``, ``$$…$$``) is kept verbatim but set on a line of its own.
* Text with none of ``\\ { } $ ~ ` ''`` is returned unchanged without parsing, so ``--``
  in otherwise plain text stays ``--``; it becomes – only alongside other LaTeX.
* Malformed LaTeX never raises: what the tolerant parser cannot handle is shown as written.
"""

from __future__ import annotations

import functools
import logging
import re
from typing import Any

from pylatexenc import latex2text, latexwalker, macrospec

__all__ = ["readable"]

_log = logging.getLogger(__name__)

# What makes text worth parsing: one of these characters, or "''" (looked for apart: a
# character class is scanned many times faster than an alternation, and most abstracts
# have none of them).
_LATEX_CHARS = re.compile(r"[\\{}$~`]")
# A % after an even run of backslashes (none, or a "\\" line break) is unescaped.
_BARE_PERCENT = re.compile(r"(?<!\\)((?:\\\\)*)%")
# The closing quote of ``quote" that no LaTeX ligature turns curly.
_HALF_CLOSED_QUOTE = re.compile(r"“([^“”\"]*)\"")
# Also undoes the "\%" that readable() gives a bare "%", so a URL keeps its "%20".
_URL_ESCAPE = re.compile(r"\\([%_#&~$])")

# The walker knows these take an argument, and latex2text either drops them whole or
# formats them as document parts (crashing when the argument is missing); in an abstract
# the argument is just text.
_KEEP_ARGUMENT = (
    *("texttt", "textsf", "textup", "textmd", "textnormal", "mbox", "keywords", "footnote"),
    *("title", "author", "date"),
)
# \input must never read a file; \maketitle and \today mean nothing outside their document.
_DROP = ("input", "include", "maketitle", "today")
# pylatexenc's matrix formatter raises on these when they appear outside math.
_PLAIN_ENVIRONMENTS = ("array", "pmatrix", "bmatrix", "smallmatrix", "psmallmatrix", "bsmallmatrix")
# What pylatexenc's bundled formatters raised under fuzzing before the overrides above;
# kept as a net, because a single odd abstract must not break a whole listing.
_PYLATEXENC_FAILURES: tuple[type[Exception], ...] = (
    latexwalker.LatexWalkerError,
    AttributeError,
    IndexError,
    KeyError,
    TypeError,
    ValueError,
)


def _arg(node: Any, index: int) -> Any:
    """The index-th argument of a macro node, or None where tolerant parsing found none."""
    args = node.nodeargd.argnlist if node.nodeargd is not None else []
    return args[index] if index < len(args) else None


def _url_text(arg: Any) -> str:
    # From the source, not converted: "~" and "--" in a URL are not typography.
    if arg is None:
        return ""
    raw: str = arg.latex_verbatim()
    return _URL_ESCAPE.sub(r"\1", raw.removeprefix("{").removesuffix("}")).strip()


def _fmt_href(node: Any, l2tobj: Any) -> str:
    url = _url_text(_arg(node, 0))
    label_node = _arg(node, 1)
    label: str = l2tobj.nodelist_to_text([label_node]).strip() if label_node else ""
    return f"{label} ({url})" if label and url else label or url


def _fmt_textcolor(node: Any, l2tobj: Any) -> str:
    # \textcolor[model]{colour}{text}: the colour name is not content.
    text_node = _arg(node, 2)
    text: str = l2tobj.nodelist_to_text([text_node]) if text_node else ""
    return text


@functools.cache
def _contexts() -> tuple[Any, Any]:
    """The walker's and the converter's macro databases, built on first use."""
    # \verb takes the next character as its delimiter and crashes at the end of input;
    # abstracts do not use it, so it is read as an unknown macro instead.
    walker_db = latexwalker.get_default_latex_context_db().filter_context(
        exclude_categories=["verbatim"]
    )
    # Without a declared argument list, \href reaches its formatter with no arguments.
    walker_db.add_context_category(
        "papershelf", prepend=True, macros=[macrospec.MacroSpec("href", "{{")]
    )
    text_db = latex2text.get_default_latex_context_db()
    text_db.add_context_category(
        "papershelf",
        prepend=True,
        macros=[
            latex2text.MacroTextSpec("url", simplify_repl=lambda node: _url_text(_arg(node, 0))),
            latex2text.MacroTextSpec("href", simplify_repl=_fmt_href),
            latex2text.MacroTextSpec("textcolor", simplify_repl=_fmt_textcolor),
            *(latex2text.MacroTextSpec(name, discard=False) for name in _KEEP_ARGUMENT),
            *(latex2text.MacroTextSpec(name, discard=True) for name in _DROP),
        ],
        environments=[
            latex2text.EnvironmentTextSpec(name, discard=False) for name in _PLAIN_ENVIRONMENTS
        ],
        specials=[
            latex2text.SpecialsTextSpec("~", " "),
            latex2text.SpecialsTextSpec("&", "&"),
        ],
    )
    return walker_db, text_db


# Parsing costs milliseconds per abstract, and views ask again on every repaint.
@functools.lru_cache(maxsize=1024)
def _convert(text: str) -> str:
    walker_db, text_db = _contexts()
    prepared = _BARE_PERCENT.sub(r"\1\\%", text)
    walker = latexwalker.LatexWalker(prepared, latex_context=walker_db, tolerant_parsing=True)
    # A converter per call: it keeps state while working, and callers may be on threads.
    converter = latex2text.LatexNodes2Text(latex_context=text_db, math_mode="verbatim")
    converted: str = converter.nodelist_to_text(walker.get_latex_nodes()[0])
    return _HALF_CLOSED_QUOTE.sub(r"“\1”", converted)


def readable(text: str) -> str:
    """LaTeX accents and simple macros become plain Unicode text; $…$ math is kept verbatim."""
    if not _LATEX_CHARS.search(text) and not ("'" in text and "''" in text):
        return text
    try:
        return _convert(text)
    except _PYLATEXENC_FAILURES:
        # Logged with the traceback: each one is a gap for an override in _contexts().
        _log.warning("could not convert LaTeX, showing it as written: %.80r", text, exc_info=True)
        return text
