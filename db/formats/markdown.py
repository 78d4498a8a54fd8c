"""Writing a reading list as Markdown: a numbered list, one paper per item, in order.

Each item reads ``**Title** — Authors, *Venue*, Year. <link> [@key]``; the citation is
pandoc's, so the list can go through ``pandoc --citeproc`` with the library's BibTeX.

Decisions:

* Text from papers (titles, authors, venues, abstracts) and from the options is escaped:
  every character that Markdown or pandoc's extensions give a meaning to gets a
  backslash, so a title cannot open a link, an image, raw HTML, emphasis or math. Line
  breaks are folded into spaces and a paragraph's first character is escaped when it
  could open a block, so no text starts a heading, a list or a fence of its own.
  Paragraphs of an abstract stay apart, as paragraphs of a quote.
* Notes are the user's own Markdown and are kept as written, indented under their item
  so that nothing in them (an unclosed fence, a list) reaches past it.
* The one link is the most lasting: DOI, else arXiv, else the paper's URL; only http(s)
  (see :func:`db.links.paper_links`). It is an autolink, percent-encoded.
* Authors are the short form: up to three, then "et al.".
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from db.citekeys import VALID_KEY
from db.formats import ExportItem, ExportOptions
from db.latex import readable
from db.links import paper_links
from db.records import Paper

__all__ = ["SHORT_AUTHORS", "escape", "write"]

SHORT_AUTHORS = 3

# Characters that mean something anywhere in a line: Markdown's own, and those of pandoc's
# extensions ($ math, ~ ^ sub- and superscript, @ citations, | tables). The backslash is
# one of them, so text cannot escape the escaping.
_ACTIVE = re.compile(r"([\\`*_\[\]<>#&$~^@|])")
# What means something only at the start of a paragraph: list bullets, pandoc's
# definitions, divs, title block and example lists ("-", "+", ":", "%", "("), ordered and
# pandoc's fancy list markers ("1.", "2)", "iv.", "a)").
_BLOCK_START = re.compile(r"^(?:([-+:%=(])|(\w{1,9})([.)])(?=\s|$))")
_SPACE = re.compile(r"\s+")
_ODD_SPACE = re.compile(r"[^\S ]")  # white space _SPACE changes even on its own
# Pandoc's simple citation key: an inner punctuation mark may not end it.
_PANDOC_KEY = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_:.+/-]*[A-Za-z0-9_])?")


def escape(text: str) -> str:
    """``text`` as one line of Markdown that shows as written and means nothing else."""
    # Each step only when it would change something: most text has nothing to escape, and
    # a substitution that finds nothing still costs as much as a search, and more.
    # (White space other than " " is never printable: isprintable() rules it out quickly.)
    if "  " in text or (not text.isprintable() and _ODD_SPACE.search(text)):
        text = _SPACE.sub(" ", text)
    line = text.strip()
    if _ACTIVE.search(line):
        line = _ACTIVE.sub(r"\\\1", line)
    if _BLOCK_START.match(line):
        line = _BLOCK_START.sub(
            lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", line, count=1)
    return line


def write(items: Sequence[ExportItem], options: ExportOptions = ExportOptions()) -> str:
    blocks: list[str] = []
    if options.title:
        blocks.append(f"# {escape(options.title)}")
    if options.description:
        blocks.extend(_paragraphs(options.description))
    blocks.extend(_item(number, item, options) for number, item in enumerate(items, 1))
    return "\n\n".join(blocks) + "\n" if blocks else ""


def _item(number: int, item: ExportItem, options: ExportOptions) -> str:
    paper = item.paper
    marker = f"{number}. "
    # Continuation lines line up with the text after the marker ("10. " is four wide),
    # which CommonMark and pandoc both take as belonging to the item.
    indent = " " * len(marker)
    parts = [f"**{escape(readable(paper.title)) or 'Untitled'}**"]
    source = ", ".join(filter(None, (
        _authors(paper), f"*{escape(paper.venue)}*" if paper.venue.strip() else "",
        str(paper.year) if paper.year is not None else "")))
    if source:
        parts.append(f"— {source.removesuffix('.')}.")  # "et al." takes no second stop
    # The paper itself, not its code: a code link alone is no link to the paper.
    links = [url for label, url in paper_links(paper) if label != "Code"]
    if links:
        parts.append(f"<{links[0]}>")
    if paper.key:
        parts.append(_citation(paper.key))
    body = [marker + " ".join(parts)]
    if options.abstracts and paper.abstract.strip():
        quote = "\n>\n".join(f"> {p}" for p in _paragraphs(readable(paper.abstract)))
        body.append(_indent(quote, indent))
    if options.notes:
        body.extend(_indent(note.strip(), indent) for note in item.notes if note.strip())
    return "\n\n".join(body)


def _authors(paper: Paper) -> str:
    names = [escape(author.display) for author in paper.authors[:SHORT_AUTHORS]]
    text = ", ".join(names)
    if paper.et_al or len(paper.authors) > SHORT_AUTHORS:
        text = f"{text} et al." if text else "et al."
    return text


def _citation(key: str) -> str:
    if _PANDOC_KEY.fullmatch(key):
        return f"[@{key}]"
    if VALID_KEY.match(key):
        return f"[@{{{key}}}]"  # pandoc's braces hold keys that end in punctuation
    return escape(key)  # never made by the library; shown, not cited


def _paragraphs(text: str) -> list[str]:
    if "\n" not in text and "\r" not in text:  # one paragraph: spare the regular expressions
        return [escape(text)] if text.strip() else []
    text = re.sub(r"\r\n?", "\n", text)
    return [escape(p) for p in re.split(r"\n\s*\n", text) if p.strip()]


def _indent(text: str, indent: str) -> str:
    lines = re.split(r"\r\n|\r|\n", text) if "\n" in text or "\r" in text else [text]
    return "\n".join(indent + line if line.strip() else "" for line in lines)
