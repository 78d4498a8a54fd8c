"""Identifier lists: DOIs and arXiv ids one per line, what is not one, and the sniffer."""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from db.errors import FormatError
from db.formats.idlist import arxiv_of, doi_of, read, sniff
from db.records import PaperData

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def test_fixture() -> None:
    text = (FIXTURES / "ids-list.txt").read_text(encoding="utf-8")
    parsed = read(text, file="ids-list.txt")
    assert [(r.doi, r.arxiv) for r in parsed.records] == [
        ("10.1000/xyz123", ""),
        ("10.1000/abc", ""),
        ("10.1000/a/b", ""),  # percent-decoded from the address
        ("", "2206.05437"),
        ("", "2206.05437"),
        ("", "2101.00001"),
        ("", "2101.00002"),
        ("", "hep-th/9901001"),
        ("", "math.GT/0309136"),
        ("10.48550/arxiv.2206.05437", "2206.05437"),
    ]
    assert parsed.lines == (2, 3, 4, 6, 7, 8, 9, 10, 11, 12)
    (issue,) = parsed.issues
    assert (issue.file, issue.line, issue.warning) == ("ids-list.txt", 13, False)
    assert "this line is not an id" in issue.message
    assert not sniff(text)  # one line of prose: not a list
    assert sniff(text.replace("this line is not an id", "# this line is not an id"))


def test_records_hold_the_id_only() -> None:
    doi, arxiv = read("10.1000/xyz\narXiv:2206.05437\n").records
    assert doi == PaperData(doi="10.1000/xyz", entry_type="misc",
                            extra={"needs_details": "yes"})
    assert arxiv == PaperData(arxiv="2206.05437", entry_type="article",
                              extra={"needs_details": "yes"})
    assert doi.title == "" and doi.authors == () and doi.date == ""


@pytest.mark.parametrize(("line", "doi", "arxiv"), [
    ("10.1000/xyz", "10.1000/xyz", ""),
    ("DOI: 10.1000/XYZ", "10.1000/xyz", ""),
    ("doi 10.1000/xyz", "10.1000/xyz", ""),
    ("http://dx.doi.org/10.1000/xyz", "10.1000/xyz", ""),
    ("doi.org/10.1000/xyz", "10.1000/xyz", ""),
    ("10.1002/(SICI)1097-4636(199706)35:4<475::AID-JBM8>3.0.CO;2-#",
     "10.1002/(sici)1097-4636(199706)35:4<475::aid-jbm8>3.0.co;2-#", ""),
    ("10/fqd6hj", "10/fqd6hj", ""),
    ("2206.05437v2", "", "2206.05437"),
    ("arxiv: 2206.05437", "", "2206.05437"),
    ("http://export.arxiv.org/abs/0704.0001", "", "0704.0001"),
    ("https://arxiv.org/abs/2206.05437v2?context=cs", "", "2206.05437"),
    ("arXiv:hep-th/9901001v3", "", "hep-th/9901001"),
    ("cond-mat/0102536", "", "cond-mat/0102536"),
])
def test_lines(line: str, doi: str, arxiv: str) -> None:
    assert (doi_of(line), arxiv_of(line) if not doi else arxiv) == (doi, arxiv)
    if doi or arxiv:
        (record,) = read(line).records
        assert (record.doi, record.arxiv) == (doi, arxiv)


@pytest.mark.parametrize("line", [
    "1234.5678",  # month 34
    "2206.0543",  # four digits after 2015
    "0704.00001",  # five digits before 2015
    "10.1/xyz",  # registrant too short
    "10.1000/",
    "10.1000/a b",
    "see 10.1000/xyz",
    "https://example.org/10.1000/xyz",
    "arXiv:",
    "hep-th/991301",
])
def test_not_ids(line: str) -> None:
    assert doi_of(line) == "" and arxiv_of(line) == ""
    assert not sniff(line)


def test_comments_blank_lines_crlf_and_bom() -> None:
    text = "\ufeff# ids\r\n\r\n  10.1000/xyz   # first\r\n\t\r\n# 10.1000/commented\r\n"
    parsed = read(text)
    assert [(r.doi, line) for r, line in zip(parsed.records, parsed.lines, strict=True)] == [
        ("10.1000/xyz", 3)]
    assert parsed.issues == ()


@pytest.mark.parametrize(("text", "line"), [
    ("", 0), ("# only a comment\n\n", 0), ("Dear reader,\nno ids here.\n", 1),
    ("\n\nTY  - JOUR\n", 3),
])
def test_nothing_to_read(text: str, line: int) -> None:
    with pytest.raises(FormatError, match="no DOI or arXiv id") as caught:
        read(text, file="ids.txt")
    assert (caught.value.file, caught.value.line) == ("ids.txt", line)


def test_hostile_input_is_quick() -> None:
    for text in ("10.1000/" + "x" * 10_000_000, "word " * 2_000_000,
                 "10.1000/x\n" + "not an id\n" * 200_000, "\x00" * 1_000_000):
        start = time.perf_counter()
        with contextlib.suppress(FormatError):
            read(text)
        sniff(text)
        assert time.perf_counter() - start < 10


# --- properties -----------------------------------------------------------------------

_doi = st.from_regex(r"10\.[0-9]{4,9}/[A-Za-z0-9._;()/:<>#-]{1,30}", fullmatch=True)
_new_arxiv = st.builds(
    lambda yy, mm, seq, version: f"{yy:02d}{mm:02d}.{seq:0{5 if yy >= 15 else 4}d}{version}",
    st.integers(7, 30), st.integers(1, 12), st.integers(1, 9999),
    st.sampled_from(["", "v1", "v12"]))


@given(st.lists(st.one_of(
    _doi.map(lambda d: (d, d.lower(), "")),
    _doi.map(lambda d: ("https://doi.org/" + d.replace("%", "%25"), d.lower(), "")),
    _new_arxiv.map(lambda a: ("arXiv:" + a, "", a.split("v")[0])),
    _new_arxiv.map(lambda a: ("https://arxiv.org/abs/" + a, "", a.split("v")[0])),
), min_size=1, max_size=10))
@settings(max_examples=200, deadline=None)
def test_written_lists_read_back(entries: list[tuple[str, str, str]]) -> None:
    text = "\n".join(line for line, _, _ in entries)
    assert sniff(text)
    parsed = read(text)
    assert [(r.doi, r.arxiv) for r in parsed.records] == [(d, a) for _, d, a in entries]
    assert parsed.issues == ()


@given(st.text())
@settings(max_examples=300, deadline=None)
def test_any_text_reads_or_raises_format_error(text: str) -> None:
    try:
        parsed = read(text, file="f.txt")
    except FormatError as exc:
        assert exc.file == "f.txt"
        return
    assert parsed.records and len(parsed.records) == len(parsed.lines)
