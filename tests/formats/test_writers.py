"""The RIS, CSV, Markdown and HTML writers: round trips, hostile text, determinism, speed."""

from __future__ import annotations

import base64
import csv
import dataclasses
import hashlib
import html
import io
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Sequence
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import rispy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db.fields import BY_NAME
from db.formats import ExportItem, ExportOptions, ris, ris_write
from db.formats import csv as csv_writer
from db.formats import html as html_writer
from db.formats import markdown as md_writer
from db.importing import import_file
from db.latex import readable
from db.library import Library
from db.records import Author, Paper, PaperData

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLE = REPO / "resources" / "sample" / "kai-yi-profile.txt"

Writer = Callable[[Sequence[ExportItem], ExportOptions], str]
WRITERS: dict[str, Writer] = {"ris": ris_write.write, "csv": csv_writer.write,
                              "md": md_writer.write, "html": html_writer.write}

HOSTILE_TITLES = (
    "<script>alert(1)</script>",
    '" onmouseover="x',
    "[x](javascript:alert(1))",
    "<img src=x onerror=alert(1)>",
    "**bold** and _under_ `tick` # hash",
    "=HYPERLINK(\"http://evil.example\",\"click\")",
)


def _paper(n: int = 1, /, **fields: object) -> Paper:
    values: dict[str, object] = {
        "id": n, "key": f"paper{n}", "title": f"Paper number {n}",
        "authors": (Author("Richtárik", "Peter"), Author("Yi", "Kai")), "date": "2022-06-11",
        "venue": "NeurIPS", "volume": "35", "number": "2", "pages": "100-110",
        "publisher": "Curran", "doi": f"10.1000/p{n}", "url": f"https://ex.org/{n}",
        "abstract": f"Abstract of paper {n}.", "tags": ("ml", "graphs"),
    }
    values.update(fields)
    return Paper(**values)  # type: ignore[arg-type]


def _items(*papers: Paper) -> list[ExportItem]:
    return [ExportItem(paper) for paper in papers]


@pytest.fixture
def sample(library: Library) -> list[ExportItem]:
    """The sample profile listing, with a note on two papers."""
    ids = list(import_file(library, SAMPLE).result.added)
    library.add_note(ids[0], "First *note* with <b>HTML</b>\n\n- a list")
    library.add_note(ids[0], "Second note")
    library.add_note(ids[1], "<script>alert(1)</script>")
    return [ExportItem(library.paper(i), tuple(n.body for n in library.notes(i)))
            for i in ids]


# --- RIS ----------------------------------------------------------------------------------

_MODELLED = ("title", "entry_type", "authors", "et_al", "date", "venue", "volume", "number",
             "pages", "publisher", "doi", "arxiv", "url", "abstract", "tags")


def _ris_expected(paper: Paper) -> dict[str, object]:
    """What the RIS reader gives back for ``paper``: each value on one line, tags once."""
    one = ris_write.one_line
    url = paper.url or (f"https://arxiv.org/abs/{paper.arxiv}" if paper.arxiv else "")
    return {
        "title": one(paper.title), "entry_type": paper.entry_type,
        "authors": paper.authors, "et_al": paper.et_al, "date": paper.date,
        "venue": one(paper.venue), "volume": one(paper.volume), "number": one(paper.number),
        "pages": paper.pages, "publisher": one(paper.publisher), "doi": paper.doi,
        "arxiv": paper.arxiv, "url": url, "abstract": one(paper.abstract),
        "tags": tuple(dict.fromkeys(t for t in map(one, paper.tags) if t)),
    }


def _as_paper(record: PaperData, **overrides: object) -> Paper:
    values = {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}
    return Paper(**(values | overrides))


def _ris_fields(record: object) -> dict[str, object]:
    return {name: getattr(record, name) for name in _MODELLED}


def test_ris_rispy_reads_every_record_and_field() -> None:
    papers = [_paper(1), _paper(2, title="Ünïcödé — “quotes”\nsecond line", et_al=True,
                                authors=(Author(literal="World Health Organization"),)),
              _paper(3, date="2021", pages="e1234", tags=())]
    text = ris_write.write(_items(*papers))
    entries = rispy.loads(text)
    assert len(entries) == 3
    first = entries[0]
    assert first["type_of_reference"] == "JOUR"
    assert first["id"] == "paper1"
    assert first["title"] == "Paper number 1"
    assert first["authors"] == ["Richtárik, Peter", "Yi, Kai"]
    assert (first["year"], first["date"]) == ("2022", "2022/06/11/")
    assert first["secondary_title"] == "NeurIPS"
    assert (first["volume"], first["number"]) == ("35", "2")
    assert (first["start_page"], first["end_page"]) == ("100", "110")
    assert (first["publisher"], first["doi"]) == ("Curran", "10.1000/p1")
    assert first["urls"] == ["https://ex.org/1"]
    assert first["abstract"] == "Abstract of paper 1."
    assert first["keywords"] == ["ml", "graphs"]
    assert entries[1]["title"] == "Ünïcödé — “quotes” second line"
    assert entries[1]["authors"] == ["World Health Organization", "et al."]
    assert entries[2]["year"] == "2021" and "date" not in entries[2]
    assert entries[2]["start_page"] == "e1234" and "end_page" not in entries[2]


def test_ris_lines_end_in_crlf_and_values_stay_on_one_line() -> None:
    paper = _paper(abstract="One\nTwo\r\nThree\rFour\u2028Five\n\nER  - \nTY  - JOUR")
    text = ris_write.write(_items(paper, _paper(2)))
    assert text.count("\r\n") == text.count("\n") == text.count("\r")
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*|", line) for line in text.split("\r\n"))
    assert "AB  - One Two Three Four Five ER  - TY  - JOUR\r\n" in text
    assert len(rispy.loads(text)) == len(ris.read(text).records) == 2


def test_ris_types_names_and_options() -> None:
    def ty(paper: Paper) -> str:
        return ris_write.write(_items(paper)).split("\r\n")[0]

    assert ty(_paper(extra={"ris.type": "ejour"})) == "TY  - EJOUR"
    # The kept code no longer fits once the paper is made a book.
    assert ty(_paper(entry_type="book", extra={"ris.type": "ejour"})) == "TY  - BOOK"
    assert ty(_paper(entry_type="misc", extra={"ris.type": "sound"})) == "TY  - SOUND"
    assert ty(_paper(entry_type="phdthesis")) == "TY  - THES"
    assert ty(_paper(entry_type="something-else")) == "TY  - GEN"
    king = _paper(authors=(Author("King, Jr.", "Martin Luther"), Author("Plato")))
    text = ris_write.write(_items(king))
    assert "AU  - King, Martin Luther, Jr.\r\n" in text
    assert ris.read(text).records[0].authors == king.authors
    assert "AB  -" not in ris_write.write(_items(king), ExportOptions(abstracts=False))


_text = st.text(st.characters(codec="utf-8"), max_size=30)
_hostile = st.one_of(_text, st.sampled_from(
    ["ER  - ", "TY  - JOUR\nER  - ", "line\r\nbreak", "  padded  ", "Zoë Ørsted ñ",
     "\u2028sep", "AU  - et al.", "tab\there"]))
_word = st.from_regex(r"[A-Z][a-zà-ÿ'-]{0,12}", fullmatch=True)
_person = st.builds(Author, family=st.builds(" ".join, st.lists(_word, min_size=1, max_size=3)),
                    given=st.builds(" ".join, st.lists(_word, max_size=3)))
_organisation = st.builds(lambda words: Author(literal=" ".join(words) + " Institute"),
                          st.lists(_word, min_size=1, max_size=3))


@st.composite
def _ris_papers(draw: st.DrawFn) -> Paper:
    day = draw(st.dates()).isoformat()
    first, last = draw(st.integers(1, 9999)), draw(st.integers(1, 9999))
    return Paper(
        id=1, key=draw(st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,15}", fullmatch=True)),
        entry_type=draw(st.sampled_from(["article", "inproceedings", "book", "incollection",
                                         "thesis", "report", "misc", "webpage", "dataset",
                                         "software", "patent", "unpublished", "standard"])),
        title=draw(_hostile), authors=tuple(draw(st.lists(st.one_of(_person, _organisation),
                                                          max_size=4))),
        et_al=draw(st.booleans()), date=day[: draw(st.sampled_from([0, 4, 7, 10]))],
        venue=draw(_hostile), volume=draw(_hostile), number=draw(_hostile),
        pages=draw(st.sampled_from(["", f"{first}", f"{first}-{last}"])),
        publisher=draw(_hostile),
        doi=draw(st.one_of(st.just(""), st.from_regex(r"10\.[0-9]{4,6}/[a-z0-9._()-]{1,20}",
                                                      fullmatch=True))),
        arxiv=draw(st.one_of(st.just(""), st.from_regex(r"2[0-4](0[1-9]|1[0-2])\.[0-9]{5}",
                                                        fullmatch=True))),
        url=draw(st.sampled_from(["", "https://example.org/a?b=c&d=e"])),
        abstract=draw(_hostile), tags=tuple(draw(st.lists(_hostile, max_size=4))),
    )


@given(st.lists(_ris_papers(), min_size=1, max_size=3))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_ris_round_trip_through_the_reader_and_rispy(papers: list[Paper]) -> None:
    text = ris_write.write(_items(*papers))
    parsed = ris.read(text)
    assert parsed.issues == ()
    assert [_ris_fields(r) for r in parsed.records] == [_ris_expected(p) for p in papers]
    # The arXiv page written after the paper's own URL is kept as a second URL.
    assert [dict(r.extra) for r in parsed.records] == [
        {"ris.id": p.key} | ({"ris.urls": f"https://arxiv.org/abs/{p.arxiv}"}
                             if p.url and p.arxiv else {}) for p in papers]
    entries = rispy.loads(text)
    assert [e["id"] for e in entries] == [p.key for p in papers]
    # Written again from what was read, it reads the same: nothing grows or moves.
    again = [_as_paper(r, key=p.key) for r, p in zip(parsed.records, papers, strict=True)]
    assert ris.read(ris_write.write(_items(*again))).records == parsed.records


def test_ris_reader_fixture_round_trips_with_what_extra_kept() -> None:
    """RIS → records → RIS → records loses nothing the reader kept, unknown tags included."""
    first = ris.read((FIXTURES / "ris-rules.ris").read_text(encoding="utf-8"))
    papers = [_as_paper(r) for r in first.records]
    second = ris.read(ris_write.write(_items(*papers)))
    assert len(second.records) == len(first.records)
    for before, after in zip(first.records, second.records, strict=True):
        assert _ris_fields(after) == _ris_fields(before)
        assert {k: v for k, v in after.extra.items() if k != "ris.id"} == {
            k: v for k, v in before.extra.items() if k != "ris.id"}


def test_ris_sample_library_round_trips(sample: list[ExportItem]) -> None:
    text = ris_write.write(sample)
    parsed = ris.read(text)
    assert len(parsed.records) == len(rispy.loads(text)) == len(sample) == 33
    for item, record in zip(sample, parsed.records, strict=True):
        assert _ris_fields(record) == _ris_expected(item.paper)
        assert record.extra["ris.id"] == item.paper.key


# --- CSV ----------------------------------------------------------------------------------


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_csv_header_and_values() -> None:
    paper = _paper(title=r"Caf\'e $x$", et_al=True, status="reading", rating=4,
                   arxiv="2206.05437", code_url="https://github.com/x/y", category="cs.LG",
                   added="2026-11-25T12:00:00Z", abstract="First line\nsecond, \"quoted\"")
    header, row = _rows(csv_writer.write(_items(paper)))
    labels = [BY_NAME[n].label for n in ("key", "type", "title", "author", "year", "date",
                                          "venue", "volume", "number", "pages", "publisher",
                                          "doi", "arxiv", "url", "code", "category", "tag",
                                          "status", "rating", "added", "abstract")]
    assert header == labels
    assert dict(zip(header, row, strict=True)) == {
        "Citation key": "paper1", "Entry type": "article", "Title": "Café $x$",
        "Authors": "Peter Richtárik; Kai Yi et al.", "Year": "2022", "Date": "2022-06-11",
        "Venue": "NeurIPS", "Volume": "35", "Number": "2", "Pages": "100-110",
        "Publisher": "Curran", "DOI": "10.1000/p1", "arXiv": "2206.05437",
        "URL": "https://ex.org/1", "Code URL": "https://github.com/x/y", "Category": "cs.LG",
        "Tags": "ml; graphs", "Status": "Reading", "Rating": "4",
        "Added": "2026-11-25T12:00:00Z", "Abstract": "First line\nsecond, \"quoted\"",
    }
    header, row = _rows(csv_writer.write(_items(paper), ExportOptions(abstracts=False)))
    assert header == labels[:-1] and len(row) == len(header)


def test_csv_hostile_cells_are_neutralised() -> None:
    hostile = {"title": '=HYPERLINK("http://evil.example","x")', "venue": "+1",
               "pages": "-2+3", "publisher": "@SUM(A1:A9)", "volume": "\t=1", "number": "\r=1",
               "abstract": "=cmd|' /C calc'!A0"}
    harmless = {"url": "a=b", "category": "1-2", "doi": " =1"}
    header, row = _rows(csv_writer.write(_items(_paper(**hostile, **harmless))))
    cells = dict(zip(header, row, strict=True))
    for name, value in hostile.items():
        assert cells[BY_NAME[name].label] == "'" + value
    for name, value in harmless.items():
        assert cells[BY_NAME[name].label] == value
    assert not any(cell.startswith(csv_writer.FORMULA_STARTS) for cell in row)


def test_csv_line_breaks_inside_values_survive() -> None:
    abstract = "one\ntwo\r\nthree\rfour\n\nfive"
    text = csv_writer.write(_items(_paper(abstract=abstract), _paper(2)))
    rows = _rows(text)
    assert len(rows) == 3
    assert rows[1][-1] == abstract
    assert text.endswith("\r\n")


@given(st.text(st.characters(codec="utf-8")))
@settings(max_examples=200, deadline=None)
def test_csv_any_title_reads_back(title: str) -> None:
    header, row = _rows(csv_writer.write(_items(_paper(title=title))))
    assert row[header.index("Title")] == csv_writer.neutralise(readable(title))


def test_csv_sample_library(sample: list[ExportItem]) -> None:
    header, *rows = _rows(csv_writer.write(sample))
    assert len(rows) == len(sample) == 33
    assert [row[0] for row in rows] == [item.paper.key for item in sample]
    assert all(len(row) == len(header) for row in rows)


# --- Markdown -----------------------------------------------------------------------------


def test_markdown_items_in_order_with_citations() -> None:
    papers = [_paper(n, authors=tuple(Author(f"Fam{i}", "G") for i in range(n)))
              for n in range(1, 13)]
    text = md_writer.write(_items(*papers), ExportOptions(title="My list",
                                                          description="Read *soon*."))
    assert text.startswith("# My list\n\nRead \\*soon\\*.\n\n1. **Paper number 1** — G Fam0, ")
    positions = [text.index(f"[@paper{n}]") for n in range(1, 13)]
    assert positions == sorted(positions)
    assert re.findall(r"(?m)^(\d+)\. ", text) == [str(n) for n in range(1, 13)]
    assert "G Fam0, G Fam1, G Fam2 et al., *NeurIPS*, 2022." in text
    assert "<https://doi.org/10.1000/p3>" in text


def test_markdown_escapes_hostile_titles_and_authors() -> None:
    papers = [_paper(n, title=t, authors=(Author(literal=t),))
              for n, t in enumerate(HOSTILE_TITLES, 1)]
    text = md_writer.write(_items(*papers))
    assert "**\\[x\\](javascript:alert(1))**" in text
    assert "**\\<img src=x onerror=alert(1)\\>**" in text
    assert "**\\*\\*bold\\*\\* and \\_under\\_ \\`tick\\` \\# hash**" in text
    for raw in ("[x](", "<img", "<script", "**bold**", "`tick`"):
        # Only escaped: every active character has its backslash.
        assert not re.search(r"(?<!\\)" + re.escape(raw), text), raw


def test_markdown_links_abstracts_and_notes() -> None:
    evil = _paper(1, doi="", url="javascript:alert(1)", abstract="- one\n\n1. two")
    arxiv = _paper(2, doi="", arxiv="2206.05437", url="https://ex.org/x")
    code = _paper(3, doi="", url="", code_url="https://github.com/x/y")
    items = [ExportItem(evil, notes=("A *note*\n\n```\ncode\n```",)), ExportItem(arxiv),
             ExportItem(code)]
    text = md_writer.write(items, ExportOptions(notes=True))
    assert "javascript" not in text and "github" not in text
    assert "<https://arxiv.org/abs/2206.05437>" in text and "ex.org/x" not in text
    assert "\n\n   > \\- one\n   >\n   > 1\\. two\n\n   A *note*\n\n   ```\n   code\n" in text
    plain = md_writer.write(items, ExportOptions(abstracts=False))
    assert "\n   > " not in plain and "note" not in plain


def _pandoc(text: str, reader: str) -> str:
    pandoc = shutil.which("pandoc")
    if pandoc is None:
        pytest.skip("pandoc is not installed: the Markdown is not converted to HTML")
    done = subprocess.run([pandoc, "-f", reader, "-t", "html"], input=text, check=True,
                          capture_output=True, text=True, timeout=60)
    return done.stdout


@pytest.mark.parametrize("reader", ["markdown", "commonmark"])
def test_markdown_through_pandoc_has_no_markup_from_papers(reader: str) -> None:
    papers = [_paper(n, title=t, venue=t, authors=(Author(literal=t),), abstract=t,
                     url="javascript:alert(1)", doi="")
              for n, t in enumerate(HOSTILE_TITLES * 2, 1)]
    items = [ExportItem(p, notes=("note *one*\n\n```\nunclosed fence",)) for p in papers]
    out = _pandoc(md_writer.write(items, ExportOptions(title="<b>t</b>", notes=True)), reader)
    assert "<img" not in out and "<script" not in out and "<b>" not in out
    assert not re.search(r"href=\"\s*javascript:", out, re.IGNORECASE)
    assert out.count("<ol") == 1 and out.count("<li") == len(papers)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out


# --- HTML ---------------------------------------------------------------------------------


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        (self.scripts if self._in_script else self.text).append(data)


def _page(text: str) -> _Page:
    page = _Page()
    page.feed(text)
    page.close()
    return page


_ATTRIBUTES = {"lang", "charset", "http-equiv", "content", "name", "class", "id", "type",
               "placeholder", "aria-label", "autocomplete", "hidden", "href", "rel"}


def _check_page(text: str, papers: Sequence[Paper]) -> _Page:
    page = _page(text)
    assert text.startswith("<!doctype html>\n") and '<meta charset="utf-8">' in text
    assert [tag for tag, _ in page.tags].count("script") == 1
    assert page.scripts == [html_writer.SCRIPT]
    own = {urlsplit(u).netloc for p in papers for u in (p.url, p.code_url)
           if html_writer.safe_url(u)}
    for tag, attrs in page.tags:
        assert set(attrs) <= _ATTRIBUTES, (tag, attrs)
        assert "src" not in attrs
        if "href" in attrs:
            href = attrs["href"] or ""
            assert href == "#" or re.match(r"https?://", href), href
            if href != "#":
                assert urlsplit(href).netloc in {"doi.org", "arxiv.org"} | own, href
    csp = next(a["content"] or "" for t, a in page.tags
               if a.get("http-equiv") == "Content-Security-Policy")
    digest = base64.b64encode(hashlib.sha256(page.scripts[0].encode()).digest()).decode()
    assert csp.startswith("default-src 'none'; style-src 'unsafe-inline'; ")
    assert f"script-src 'unsafe-inline' 'sha256-{digest}'" in csp
    return page


def test_html_escapes_everything_from_papers_and_notes() -> None:
    papers = [_paper(n, title=t, venue=t, authors=(Author(literal=t),), tags=(t,),
                     abstract=t, url=u, code_url=u)
              for n, (t, u) in enumerate(zip(HOSTILE_TITLES, (
                  "javascript:alert(1)", "data:text/html,<script>alert(1)</script>",
                  " JAVASCRIPT:x", "https://ok.example/a b\"<>", "//evil.example/x",
                  "file:///etc/passwd"), strict=True), 1)]
    notes = ("<b>bold</b> <img src=x onerror=alert(1)>", '" onmouseover="x')
    items = [ExportItem(p, notes=notes) for p in papers]
    text = html_writer.write(items, ExportOptions(title="<script>t</script>", notes=True))
    page = _check_page(text, papers)
    for raw in (*HOSTILE_TITLES, *notes):
        if html.escape(raw) != raw:  # "[x](javascript:…)" is harmless text in a page
            assert raw not in text, raw
    values = " ".join(v or "" for _, attrs in page.tags for v in attrs.values())
    for scheme in ("javascript:", "data:", "file:", "evil.example", "alert"):
        assert scheme not in values.lower()
    for paper in papers:
        assert f"<h2>{html.escape(readable(paper.title))}</h2>" in text
    assert "".join(page.text).count(notes[0]) == len(papers)
    assert 'href="https://ok.example/a%20b%22%3C%3E"' in text
    assert "<title>&lt;script&gt;t&lt;/script&gt;</title>" in text


def test_html_links_details_and_filter() -> None:
    papers = [_paper(1, arxiv="2206.05437", code_url="https://github.com/x/y"), _paper(2)]
    items = [ExportItem(papers[0], notes=("note",)), ExportItem(papers[1])]
    text = html_writer.write(items, ExportOptions(title="List", description="Desc"))
    page = _check_page(text, papers)
    hrefs = [a["href"] for t, a in page.tags if t == "a"]
    assert hrefs == ["https://doi.org/10.1000/p1", "https://arxiv.org/abs/2206.05437",
                     "https://ex.org/1", "https://github.com/x/y",
                     "https://doi.org/10.1000/p2", "https://ex.org/2"]
    assert text.count("<details>") == 2 and "<summary>Note" not in text
    assert text.count("<li>") == 2 and '<input type="search" id="filter"' in text
    with_notes = html_writer.write(items, ExportOptions(notes=True, abstracts=False))
    assert with_notes.count("<details>") == 1 and "<summary>Note</summary>" in with_notes
    bare = html_writer.write(items, ExportOptions(abstracts=False))
    assert "<details>" not in bare and "\r" not in bare


def test_html_sample_library(sample: list[ExportItem]) -> None:
    text = html_writer.write(sample, ExportOptions(title="Kai Yi", notes=True))
    page = _check_page(text, [item.paper for item in sample])
    assert [t for t, _ in page.tags].count("li") == len(sample) == 33
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "First *note* with &lt;b&gt;HTML&lt;/b&gt;" in text


# --- every writer -------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_output_is_deterministic(name: str, sample: list[ExportItem]) -> None:
    options = ExportOptions(title="T", description="D", notes=True)
    copies = [dataclasses.replace(item, paper=dataclasses.replace(item.paper))
              for item in sample]
    first = WRITERS[name](sample, options)
    assert first == WRITERS[name](copies, options)
    assert WRITERS[name]([], options) == WRITERS[name]([], options)
    if name in ("md", "html"):
        assert "\r" not in first


_GOLDEN = {"ris": "write-golden.ris", "csv": "write-golden.csv", "md": "write-golden.md",
           "html": "write-golden.html"}


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_output_matches_the_golden_file(name: str) -> None:
    """A change in the output is deliberate: PAPERSHELF_UPDATE_GOLDEN=1 rewrites the files."""
    papers = [_paper(1, arxiv="2206.05437", et_al=True, abstract="Para one.\n\nPara two."),
              _paper(2, title="Ünïcode & <b>tags</b>", authors=(Author(literal="WHO"),),
                     date="2020", pages="e7", tags=(), doi="", url="")]
    items = [ExportItem(papers[0], notes=("A *note*.",)), ExportItem(papers[1])]
    out = WRITERS[name](items, ExportOptions(title="Golden", description="Two papers.",
                                             notes=True)).encode()
    path = FIXTURES / _GOLDEN[name]
    if os.environ.get("PAPERSHELF_UPDATE_GOLDEN") == "1":
        path.write_bytes(out)
    assert out == path.read_bytes()


def test_ten_thousand_papers_per_format(capsys: pytest.CaptureFixture[str]) -> None:
    items = [ExportItem(_paper(n, title=f"Paper {n} on graphs and learning",
                               authors=tuple(Author(f"Fam{i}", "Given") for i in range(5))),
                        notes=("a note",)) for n in range(10_000)]
    options = ExportOptions(title="Big", notes=True)
    times: dict[str, float] = {}
    for name, write in sorted(WRITERS.items()):
        start = time.perf_counter()
        out = write(items, options)
        times[name] = time.perf_counter() - start
        assert len(out) > 10_000 * 50
        assert times[name] < 10, f"{name}: {times[name]:.2f} s for 10k papers"
    with capsys.disabled():
        print("\n10k papers: " + ", ".join(f"{n} {t * 1000:.0f} ms" for n, t in times.items()))
