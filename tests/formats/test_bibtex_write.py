"""BibTeX/BibLaTeX export: one test per rule, round trips through the reader (generated
papers and the shared corpus), hostile input, and the real consumers (pdflatex, bibtex,
biber), each skipped with a reason when its tool is not installed."""

from __future__ import annotations

import dataclasses
import random
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db.errors import FormatError
from db.formats import ExportItem, ExportOptions, FormatIssue
from db.formats.bibnames import decode, plain_pages, squash
from db.formats.bibtex import read
from db.formats.bibtex_write import escape, harmless, write, write_biblatex
from db.importing import import_file
from db.library import Library
from db.records import Author, Paper, PaperData
from tests.factories import fake_paper

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus" / "bib"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLE = REPO / "resources" / "sample" / "kai-yi-profile.txt"
Writer = Callable[..., str]
WRITERS = pytest.mark.parametrize("writer", [write, write_biblatex], ids=["bibtex", "biblatex"])
PLAIN_TYPES = frozenset({"article", "book", "booklet", "conference", "inbook", "incollection",
                         "inproceedings", "manual", "mastersthesis", "misc", "phdthesis",
                         "proceedings", "techreport", "unpublished"})


def _paper(**fields: object) -> Paper:
    values: dict[str, object] = {"key": "key1", "title": "A Title", "date": "2022-06-11",
                                 "authors": (Author("Wang", "Yuelin"),), "venue": "Journal"}
    values.update(fields)
    return Paper(**values)  # type: ignore[arg-type]


def _stored(data: PaperData, paper_id: int = 0) -> Paper:
    return Paper(**{f.name: getattr(data, f.name) for f in dataclasses.fields(data)},
                 id=paper_id)


def _one(text: str) -> PaperData:
    parsed = read(text)
    assert len(parsed.records) == 1, text
    assert not parsed.issues, parsed.issues
    return parsed.records[0]


def _field(text: str, name: str) -> str | None:
    """What an entry says for ``name``, as written (braces included)."""
    found = re.search(rf"^  {re.escape(name)} = (.*?),\n(?=  [\w.:+/-]+ = |\}})", text,
                      re.M | re.S)
    return found[1] if found else None


def _type(text: str) -> str:
    found = re.match(r"@(\w+)\{", text)
    assert found, text
    return found[1]


def _imported(*paths: Path) -> list[ExportItem]:
    """The papers of .bib files as the library stores them."""
    items: list[ExportItem] = []
    with Library.memory() as library:
        for path in paths:
            records = read(_decode(path), file=path.name).records
            added = library.import_papers(records, on_duplicate="keep").added
            items += [ExportItem(library.paper(i)) for i in added]
    return items


def _decode(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


# --- escaping ------------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "written"), [
    ("&", r"\&"), ("%", r"\%"), ("$", r"\$"), ("#", r"\#"), ("_", r"\_"),
    ("{a}", r"\{a\}"), ("~", r"{\textasciitilde}"), ("^", r"{\string^}"),
    ("\\", r"{\textbackslash}"), ("`", r"{\textasciigrave}"),
    ("<>|", r"{\ensuremath{<}}{\ensuremath{>}}{\ensuremath{|}}"),
    # A lone brace as \{ would end the value early for bibtex, which counts \{ too.
    ("}{", r"{\ensuremath{\rbrace}}{\ensuremath{\lbrace}}"),
    ("it''s", "it'{}'s"), ("a,,b", "a,{},b"),
    ("  two\nlines\t", "two lines"), ("bell\x07", "bell"),
])
def test_escaping_table(typed: str, written: str) -> None:
    assert escape(typed) == written
    assert decode(written) == squash(typed.replace("\x07", " "))


def test_escaped_text_keeps_no_command_of_its_own() -> None:
    text = escape(r"\input{/etc/passwd} \immediate\write18{rm -rf /} }{\def\x{ %comment")
    assert set(re.findall(r"\\([A-Za-z]+)", text)) == {"textbackslash", "ensuremath", "lbrace",
                                                        "rbrace"}
    assert decode(text) == r"\input{/etc/passwd} \immediate\write18{rm -rf /} }{\def\x{ %comment"


@pytest.mark.parametrize(("title", "written"), [
    ("ACMP: Allen-Cahn Message Passing", "{ACMP}: {Allen-Cahn} Message Passing"),
    ("Equivariant GNNs on SO(3) with DiffImpute",
     "Equivariant {GNNs} on {SO(3)} with {DiffImpute}"),
    ("The iPhone, and AT&T.", "The {iPhone}, and {AT\\&T}."),
    ("A plain Title stays as it is", "A plain Title stays as it is"),
])
def test_capitals_are_protected_in_titles(title: str, written: str) -> None:
    text = write([ExportItem(_paper(title=title))])
    assert _field(text, "title") == "{" + written + "}"
    assert _one(text).title == title


@pytest.mark.parametrize(("date", "bibtex", "biblatex"), [
    ("2022-06-11", {"year": "{2022}", "month": "jun", "day": "{11}"}, "{2022-06-11}"),
    ("2022-12", {"year": "{2022}", "month": "dec", "day": None}, "{2022-12}"),
    ("2022", {"year": "{2022}", "month": None, "day": None}, "{2022}"),
])
def test_months_are_macros_and_biblatex_writes_the_date(
        date: str, bibtex: dict[str, str | None], biblatex: str) -> None:
    item = ExportItem(_paper(date=date))
    text = write([item])
    assert {name: _field(text, name) for name in bibtex} == bibtex
    assert _field(text, "date") is None
    assert _one(text).date == date
    text = write_biblatex([item])
    assert _field(text, "date") == biblatex
    assert _field(text, "year") is None and _field(text, "month") is None
    assert _one(text).date == date


@WRITERS
def test_names_others_organisations_particles_suffixes(writer: Writer) -> None:
    people = (Author("van der Berg", "Ludwig"), Author("Smith, Jr.", "John"),
              Author(literal="World Health Organization"), Author("Richtárik", "Peter"),
              Author("Bar and Grill", "Ann"))
    text = writer([ExportItem(_paper(authors=people, et_al=True))])
    assert _field(text, "author") == (
        "{van der Berg, Ludwig and Smith, Jr., John and {World Health Organization} and "
        "Richtárik, Peter and Bar {and} Grill, Ann and others}")
    paper = _one(text)
    assert paper.authors == people and paper.et_al


@pytest.mark.parametrize(("author", "bibtex", "biblatex"), [
    # BibTeX has no family-only form for several words but braces, which the reader takes
    # for an organisation; biblatex's family= form reads back exactly.
    (Author("García Márquez"), "{García Márquez}", "family={García Márquez}"),
    (Author(given="Kai"), "{Kai}", "given={Kai}"),
    (Author("Yi"), "Yi", "Yi"),
])
def test_names_without_one_part(author: Author, bibtex: str, biblatex: str) -> None:
    item = ExportItem(_paper(authors=(author,)))
    assert _field(write([item]), "author") == "{" + bibtex + "}"
    assert _one(write([item])).authors[0].display == author.display
    assert _field(write_biblatex([item]), "author") == "{" + biblatex + "}"
    assert _one(write_biblatex([item])).authors == (author,)


def test_editors_stay_editors() -> None:
    text = "@book{k, editor = {Knuth, Donald E.}, title = {T}, publisher = {P}, year = 1984}"
    (record,) = read(text).records
    for writer in (write, write_biblatex):
        out = writer([ExportItem(_stored(record))])
        assert _field(out, "editor") == "{Knuth, Donald E.}"
        assert _field(out, "author") is None


@WRITERS
def test_arxiv_fields(writer: Writer) -> None:
    item = ExportItem(_paper(arxiv="2206.05437", category="cs.LG", entry_type="article"))
    text = writer([item])
    expected = ({"eprint": "{2206.05437}", "eprinttype": "{arxiv}", "eprintclass": "{cs.LG}"}
                if writer is write_biblatex else
                {"eprint": "{2206.05437}", "archiveprefix": "{arXiv}", "primaryclass": "{cs.LG}"})
    assert {name: _field(text, name) for name in expected} == expected
    assert (_one(text).arxiv, _one(text).category) == ("2206.05437", "cs.LG")
    # A category that is not arXiv's is not written as one.
    for category in ("Physics / Optics", "graphs", "LG"):
        text = writer([ExportItem(_paper(arxiv="2206.05437", category=category))])
        assert category not in text
    text = writer([ExportItem(_paper(arxiv="hep-th/9901001", category="hep-th"))])
    assert "{hep-th}" in text and _one(text).arxiv == "hep-th/9901001"


def test_ids_are_biblatex_only_and_never_name_another_entry() -> None:
    items = [ExportItem(_paper(key="new"), aliases=("old1", "old2", "other", "new")),
             ExportItem(_paper(key="other"))]
    assert _field(write_biblatex(items), "ids") == "{old1, old2}"
    assert "ids" not in write(items)
    assert read(write_biblatex(items)).records[0].extra["ids"] == "old1, old2"


@pytest.mark.parametrize(("unicode", "author", "title"), [
    (True, "Richtárik, Peter", "Zürich ß — 中文"),
    (False, r"Richt{\'a}rik, Peter", r"Z{\"u}rich {\ss} {\textemdash} [U+4E2D][U+6587]"),
])
def test_unicode_as_utf8_or_as_latex(unicode: bool, author: str, title: str) -> None:
    item = ExportItem(_paper(authors=(Author("Richtárik", "Peter"),), title="Zürich ß — 中文",
                             url="https://de.wikipedia.org/wiki/Zürich", venue="Ångström"))
    for writer in (write, write_biblatex):
        text = writer([item], ExportOptions(unicode=unicode))
        assert _field(text, "author") == "{" + author + "}"
        assert _field(text, "title") == "{" + title + "}"
        assert text.isascii() is not unicode
        paper = _one(text)
        assert paper.authors == (Author("Richtárik", "Peter"),)
        assert paper.venue == "Ångström"
        if unicode:
            assert paper.title == "Zürich ß — 中文"
        else:  # no LaTeX for CJK in pdflatex: its code points, never a "?" or raw UTF-8
            assert _field(text, "url") == "{https://de.wikipedia.org/wiki/Z%C3%BCrich}"


def test_deterministic_order_and_layout() -> None:
    extra = {"zeta": "1", "note": "n", "bibtex.title": "A Title", "address": "a"}
    first = ExportItem(_paper(extra=extra, tags=("b", "a")))
    shuffled = ExportItem(_paper(extra=dict(reversed(list(extra.items()))), tags=("b", "a")))
    second = ExportItem(_paper(key="key2"))
    for writer in (write, write_biblatex):
        text = writer([first, second])
        assert text == writer([first, second]) == writer([shuffled, second])
        assert text.endswith("}\n") and "\r" not in text and "\n\n\n" not in text
        assert text.count("\n\n@") == 1
        names = re.findall(r"^  (\w+) =", text.split("\n\n")[0], re.M)
        assert names[:2] == ["author", "title"]
        assert names[-3:] == ["address", "note", "zeta"]  # verbatim fields last, by name
    assert write([]) == write_biblatex([]) == ""


def test_empty_fields_are_not_written() -> None:
    text = write([ExportItem(_paper(volume=" ", number="", doi="", tags=(),
                                    extra={"note": "  ", "series": ""}))])
    assert not re.search(r"= \{\s*\},", text)
    assert "volume" not in text and "note" not in text


def _golden_items() -> list[ExportItem]:
    acmp = _paper(
        key="wangAcmpAllenCahn2022", venue="", arxiv="2206.05437", category="cs.LG",
        title="ACMP: Allen-Cahn Message Passing with Attractive and Repulsive Forces for "
              "Graph Neural Networks",
        authors=(Author("Wang", "Yuelin"), Author("Yi", "Kai"), Author("Liu", "Xinliang")),
        et_al=True, tags=("gnn", "ml/graphs"),
        abstract="Neural message passing is a basic feature extraction unit.\n\n"
                 "Codes are at https://github.com/ykiiiiii/ACMP (50% faster & more).")
    who = _paper(key="who2020", title="Report on the World's Health", date="2020", venue="",
                 authors=(Author(literal="World Health Organization"),),
                 entry_type="techreport", publisher="WHO Press",
                 url="https://www.who.int/x_y?a=1&b=2")
    return [*_imported(FIXTURES / "bibwrite-imported.bib"),
            ExportItem(acmp, aliases=("wang2022acmp",)), ExportItem(who)]


@pytest.mark.parametrize(("writer", "golden"), [
    (write, "bibwrite-golden-bibtex.bib"), (write_biblatex, "bibwrite-golden-biblatex.bib")])
def test_golden_files(writer: Writer, golden: str) -> None:
    """The whole layout, byte for byte: a change here is a change users see in diffs."""
    assert writer(_golden_items()) == (FIXTURES / golden).read_text(encoding="utf-8")


# --- entry types -------------------------------------------------------------------------


@pytest.mark.parametrize(("entry", "bibtex", "biblatex"), [
    ("@conference{k, author = {A, B}, title = {T}, booktitle = {B}, year = 2020}",
     "conference", "conference"),
    ("@thesis{k, author = {A, B}, title = {T}, institution = {I}, type = {phdthesis}, "
     "year = 2020}", "phdthesis", "thesis"),
    ("@thesis{k, author = {A, B}, title = {T}, school = {I}, type = {mathesis}, year = 2020}",
     "mastersthesis", "thesis"),
    ("@online{k, author = {A, B}, title = {T}, url = {https://x.org}, year = 2020}",
     "misc", "online"),
    ("@report{k, author = {A, B}, title = {T}, institution = {I}, type = {techreport}, "
     "year = 2020}", "techreport", "report"),
    ("@collection{k, editor = {A, B}, title = {T}, publisher = {P}, year = 2020}",
     "book", "collection"),
    ("@nameonly{k, author = {A, B}, title = {T}, year = 2020}", "misc", "misc"),
    # plain.bst refuses a book with both an author and an editor; biblatex does not.
    ("@book{k, author = {A, B}, editor = {C, D}, title = {T}, publisher = {P}, year = 2020}",
     "misc", "book"),
])
def test_entry_types_follow_the_import_and_the_dialect(entry: str, bibtex: str,
                                                       biblatex: str) -> None:
    (record,) = read(entry).records
    item = ExportItem(_stored(record))
    assert _type(write([item])) == bibtex
    assert _type(write_biblatex([item])) == biblatex


def test_a_type_lacking_required_fields_becomes_misc_with_something_to_show() -> None:
    # The sample listing's papers: "articles" with no journal.
    preprint = _paper(venue="", arxiv="2206.05437", category="cs.LG")
    text = write([ExportItem(preprint)])
    assert _type(text) == "misc"
    assert _field(text, "howpublished") == "{arXiv:2206.05437 [cs.LG]}"
    assert _type(write_biblatex([ExportItem(preprint)])) == "misc"
    assert _field(write_biblatex([ExportItem(preprint)]), "howpublished") is None
    # No author: plain.bst sorts by a key field.
    text = write([ExportItem(_paper(authors=(), title="Anonymous Notes"))])
    assert (_type(text), _field(text, "key")) == ("misc", "{Anonymous Notes}")
    # A complete article stays one.
    assert _type(write([ExportItem(_paper())])) == "article"


def test_plain_bst_number_rules() -> None:
    # plain.bst: a number needs a volume in an article, and a series (and no volume) in a
    # book; otherwise it goes to issue, which it ignores and the reader reads as the number.
    text = write([ExportItem(_paper(number="4"))])
    assert (_field(text, "number"), _field(text, "issue")) == (None, "{4}")
    text = write([ExportItem(_paper(number="4", volume="3"))])
    assert (_field(text, "number"), _field(text, "issue")) == ("{4}", None)
    assert _one(write([ExportItem(_paper(number="4"))])).number == "4"
    assert _field(write_biblatex([ExportItem(_paper(number="4"))]), "number") == "{4}"


# --- raw text from an import --------------------------------------------------------------


def test_raw_text_is_written_back_unless_the_field_was_edited() -> None:
    items = _imported(FIXTURES / "bibwrite-imported.bib")
    text = write([items[0]])
    assert _field(text, "title") == ("{{EF21}: A New, Simpler, Theoretically Better, and "
                                      r"Practically Faster Error Feedback in $\mathbb{R}^d$}")
    assert _field(text, "author").startswith(r"{Richt{\'a}rik, Peter and")  # type: ignore[union-attr]
    assert _field(text, "file") == r"{:C\:\\papers\\ef21.pdf:PDF}"
    assert _field(text, "keywords") == "{optimization; federated learning}"
    edited = dataclasses.replace(items[0].paper, title="EF21 & friends",
                                 tags=("optimization",))
    text = write([ExportItem(edited)])
    assert _field(text, "title") == r"{{EF21} \& friends}"
    assert _field(text, "keywords") == "{optimization}"


def test_verbatim_fields_are_written_and_bookkeeping_is_not() -> None:
    extra = {"note": r"See \cite{x}", "bibtex.type": "Article", "ris.N1": "n", "csl.id": "i",
             "has_code": "yes", "needs_details": "yes", "subject": "LG", "bad name": "v",
             "crossref": "parent", "date-added": "2020"}
    text = write([ExportItem(_paper(extra=extra, category="cs.LG"))])
    assert _field(text, "note") == r"{See \cite{x}}"
    assert _field(text, "date-added") == "{2020}"
    for gone in ("ris", "csl", "has_code", "needs_details", "subject", "bad name", "crossref"):
        assert gone not in text, gone
    # A subject that is not the listing's code for the category is a real field.
    text = write([ExportItem(_paper(extra={"subject": "Poetry"}, category="cs.LG"))])
    assert _field(text, "subject") == "{Poetry}"


def test_raw_text_is_defused_and_unbalanced_raw_is_escaped() -> None:
    assert harmless(r"\input{x} \Input \@@input \csname \def \relax \'e \\input") == (
        r"{\textbackslash}input{x} {\textbackslash}Input {\textbackslash}@@input "
        r"{\textbackslash}csname {\textbackslash}def \relax \'e \\input")
    assert harmless("^^5cinput") == r"{\string^}{\string^}5cinput"
    extra = {"note": r"a \} b {", "bibtex.title": r"{\em T} \}"}
    text = write([ExportItem(_paper(extra=extra, title="T }"))])
    assert _field(text, "note") == r"{a {\textbackslash}{\ensuremath{\rbrace}} b " \
                                   r"{\ensuremath{\lbrace}}}"
    assert _field(text, "title") == r"{T {\ensuremath{\rbrace}}}"


def test_hostile_imports_are_defused() -> None:
    items = _imported(FIXTURES / "bibwrite-hostile.bib")
    assert len(items) == 5
    for writer in (write, write_biblatex):
        text = writer(items)
        commands = {name.lower() for name in re.findall(r"(?<!\\)\\([A-Za-z@]+)", text)}
        assert commands <= {"textbackslash", "relax", "string"}, commands
        assert "^^" not in text


# --- round trips ---------------------------------------------------------------------------

_HOSTILE = "&%$#_{}~^\\'`\"<>|=@-,.:;!? "
_ACCENTED = "éüßÅłİñçØ"
_TEXT = st.text(alphabet=st.sampled_from([*_HOSTILE, *_ACCENTED, *"abcXYZ019"]),
                min_size=1, max_size=24).filter(lambda text: bool(text.strip()))
_WORD = st.text(alphabet=st.sampled_from([*"&%$#_{}~^\\'`<>|-.", *_ACCENTED, *"abcdXYZ"]),
                min_size=1, max_size=8)
_NAME = st.lists(st.one_of(_WORD, st.sampled_from(["and", "AND", "others", "van", "Jr.",
                                                  "Smith,", "et al.", "=", "{}"])),
                 min_size=1, max_size=3).map(" ".join)


@st.composite
def _papers(draw: st.DrawFn) -> Paper:
    year = draw(st.integers(1900, 2030))
    month = draw(st.integers(1, 12))
    date = draw(st.sampled_from([f"{year}", f"{year}-{month:02d}", f"{year}-{month:02d}-28"]))
    people = draw(st.lists(st.one_of(
        st.builds(Author, family=_NAME, given=_NAME),
        st.builds(lambda name: Author(literal=name), _TEXT)), min_size=1, max_size=3))
    return Paper(
        key=draw(st.from_regex(r"[A-Za-z][A-Za-z0-9_:.+/-]{0,12}", fullmatch=True)),
        entry_type=draw(st.sampled_from(["article", "inproceedings", "book", "misc"])),
        title=draw(_TEXT), venue=draw(_TEXT), publisher=draw(_TEXT),
        abstract=draw(st.lists(_TEXT, min_size=0, max_size=2).map("\n\n".join)),
        date=date, authors=tuple(people), et_al=draw(st.booleans()),
        volume=draw(st.from_regex(r"[0-9]{1,3}", fullmatch=True)),
        number=draw(st.sampled_from(["", "4", "S1"])),
        pages=draw(st.sampled_from(["", "1-10", "e1234", "100-110"])),
        doi=draw(st.sampled_from(["", "10.1000/xyz_1;(2)", "10.48550/arxiv.2206.05437"])),
        arxiv=draw(st.sampled_from(["", "2206.05437", "hep-th/9901001"])),
        category=draw(st.sampled_from(["", "cs.LG", "q-bio.QM"])),
        url=draw(st.sampled_from(["", "https://example.org/a_b?c=1&d=%20#e~f"])),
        tags=tuple(draw(st.lists(_TEXT.filter(lambda t: not re.search("[,;]", t)),
                                 max_size=3, unique_by=lambda t: squash(t).casefold()))),
    )


def _same_text(one: str, other: str) -> bool:
    """Equal as BibTeX means them: white space runs, and -- and – are the same dash."""
    def norm(text: str) -> str:
        return squash(text).replace("---", "—").replace("--", "–")
    return norm(one) == norm(other)


def _assert_round_trip(paper: Paper, back: PaperData) -> None:
    for name in ("title", "venue", "volume", "number", "publisher"):
        assert _same_text(getattr(paper, name), getattr(back, name)), name
    assert back.date == paper.date
    assert plain_pages(paper.pages) == back.pages
    assert (back.doi, back.arxiv, back.url, back.key) == (
        paper.doi, paper.arxiv, paper.url, paper.key)
    if paper.arxiv:
        assert back.category == paper.category
    assert len(paper.tags) == len(back.tags)
    assert all(map(_same_text, paper.tags, back.tags))
    assert back.et_al == paper.et_al
    assert len(back.authors) == len(paper.authors)
    for mine, theirs in zip(paper.authors, back.authors, strict=True):
        assert _same_text(mine.display, theirs.display)
        assert bool(mine.literal) == bool(theirs.literal)
    paragraphs = [part for part in paper.abstract.split("\n\n") if part.strip()] or [""]
    back_paragraphs = back.abstract.split("\n\n")
    assert len(back_paragraphs) == len(paragraphs)
    assert all(map(_same_text, paragraphs, back_paragraphs))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(paper=_papers(), biblatex=st.booleans(), unicode=st.booleans())
def test_generated_papers_round_trip(paper: Paper, biblatex: bool, unicode: bool) -> None:
    writer = write_biblatex if biblatex else write
    text = writer([ExportItem(paper)], ExportOptions(unicode=unicode))
    if not unicode:
        assert text.isascii()
    back = _one(text)
    _assert_round_trip(paper, back)
    assert back.entry_type == paper.entry_type  # all complete: the type is kept
    assert writer([ExportItem(_stored(back))], ExportOptions(unicode=unicode)) == text


# --- the corpus ----------------------------------------------------------------------------


def _corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus/bib is not beside the checkout: no corpus to round-trip")
    return sorted(CORPUS.glob("*.bib"))


# Verbatim fields an export may not give back as read, each for a reason in the writer:
# inheritance the reader already resolved, a date written in their place, a biber alias
# of a field written, and links to entries that are not exported.
_REWRITTEN = {"crossref", "xref", "xdata", "year", "month", "day", "keywords"}
_BIBER_ALIASES = {"archiveprefix", "primaryclass", "school", "journal", "address", "annote",
                  "key", "pdf", "hyphenation", "ids", "related", "entryset"}


def _check_lossless(before: Paper, after: PaperData, biblatex: bool) -> list[str]:
    problems: list[str] = []
    defused = any(harmless(raw) != raw for raw in before.extra.values())
    for name in ("title", "venue", "volume", "number", "publisher", "doi", "arxiv", "url",
                 "key", "date", "et_al"):
        mine, theirs = getattr(before, name), getattr(after, name)
        same = _same_text(mine, theirs) if isinstance(mine, str) else mine == theirs
        if not same and not defused:
            problems.append(f"{name}: {mine!r} → {theirs!r}")
    if plain_pages(squash(before.pages)) != after.pages.replace("--", "-"):
        problems.append(f"pages: {before.pages!r} → {after.pages!r}")
    names = [(a.display, a.literal or a.family) for a in before.authors]
    back = [(a.display, a.literal or a.family) for a in after.authors]
    if not defused and (len(names) != len(back) or not all(
            _same_text(x[0], y[0]) for x, y in zip(names, back, strict=False))):
        problems.append(f"authors: {names} → {back}")
    if {t.casefold() for t in before.tags} != {" ".join(t.split()).casefold().replace(
            " /", "/").replace("/ ", "/") for t in after.tags}:
        problems.append(f"tags: {before.tags} → {after.tags}")
    written_type = after.entry_type
    if written_type != before.entry_type and written_type != "misc" and (
            biblatex or before.entry_type in PLAIN_TYPES):
        problems.append(f"type: {before.entry_type} → {written_type}")
    skip = _REWRITTEN | (_BIBER_ALIASES if biblatex else set())
    for name, value in before.extra.items():
        if name.startswith(("bibtex.", "ris.", "csl.")) or not value.strip() or name in skip:
            continue
        if name in ("has_code", "needs_details") or not re.fullmatch(r"[\w.:+/-]+", name):
            continue
        if harmless(value) == value and squash(after.extra.get(name, "")) != squash(value):
            problems.append(f"extra {name}: {value!r} → {after.extra.get(name)!r}")
    return problems


@pytest.mark.corpus
@WRITERS
def test_corpus_exports_read_back_the_same(writer: Writer) -> None:
    biblatex = writer is write_biblatex
    checked = skipped = retyped = 0
    failures: list[str] = []
    for path in _corpus_files():
        text = _decode(path)
        try:
            first = read(text, file=path.name)
        except FormatError as error:
            assert "UTF-16" in str(error), path.name  # four JabRef files: not UTF-8 text
            skipped += 1
            continue
        library = Library.memory()
        added = library.import_papers(first.records, on_duplicate="keep").added
        papers = [library.paper(i) for i in added]
        exported = writer([ExportItem(p) for p in papers])
        second = read(exported, file=path.name)
        # The export adds no problem the file did not have (an odd date is kept as written
        # and reported again, maybe for another entry type).
        def problems(issues: Iterable[FormatIssue]) -> set[str]:
            return {re.sub(r"entry @\w+\{", "entry {", issue.message) for issue in issues}
        assert problems(second.issues) <= problems(first.issues), path.name
        by_key = {record.key: record for record in second.records}
        for paper in papers:
            checked += 1
            after = by_key[paper.key]
            retyped += after.entry_type != paper.entry_type
            failures += [f"{path.name} {paper.key}: {problem}"
                         for problem in _check_lossless(paper, after, biblatex)]
        # Written again from what was read back, the text is the same: nothing drifts.
        again = Library.memory()
        ids = again.import_papers(second.records, on_duplicate="keep").added
        assert writer([ExportItem(again.paper(i)) for i in ids]) == exported, path.name
    assert skipped == 4 and checked > 4500
    assert not failures, failures[:20]
    # Entries lacking what their type requires (or of a type the dialect lacks) are @misc.
    assert retyped < checked // 4


# --- real consumers ------------------------------------------------------------------------

DOCUMENT = (r"\documentclass{article}\begin{document}\nocite{*}\bibliographystyle{plain}"
            "\n\\bibliography{refs}\\end{document}\n")
# Styles that print URLs and DOIs (natbib's), abbreviate given names (abbrv: bibtex takes
# one byte of a UTF-8 letter) or make labels from names (alpha); with url, as natbib's
# users load it.
STYLES = {"plain": DOCUMENT} | {
    style: DOCUMENT.replace("{plain}", f"{{{style}}}").replace(
        "{article}", "{article}\\usepackage{url}") for style in ("plainnat", "abbrv", "alpha")}
BIBLATEX_DOCUMENT = ("\\documentclass{article}\\usepackage[backend=biber]{biblatex}"
                     "\\addbibresource{refs.bib}\n\\begin{document}\\nocite{*}"
                     "\\printbibliography\\end{document}\n")
PDFLATEX = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape",
            "doc.tex"]
TIMEOUT = 180


def _need(*tools: str) -> None:
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing and "biber" in missing:
        pytest.skip("biber not installed: apt-get install biber")
    if missing:
        pytest.skip("pdflatex/bibtex not installed: apt-get install texlive-latex-base "
                    "texlive-bibtex-extra")


def _run(command: Sequence[str], folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=folder, capture_output=True, text=True,
                          timeout=TIMEOUT, check=False, errors="replace")


def _hostile_items(tmp_path: Path) -> list[ExportItem]:
    """Titles, venues and names as a user could type them, and a hostile import."""
    sentinel = tmp_path / "secret.tex"
    titles = [r"\input{/etc/passwd}", r"\immediate\write18{touch pwned}", r"}{\def\x{",
              "%comment", r"50% of $x$ & y_1 #1 ~ ^ \ ", rf"\input{{{sentinel}}}",
              r"\csname input\endcsname{/etc/passwd}", "^^5cinput{/etc/passwd}",
              r"\begin{input}{/etc/passwd}", "{{{", "}}}", "Zürich -- Ångström"]
    typed = [ExportItem(_paper(key=f"typed{n}", title=title, venue=title, abstract=title,
                               authors=(Author(title, title), Author(literal=title)),
                               entry_type="inproceedings", publisher=title,
                               tags=(title.replace(",", ""),)))
             for n, title in enumerate(titles)]
    return typed + _imported(FIXTURES / "bibwrite-hostile.bib")


def _sample_items() -> list[ExportItem]:
    library = Library.memory()
    summary = import_file(library, SAMPLE)
    return [ExportItem(library.paper(i)) for i in summary.result.added]


def _corpus_items() -> list[ExportItem]:
    names = ("biber-names.bib", "biber-crossrefs.bib", "beebe-type.bib",
             "autocomplete-bibtex-PaglioneBibTeX.bib")
    paths = [CORPUS / name for name in names]
    if not all(path.is_file() for path in paths):
        pytest.skip("../shared/corpus/bib is not beside the checkout")
    return _imported(*paths)


SETS: dict[str, Callable[[Path], list[ExportItem]]] = {
    "sample": lambda _: _sample_items(), "hostile": _hostile_items,
    "corpus": lambda _: _corpus_items()}


def _sentinel(tmp_path: Path) -> Path:
    secret = tmp_path / "secret.tex"
    secret.write_text("\\typeout{SENTINEL-READ}\n", encoding="utf-8")
    return secret


@pytest.mark.parametrize("unicode", [True, False], ids=["utf8", "ascii"])
@pytest.mark.parametrize(("name", "style"), [
    *((name, "plain") for name in SETS),
    # The corpus has undated entries, for which natbib's styles always want a year.
    *((name, style) for name in ("sample", "hostile") for style in ("plainnat", "abbrv",
                                                                    "alpha"))])
def test_bibtex_and_pdflatex_accept_the_export(name: str, style: str, unicode: bool,
                                               tmp_path: Path) -> None:
    _need("pdflatex", "bibtex")
    _sentinel(tmp_path)
    items = SETS[name](tmp_path)
    (tmp_path / "refs.bib").write_text(write(items, ExportOptions(unicode=unicode)),
                                       encoding="utf-8")
    (tmp_path / "doc.tex").write_text(STYLES[style], encoding="utf-8")
    assert _run(PDFLATEX, tmp_path).returncode == 0
    bibtex = _run(["bibtex", "doc"], tmp_path)
    log = (tmp_path / "doc.blg").read_text(errors="replace")
    assert bibtex.returncode == 0, log
    assert not [line for line in log.splitlines()
                if "Warning--" in line or "error" in line.lower() or "---line" in line], log
    for _ in range(2):
        run = _run(PDFLATEX, tmp_path)
        assert run.returncode == 0, run.stdout[-3000:]
    bbl = (tmp_path / "doc.bbl").read_text(errors="replace")
    assert all(re.search(rf"\\bibitem(\[[^\]]*\])?{{{re.escape(item.paper.key)}}}", bbl)
               for item in items)
    assert (tmp_path / "doc.pdf").is_file()
    _assert_nothing_ran(tmp_path)


def _assert_nothing_ran(folder: Path) -> None:
    log = (folder / "doc.log").read_text(errors="replace")
    assert "(/etc/passwd" not in log and "SENTINEL-READ" not in log
    assert "runsystem" not in log and not (folder / "pwned").exists()


def test_the_log_check_would_see_an_input(tmp_path: Path) -> None:
    """The control: unescaped, the same \\input is read, and the log shows it."""
    _need("pdflatex", "bibtex")
    secret = _sentinel(tmp_path)
    (tmp_path / "refs.bib").write_text(
        f"@misc{{x, author = {{Doe, Jane}}, title = {{\\input{{{secret}}}}}, year = 2020}}\n",
        encoding="utf-8")
    (tmp_path / "doc.tex").write_text(DOCUMENT, encoding="utf-8")
    for command in (PDFLATEX, ["bibtex", "doc"], PDFLATEX):
        _run(command, tmp_path)
    assert "SENTINEL-READ" in (tmp_path / "doc.log").read_text(errors="replace")


@pytest.mark.parametrize("name", list(SETS))
def test_biber_accepts_the_export(name: str, tmp_path: Path) -> None:
    _need("biber")
    items = SETS[name](tmp_path)
    (tmp_path / "refs.bib").write_text(write_biblatex(items), encoding="utf-8")
    # The corpus files carry fields and gaps of their own that the data model names
    # (JabRef's owner, books without a date…): for them, biber reads without complaint.
    validate = [] if name == "corpus" else ["--validate-datamodel"]
    run = _run(["biber", "--tool", *validate, "refs.bib"], tmp_path)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert not [line for line in output.splitlines() if line.startswith(("WARN", "ERROR"))], \
        output
    tool = (tmp_path / "refs_bibertool.bib").read_text(errors="replace")
    assert all(f"{{{item.paper.key}," in tool for item in items)


def test_biblatex_documents_compile_the_hostile_set(tmp_path: Path) -> None:
    _need("biber", "pdflatex")
    _sentinel(tmp_path)
    (tmp_path / "refs.bib").write_text(write_biblatex(_hostile_items(tmp_path)),
                                       encoding="utf-8")
    (tmp_path / "doc.tex").write_text(BIBLATEX_DOCUMENT, encoding="utf-8")
    assert _run(PDFLATEX, tmp_path).returncode == 0
    biber = _run(["biber", "doc"], tmp_path)
    assert biber.returncode == 0 and "WARN" not in biber.stdout, biber.stdout
    for _ in range(2):
        run = _run(PDFLATEX, tmp_path)
        assert run.returncode == 0, run.stdout[-3000:]
    _assert_nothing_ran(tmp_path)


# --- scale ---------------------------------------------------------------------------------


def test_ten_thousand_papers_write_quickly() -> None:
    rng = random.Random(7)
    items = [ExportItem(_stored(fake_paper(rng, key=f"k{n}", tags=("ml/fl",),
                                           doi=f"10.1000/{n}", arxiv=f"2206.{n:05d}")))
             for n in range(10_000)]
    for writer in (write, write_biblatex):
        start = time.perf_counter()
        text = writer(items)
        elapsed = time.perf_counter() - start
        assert text.count("\n@") == 9_999
        assert elapsed < 10, f"{writer.__name__}: {elapsed:.1f}s for 10,000 papers"
