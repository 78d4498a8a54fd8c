"""Readable plain text from the LaTeX found in paper titles and abstracts.

Abstracts imported from arXiv, BibTeX or Google Scholar carry LaTeX markup (accents,
``\\emph``, ``\\url``, ``\\%``, dashes and quote ligatures).  :func:`readable` turns it into
Unicode for display while leaving ``$…$`` and ``\\(…\\)`` math exactly as written, since
math has no faithful plain-text form and a future renderer will want the source.

Parsing is pylatexenc's; this module only adjusts its output for abstracts:

* ``~`` becomes a plain space, not U+00A0, so that copied text searches and pastes cleanly.
* ``&`` stays ``&`` (pylatexenc assumes a table column separator) and ``\\url{u}`` is ``u``
  without angle brackets; ``\\href{u}{t}`` is ``t (u)``.
* A bare ``%`` is a percent sign ("74% fewer"): abstracts are not LaTeX sources, and
  reading it as a comment would drop the rest of the line.
* Display math (``\\[…\\]``, ``$$…$$``) is kept verbatim but set on its own line.
* Text containing none of ``\\ { } $ ~ ` ''`` is returned unchanged without parsing, so
  ``--`` in otherwise plain text stays ``--``; it becomes – only next to other LaTeX.
"""

from __future__ import annotations

import functools
import logging
import re
from typing import Any

from pylatexenc import latex2text, latexwalker, macrospec

__all__ = ["readable"]

_log = logging.getLogger(__name__)

_LATEX_HINT = re.compile(r"[\\{}$~`]|''")
# Not preceded by an odd run of backslashes: "\%" is already escaped, "\\%" is not.
_BARE_PERCENT = re.compile(r"(?<!\\)((?:\\\\)*)%")
# Scholar exports often close ``quotes" with a straight double quote.
_HALF_CLOSED_QUOTE = re.compile(r"“([^“”\"]*)\"")
# Also undoes the "\\%" readable() adds for a bare "%", so a URL keeps its "%20".
_URL_ESCAPE = re.compile(r"\\([%_#&~$])")

# Macros the walker knows take an argument but latex2text would drop whole; their
# argument is the text a reader wants to see.
_KEEP_ARGUMENT = ("texttt", "textsf", "textup", "textmd", "textnormal", "mbox", "keywords")


def _arg(node: Any, index: int) -> Any:
    """The index-th parsed argument of node, or None when tolerant parsing found none."""
    args = node.nodeargd.argnlist if node.nodeargd is not None else []
    return args[index] if index < len(args) else None


def _url_text(arg: Any) -> str:
    # Read the URL from the source, not as text: "~" and "_" in a URL are not LaTeX.
    if arg is None:
        return ""
    raw: str = arg.latex_verbatim()
    if raw.startswith("{") and raw.endswith("}"):
        raw = raw[1:-1]
    return _URL_ESCAPE.sub(r"\1", raw).strip()


def _fmt_url(node: Any) -> str:
    return _url_text(_arg(node, 0))


def _fmt_href(node: Any, l2tobj: Any) -> str:
    url = _url_text(_arg(node, 0))
    label_node = _arg(node, 1)
    label: str = l2tobj.nodelist_to_text([label_node]).strip() if label_node else ""
    return f"{label} ({url})" if label and url else label or url


def _fmt_textcolor(node: Any, l2tobj: Any) -> str:
    # \textcolor[model]{colour}{text}: only the text is content.
    text_node = _arg(node, 2)
    return l2tobj.nodelist_to_text([text_node]) if text_node else ""  # type: ignore[no-any-return]


@functools.cache
def _contexts() -> tuple[Any, Any]:
    """Walker and text databases, built once on first use (they take milliseconds)."""
    # \verb takes its delimiter from the next character and crashes pylatexenc at the end
    # of input; abstracts do not use it, so it is parsed as an unknown macro instead.
    walker_db = latexwalker.get_default_latex_context_db().filter_context(
        exclude_categories=["verbatim"]
    )
    walker_db.add_context_category(
        "papershelf", prepend=True, macros=[macrospec.MacroSpec("href", "{{")]
    )
    text_db = latex2text.get_default_latex_context_db()
    text_db.add_context_category(
        "papershelf",
        prepend=True,
        macros=[
            latex2text.MacroTextSpec("url", simplify_repl=_fmt_url),
            latex2text.MacroTextSpec("href", simplify_repl=_fmt_href),
            latex2text.MacroTextSpec("textcolor", simplify_repl=_fmt_textcolor),
            *(latex2text.MacroTextSpec(name, discard=False) for name in _KEEP_ARGUMENT),
        ],
        specials=[
            latex2text.SpecialsTextSpec("~", " "),
            latex2text.SpecialsTextSpec("&", "&"),
        ],
    )
    return walker_db, text_db


def _convert(text: str) -> str:
    walker_db, text_db = _contexts()
    walker = latexwalker.LatexWalker(text, latex_context=walker_db, tolerant_parsing=True)
    nodes = walker.get_latex_nodes()[0]
    # A converter per call: LatexNodes2Text keeps state while converting, and callers
    # may run on worker threads.
    converter = latex2text.LatexNodes2Text(latex_context=text_db, math_mode="verbatim")
    return converter.nodelist_to_text(nodes)  # type: ignore[no-any-return]


def readable(text: str) -> str:
    """LaTeX accents and simple macros become plain Unicode text; $…$ math is kept verbatim."""
    if not _LATEX_HINT.search(text):
        return text
    prepared = _BARE_PERCENT.sub(r"\1\\%", text)
    try:
        converted = _convert(prepared)
    except (latexwalker.LatexWalkerError, IndexError, KeyError, ValueError) as exc:
        # pylatexenc's tolerant mode still trips over some malformed input with these
        # (an unterminated construct at the very end, a spec indexing a missing argument).
        # Showing the source is better than failing a whole listing over one abstract.
        _log.debug("could not convert LaTeX, showing it as written: %r (%s)", text, exc)
        return text
    return _HALF_CLOSED_QUOTE.sub(r"“\1”", converted)
