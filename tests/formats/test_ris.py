"""RIS: the shared corpus, a fixture for each rule, damaged and hostile input, round trips."""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from db.errors import FormatError
from db.formats import Parsed
from db.formats.ris import read, sniff
from db.records import Author, PaperData

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _corpus(folder: str) -> list[Path]:
    if not (CORPUS / folder).is_dir():
        pytest.skip("../shared/corpus is not beside the checkout")
    return sorted((CORPUS / folder).iterdir())


def _read_corpus(name: str) -> Parsed:
    path = CORPUS / "ris" / name
    if not path.exists():
        pytest.skip("../shared/corpus is not beside the checkout")
    return read(path.read_bytes().decode("utf-8-sig"), file=name)


def _one(text: str) -> PaperData:
    (record,) = read(text).records
    return record


def _rules() -> Parsed:
    return read((FIXTURES / "ris-rules.ris").read_text(encoding="utf-8"), file="ris-rules.ris")


# --- the shared corpus ----------------------------------------------------------------

# Files whose count differs from their `TY  -` lines, and why.
_EXPECTED_SHORT = {
    # Two records are a TY line and an ER line and nothing else.
    "asreview-baseline_reference_types.ris": 2,
    # Eight TY lines follow one another with nothing between them (11 TY, 1 ER).
    "jabref-RisImporterTest1.ris": 8,
}
_NOT_RIS = {
    "jabref-RisImporterCorrupted.ris",  # tags, but no TY line
    "rispy-example_wos.ris",  # Web of Science tagged text
}


@pytest.mark.corpus
def test_every_corpus_file_reads_or_says_why() -> None:
    total = expected = 0
    for path in _corpus("ris"):
        text = path.read_bytes().decode("utf-8-sig")
        ty_lines = text.count("TY  -")
        expected += ty_lines
        try:
            parsed = read(text, file=path.name)
        except FormatError as exc:
            assert path.name in _NOT_RIS, str(exc)
            assert exc.file == path.name
            continue
        assert path.name not in _NOT_RIS
        assert sniff(text), path.name
        assert len(parsed.records) == ty_lines - _EXPECTED_SHORT.get(path.name, 0), path.name
        assert len(parsed.lines) == len(parsed.records)
        assert list(parsed.lines) == sorted(parsed.lines)
        total += len(parsed.records)
    assert expected == 118  # what SOURCES.md counts
    assert total == 108


@pytest.mark.corpus
def test_corpus_wos_and_corrupted_files_say_why() -> None:
    with pytest.raises(FormatError, match="Web of Science"):
        _read_corpus("rispy-example_wos.ris")
    with pytest.raises(FormatError, match="no RIS record") as caught:
        _read_corpus("jabref-RisImporterCorrupted.ris")
    assert caught.value.line == 2  # the first tag line, JF


@pytest.mark.corpus
def test_corpus_ty_er_mismatch() -> None:
    parsed = _read_corpus("jabref-RisImporterTest1.ris")
    assert parsed.lines == (10, 39, 43)
    skipped = [issue for issue in parsed.issues if not issue.warning]
    assert [issue.line for issue in skipped] == list(range(2, 10))
    first = parsed.records[0]
    assert first.entry_type == "inproceedings"  # TY - CONF
    assert first.title == "Editorial."  # TI wins over T1; the four T1 values are kept
    assert first.extra["ris.primary_title"].count("\n") == 3
    assert first.date == "2001-09-01"
    assert first.extra["ris.year"] == "99\nYEAR/MONTH/DAY/"
    assert first.pages == "193-194"
    # A1's continuation lines are more authors, as rispy reads a list tag.
    assert [a.display for a in first.authors] == ["Cocke", "Warren Harrison", "Levenshtein",
                                                  "Morris"]
    assert parsed.records[1].extra["ris.type"] == "other"
    last = parsed.records[2]
    assert last.entry_type == "thesis"
    assert last.doi == "10.1023/a:1017379030770"  # from the dx.doi.org address
    assert last.tags == ("keyword0", "keyword1")
    assert last.abstract == "abstract1" and last.extra["ris.notes_abstract"] == "abstract0"


@pytest.mark.corpus
def test_corpus_crlf_bom_and_every_type() -> None:
    parsed = _read_corpus("asreview-baseline_reference_types.ris")
    assert {record.entry_type for record in parsed.records} == {
        "article", "book", "inproceedings", "incollection", "thesis", "report", "webpage",
        "misc", "dataset", "software", "patent", "unpublished", "standard"}
    unknown = {r.extra.get("ris.type") for r in parsed.records if r.entry_type == "misc"}
    assert {"ancient", "sound", "mpct", "unbill", None} <= unknown  # None: GEN
    for record in parsed.records:
        assert all("\r" not in value for value in record.extra.values())


@pytest.mark.corpus
def test_corpus_dates_names_and_venues() -> None:
    record = _read_corpus("jabref-RisImporterTestWithEmptyER.ris").records[0]
    assert record.date == "2013-07-22"  # Y1, which agrees with PY 2013
    assert record.extra["ris.date"] == "2013/07/28"  # DA says another day: kept
    assert "ris.year" not in record.extra  # PY 2013 only repeats the year
    assert record.venue == "The Journal of Chemical Physics"  # JF before JO's abbreviation
    assert record.extra["ris.journal_name"] == "J. Chem. Phys."
    assert record.authors == (Author("Shi", "Yu"), Author("Beck", "Thomas L."))
    assert _read_corpus("jabref-RisImporterTest7.ris").records[0].date == "2015-10"
    record = _read_corpus("rispy-example_empty_tag.ris").records[0]
    assert record.authors == (Author("Fanning", "E."),)
    assert record.doi == "10.1177/2325967120950040"
    assert record.tags == ("*athlete", "biomechanics", "bone remodeling")


@pytest.mark.corpus
def test_corpus_multiline_urls_and_type_names() -> None:
    parsed = _read_corpus("rispy-example_multiline.ris")
    assert {r.abstract for r in parsed.records} == {
        "first line, ER then second line and at the end the last line"}
    assert parsed.records[0].extra["ris.notes"] == "first line\n* second line\n* last line"
    urls = _read_corpus("rispy-example_urls.ris").records
    assert [r.url for r in urls] == ["http://example.com"] * 4
    assert [r.extra.get("ris.urls") for r in urls] == [None] + ["http://www.example.com"] * 3
    record = _read_corpus("rispy-example_utf_chars.ris").records[0]  # BOM, "Journal Article"
    assert record.entry_type == "article"
    assert record.extra["ris.type"] == "journal article"
    assert record.volume == "8"  # VO, which rispy does not know
    assert record.authors[0] == Author("Dobrokhotova", "Yu E.")
    assert record.extra["ris.notes"] == "Ä,Ö,Ü,ä,ö,ü,ß"


# --- the rules, on a fixture ----------------------------------------------------------


def test_fixture_records_and_lines() -> None:
    parsed = _rules()
    assert parsed.lines == (3, 32, 40, 45)
    assert [(issue.line, issue.warning) for issue in parsed.issues] == [
        (32, True), (45, True)]
    assert "2021/13/01/" in str(parsed.issues[0])
    assert "no 'ER  -' line" in parsed.issues[1].message


def test_fixture_modelled_fields() -> None:
    record = _rules().records[0]
    assert record == PaperData(
        title="Allen-Cahn Message Passing",
        key="",
        entry_type="article",
        abstract="The first line of the abstract continues on a second line.",
        date="2019-05-12",
        venue="Journal of Machine Learning",
        volume="12",
        number="3",
        pages="100-110",
        publisher="JMLR",
        doi="10.1000/abc.123",
        arxiv="2206.05437",
        url="https://arxiv.org/abs/2206.05437v2",
        authors=(Author("Wang", "Yuelin"), Author("Yi", "K."),
                 Author(literal="World Health Organization"), Author("Fanning", "E.")),
        tags=("graphs", "message passing"),
        extra=record.extra,
    )
    assert dict(record.extra) == {
        "ris.id": "rec1",
        "ris.secondary_authors": "Editor, Ed",  # A2: editors, not authors
        "ris.journal_name": "J. Mach. Learn.",
        "ris.issn": "1234-5678",
        "ris.XY": "an unknown tag\nsaid twice",
    }


def test_fixture_suffix_et_al_bad_date_unknown_type_and_missing_er() -> None:
    _, conference, sound, book = _rules().records
    assert conference.entry_type == "inproceedings"
    assert conference.authors == (Author("King, Jr.", "Martin Luther"),)
    assert conference.authors[0].display == "Martin Luther King, Jr."
    assert conference.et_al
    assert conference.date == "" and conference.extra["ris.year"] == "2021/13/01/"
    assert conference.venue == "Proceedings of Something"
    assert (sound.entry_type, sound.extra["ris.type"], sound.date) == ("misc", "sound", "1999")
    assert book.title == "A book whose ER line is missing"
    assert book.date == "2005-07-15"
    assert book.extra["ris.year"] == "2005/07/15/Summer"  # says more than the date


@pytest.mark.parametrize(("code", "entry_type", "kept"), [
    ("JOUR", "article", None), ("CONF", "inproceedings", None),
    ("CPAPER", "inproceedings", "cpaper"), ("BOOK", "book", None),
    ("CHAP", "incollection", None), ("THES", "thesis", None), ("RPRT", "report", None),
    ("GEN", "misc", None), ("ELEC", "webpage", None), ("MGZN", "article", "mgzn"),
    ("DATA", "dataset", None), ("jour", "article", "jour"), ("WHATEVER", "misc", "whatever"),
    ("Journal", "article", "journal"), ("", "misc", None),
])
def test_types(code: str, entry_type: str, kept: str | None) -> None:
    record = _one(f"TY  - {code}\nTI  - T\nER  - \n")
    assert record.entry_type == entry_type
    assert record.extra.get("ris.type") == kept


@pytest.mark.parametrize(("lines", "date", "extra"), [
    (["PY  - 2019"], "2019", {}),
    (["PY  - 2019///"], "2019", {}),
    (["PY  - 2019/05/12/"], "2019-05-12", {}),
    (["PY  - 2019/05//"], "2019-05", {}),
    (["PY  - 2019/00/00/"], "2019", {}),
    (["PY  - 2019-05-12"], "2019-05-12", {}),
    (["Y1  - 2014//"], "2014", {}),
    (["DA  - 2009/02/29"], "", {"ris.date": "2009/02/29"}),  # no such day
    (["PY  - 2019", "DA  - 2019/05/12"], "2019-05-12", {}),
    (["PY  - 2019", "DA  - 2020/05/12"], "2019", {"ris.date": "2020/05/12"}),
    (["PY  - ///"], "", {}),
    (["PY  - 2015/october"], "2015-10", {}),
    (["PY  - 2015//12"], "", {"ris.year": "2015//12"}),  # a day without a month
    (["PY  - Spring 2004"], "", {"ris.year": "Spring 2004"}),
])
def test_dates(lines: list[str], date: str, extra: dict[str, str]) -> None:
    parsed = read("\n".join(["TY  - JOUR", "TI  - T", *lines, "ER  - "]))
    (record,) = parsed.records
    assert record.date == date
    assert dict(record.extra) == extra
    assert len(parsed.issues) == (1 if date == "" and extra else 0)
    assert all(issue.warning and issue.line == 1 for issue in parsed.issues)


@pytest.mark.parametrize(("name", "author"), [
    ("Smith, John", Author("Smith", "John")),
    ("Smith,John ", Author("Smith", "John")),
    ("Smith, J.", Author("Smith", "J.")),
    ("Smith, John, III", Author("Smith, III", "John")),
    ("Smith, John, Jr., Esq.", Author("Smith", "John, Jr., Esq.")),
    ("Smith J.A.", Author("Smith", "J.A.")),
    ("Smith JA", Author("Smith", "JA")),
    ("NASA JPL", Author(literal="NASA JPL")),
    ("World Health Organization", Author(literal="World Health Organization")),
    ("Cocke", Author(literal="Cocke")),
])
def test_names(name: str, author: Author) -> None:
    assert _one(f"TY  - JOUR\nAU  - {name}\nER  - \n").authors == (author,)


def test_several_au_a1_and_kw_lines_keep_their_order() -> None:
    record = _one("TY  - JOUR\nAU  - A, a\nAU  - B, b\nA1  - C, c\nKW  - x\nKW  - y\n"
                  "KW  - \nER  - \n")
    assert [a.family for a in record.authors] == ["A", "B", "C"]
    assert record.tags == ("x", "y")


def test_crlf_lone_cr_and_bom() -> None:
    text = (FIXTURES / "ris-rules.ris").read_text(encoding="utf-8")
    lf = read(text)
    assert read("\ufeff" + text.replace("\n", "\r\n")) == lf
    assert read(text.replace("\n", "\r")) == lf


def test_pages() -> None:
    assert _one("TY  - JOUR\nSP  - 100–110\nER  -\n").pages == "100-110"
    assert _one("TY  - JOUR\nSP  - e0815\nER  -\n").pages == "e0815"
    record = _one("TY  - JOUR\nEP  - 9\nER  -\n")
    assert (record.pages, record.extra["ris.end_page"]) == ("", "9")


def test_identifiers() -> None:
    record = _one("TY  - JOUR\nDO  - not a doi\nUR  - https://doi.org/10.1000/X\n"
                  "UR  - https://arxiv.org/pdf/hep-th/9901001v2.pdf\nER  - \n")
    assert record.doi == "10.1000/x" and record.extra["ris.doi"] == "not a doi"
    assert record.arxiv == "hep-th/9901001"


def test_stray_tags_and_text_outside_records() -> None:
    parsed = read("JF  - Orphan\nER  -\nnoise\nTY  - JOUR\nTI  - T\nER  -\nAU  - Late, A\n"
                  "AB  - also late\n")
    assert [r.title for r in parsed.records] == ["T"]
    assert [(i.line, i.warning) for i in parsed.issues] == [(1, False), (7, False)]
    assert "outside a record" in parsed.issues[0].message


def test_untagged_line_after_ty_is_kept() -> None:
    record = _one("TY  - JOUR\nsomething without a tag\nTI  - T\nER  - \n")
    assert record.extra["ris.untagged"] == "something without a tag"


def test_a_real_uk_tag_does_not_confuse_rispy() -> None:
    record = _one("TY  - JOUR\nUK  - one\nZZ  - two\nUK  - three\nER  - \n")
    assert record.extra == {"ris.unknown_tag": "one\nthree", "ris.ZZ": "two"}


def test_repeated_single_tag_with_continuation() -> None:
    # rispy alone raises TypeError on this: the second TI makes a list, then the
    # continuation line tries to join text onto it.
    record = _one("TY  - JOUR\nTI  - first\nTI  - second\n  more\nER  -\n")
    assert record.title == "first"
    assert record.extra["ris.title"] == "second more"


def test_empty_records_only() -> None:
    parsed = read("TY  - JOUR\nER  -\nTY  - BOOK\nTI  -\nER  -\n")
    assert parsed.records == ()
    assert [(i.line, i.warning) for i in parsed.issues] == [(1, False), (3, False)]


@pytest.mark.parametrize("text", ["", "   \n", "@article{x,\n title={T}\n}\n",
                                  "Some prose.\nMore prose.", "\x00\x01\x02binary"])
def test_not_ris(text: str) -> None:
    with pytest.raises(FormatError, match="no RIS record"):
        read(text, file="x.ris")


# --- hostile input --------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "TY  - JOUR\nTI  - " + "x" * 10_000_000 + "\nER  - \n",
    "TY  - JOUR\nAB  - a\n" + "continued\n" * 300_000,
    "TY  - X\n" * 200_000,
    "".join(chr(i % 0x2FF) for i in range(2_000_000)),
])
def test_hostile_input_is_quick(text: str) -> None:
    start = time.perf_counter()
    with contextlib.suppress(FormatError):
        read(text)
    assert time.perf_counter() - start < 10


# --- properties -----------------------------------------------------------------------

_line_text = st.text(
    st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=40
).map(str.strip).filter(bool)
_word = st.from_regex(r"[A-Z][a-zà-ÿ'-]{0,12}", fullmatch=True)
_person = st.builds(Author, family=st.builds(" ".join, st.lists(_word, min_size=1, max_size=3)),
                    given=st.builds(" ".join, st.lists(_word, max_size=3)))
_organisation = st.builds(lambda words: Author(literal=" ".join(words) + " Institute"),
                          st.lists(_word, min_size=1, max_size=3))


@st.composite
def _records(draw: st.DrawFn) -> tuple[str, PaperData]:
    code, entry_type = draw(st.sampled_from([
        ("JOUR", "article"), ("CONF", "inproceedings"), ("BOOK", "book"),
        ("CHAP", "incollection"), ("THES", "thesis"), ("RPRT", "report"), ("GEN", "misc")]))
    authors = draw(st.lists(st.one_of(_person, _organisation), max_size=4))
    day = draw(st.dates())
    precision = draw(st.sampled_from([1, 2, 3]))
    date = day.isoformat()[: (4, 7, 10)[precision - 1]]
    first, last = draw(st.integers(1, 9999)), draw(st.integers(1, 9999))
    paper = PaperData(
        title=draw(_line_text), entry_type=entry_type, authors=tuple(authors), date=date,
        venue=draw(_line_text), volume=draw(_line_text), number=draw(_line_text),
        pages=f"{first}-{last}", publisher=draw(_line_text),
        doi=draw(st.from_regex(r"10\.[0-9]{4,6}/[a-z0-9._()-]{1,20}", fullmatch=True)),
        url="https://example.org/" + draw(st.from_regex(r"[a-z0-9/]{0,20}", fullmatch=True)),
        abstract=draw(_line_text),
        tags=tuple(draw(st.lists(_line_text, max_size=4, unique=True))),
    )
    names = [a.literal or f"{a.family}, {a.given}" for a in paper.authors]
    ris_date = "/".join(date.split("-")) + "/" * (4 - precision)
    lines = [f"TY  - {code}", f"TI  - {paper.title}", *(f"AU  - {n}" for n in names),
             f"PY  - {ris_date}", f"JF  - {paper.venue}", f"VL  - {paper.volume}",
             f"IS  - {paper.number}", f"SP  - {first}", f"EP  - {last}",
             f"PB  - {paper.publisher}", f"DO  - {paper.doi}", f"UR  - {paper.url}",
             f"AB  - {paper.abstract}", *(f"KW  - {tag}" for tag in paper.tags), "ER  - "]
    return "\n".join(lines) + "\n", paper


@given(_records())
@settings(max_examples=200, deadline=None)
def test_a_written_record_reads_back(case: tuple[str, PaperData]) -> None:
    text, paper = case
    parsed = read(text)
    assert parsed.issues == ()
    assert parsed.records == (paper,)
    assert sniff(text)


_ris_lines = st.lists(st.one_of(
    st.builds(lambda tag, value: f"{tag}  - {value}",
              st.sampled_from(["TY", "ER", "TI", "AU", "PY", "DA", "KW", "UR", "SP", "EP",
                               "DO", "UK", "A1", "T1", "N1", "ZZ"]),
              st.text(max_size=20)),
    st.text(max_size=20),
), max_size=30)


@given(st.one_of(st.text(), _ris_lines.map("\n".join), _ris_lines.map("\r\n".join)))
@settings(max_examples=300, deadline=None)
def test_any_text_reads_or_raises_format_error(text: str) -> None:
    try:
        parsed = read(text, file="f.ris")
    except FormatError as exc:
        assert exc.file == "f.ris"
        return
    assert len(parsed.records) == len(parsed.lines)
    for record in parsed.records:
        assert all(isinstance(value, str) for value in record.extra.values())
