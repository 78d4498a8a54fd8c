"""The writers' shortcuts for text with nothing to change, held to the long way round.

Each fast path returns its input when a cheap test says the full transformation would
change nothing; these tests give both arbitrary text, heavy in exactly the characters
the cheap tests look for, and require the same answer.
"""

from __future__ import annotations

import json
import re
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from db import latex
from db.formats import ExportItem, ExportOptions, csl, csljson_write, jsontext, ris_write
from db.formats import bibtex_write as bw
from db.formats import html as html_writer
from db.formats import markdown as md
from db.records import Author, Paper

# What the shortcuts look for (specials, quotes and commas in pairs, every kind of white
# space and line break, capitals), with letters and any character besides.
_TRICKY = [*"\\{}&%$#_~^`<>|'',,  \t\n\r\x0b\x0c\x1c\x1f\x7f\x85\xa0\u2028\u3000",
           *"aZqQ.:;!?-()[]*@=+0123456789éÉßØłŁ", "''", ",,", "  ", "\r\n", "\n\n"]
TEXT = st.lists(st.sampled_from(_TRICKY) | st.characters(codec="utf-8"),
                max_size=24).map("".join)
SETTINGS = settings(max_examples=400, deadline=None)


@SETTINGS
@given(TEXT, st.booleans(), st.booleans())
def test_bibtex_escape_shortcut(text: str, unicode: bool, protect: bool) -> None:
    assert bw.escape(text, unicode=unicode, protect=protect) == bw._escape_all(
        text, unicode=unicode, protect=protect)


@SETTINGS
@given(TEXT)
def test_harmless_shortcut(text: str) -> None:
    def defuse(match: re.Match[str]) -> str:
        name = match[1]
        if (name[:1].isalpha() or name[:1] == "@") and bw._DANGEROUS.search(name.lower()):
            return r"{\textbackslash}" + name
        return match[0]

    full = bw._COMMAND.sub(defuse, text).replace("^^", r"{\string^}{\string^}")
    assert bw.harmless(text) == full


@SETTINGS
@given(TEXT)
def test_brace_balance_shortcut(text: str) -> None:
    from itertools import accumulate

    def nested(value: str) -> bool:
        depths = list(accumulate(1 if c == "{" else -1 for c in value if c in "{}"))
        return not depths or (min(depths) >= 0 and depths[-1] == 0)

    assert bw._nested(text) == nested(text)
    assert bw._balanced(text) == (nested(text) and nested(re.sub(r"\\[{}]", "", text)))


def _paper(authors: tuple[Author, ...]) -> Paper:
    return Paper(id=1, key="k", title="A title", authors=authors, date="2020")


@SETTINGS
@given(st.lists(st.builds(Author, TEXT, TEXT, st.sampled_from(["", "", "Org & Co"])),
                min_size=1, max_size=4), st.booleans(), st.booleans())
def test_names_written_once_are_written_alike(people: list[Author], biblatex: bool,
                                              unicode: bool) -> None:
    """A person met again (the same Author, or an equal one) is written as the first time,
    and as a writer that never saw them before writes them."""
    options = ExportOptions(unicode=unicode)
    shared = tuple(people)
    copies = tuple(Author(a.family, a.given, a.literal) for a in people)
    items = [ExportItem(_paper(shared)), ExportItem(_paper(copies)),
             ExportItem(_paper(shared[::-1]))]
    write = bw.write_biblatex if biblatex else bw.write
    together = write(items, options).split("\n@")
    alone = [write([item], options).lstrip("@") for item in items]
    assert [entry.lstrip("@").rstrip("\n") for entry in together] == [
        entry.rstrip("\n") for entry in alone]


@SETTINGS
@given(TEXT)
def test_markdown_escape_shortcut(text: str) -> None:
    line = md._ACTIVE.sub(r"\\\1", md._SPACE.sub(" ", text).strip())
    full = md._BLOCK_START.sub(
        lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", line, count=1)
    assert md.escape(text) == full
    assert md._paragraphs(text) == [
        md.escape(p) for p in re.split(r"\n\s*\n", re.sub(r"\r\n?", "\n", text)) if p.strip()]
    assert md._indent(text, "  ") == "\n".join(
        "  " + line if line.strip() else "" for line in re.split(r"\r\n|\r|\n", text))


def test_white_space_and_line_breaks_are_never_printable() -> None:
    """What the Markdown and RIS shortcuts take for granted, for every character there is."""
    everything = list(map(chr, range(sys.maxunicode + 1)))
    assert [c for c in everything if c.isspace() and c.isprintable() and c != " "] == []
    assert [c for c in everything if ris_write._BREAK_CHAR.match(c) and c.isprintable()] == []


@SETTINGS
@given(TEXT)
def test_ris_one_line_shortcut(text: str) -> None:
    assert ris_write.one_line(text) == ris_write._LINE_BREAK.sub(" ", text).strip()


@SETTINGS
@given(st.sampled_from(["", "  ", " \t", "https://ex.org/a b", "javascript:alert(1)", "ex.org"]),
       st.sampled_from(["", " ", "https://github.com/x/y", "file:///etc/passwd"]),
       st.booleans())
def test_links_skip_only_empty_addresses(url: str, code: str, encoded: bool) -> None:
    from db import links

    paper = Paper(url=url, code_url=code, doi="10.1/x", arxiv="2101.00001")
    check = links.safe_url if encoded else links.web_address
    expected = {"DOI": links.doi_url("10.1/x"), "arXiv": links.arxiv_url("2101.00001"),
                "URL": check(url), "Code": check(code)}
    assert links.paper_links(paper, encoded=encoded) == [
        (label, expected[label]) for label in links.LASTING_FIRST if expected[label]]


@SETTINGS
@given(TEXT)
def test_html_escape_shortcut(text: str) -> None:
    import html

    assert html_writer._e(text) == html.escape(html_writer._BREAKS.sub("\n", text), quote=True)


def _readable_the_long_way(text: str) -> str:
    if not re.search(r"[\\{}$~`]|''", text):
        return text
    try:
        return latex._convert(text)
    except latex._PYLATEXENC_FAILURES:
        return text


@SETTINGS
@given(TEXT)
def test_latex_hint_shortcut(text: str) -> None:
    assert latex.readable(text) == _readable_the_long_way(text)
    long_way = latex.readable(text) if csljson_write._LATEX.search(text) else text
    assert csljson_write.plain(text) == long_way


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
    | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=20)


@SETTINGS
@given(JSON)
def test_indented_json_is_the_standard_librarys(value: object) -> None:
    assert jsontext.dumps(value) == json.dumps(value, ensure_ascii=False, indent=2,
                                               sort_keys=True)


def test_json_the_shortcut_leaves_to_the_standard_library() -> None:
    for value in ({1: "one", 2: [2.5]}, {True: None}, [float("inf"), -1e300, float("nan")]):
        assert jsontext.dumps(value) == json.dumps(value, ensure_ascii=False, indent=2,
                                                   sort_keys=True)
    with pytest.raises(TypeError):  # keys of two types cannot be sorted: json's refusal
        jsontext.dumps({1: "one", "two": 2})
    with pytest.raises(TypeError, match="not JSON serializable"):
        jsontext.dumps({"a set": {1}})


@SETTINGS
@given(TEXT, st.integers(min_value=1, max_value=120))
def test_bibliography_number_labels(text: str, number: int) -> None:
    found = re.match(rf"[\[(]?{number}[\]).:]?", text)
    assert csl._label(text, number) == (found[0] if found else "")
    labelled = f"[{number}]{text}"
    assert csl._label(labelled, number) == f"[{number}]"
