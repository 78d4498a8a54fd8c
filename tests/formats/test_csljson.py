"""CSL-JSON: the shared corpus, a fixture for each rule, damaged and hostile input, round trips."""

from __future__ import annotations

import contextlib
import json
import re
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from db.errors import FormatError
from db.formats import Parsed
from db.formats.csljson import read, sniff
from db.records import Author, PaperData

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _corpus(folder: str) -> list[Path]:
    if not (CORPUS / folder).is_dir():
        pytest.skip("../shared/corpus is not beside the checkout")
    return sorted((CORPUS / folder).iterdir())


def _read_corpus(name: str) -> Parsed:
    path = CORPUS / "csljson" / name
    if not path.exists():
        pytest.skip("../shared/corpus is not beside the checkout")
    return read(path.read_bytes().decode("utf-8-sig"), file=name)


def _one(item: dict[str, object]) -> PaperData:
    (record,) = read(json.dumps([item])).records
    return record


def _rules() -> Parsed:
    text = (FIXTURES / "csl-rules.json").read_text(encoding="utf-8")
    return read(text, file="csl-rules.json")


def _input_section(fixture: str) -> str:
    """The INPUT section of a citeproc test fixture, as csljson/ holds it."""
    match = re.search(r">>=+ INPUT =+>>\n(.*?)<<=+ INPUT =+<<", fixture, re.DOTALL)
    assert match is not None
    return match[1]


# --- the shared corpus ----------------------------------------------------------------

# Items whose date cannot be an ISO date: years before the common era and seasons of them.
_UNDATED = {
    "bbt-export-Date_export_to_Better_CSL-JSON_-360_-811.csl.json": 2,
    "bbt-export-Season_ranges_should_be_exported_as_pseudo-months_-13-16-_or_21-24-_-860"
    ".csl.json": 3,
}


@pytest.mark.corpus
def test_every_corpus_file_reads_every_item() -> None:
    total = 0
    for path in _corpus("csljson"):
        text = path.read_bytes().decode("utf-8-sig")
        items = json.loads(text)
        parsed = read(text, file=path.name)
        assert sniff(text), path.name
        assert len(parsed.records) == len(items), path.name
        assert all(issue.warning for issue in parsed.issues), path.name
        dates = [i for i in parsed.issues if "date" in i.message]
        assert len(dates) == _UNDATED.get(path.name, 0), path.name
        # Each item's line is where its "{" is.
        lines = text.split("\n")
        assert all(lines[n - 1].lstrip(" [,\ufeff").startswith("{") for n in parsed.lines)
        for record, item in zip(parsed.records, items, strict=True):
            assert record.title == item.get("title", "").strip()
            assert record.key in ("", item.get("citation-key"), item["id"])
            assert len(record.authors) == len(item.get("author", []))
            assert all(isinstance(value, str) for value in record.extra.values())
        total += len(parsed.records)
    assert total == 252  # what SOURCES.md counts


@pytest.mark.corpus
def test_citeproc_fixtures_are_not_json_but_their_input_sections_are() -> None:
    for path in _corpus("csl-fixtures"):
        fixture = path.read_text(encoding="utf-8")
        assert not sniff(fixture)
        with pytest.raises(FormatError, match="starts with"):
            read(fixture, file=path.name)
        section = read(_input_section(fixture))
        same = _read_corpus(path.name.removesuffix(".txt") + ".json")
        assert section.records == same.records


@pytest.mark.corpus
def test_corpus_particles_suffixes_and_literal_names() -> None:
    holes, free_will = _read_corpus("jgm-citeproc-issue_141.json").records
    assert free_will.authors == (Author("van Inwagen", "Peter"),)
    assert json.loads(free_will.extra["csl.author"])[0]["non-dropping-particle"] == "van"
    assert "csl.author" not in holes.extra  # plain names say all in the authors
    standard = _read_corpus("jgm-citeproc-issue_22.json").records[0]
    assert standard.authors == (Author(literal="Telecommunications Industry Association"),)
    assert standard.date == "1997-10"


@pytest.mark.corpus
def test_corpus_dates() -> None:
    records = _read_corpus("bbt-export-Date_export_to_Better_CSL-JSON_-360_-811.csl.json").records
    by_key = {record.key: record for record in records}
    circa = by_key["doe10_edtf_2011"]  # a range, circa: the start, and all of it in extra
    assert circa.date == "2011-05-25"
    assert json.loads(circa.extra["csl.issued"])["date-parts"][1] == ["2012", 6, 26]
    year_only = by_key["doe14_date2010_2010"]  # date-parts with only a year
    assert (year_only.date, "csl.issued" in year_only.extra) == ("2011", False)
    season = by_key["doe13_season_2017"]
    assert season.date == "2017" and json.loads(season.extra["csl.issued"])["season"] == 4


@pytest.mark.corpus
def test_corpus_short_dois_and_types() -> None:
    name = "bbt-export-CSL_exporters-_ignore_-Fields_to_omit_from_export-_setting_-1179.csl.json"
    record = _read_corpus(name).records[0]
    assert record.doi == "10.1177/0193723504268729"  # the full DOI from the URL
    assert record.extra["csl.DOI"] == "10/fqd6hj"
    assert record.extra["csl.accessed"] == '{"date-parts": [["2019", 4, 28]]}'
    record = _read_corpus("jgm-citeproc-issue_174.json").records[0]  # no type at all
    assert record.entry_type == "misc" and "csl.type" not in record.extra
    assert record.venue == "A long container title"


# --- the rules, on a fixture ----------------------------------------------------------


def test_fixture_lines_and_issues() -> None:
    parsed = _rules()
    assert parsed.lines == (2, 27, 33, 40)
    assert [(issue.line, issue.warning) for issue in parsed.issues] == [
        (33, True), (39, False)]
    assert "Spring, some year" in parsed.issues[0].message
    assert "a JSON number is not a CSL-JSON item" in parsed.issues[1].message


def test_fixture_modelled_fields() -> None:
    record = _rules().records[0]
    assert record == PaperData(
        title="Particles and Literal Names",
        key="berg2020",
        entry_type="article",
        abstract="An abstract.",
        date="2020",
        venue="Journal of Tests",
        volume="12",
        number="3",
        pages="100-110",
        publisher="Test Press",
        doi="10.1000/abc.123",
        arxiv="2206.05437",
        url="https://arxiv.org/abs/2206.05437v2",
        authors=(Author("van der Berg", "Anna"), Author(literal="World Health Organization"),
                 Author("van Beethoven", "Ludwig"), Author("King, Jr.", "Martin Luther")),
        tags=("graphs", "message passing"),
        extra=record.extra,
    )
    assert record.authors[3].display == "Martin Luther King, Jr."
    extra = dict(record.extra)
    assert json.loads(extra.pop("csl.author"))[0]["non-dropping-particle"] == "van der"
    assert extra == {
        "csl.ISSN": "1234-5678",
        "csl.accessed": '{"date-parts": [[2021, 4, 28]]}',
        "csl.editor": '[{"family": "Editor", "given": "Ed"}]',
        "csl.custom": '{"reviewed": true}',
    }


def test_fixture_keys_dates_and_types() -> None:
    _, conference, film, dates = _rules().records
    assert (conference.key, conference.extra["csl.id"]) == ("", "not a valid key!")
    assert conference.entry_type == "inproceedings"
    assert conference.date == "2021-06"
    assert json.loads(conference.extra["csl.issued"]) == {"raw": "2021-06"}
    assert (film.key, film.extra["csl.id"]) == ("", "42")  # a number is not a key
    assert (film.entry_type, film.extra["csl.type"]) == ("misc", "motion_picture")
    assert film.date == "" and "Spring" in film.extra["csl.issued"]
    assert dates.key == "range2011" and "csl.citation-key" not in dates.extra
    assert dates.date == "2011-05-25"


@pytest.mark.parametrize(("csl_type", "entry_type", "kept"), [
    ("article-journal", "article", False), ("paper-conference", "inproceedings", False),
    ("chapter", "incollection", False), ("book", "book", False), ("report", "report", False),
    ("thesis", "thesis", False), ("webpage", "webpage", False), ("dataset", "dataset", False),
    ("article", "article", True), ("article-magazine", "article", True),
    ("post-weblog", "webpage", True), ("legal_case", "misc", True), ("nonsense", "misc", True),
])
def test_types(csl_type: str, entry_type: str, kept: bool) -> None:
    record = _one({"id": "a", "type": csl_type})
    assert record.entry_type == entry_type
    assert record.extra.get("csl.type") == (csl_type if kept else None)


@pytest.mark.parametrize(("issued", "date", "kept"), [
    ({"date-parts": [[2019]]}, "2019", False),
    ({"date-parts": [["2019", "5"]]}, "2019-05", False),
    ({"date-parts": [[2019, 5, 12]]}, "2019-05-12", False),
    ({"date-parts": [[2019, 2, 30]]}, "2019-02", True),
    ({"date-parts": [[2019, 21]]}, "2019", True),  # a season
    ({"date-parts": [[2019], [2020]]}, "2019", True),
    ({"date-parts": [[2019]], "circa": True}, "2019", True),
    ({"date-parts": [[]]}, "", True),
    ({"date-parts": [["-44", 3, 15]]}, "", True),
    ({"raw": "2019-05-12"}, "2019-05-12", True),
    ({"literal": "2019"}, "2019", True),
    ({"raw": "May 2019"}, "", True),
    ("2019-05", "2019-05", False),
    ("2019-05~", "", True),
    (2019, "", True),
])
def test_dates(issued: object, date: str, kept: bool) -> None:
    parsed = read(json.dumps({"id": "a", "issued": issued}))
    (record,) = parsed.records
    assert record.date == date
    assert ("csl.issued" in record.extra) is kept
    assert [issue.warning for issue in parsed.issues] == ([] if date else [True])


def test_names() -> None:
    record = _one({"id": "a", "author": [
        {"family": "Doe", "given": "Jane"}, {"given": "Plato"}, {"literal": "CERN"},
        "John Smith", {"family": ""}, 7]})
    assert record.authors == (Author("Doe", "Jane"), Author(given="Plato"),
                              Author(literal="CERN"), Author(literal="John Smith"))
    assert len(json.loads(record.extra["csl.author"])) == 6  # not all plain: kept whole


def test_keywords_numbers_and_values_of_the_wrong_kind() -> None:
    parsed = read(json.dumps({"id": "a", "keyword": "a; b,c ;; a", "volume": 5, "page": 7,
                              "title": ["not", "text"], "number": "arXiv:2101.00001",
                              "issue": None, "note": True}))
    (record,) = parsed.records
    assert record.tags == ("a", "b", "c")
    assert (record.volume, record.pages, record.number) == ("5", "7", "arXiv:2101.00001")
    assert record.arxiv == "2101.00001"
    assert record.title == "" and record.extra["csl.title"] == '["not", "text"]'
    assert record.extra["csl.note"] == "true"
    assert "csl.issue" not in record.extra  # null says nothing
    assert [issue.message for issue in parsed.issues] == ["title is not text; kept as it is"]


def test_citation_key_preferred_and_id_kept() -> None:
    record = _one({"id": "http://zotero.org/users/1/items/ABCD", "citation-key": "doe2020"})
    assert record.key == "doe2020"
    assert record.extra["csl.id"] == "http://zotero.org/users/1/items/ABCD"


def test_single_object_empty_array_and_crlf() -> None:
    item = {"id": "a", "title": "T"}
    assert read(json.dumps(item)).records == read(json.dumps([item])).records
    assert read("[]") == Parsed((), (), ())
    text = "\ufeff[\r\n  {\"id\": \"a\"},\r\n  {\"id\": \"b\"}\r\n]\r\n"
    assert read(text).lines == (2, 3)


@pytest.mark.parametrize(("text", "line", "reason"), [
    ('[\n  {"id": "a"},\n  {"id": "b",}\n]', 3, "not valid JSON"),
    ('[\n  {"id": "a"}\n  {"id": "b"}\n]', 3, "expected ','"),
    ('[{"id": "a"}] trailing', 1, "more text"),
    ("", 0, "empty"),
    ("@article{x,\n}", 1, "starts with"),
    ('[{"id": "a"}', 1, "expected ','"),
    ("[1, 2, 3]", 1, "no CSL-JSON item"),
    ('{"name": "x"}', 1, "no CSL-JSON item"),
    ("[" * 100_000, 1, "nested too deeply"),
    ('[{"id": "a", "volume": ' + "1" * 5000 + "}]", 1, "not valid JSON"),
])
def test_not_csl_json(text: str, line: int, reason: str) -> None:
    with pytest.raises(FormatError, match=reason) as caught:
        read(text, file="x.json")
    assert (caught.value.file, caught.value.line) == ("x.json", line)


def test_hostile_input_is_quick() -> None:
    deep = "[" * 950 + "]" * 950
    for text in ('[{"id": "a", "abstract": "' + "x" * 10_000_000 + '"}]',
                 '[{"id": "a", "custom": ' + deep + "}]",
                 "[" + ",".join(['{"id": "a"}'] * 100_000) + "]"):
        start = time.perf_counter()
        with contextlib.suppress(FormatError):
            read(text)
        assert time.perf_counter() - start < 10


# --- properties -----------------------------------------------------------------------

_text = st.text(st.characters(codec="utf-8"), min_size=1, max_size=40).map(
    str.strip).filter(bool)
_word = st.from_regex(r"[A-Z][a-zà-ÿ'-]{0,12}", fullmatch=True)
_key = st.from_regex(r"[A-Za-z][A-Za-z0-9_:.+/-]{0,20}", fullmatch=True)
_TYPES = {"article-journal": "article", "paper-conference": "inproceedings",
          "chapter": "incollection", "book": "book", "report": "report", "thesis": "thesis",
          "webpage": "webpage", "dataset": "dataset"}


@st.composite
def _items(draw: st.DrawFn) -> tuple[dict[str, object], PaperData]:
    csl_type = draw(st.sampled_from(sorted(_TYPES)))
    people = draw(st.lists(st.tuples(_word, _word), max_size=3))
    organisations = draw(st.lists(_text, max_size=2))
    day = draw(st.dates())
    precision = draw(st.sampled_from([1, 2, 3]))
    parts = [day.year, day.month, day.day][:precision]
    tags = draw(st.lists(_text.filter(lambda t: not re.search("[,;]", t)).map(str.strip)
                         .filter(bool), max_size=4, unique=True))
    volume = draw(st.one_of(_text, st.integers(0, 10**6)))
    item: dict[str, object] = {
        "id": draw(_key), "type": csl_type, "title": draw(_text),
        "author": [{"family": f, "given": g} for f, g in people]
        + [{"literal": name} for name in organisations],
        "issued": {"date-parts": [parts]}, "container-title": draw(_text), "volume": volume,
        "issue": draw(_text), "page": f"{draw(st.integers(1, 999))}-{draw(st.integers(1, 999))}",
        "publisher": draw(_text), "DOI": draw(st.from_regex(r"10\.[0-9]{4,6}/[a-z0-9._-]{1,20}",
                                                             fullmatch=True)),
        "URL": "https://example.org/x", "abstract": draw(_text), "keyword": ", ".join(tags),
    }
    paper = PaperData(
        title=str(item["title"]), key=str(item["id"]), entry_type=_TYPES[csl_type],
        authors=tuple(Author(f, g) for f, g in people)
        + tuple(Author(literal=name) for name in organisations),
        date=day.isoformat()[: (4, 7, 10)[precision - 1]], venue=str(item["container-title"]),
        volume=str(volume), number=str(item["issue"]), pages=str(item["page"]),
        publisher=str(item["publisher"]), doi=str(item["DOI"]), url="https://example.org/x",
        abstract=str(item["abstract"]), tags=tuple(tags),
    )
    return item, paper


@given(st.lists(_items(), min_size=1, max_size=3), st.sampled_from([None, 0, 2]))
@settings(max_examples=200, deadline=None)
def test_a_written_item_reads_back(cases: list[tuple[dict[str, object], PaperData]],
                                   indent: int | None) -> None:
    text = json.dumps([item for item, _ in cases], indent=indent, ensure_ascii=False)
    parsed = read(text)
    assert parsed.issues == ()
    assert parsed.records == tuple(paper for _, paper in cases)
    assert sniff(text)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["id", "type", "title", "author", "issued", "date-parts", "family",
                         "literal", "keyword", "DOI", "URL", "page", "x"]), inner, max_size=5),
    max_leaves=20,
)


@given(st.one_of(st.text(), _json.map(json.dumps),
                 _json.map(lambda value: json.dumps(value)[:-1])))
@settings(max_examples=300, deadline=None)
def test_any_text_reads_or_raises_format_error(text: str) -> None:
    try:
        parsed = read(text, file="f.json")
    except FormatError as exc:
        assert exc.file == "f.json"
        return
    assert len(parsed.records) == len(parsed.lines)
    for record in parsed.records:
        assert all(isinstance(value, str) for value in record.extra.values())
