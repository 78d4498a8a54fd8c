"""Hostile input for every importer: a FormatError naming the file, or records an import
takes — never another exception.

``tests/formats/test_*.py`` already feed each reader random text and random arrangements
of its syntax. These cases start from valid files instead (the fixtures, and what the
product's own writers make of synthetic papers) and damage them the way files get
damaged: spans cut out, doubled or swapped, syntax fragments pushed in, truncation, line
ends changed. Each format also gets a grammar of its own near-valid constructs (crossref
cycles, date parts of every type, impossible dates). The records that come out are then
imported into a real library (rolled back each time): a record a reader accepts must be
one the library accepts.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from benchmarks import synthetic
from db import exporting
from db.errors import FormatError, LibraryError
from db.formats import ExportOptions, FormatIssue, Parsed, bibtex, csljson, idlist, profile, ris
from db.importing import read_text
from db.library import Library
from db.papers import ImportSource
from db.records import STATUSES, Author, PaperData
from tests.reliability.common import REPORT, fuzz_settings

FIXTURES = Path(__file__).resolve().parent.parent / "formats" / "fixtures"
FILE = "fuzzed.txt"
# Characters some line splitter may count as a line end: no line number in an error or an
# issue may point past the last of them.
_LINE_ENDS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


# -- valid starting points -----------------------------------------------------------------

@cache
def _written(fmt: str) -> str:
    """What the product's writer makes of a few synthetic papers (abstracts left out:
    short seeds let the mutations reach every part of them)."""
    with Library.memory() as library:
        records = list(synthetic.papers(4, seed=11))
        ids = list(library.import_papers(records).added)
        library.add_note(ids[0], "A *note* with {braces} and \\commands")
        return exporting.export(library, ids, fmt, ExportOptions(abstracts=False))


def _fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


@cache
def seeds(fmt: str) -> tuple[str, ...]:
    if fmt == "bibtex":
        return (_fixture("bibtex-mixed.bib"), _fixture("bibwrite-hostile.bib"),
                _fixture("bibwrite-imported.bib"), _written("bibtex"), _written("biblatex"),
                synthetic.to_bibtex(list(synthetic.papers(2, seed=5))))
    if fmt == "ris":
        return _fixture("ris-rules.ris"), _written("ris")
    if fmt == "csljson":
        return _fixture("csl-rules.json"), _written("csljson")
    if fmt == "profile":
        return (_fixture("profile-fontaine.txt"),)
    return (_fixture("ids-list.txt"),)


# Pieces of each format's syntax that a damaged file would hold in the wrong place.
FRAGMENTS: Mapping[str, tuple[str, ...]] = {
    "bibtex": ("@article{", "@string{jan = ", "@comment{", "@preamble{", "@misc(", "@", "{",
               "}", "(", ")", ",", "=", '"', " # ", "%", "\\", "$", " and ", "others",
               "crossref = {", "xdata = {", "ids = {", "{\\'e}", "\\v{r}", "--", "~",
               "author = {", "title = {", "year = {20", "month = feb", "date = {2020-13-45}",
               "doi = {10.1/", "eprint = {2206.0", "keywords = {a, b;", "{\\relax}",
               "\\url{", "\\input{", "^^5c", "{{{{{{{{", "}}}}}}}}"),
    "ris": ("TY  - JOUR\n", "ER  - \n", "\nTI  - ", "\nAU  - ", "\nA1  - ", "\nPY  - ",
            "\nDA  - ", "\nY1  - ", "\nKW  - ", "\nSP  - ", "\nEP  - ", "\nDO  - ",
            "\nUR  - ", "\nAB  - ", "\nT2  - ", "\nN1  - ", "\nZZ  - ", "  - ", "///",
            "2020/13/45/", "9999", "et al.", "Last, F.", "\n\n", "PT J\n"),
    "csljson": ("[", "]", "{", "}", ",", ":", '"', '"id": ', '"type": ', '"title": ',
                '"author": [', '"family": ', '"given": ', '"literal": ', '"issued": ',
                '{"date-parts": [[', '"raw": ', "]]", "null", "true", "1e999", "-0",
                "99999999999999999999", '"\\u0000"', '"\\ud800"', "NaN", "Infinity",
                '"page": ', '"keyword": ', '"DOI": ', "\\", "\\\\"),
    "profile": ("LGJun 11, 2022\n", "cs.LGDec 31\n", "ZZFeb 29, 2021\n", "12.5CLOct 7, 2021Code\n",
                "h-index4\n", "3papers\n", "4 Papers\n", "Novelty41.5%\n", "AI Score72\n",
                ", ", " et al.", "\n\n", "https://github.com/a/b", "\\url{", "Code: ",
                "Jan 0, 0000", "Sep 31, 99999"),
    "ids": ("10.", "10.1000/", "doi:", "https://doi.org/", "arXiv:", "2206.05437", "v2",
            "hep-th/9901001", "math.GT/0309136", "10.48550/arXiv.", "%2F", "%", " # ",
            "\n", "https://arxiv.org/abs/", "/pdf/", ".pdf", "1399.99999"),
}
_GENERIC = ("\x00", "\ufeff", "\r", "\r\n", "\t", "\u2028", "\x85", "\x0c", "é", "日本",
            "\u0301", "🙂", "\ue000", " " * 50, "\n" * 5)


@st.composite
def damaged(draw: st.DrawFn, fmt: str) -> str:
    """A valid file of ``fmt`` with up to eight kinds of damage done to it."""
    text = draw(st.sampled_from(seeds(fmt)))
    pieces = st.sampled_from(FRAGMENTS[fmt]) | st.sampled_from(_GENERIC) | st.text(max_size=6)
    for _ in range(draw(st.integers(0, 8))):
        kind = draw(st.sampled_from(("cut", "insert", "double", "replace", "truncate",
                                     "swap", "line ends", "case")))
        size = len(text)
        start = draw(st.integers(0, size))
        end = draw(st.integers(start, min(size, start + 300)))
        if kind == "cut":
            text = text[:start] + text[end:]
        elif kind == "insert":
            text = text[:start] + draw(pieces) + text[start:]
        elif kind == "double":
            text = text[:end] + text[start:end] * draw(st.integers(1, 4)) + text[end:]
        elif kind == "replace":
            text = text[:start] + draw(pieces) + text[end:]
        elif kind == "truncate":
            text = text[:start]
        elif kind == "swap":
            # Two spans change places: [start, end) and [later, last) after it.
            later = draw(st.integers(end, size))
            last = draw(st.integers(later, min(size, later + 300)))
            text = (text[:start] + text[later:last] + text[end:later] + text[start:end]
                    + text[last:])
        elif kind == "line ends":
            text = text.replace("\n", draw(st.sampled_from(("\r\n", "\r", "\n\n", " ", ""))))
        else:
            text = text[:start] + text[start:end].swapcase() + text[end:]
    return text


# -- each format's own near-valid constructs -----------------------------------------------

_words = st.text(max_size=12)
_bib_value = st.one_of(
    _words.map(lambda w: "{" + w + "}"),
    _words.map(lambda w: '"' + w.replace('"', "") + '"'),
    st.integers(-10**20, 10**20).map(str),
    st.sampled_from(("jan", "feb", "dec", "undefinedmacro", "{}", '""', "{{{x}}}",
                     "{\\'{e}}", "{$\\alpha$}", "{\\textbf{B}}", "{2020-02-30}",
                     "{2020/2021}", "{-44}", "{0000}", "{ and }", "{others and others}",
                     "{{World Health Organization} and Doe, J. and , and von}",
                     "{Doe, Jr., John, Extra}", "{\\url{https://x.org/~a_b}}",
                     "{10.1000/ABC}", "{https://doi.org/10.1/x y}", "{arXiv:2206.05437v2}")),
)
_bib_field = st.sampled_from(("title", "author", "editor", "year", "month", "date", "doi",
                              "eprint", "archiveprefix", "crossref", "xdata", "ids",
                              "keywords", "journal", "journaltitle", "booktitle", "pages",
                              "url", "note", "abstract", "file", "urldate", "volume",
                              "number", "publisher", "title", "Title", "x-unknown", ""))


@st.composite
def bibtex_files(draw: st.DrawFn) -> str:
    keys = draw(st.lists(st.sampled_from(("a", "b", "c", "A", "a:b", "ke y", "")), min_size=1,
                         max_size=4))
    blocks = []
    if draw(st.booleans()):
        blocks.append(f"@string{{{draw(st.sampled_from(('jan', 'x', 'title')))} = "
                      f"{draw(_bib_value)}}}")
    for key in keys:
        entry_type = draw(st.sampled_from(("article", "inproceedings", "book", "online",
                                           "xdata", "set", "misc", "ARTICLE", "weird")))
        fields = draw(st.lists(st.tuples(_bib_field, st.lists(_bib_value, min_size=1,
                                                              max_size=3)), max_size=8))
        # crossref and xdata naming the other keys: chains, and cycles.
        if draw(st.booleans()):
            fields.append((draw(st.sampled_from(("crossref", "xdata"))),
                           ["{" + draw(st.sampled_from(keys)) + "}"]))
        body = ",\n".join(f"  {name} = {' # '.join(values)}" for name, values in fields)
        close = draw(st.sampled_from(("}", "}", "}", ")", "", ",}")))
        blocks.append(f"@{entry_type}{{{key},\n{body}\n{close}")
    return "\n\n".join(blocks)


@st.composite
def ris_files(draw: st.DrawFn) -> str:
    value = st.one_of(_words, st.sampled_from((
        "2020", "2020/05/12/", "2020///", "2020/13/45/x", "99999", "0000", "2020-02-30",
        "Spring 2020", "Last, First", "Last, F.M.", "et al.", ",", "100--", "--110",
        "https://doi.org/10.1000/X", "10.1000/x", "JOUR", "CONF", "", " ")))
    lines = []
    for _ in range(draw(st.integers(1, 4))):
        if draw(st.booleans()):
            lines.append(f"TY  - {draw(st.sampled_from(('JOUR', 'CONF', 'BOOK', 'XXXX', '')))}")
        for _ in range(draw(st.integers(0, 10))):
            tag = draw(st.sampled_from(("TI", "T1", "AU", "A1", "A2", "PY", "Y1", "DA", "KW",
                                        "SP", "EP", "DO", "UR", "AB", "N1", "JO", "T2", "VL",
                                        "IS", "PB", "ID", "L1", "ZZ", "ER", "TY")))
            lines.append(f"{tag}  - {draw(value)}")
        if draw(st.booleans()):
            lines.append("ER  - ")
    return draw(st.sampled_from(("\n", "\r\n", "\r"))).join(lines)


_json_scalar = st.one_of(st.none(), st.booleans(), st.integers(-10**30, 10**30),
                         st.floats(allow_nan=False), _words)
_date_parts = st.one_of(
    st.lists(st.lists(st.one_of(st.integers(-10**12, 10**12), _words, st.floats(),
                                st.none(), st.lists(st.integers(), max_size=2)),
                      max_size=4), max_size=3),
    _json_scalar,
)
_person = st.one_of(
    st.fixed_dictionaries({}, optional={"family": _json_scalar, "given": _json_scalar,
                                        "literal": _json_scalar, "suffix": _words,
                                        "non-dropping-particle": _words}),
    _json_scalar,
)
_csl_item = st.fixed_dictionaries(
    {}, optional={
        "id": _json_scalar, "type": st.sampled_from(("article-journal", "book", "x", "")) |
        _json_scalar, "title": _json_scalar, "author": st.lists(_person, max_size=4) |
        _json_scalar, "editor": st.lists(_person, max_size=2),
        "issued": st.fixed_dictionaries({}, optional={"date-parts": _date_parts,
                                                      "raw": _json_scalar,
                                                      "literal": _json_scalar,
                                                      "season": _json_scalar}) | _json_scalar,
        "DOI": _json_scalar, "URL": _json_scalar, "page": _json_scalar,
        "volume": _json_scalar, "issue": _json_scalar, "keyword": _json_scalar,
        "note": _json_scalar, "container-title": _json_scalar, "abstract": _json_scalar,
        "custom": st.dictionaries(_words, _json_scalar, max_size=3),
    })


@st.composite
def csljson_files(draw: st.DrawFn) -> str:
    import json

    items = draw(st.lists(_csl_item, max_size=4))
    value: object = items if draw(st.integers(0, 4)) else (items[0] if items else {})
    text = json.dumps(value, ensure_ascii=draw(st.booleans()), indent=draw(
        st.sampled_from((None, 1, 2))))
    return text


_month = st.sampled_from(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
                          "Oct", "Nov", "Dec", "Foo"))


@st.composite
def profile_files(draw: st.DrawFn) -> str:
    lines: list[str] = []
    if draw(st.booleans()):
        lines += [draw(_words), "", "ML", f"h-index{draw(st.integers(0, 10**6))}",
                  f"{draw(st.integers(-1, 10**6))}papers", "",
                  f"{draw(st.integers(0, 50))} Papers", ""]
    for _ in range(draw(st.integers(0, 5))):
        subject = draw(st.sampled_from(("LG", "CV", "cs.LG", "ZZ", "", "12.5CL", "77BM")))
        day = draw(st.integers(-1, 40))
        year = draw(st.sampled_from(("", ", 2022", ", 0000", ", 99999", ", 2021", ", 1")))
        code = draw(st.sampled_from(("", "Code")))
        lines.append(f"{subject}{draw(_month)} {day}{year}{code}")
        lines += draw(st.lists(st.one_of(_words, st.sampled_from((
            "Kai Yi, Bingxin Zhou et al.", "et al.", ",", "https://github.com/x/y.",
            "Code: \\url{https://gitlab.com/a/b_c}", "$\\ell_1$ 5\\% {\\em x}"))),
            max_size=5))
        lines.append("")
    return "\n".join(lines)


@st.composite
def idlist_files(draw: st.DrawFn) -> str:
    line = st.one_of(
        st.builds(lambda p, d, s: f"{p}10.{d}/{s}",
                  st.sampled_from(("", "doi:", "DOI: ", "https://doi.org/", "http://dx.doi.org/",
                                   "  ")), st.integers(0, 10**7), _words),
        st.builds(lambda p, y, m, n, v: f"{p}{y:02d}{m:02d}.{n}{v}",
                  st.sampled_from(("", "arXiv:", "https://arxiv.org/abs/",
                                   "https://arxiv.org/pdf/", "10.48550/arXiv.")),
                  st.integers(0, 99), st.integers(0, 13), st.integers(0, 10**6),
                  st.sampled_from(("", "v1", "v0", ".pdf", "v99999999999"))),
        st.sampled_from(("# comment", "", "hep-th/9901001", "math.GT/0309136v2",
                         "not an id", "10.1000/a%2Fb", "10.1000/%zz"))
        | _words,
    )
    return "\n".join(draw(st.lists(line, max_size=8)))


# -- what every reader must give --------------------------------------------------------

def _line_bound(text: str) -> int:
    return 1 + sum(text.count(end) for end in _LINE_ENDS)


def _check_record(paper: PaperData) -> None:
    for name in ("title", "key", "entry_type", "abstract", "date", "venue", "volume", "number",
                 "pages", "publisher", "doi", "arxiv", "url", "code_url", "category"):
        assert isinstance(getattr(paper, name), str), name
    assert paper.score is None or (isinstance(paper.score, float) and math.isfinite(paper.score))
    assert paper.status in STATUSES and isinstance(paper.rating, int) and 0 <= paper.rating <= 5
    assert isinstance(paper.et_al, bool)
    assert all(isinstance(a, Author) and isinstance(a.family, str) and isinstance(a.given, str)
               and isinstance(a.literal, str) for a in paper.authors)
    assert all(isinstance(tag, str) for tag in paper.tags)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in paper.extra.items())


def _check_issues(issues: tuple[FormatIssue, ...], text: str, file: str) -> None:
    for issue in issues:
        assert issue.file == file and issue.message.strip()
        assert 0 <= issue.line <= _line_bound(text), issue


def _check_error(error: FormatError, text: str, file: str) -> None:
    assert error.reason.strip() and error.file == file
    assert 0 <= error.line <= _line_bound(text), error


class _Rollback(Exception):
    """Raised inside a batch to undo the import that was only there to be tried."""


@pytest.fixture(scope="module")
def shelf() -> Iterator[Library]:
    """A library with papers for fuzzed records to match (a merge fills them in)."""
    library = Library.memory()
    library.import_papers(list(synthetic.papers(30, seed=5)))
    for fmt in ("bibtex", "ris", "csljson"):
        for text in seeds(fmt):
            library.import_papers(read_text(text, format=fmt).records, on_duplicate="keep")
    yield library
    library.close()


def _import(library: Library, records: tuple[PaperData, ...], fmt: str) -> None:
    """Import what a reader accepted, then roll it back; only a LibraryError may stop it."""
    count = library.count()
    for on_duplicate in ("merge", "keep"):
        try:
            with library.batch():
                library.import_papers(records, on_duplicate=on_duplicate,
                                      source=ImportSource(FILE, fmt))
                raise _Rollback
        except _Rollback:
            pass
        except LibraryError as exc:
            assert str(exc).strip()
    assert library.count() == count


Read = tuple[tuple[PaperData, ...], tuple[int, ...], tuple[FormatIssue, ...]]


def _parsed(read: Callable[..., Parsed]) -> Callable[[str], Read]:
    def run(text: str) -> Read:
        parsed = read(text, file=FILE)
        return parsed.records, parsed.lines, parsed.issues

    return run


def _read_profile(text: str) -> Read:
    listing = profile.read(text, file=FILE, capture_year=2024)
    return listing.papers, listing.lines, listing.issues


READERS: dict[str, Callable[[str], Read]] = {
    "bibtex": _parsed(bibtex.read),
    "ris": _parsed(ris.read),
    "csljson": _parsed(csljson.read),
    "profile": _read_profile,
    "ids": _parsed(idlist.read),
}
GRAMMARS: dict[str, st.SearchStrategy[str]] = {
    "bibtex": bibtex_files(), "ris": ris_files(), "csljson": csljson_files(),
    "profile": profile_files(), "ids": idlist_files(),
}


def _read_and_import(fmt: str, text: str, library: Library) -> None:
    REPORT.count_case(f"{fmt}.read")
    try:
        records, lines, issues = READERS[fmt](text)
    except FormatError as error:
        _check_error(error, text, FILE)
        return
    assert len(records) == len(lines)
    assert all(1 <= line <= _line_bound(text) for line in lines), lines
    for paper in records:
        _check_record(paper)
    _check_issues(issues, text, FILE)
    _import(library, records, fmt)


def _near_valid(fmt: str) -> st.SearchStrategy[str]:
    return st.one_of(damaged(fmt), GRAMMARS[fmt])


@pytest.mark.parametrize("fmt", list(READERS))
@fuzz_settings()
@given(data=st.data())
def test_each_reader_survives_damaged_files(shelf: Library, fmt: str,
                                            data: st.DataObject) -> None:
    _read_and_import(fmt, data.draw(_near_valid(fmt), label="text"), shelf)


def test_a_profile_address_with_an_unclosed_ipv6_bracket_is_read(shelf: Library) -> None:
    # Found by the long run: an address with an unclosed IPv6 bracket in an abstract.
    _read_and_import("profile", "LGJun 11, 2022\nA title\n\nKai Yi\n\nData are at "
                                "https://[example.org/data.\n", shelf)


_any_format = st.one_of(*(_near_valid(fmt) for fmt in READERS))


@fuzz_settings()
@given(text=_any_format, wrapper=st.sampled_from(("", "\ufeff", "junk line\n", "\n\n")))
def test_sniffing_picks_a_reader_or_says_it_cannot(shelf: Library, text: str,
                                                    wrapper: str) -> None:
    """``read_text`` without a format: a damaged file may look like another format, or
    like none; either way the answer is records or a FormatError naming the file."""
    REPORT.count_case("importing.read_text (sniffing)")
    text = wrapper + text
    try:
        read = read_text(text, file=FILE)
    except FormatError as error:
        _check_error(error, text, FILE)
        return
    assert read.format in READERS
    for paper in read.records:
        _check_record(paper)
    _check_issues(read.issues, text, FILE)
    _import(shelf, read.records, read.format)


def test_the_seeds_are_files_of_their_format() -> None:
    """The damage starts from files that read: otherwise the cases above would test only
    the readers' refusals."""
    for fmt, reader in READERS.items():
        for text in seeds(fmt):
            records, _, _ = reader(text)
            assert records, (fmt, text[:80])
