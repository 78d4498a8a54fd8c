"""Researcher-profile listings: the shipped sample, other researchers, damaged input."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from db.errors import FormatError
from db.formats.profile import (
    SUBJECTS,
    ProfileHeader,
    ProfileListing,
    category_for,
    read,
    sniff,
)
from db.records import Author, PaperData

REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "resources" / "sample" / "kai-yi-profile.txt"
SEED = REPO.parent / "shared" / "seeds" / "000_8318308be3549b7e.txt"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
_SKIPPED = "not understood (a paper starts with a line such as 'LGJun 11, 2022'); skipped"


def _sample_text() -> str:
    for path in (SHIPPED, SEED):
        if path.exists():
            return path.read_text(encoding="utf-8")
    pytest.skip("../shared/seeds is not beside the checkout")


def _sample() -> ProfileListing:
    return read(_sample_text(), file="kai-yi-profile.txt", capture_year=2025)


def _by_title(listing: ProfileListing, start: str) -> PaperData:
    (paper,) = [paper for paper in listing.papers if paper.title.startswith(start)]
    return paper


def _fontaine(capture_year: int = 2024) -> ProfileListing:
    text = (FIXTURES / "profile-fontaine.txt").read_text(encoding="utf-8")
    return read(text, file="profile-fontaine.txt", capture_year=capture_year)


def _block(meta: str, title: str, authors: str = "Ann Lee", abstract: str = "") -> str:
    """A paper as the site lays it out; join blocks with a blank line ("\\n\\n")."""
    return "\n".join([meta, title, "", authors] + (["", abstract] if abstract else []))


# --- the real sample ------------------------------------------------------------------


def test_shipped_sample_is_the_seed() -> None:
    if not (SHIPPED.exists() and SEED.exists()):
        pytest.skip("needs both resources/sample and ../shared/seeds")
    assert SHIPPED.read_bytes() == SEED.read_bytes()


def test_sample_header() -> None:
    header = _sample().header
    assert header == ProfileHeader(name="Kai Yi", subject="LG", h_index=80, papers=33,
                                   citations=741, novelty="53%", score=60.0)
    assert header.description() == (
        "Subject cs.LG · h-index 80 · 33 papers · 741 citations · novelty 53% · AI score 60"
    )


def test_sample_reads_every_paper_in_order_without_issues() -> None:
    listing = _sample()
    assert len(listing.papers) == 33
    assert listing.issues == ()
    assert [paper.title for paper in listing.papers[:4]] == [
        "ACMP: Allen-Cahn Message Passing with Attractive and Repulsive Forces for Graph "
        "Neural Networks",
        "Continual Zero-Shot Learning through Semantically Guided Generative Random Walks",
        "Accurate and Definite Mutational Effect Prediction with Lightweight Equivariant Graph "
        "Neural Networks",
        "EF-BV: A Unified Theory of Error Feedback and Variance Reduction Mechanisms for Biased "
        "and Unbiased Compression in Distributed Optimization",
    ]
    assert listing.papers[-1].title.startswith("Feature Selective Small Object Detection")
    assert listing.lines[:3] == (12, 19, 26)
    assert listing.lines[-1] == 236


def test_sample_lines_point_at_meta_lines_and_abstracts_are_verbatim() -> None:
    raw = _sample_text().split("\n")
    listing = _sample()
    for number, paper in zip(listing.lines, listing.papers, strict=True):
        assert raw[number] == paper.title  # the line after the meta line (0-based number)
        assert raw[number + 4] == paper.abstract  # meta, title, blank, authors, blank
    assert "3-7\\%" in _by_title(listing, "Continual Zero-Shot").abstract
    assert "$\\mathbb{S}^2$" in _by_title(listing, "Approximate Equivariance").abstract


def test_sample_code_markers() -> None:
    # Counted in the file: six meta lines end in "Code" (lines 12, 19, 75, 89, 96, 103).
    marked = [paper.title.split(":")[0] for paper in _sample().papers
              if paper.extra.get("has_code") == "yes"]
    assert marked == ["ACMP", "Continual Zero-Shot Learning through Semantically Guided "
                      "Generative Random Walks", "DiffImpute",
                      "All-atom inverse protein folding through discrete flow matching",
                      "Imaginative Walks", "VisualGPT"]


def test_sample_code_urls() -> None:
    urls = {paper.title.split(":")[0][:20]: paper.code_url
            for paper in _sample().papers if paper.code_url}
    assert urls == {
        "ACMP": "https://github.com/ykiiiiii/ACMP",
        "Continual Zero-Shot ": "https://github.com/wx-zhang/IGCZSL",
        "Exploring Hierarchic": "https://kaiyi.me/p/hgrnet.html",
        "DiffImpute": "https://github.com/Dendiiiii/DiffImpute",
        "All-atom inverse pro": "https://github.com/ykiiiiii/ADFLIP",
        "Imaginative Walks": "https://github.com/Vision-CAIR/GRaWD",
        "VisualGPT": "https://github.com/Vision-CAIR/VisualGPT",
    }


def test_sample_dates_without_a_year_take_the_capture_year() -> None:
    later = read(_sample_text(), capture_year=2031)  # no paper in the file is from 2031
    undated = {paper.title.split(":")[0]: paper.date for paper in later.papers
               if paper.date.startswith("2031-")}
    assert undated == {"JacQuant": "2031-05-25", "WinQ": "2031-05-17", "CARE": "2031-02-25"}
    assert [paper.date for paper in _sample().papers if paper.title.split(":")[0] in undated] == [
        "2025-05-25", "2025-05-17", "2025-02-25"]
    assert _by_title(later, "ACMP").date == "2022-06-11"


def test_default_capture_year_is_this_year() -> None:
    jacquant = _by_title(read(_sample_text()), "JacQuant")
    assert jacquant.date == f"{datetime.date.today().year}-05-25"


def test_sample_acmp_paper() -> None:
    acmp = _by_title(_sample(), "ACMP")
    assert acmp.authors == (Author(family="Wang", given="Yuelin"), Author(family="Yi", given="Kai"),
                            Author(family="Liu", given="Xinliang"))
    assert acmp.et_al
    assert acmp.category == "cs.LG"
    assert acmp.extra == {"subject": "LG", "has_code": "yes"}
    assert acmp.score is None
    assert (acmp.entry_type, acmp.url, acmp.doi, acmp.arxiv) == ("article", "", "", "")


def test_sample_names() -> None:
    listing = _sample()
    ef_bv = _by_title(listing, "EF-BV")
    assert ef_bv.authors[2] == Author(family="Richtárik", given="Peter")
    assert not ef_bv.et_al
    needlet = _by_title(listing, "Approximate Equivariance")
    assert needlet.authors[2] == Author(family="Wang", given="Yu Guang")
    flow = _by_title(listing, "All-atom")
    assert flow.authors[2] == Author(family="Scheres", given="Sjors H. W.")
    assert _by_title(listing, "CARE").authors[0] == Author(family="Zhang", given="Di")
    assert _by_title(listing, "Strategies").authors == (Author(family="Yi", given="Kai"),)


def test_sample_categories_and_scores() -> None:
    listing = _sample()
    expected = {"LG": "cs.LG", "CV": "cs.CV", "QM": "q-bio.QM", "IV": "eess.IV",
                "BM": "q-bio.BM", "ML": "stat.ML"}
    assert {paper.extra["subject"]: paper.category for paper in listing.papers} == expected
    scored = {paper.title.split(":")[0]: paper.score for paper in listing.papers
              if paper.score is not None}
    assert scored == {"JacQuant": 58.9, "WinQ": 73.8}


# --- another researcher ---------------------------------------------------------------


def test_other_researcher_header() -> None:
    listing = _fontaine()
    assert listing.issues == ()
    assert listing.header == ProfileHeader(name="Jean de la Fontaine", subject="ML",
                                           h_index=12, papers=4, citations=1204,
                                           novelty="41.5%", score=72.0)
    assert listing.header.description() == (
        "Subject stat.ML · h-index 12 · 4 papers · 1204 citations · novelty 41.5% · AI score 72"
    )


def test_other_researcher_papers() -> None:
    sparse, folding, leap, parsing = _fontaine(capture_year=2024).papers
    assert sparse.date == "2024-12-31"
    assert sparse.category == "stat.ML"
    assert sparse.authors == (Author(family="van Beethoven", given="Ludwig"),
                              Author(family="da Silva", given="Ana"),
                              Author(family="Zhang", given="Di"))
    assert sparse.code_url == "https://gitlab.com/lvb/sparse_kernels"
    assert sparse.abstract.startswith("We study $\\ell_1$ penalties for {\\em online} kernels")
    assert "has_code" not in sparse.extra

    assert (folding.score, folding.category, folding.date) == (77.0, "q-bio.BM", "2019-03-03")
    assert folding.authors == (Author(family="von Trapp", given="Maria"),
                               Author(family="Zhang", given="Q."))
    assert folding.et_al
    assert folding.extra == {"subject": "BM", "has_code": "yes"}
    assert folding.code_url == ""  # a data address is not the code's

    assert (leap.category, leap.date, leap.abstract) == ("ZZ", "2020-02-29", "")
    assert leap.extra == {"subject": "ZZ"}
    assert leap.authors == (Author(family="Chen", given="Wei"),)

    assert (parsing.score, parsing.category) == (12.5, "cs.CL")
    assert parsing.code_url == "https://example.org/parse"
    assert _fontaine().lines == (12, 19, 26, 30)


def test_crlf_and_bom_read_the_same() -> None:
    text = (FIXTURES / "profile-fontaine.txt").read_text(encoding="utf-8")
    windows = "\ufeff" + text.replace("\n", "\r\n")
    assert read(windows, capture_year=2024) == read(text, capture_year=2024)
    assert sniff(windows)


def test_no_header() -> None:
    text = "\n\n".join([_block("CVJan 5, 2024", "Seeing Things", "Ann Lee, Bo Li", "We see."),
                        _block("NEMar 1", "Evolving Things", "Single")])
    listing = read(text, capture_year=2023)
    assert listing.header is None
    assert listing.issues == ()
    assert [(p.title, p.category, p.date) for p in listing.papers] == [
        ("Seeing Things", "cs.CV", "2024-01-05"), ("Evolving Things", "cs.NE", "2023-03-01")]
    assert listing.papers[1].authors == (Author(family="Single"),)
    assert listing.lines == (1, 8)


# --- damaged input --------------------------------------------------------------------


def test_garbled_meta_line_is_reported_and_skipped() -> None:
    text = "\n\n".join([
        _block("LGJan 2, 2022", "First", "Ann Lee", "One."),   # lines 1-6
        _block("LGJnu 11, 2022", "Lost", "Bo Li", "Two."),     # lines 8-13
        _block("LGMar 3, 2022", "Third", "Cy Wu", "Three."),   # lines 15-20
    ])
    listing = read(text)
    assert [paper.title for paper in listing.papers] == ["First", "Third"]
    assert listing.lines == (1, 15)
    assert [issue.line for issue in listing.issues] == [8]
    assert listing.papers[0].abstract == "One."


def test_garbled_meta_line_after_a_paper_without_abstract() -> None:
    text = "\n\n".join([_block("LGJan 2, 2022", "First", "Ann Lee"),         # lines 1-4
                        _block("CVJun 3l, 2022", "Lost", "Bo Li", "Two."),   # lines 6-11
                        _block("LGMar 3, 2022", "Third", "Cy Wu")])          # lines 13-16
    listing = read(text, file="x.txt")
    assert [(paper.title, paper.abstract) for paper in listing.papers] == [("First", ""),
                                                                           ("Third", "")]
    assert listing.lines == (1, 13)
    assert [(issue.file, issue.line) for issue in listing.issues] == [("x.txt", 6)]


def test_impossible_dates_are_reported_and_skipped() -> None:
    text = "\n\n".join([_block("LGFeb 30, 2022", "Bad", "Ann Lee", "x"),
                        _block("LGFeb 29", "Leap", "Bo Li", "y"),
                        _block("LGFeb 28", "Fine", "Cy Wu", "z")])
    listing = read(text, capture_year=2023)
    assert [paper.title for paper in listing.papers] == ["Fine"]
    assert [issue.line for issue in listing.issues] == [1, 8]
    assert "'Feb 30, 2022' is not a date" in listing.issues[0].message
    assert [p.title for p in read(text, capture_year=2024).papers] == ["Leap", "Fine"]


def test_meta_line_without_title_or_authors() -> None:
    text = "LGJan 2, 2022\nOnly a title\n\nLGJan 3, 2022\nTitle\nAnn Lee\n\nMLMay 1"
    listing = read(text)
    assert [paper.title for paper in listing.papers] == ["Title"]
    assert [issue.line for issue in listing.issues] == [1, 8]


def test_abstract_where_authors_should_be_is_not_taken_for_names() -> None:
    text = "\n\n".join([
        "LGJan 2, 2022\nTitle\n\nWe study things and find that they work well, mostly.",
        "LGJan 3, 2022\nShort\n\nWe prove $x=1$.",       # lines 6-9: short, but not names
        _block("LGJan 4, 2022", "Next", "Ann Lee"),       # lines 11-14
    ])
    listing = read(text, capture_year=2022)
    assert [paper.title for paper in listing.papers] == ["Next"]
    assert [issue.line for issue in listing.issues] == [1, 6]


def test_header_count_mismatch_is_a_warning() -> None:
    text = "\n\n".join(["Ann Lee\n\nCV\nh-index3\n35papers\n34 Papers",   # lines 1-6
                        _block("CVMay 2, 2024", "Only", "Ann Lee", "Text."),   # lines 8-13
                        "Stray text"])                                         # line 15
    listing = read(text, file="ann.txt")
    assert len(listing.papers) == 1
    assert [str(issue) for issue in listing.issues] == [
        "ann.txt:5: the header says 35 papers but 1 was read",  # the first count is the one
        "ann.txt:15: " + _SKIPPED]


def test_unknown_header_lines_are_ignored_with_a_warning() -> None:
    listing = read("Ann Lee\nh-index3\nFollowers12\nAI Score7.5\n\n" + _block("LGMay 2", "T"))
    assert listing.header is not None
    assert (listing.header.name, listing.header.h_index, listing.header.score) == (
        "Ann Lee", 3, 7.5)
    assert [(issue.line, issue.message) for issue in listing.issues] == [
        (3, "ignored in the header: Followers12")]


def test_header_only() -> None:
    listing = read("Ann Lee\nh-index3\n2papers\n")
    assert listing.header is not None and listing.header.name == "Ann Lee"
    assert listing.papers == ()
    assert "says 2 papers but 0 were read" in listing.issues[0].message


def test_text_after_the_header_is_reported() -> None:
    listing = read("Ann Lee\nh-index3\nSomething else\n\n" + _block("LGMay 2, 2024", "T"))
    assert [issue.line for issue in listing.issues] == [3]
    assert len(listing.papers) == 1


@pytest.mark.parametrize("text", [
    "@article{lee2024,\n  title = {Seeing Things},\n  author = {Lee, Ann},\n  year = {2024}\n}\n",
    "Just some prose.\nAnother line.\n",
    "",
    "\ufeff\r\n\r\n",
])
def test_not_a_listing(text: str) -> None:
    assert not sniff(text)
    with pytest.raises(FormatError, match="not a researcher profile listing"):
        read(text, file="in.txt")


def test_sniff() -> None:
    assert sniff(_sample_text())
    assert sniff("\n\n58.9LGMay 25\nJacQuant\n")
    assert sniff("Ann Lee\nCV\nh-index3\n12citations\n")
    assert not sniff("CV\n")  # a lone code is too little to claim the text
    assert not sniff("Ann Lee\nSome prose here.\nLGJan 2, 2022\n")


# --- subjects and descriptions --------------------------------------------------------


def test_subjects() -> None:
    required = {"LG": "cs.LG", "CV": "cs.CV", "QM": "q-bio.QM", "IV": "eess.IV",
                "BM": "q-bio.BM", "ML": "stat.ML", "CL": "cs.CL", "AI": "cs.AI",
                "RO": "cs.RO", "NE": "cs.NE", "IR": "cs.IR", "CR": "cs.CR", "DS": "cs.DS",
                "SD": "cs.SD", "OC": "math.OC", "ST": "math.ST", "GN": "q-bio.GN",
                "NC": "q-bio.NC", "AS": "eess.AS", "SP": "eess.SP", "SY": "eess.SY"}
    assert {code: SUBJECTS[code] for code in required} == required
    assert category_for("ZZ") == "ZZ"
    assert category_for("CO") == "CO"  # stat, math and astro-ph all have a CO
    assert category_for("QM") == "q-bio.QM"


def test_partial_description() -> None:
    header = ProfileHeader(name="Ann", subject="", h_index=None, papers=1, citations=None,
                           novelty="", score=58.9)
    assert header.description() == "1 paper · AI score 58.9"


# --- properties -----------------------------------------------------------------------

_METAS = ["LGJun 11, 2022Code", "58.9LGMay 25", "MLDec 31"]
_PIECES = [*_METAS, "", "ZZFeb 30", "CVJnu 3, 2020", "A Title", "Ann Lee, Bo Li et al.",
           "An abstract, with $x$ and \\url{https://github.com/a/b}.", "h-index4", "3papers",
           "Kai Yi", "   ", "\r", "et al."]


@given(st.lists(st.sampled_from(_PIECES), max_size=30))
def test_any_arrangement_reads_or_raises_format_error(pieces: list[str]) -> None:
    text = "\n".join(pieces)
    try:
        listing = read(text, capture_year=2024)
    except FormatError:
        # a header figure on the first line always makes a header, so that cannot fail
        assert next((p for p in pieces if p.strip()), "") not in ("h-index4", "3papers")
        return
    raw = text.split("\n")
    assert len(listing.lines) == len(listing.papers)
    assert list(listing.lines) == sorted(set(listing.lines))
    for number, paper in zip(listing.lines, listing.papers, strict=True):
        assert raw[number - 1] in _METAS
        assert paper.title and paper.authors
