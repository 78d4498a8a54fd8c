"""BibTeX: the shared corpus of real files, one fixture per rule, generated round trips,
and hostile input that must end quickly in a FormatError or a clean read."""

from __future__ import annotations

import random
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from db.errors import FormatError
from db.formats import Parsed
from db.formats.bibtex import ENTRY_TYPES, read, sniff
from db.records import Author, PaperData

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CORPUS_ENTRIES = 4614  # SOURCES.md: @type{ blocks other than @string/@preamble/@comment


def _corpus_dir() -> Path:
    if not (CORPUS / "bib").is_dir():
        pytest.skip("../shared/corpus is not beside the checkout")
    return CORPUS / "bib"


def _decode(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _corpus(name: str) -> Parsed:
    path = _corpus_dir() / name
    return read(_decode(path), file=name)


def _entry(parsed: Parsed, key: str) -> PaperData:
    (paper,) = [p for p in parsed.records if key in (p.key, p.extra.get("bibtex.key"))]
    return paper


def _one(text: str) -> PaperData:
    parsed = read(text)
    assert len(parsed.records) == 1, parsed.issues
    return parsed.records[0]


def _messages(parsed: Parsed) -> list[str]:
    return [issue.message for issue in parsed.issues]


# --- the corpus -------------------------------------------------------------------------


def _expected_counts() -> dict[str, int]:
    sources = (CORPUS / "SOURCES.md").read_text(encoding="utf-8")
    return {m[1]: int(m[2]) for m in re.finditer(r"^\| `([^`]+\.bib)` \| (\d+) \|", sources, re.M)}


@pytest.mark.corpus
def test_every_corpus_file_reads_and_the_counts_add_up() -> None:
    folder = _corpus_dir()
    expected = _expected_counts()
    total = 0
    differing: list[str] = []
    for path in sorted(folder.glob("*.bib")):
        text = _decode(path)
        try:
            parsed = read(text, file=path.name)
        except FormatError as error:
            # The four UTF-16 files: the caller decodes UTF-8, so they arrive as junk.
            assert "UTF-16" in str(error), path.name
            differing.append(f"{path.name}: {error.reason}")
            continue
        assert len(parsed.lines) == len(parsed.records)
        skipped = sum(1 for issue in parsed.issues if not issue.warning)
        # @xdata entries only lend fields to others: no record, and nothing wrong.
        lenders = len(re.findall(r"@xdata\s*[{(]", text, re.IGNORECASE))
        count = len(parsed.records) + skipped + lenders
        total += count
        if count != expected[path.name]:
            differing.append(f"{path.name}: {count} read, {expected[path.name]} counted")
    print("\n".join(["", f"{total} entries read, {CORPUS_ENTRIES} counted", *differing]))
    assert abs(total - CORPUS_ENTRIES) <= CORPUS_ENTRIES * 0.03
    assert sum(expected.values()) == CORPUS_ENTRIES


@pytest.mark.corpus
def test_corpus_files_with_entries_are_sniffed_and_other_formats_are_not() -> None:
    folder = _corpus_dir()
    for path in sorted(folder.glob("*.bib")):
        text = _decode(path)
        if "\x00" not in text and re.search(r"^\s*@(?!comment|string|preamble)\w+\s*[{(]",
                                            text, re.MULTILINE | re.IGNORECASE):
            assert sniff(text), path.name
    for other in ("ris", "csljson", "csv", "text", "csl-fixtures"):
        for path in sorted((CORPUS / other).iterdir()) if (CORPUS / other).is_dir() else ():
            assert not sniff(_decode(path)), path.name


@pytest.mark.corpus
def test_corpus_particles_suffixes_and_accents_in_names() -> None:
    parsed = _corpus("biber-names.bib")
    assert _entry(parsed, "L5").authors == (Author(family="von Eel", given="Egbert"),)
    assert _entry(parsed, "L11").authors == (Author(family="van Kluster, Jr.", given="Kevin"),)
    assert _entry(parsed, "L12").authors == (
        Author(family="de la Vallée Poussin", given="Charles Louis Xavier Joseph"),)
    assert _entry(parsed, "L13").authors == (Author(family="Van de Graaff", given="R. J."),)
    # biblatex's extended name format
    assert _entry(parsed, "L1id").authors == (Author(family="Adler", given="Alfred"),)
    # commented out with % in the file: not read
    assert not [p for p in parsed.records if p.key in ("L27", "L28")]
    accents = _corpus("citationjs-authors_with_non-ASCII_characters.bib").records[0]
    assert {a.family for a in accents.authors} == {"von Helmholtz", "von Helmhöltz"}
    assert {a.given for a in accents.authors} == {"Hermann", "Hermänñ"}


@pytest.mark.corpus
def test_corpus_organisations_and_others() -> None:
    sasson = _entry(_corpus("bbt-Literal_names.bib"), "sasson_increasing_2013")
    assert sasson.authors[0] == Author(family="Sasson", given="Comilla")
    assert Author(literal="Council on Cardiopulmonary, Critical Care, Perioperative and "
                          "Resuscitation") in sasson.authors
    assert sasson.date == "2013-03"
    assert "Heart Arrest" in sasson.tags
    etal = _entry(_corpus("IEEEexample.bib"), "IEEEexample:articleetal")
    assert etal.authors == (Author(family="Delorme", given="F."),)
    assert etal.et_al


@pytest.mark.corpus
def test_corpus_string_macros_and_crossref() -> None:
    bert = _entry(_corpus("bbt-Import_fails_to_perform_-String_substitutions_-154.bib"),
                  "Bert:2001:SQL")
    assert bert.publisher == "Freds Publishing"
    assert bert.extra["address"] == "London, UK"
    fuzz = _entry(_corpus("bibtexparser-string.bib"), "cha:oakland15")
    assert fuzz.venue == "Proceedings of the IEEE Symposium on Security and Privacy"
    assert fuzz.title == "Program-Adaptive Mutational Fuzzing"
    assert fuzz.extra["bibtex.title"] == "{Program-Adaptive Mutational Fuzzing}"
    xampl = _corpus("texlive-xampl.bib")
    child = _entry(xampl, "inproceedings-crossref")
    # the parent's booktitle (BibTeX's way), its @string STOC expanded
    assert child.venue == "Proc. Fifteenth Annual ACM Symposium on the Theory of Computing"
    assert child.date == "1983"
    assert child.extra["crossref"] == "whole-proceedings"
    assert child.extra["address"] == "Boston"
    assert child.pages == "133-139"
    assert xampl.blocks[0][0] == "preamble" and "noopsort" in xampl.blocks[0][1]


@pytest.mark.corpus
def test_corpus_xdata_lends_fields_through_an_ids_alias() -> None:
    parsed = _corpus("biber-xdata.bib")
    xd1 = _entry(parsed, "xd1")
    assert xd1.publisher == "Macmillan"
    assert xd1.extra["location"] == "New York and London"
    assert xd1.extra["xdata"] == "macmillanalias, missingxd"
    assert not [p for p in parsed.records if p.entry_type == "xdata"]
    assert "entry @BOOK{xd1: its xdata missingxd is not in the file" in _messages(parsed)


@pytest.mark.corpus
def test_corpus_damage_is_reported_and_the_rest_read() -> None:
    keyless = _corpus("bbt-Endnote_should_parse.bib")
    assert keyless.records[0].key == ""
    assert keyless.records[0].title == "Alzheimer mechanisms and therapeutic strategies"
    delimiters = _corpus("citationjs-different_delimiters.bib")
    assert [p.key for p in delimiters.records] == ["a"]
    (issue,) = delimiters.issues
    assert (issue.line, issue.message, issue.warning) == (
        7, "entry @book{b is not closed; skipped", False)
    german = _corpus("bbt-Title_of_German_entry_converted_to_lowercase_during_import_-1350.bib")
    assert "duplicate key schiffer2005a (the first one, on line 1, kept)" in _messages(german)


# --- a realistic mixed file ---------------------------------------------------------------


def _mixed() -> Parsed:
    text = (FIXTURES / "bibtex-mixed.bib").read_text(encoding="utf-8")
    return read(text, file="bibtex-mixed.bib")


def test_mixed_fixture() -> None:
    parsed = _mixed()
    assert [p.key for p in parsed.records] == [
        "wang2022acmp", "richtarik2021", "beethoven1808", "neurips2020", "child2020"]
    assert parsed.lines == (9, 26, 35, 42, 49)
    assert parsed.issues == ()
    assert parsed.blocks == (("preamble", '"\\newcommand{\\noopsort}[1]{}"'),
                             ("comment", "jabref-meta: databaseType:bibtex;"))
    acmp = parsed.records[0]
    assert acmp.title == "ACMP: Allen–Cahn Message Passing for Graph Neural Networks"
    assert acmp.extra["bibtex.title"] == "{ACMP}: {A}llen--{C}ahn Message Passing for Graph " \
                                         "Neural Networks"
    assert acmp.authors[3] == Author(family="Wang", given="Yu Guang")
    assert (acmp.venue, acmp.date, acmp.volume, acmp.number, acmp.pages) == (
        "SIAM Journal on Numerical Analysis", "2022-06", "60", "3", "1204-1230")
    assert acmp.doi == "10.1137/22m1234567"
    assert acmp.extra["bibtex.doi"] == "10.1137/22M1234567"
    assert acmp.tags == ("graph neural networks", "oversmoothing")
    assert "keywords" not in acmp.extra
    assert acmp.extra["file"] == ":wang2022.pdf:PDF"
    assert acmp.abstract == ("Neural message passing is a basic feature extraction unit.\n\n"
                             "We propose ACMP, with $\\mathcal{O}(n)$ cost.")
    richtarik = parsed.records[1]
    assert richtarik.authors == (Author(family="Richtárik", given="Peter"),) and richtarik.et_al
    assert (richtarik.arxiv, richtarik.category) == ("2102.05763", "math.OC")
    assert richtarik.extra["archiveprefix"] == "arXiv"
    beethoven = parsed.records[2]
    assert beethoven.authors == (Author(family="van Beethoven", given="Ludwig"),
                                 Author(literal="World Health Organization"))
    assert beethoven.arxiv == "1808.01234"
    # an organisation's braces come back when the authors are written out: nothing to keep
    assert "bibtex.author" not in beethoven.extra
    assert richtarik.extra["bibtex.author"] == "Richt{\\'a}rik, Peter and others"
    proceedings = parsed.records[3]
    assert proceedings.authors[1] == Author(family="Ranzato", given="Marc'Aurelio")
    assert proceedings.extra["bibtex.editor"].startswith("Larochelle, Hugo")
    child = parsed.records[4]
    assert child.authors == (Author(family="Smith, Jr.", given="John"),)
    assert (child.venue, child.publisher, child.date) == (
        "Advances in Neural Information Processing Systems 33", "Curran Associates", "2020")
    assert child.extra["editor"].startswith("Larochelle")  # inherited; authors come first


# --- one rule at a time --------------------------------------------------------------------


def test_sniff() -> None:
    assert sniff("% Encoding: UTF-8\n\n@Article{a,\n title={x}}")
    assert sniff("@BOOK(b, title = {x})")
    assert sniff("\ufeff@misc{c,}")
    assert sniff("Some notes about this file\n\n@article{a, title={x}}")
    assert not sniff("TY  - JOUR\nTI  - A title\nER  - \n")
    assert not sniff('[{"id": "a", "title": "x"}]')
    assert not sniff("mail me at someone@example.org\n")
    assert not sniff("")


def test_strings_concatenation_months_and_nested_braces() -> None:
    paper = _one('@String{j = "Journal of " # {Things}}\n'
                 '@STRING{yr = "2019"}\n'
                 '@article{a, journal = j # " and " # "Stuff", year = yr, month = SEP,\n'
                 '  title = {The {{Nested {Braces}}} Problem}, note = "A {"}quoted{"} one"}')
    assert paper.venue == "Journal of Things and Stuff"
    assert paper.date == "2019-09"
    assert paper.title == "The Nested Braces Problem"
    assert paper.extra["note"] == 'A {"}quoted{"} one'
    # the file's own @string wins over the month abbreviations every style defines
    assert _one("@string{jan = {February}}\n@misc{a, year=2001, month=jan}").date == "2001-02"


@pytest.mark.parametrize(("month", "date", "raw_kept"), [
    ("jan", "2020-01", False), ("{January}", "2020-01", False), ("{Jan.}", "2020-01", False),
    ("{11}", "2020-11", False), ('jun # "~15"', "2020-06-15", True),
    ("{10~January}", "2020-01-10", True), ("{June--August}", "2020-06", True),
])
def test_months(month: str, date: str, raw_kept: bool) -> None:
    paper = _one(f"@misc{{a, year = 2020, month = {month}}}")
    assert paper.date == date
    assert ("bibtex.month" in paper.extra) is raw_kept
    assert "month" not in paper.extra


def test_dates() -> None:
    assert _one("@misc{a, date = {2021-03-04}}").date == "2021-03-04"
    ranged = _one("@misc{a, date = {2016-05/2017}, year = 2016}")
    assert ranged.date == "2016-05"
    assert ranged.extra["bibtex.date"] == "2016-05/2017"
    assert ranged.extra["year"] == "2016"  # not used when there is a date: kept as written
    assert _one("@misc{a, year = 2020, month = feb, day = 29}").date == "2020-02-29"
    assert _one("@misc{a, year = {1982--1983}}").date == "1982"
    sorted_ = _one("@misc{a, year = {{\\noopsort{1973b}}1973}}")
    assert sorted_.date == "1973" and sorted_.extra["bibtex.year"] == "{\\noopsort{1973b}}1973"


@pytest.mark.parametrize(("fields", "kept", "message"), [
    ("year = {in press}", {"year": "in press"}, "year 'in press' is not a year"),
    ("year = {20}", {"year": "20"}, "year '20' is not a year"),
    ("year = 2020, month = {Summer}", {"month": "Summer"}, "month 'Summer' is not understood"),
    ("year = 2021, month = feb, day = 30", {"day": "30"}, "day '30' is not a day"),
    ("date = {someday}", {"date": "someday"}, "date 'someday' is not understood"),
])
def test_odd_dates_are_kept_and_reported(fields: str, kept: dict[str, str],
                                          message: str) -> None:
    parsed = read(f"@misc{{x1, {fields}}}")
    paper = parsed.records[0]
    assert paper.date in ("", "2020", "2021-02")
    assert kept.items() <= paper.extra.items()
    (issue,) = parsed.issues
    assert issue.warning and issue.line == 1 and message in issue.message


def test_decoded_fields_keep_their_text_as_written() -> None:
    paper = _one("@article{a, title = {Richt{\\'a}rik's {ADMM} -- revisited},\n"
                 "  author = {M{\\\"u}ller, J{\\\"o}rg}, journal = {Plain Journal},\n"
                 "  booktitle = {Not Used}, pages = {100 -- 110}, volume = {7}}")
    assert paper.title == "Richtárik's ADMM – revisited"
    assert paper.extra["bibtex.title"] == "Richt{\\'a}rik's {ADMM} -- revisited"
    assert paper.authors == (Author(family="Müller", given="Jörg"),)
    assert paper.extra["bibtex.author"] == 'M{\\"u}ller, J{\\"o}rg'
    assert paper.venue == "Plain Journal"
    assert paper.pages == "100-110"
    assert paper.extra["booktitle"] == "Not Used"  # only the first venue field is modelled
    for field in ("journal", "pages", "volume"):
        assert f"bibtex.{field}" not in paper.extra


def test_fields_not_modelled_are_kept_verbatim() -> None:
    paper = _one("@book{a, Title = {T}, ISBN = {978-3-16}, Address = {Z{\\\"u}rich},\n"
                 "  annote = {My {notes}}, note = {See $x$}, file = {:a.pdf:PDF;:b.pdf:PDF},\n"
                 "  editor = {Ed Itor}, author = {Au Thor}}")
    assert dict(paper.extra) == {
        "isbn": "978-3-16", "address": 'Z{\\"u}rich', "annote": "My {notes}",
        "note": "See $x$", "file": ":a.pdf:PDF;:b.pdf:PDF", "editor": "Ed Itor"}


def test_aliases_are_always_kept_so_an_export_can_write_them_back() -> None:
    thesis = _one("@phdthesis{a, school = {MIT}, issue = {2}, journaltitle = {J}}")
    assert (thesis.publisher, thesis.number, thesis.venue) == ("MIT", "2", "J")
    assert thesis.extra == {"bibtex.school": "MIT", "bibtex.issue": "2",
                            "bibtex.journaltitle": "J"}
    edited = _one("@book{a, editor = {Doe, Jane and others}}")
    assert edited.authors == (Author(family="Doe", given="Jane"),) and edited.et_al
    assert edited.extra["bibtex.editor"] == "Doe, Jane and others"
    both = _one("@book{a, publisher = {P}, institution = {I}}")
    assert both.publisher == "P" and both.extra["institution"] == "I"


def test_entry_types() -> None:
    assert ENTRY_TYPES["conference"] == "inproceedings"
    assert ENTRY_TYPES["article"] == "article"
    paper = _one("@Conference{a, title={x}}")
    assert paper.entry_type == "inproceedings"
    assert paper.extra["bibtex.type"] == "Conference"
    same = _one("@ARTICLE{a, title={x}}")
    assert same.entry_type == "article" and "bibtex.type" not in same.extra
    unknown = _one("@Film{a, title={x}}")
    assert unknown.entry_type == "film" and "bibtex.type" not in unknown.extra
    assert _one("@web_page{a, title={x}}").entry_type == "online"


def test_keys() -> None:
    good = _one("@article{Smith2020:a-b_c.d+e/f, title={x}}")
    assert good.key == "Smith2020:a-b_c.d+e/f"
    parsed = read("@article{Müller 2020, title={x}}\n@article{, title={y}}\n"
                  "@article{\n  title={z}\n}")
    odd, empty, missing = parsed.records
    assert odd.key == "" and odd.extra["bibtex.key"] == "Müller 2020"
    assert (empty.key, missing.key, missing.title) == ("", "", "z")
    assert parsed.lines == (1, 2, 3)
    messages = _messages(parsed)
    assert "ASCII letters" in messages[0] and "bibtex.key" in messages[0]
    assert messages[1:] == ["entry @article has no key; one will be made"] * 2
    assert all(issue.warning for issue in parsed.issues)


def test_identifiers() -> None:
    by_url = _one("@misc{a, url = {https://doi.org/10.1000/XYZ}}")
    assert (by_url.doi, by_url.url) == ("10.1000/xyz", "https://doi.org/10.1000/XYZ")
    arxiv_url = _one("@misc{a, url = {https://arxiv.org/abs/2206.05437v2}}")
    assert arxiv_url.arxiv == "2206.05437"
    eprint = _one("@misc{a, eprint = {arXiv:2206.05437}, eprinttype = {arxiv}}")
    assert eprint.arxiv == "2206.05437"
    pubmed = _one("@misc{a, eprint = {12345}, eprinttype = {pubmed}}")
    assert pubmed.arxiv == "" and pubmed.extra["eprint"] == "12345"
    escaped = _one("@misc{a, url = {http://x.org/a\\_b\\%20c}, doi = {doi:10.1/A}}")
    assert escaped.url == "http://x.org/a_b%20c"
    assert escaped.extra["bibtex.url"] == "http://x.org/a\\_b\\%20c"
    assert escaped.doi == "10.1/a"


def test_tags() -> None:
    plain = _one("@misc{a, keywords = {ml, graphs}}")
    assert plain.tags == ("ml", "graphs") and "keywords" not in plain.extra
    lossy = _one("@misc{a, keywords = {ml; graphs;ml, Schr{\\\"o}dinger}}")
    assert lossy.tags == ("ml", "graphs", "Schrödinger")
    assert lossy.extra["keywords"] == 'ml; graphs;ml, Schr{\\"o}dinger'
    grouped = _one("@misc{a, keywords = {ml}, groups = {Reading, To print}}")
    assert grouped.tags == ("ml", "Reading", "To print")
    assert grouped.extra["groups"] == "Reading, To print"
    spaced = _one("@misc{a, keywords = {ml ,graphs,\n   trees}}")
    assert spaced.tags == ("ml", "graphs", "trees") and "keywords" not in spaced.extra
    calibre = _one("@book{a, tags = {Ethik, Menschenrechte}}")
    assert calibre.tags == ("Ethik", "Menschenrechte") and calibre.extra == {}


def test_names() -> None:
    paper = _one("@misc{a, author = {Ludwig van Beethoven and van Beethoven, Ludwig and "
                 "Smith, Jr., John and {World Health Organization} and "
                 "Jean de La Fontaine AND Plato and given=Ann, family=Lee, prefix=de and "
                 "{\\'E}mile Zola and others}}")
    assert paper.authors == (
        Author(family="van Beethoven", given="Ludwig"),
        Author(family="van Beethoven", given="Ludwig"),
        Author(family="Smith, Jr.", given="John"),
        Author(literal="World Health Organization"),
        Author(family="de La Fontaine", given="Jean"),
        Author(family="Plato"),
        Author(family="de Lee", given="Ann"),
        Author(family="Zola", given="Émile"),
    )
    assert paper.et_al
    assert paper.authors[2].display == "John Smith, Jr."
    organisation = _one("@misc{a, author = {{Barnes and Noble}}}")
    assert organisation.authors == (Author(literal="Barnes and Noble"),)


def test_preamble_and_comments_in_file_order() -> None:
    parsed = read('@comment{first}\n@preamble{"\\def\\x{1}"}\n% not kept\n'
                  "@misc{a, title={t}}\n@COMMENT{second {nested}}\n")
    assert parsed.blocks == (("comment", "first"), ("preamble", '"\\def\\x{1}"'),
                             ("comment", "second {nested}"))


def test_only_comments_or_nothing_is_an_empty_read_and_prose_is_an_error() -> None:
    for text in ("", "\n\n", "% just a comment\n", "@comment{x}", '@string{a = "b"}'):
        parsed = read(text)
        assert parsed.records == () and parsed.issues == ()
    with pytest.raises(FormatError, match="no BibTeX entry"):
        read("Dear reader,\nthis is a letter.\n", file="letter.txt")


def test_crlf_and_bom() -> None:
    parsed = read("\ufeff@article{a,\r\n  title = {A\r\n  long title},\r\n  year = 2020\r\n}"
                  "\r\n\r\n@misc{b, note = {x\r\ny}}\r\n")
    first, second = parsed.records
    assert (first.title, first.date, parsed.lines) == ("A long title", "2020", (1, 7))
    assert second.extra["note"] == "x\ny"


def test_percent_comments_outside_values() -> None:
    parsed = read("%@article{gone, title={x}}\n"
                  "@article{kept,\n"
                  "  title = {50% of {100%}},   % a comment, with a comma\n"
                  "% author = {Nobody},\n"
                  '  note = "100% sure",\n'
                  "}\n")
    (paper,) = parsed.records
    assert (paper.key, paper.title, paper.authors) == ("kept", "50% of 100%", ())
    assert paper.extra["note"] == "100% sure"
    assert parsed.issues == ()


def test_crossref_rules() -> None:
    parsed = read("@inproceedings{child, title = {Paper}, crossref = {PROC}, pages = {1--2}}\n"
                  "@incollection{other, title = {Chapter}, crossref = {book}}\n"
                  "@article{art, crossref = {per}}\n"
                  "@proceedings{proc, title = {Proc. of X}, year = 2020, publisher = {P},\n"
                  "  subtitle = {Sub}, ids = {procalias}}\n"
                  "@book{book, title = {Whole}, booktitle = {Whole (as a book)}, year = 1999}\n"
                  "@periodical{per, title = {Journal Z}, year = 2001, volume = 3}\n"
                  "@misc{lost, crossref = {nowhere}}\n")
    child, other, article, *_, lost = parsed.records
    assert (child.title, child.venue, child.date, child.publisher) == (
        "Paper", "Proc. of X", "2020", "P")
    assert child.extra["crossref"] == "PROC"  # kept as written, matched without case
    assert child.extra["booksubtitle"] == "Sub"
    assert "ids" not in child.extra and "subtitle" not in child.extra
    assert other.venue == "Whole (as a book)" and other.title == "Chapter"
    assert (article.title, article.venue, article.volume) == ("", "Journal Z", "3")
    assert lost.extra["crossref"] == "nowhere"
    assert "entry @misc{lost: its crossref nowhere is not in the file" in _messages(parsed)


def test_xdata_and_loops() -> None:
    parsed = read("@xdata{pub, publisher = {P}, location = {L}}\n"
                  "@xdata{more, xdata = {pub}, note = {N}}\n"
                  "@book{a, title = {A}, xdata = {more}, location = {Here}}\n"
                  "@book{b, crossref = {c}}\n@book{c, crossref = {b}}\n")
    a, b, c = parsed.records
    assert (a.publisher, a.extra["location"], a.extra["note"]) == ("P", "Here", "N")
    assert a.extra["xdata"] == "more"
    assert (b.key, c.key) == ("b", "c")
    assert any("loops" in message for message in _messages(parsed))


def test_broken_entries_are_skipped_with_a_reason_and_the_rest_read() -> None:
    parsed = read("@article{good1, title = {One}}\n"
                  "@article{smith2020, title = {Unclosed}\n"
                  "\n"
                  "@article{good2, title = {Two}}\n"
                  "@article{nocomma title = {x}}\n"
                  "@article{noequals, title {x}}\n"
                  "@article{twofields, title = {x} year = 2000}\n"
                  "@article{good1, title = {Again}}\n"
                  "@article{dupfield, title = {First}, title = {Second}}\n"
                  '@article{nohash, title = "a" "b"}\n')
    assert [(p.key, p.title) for p in parsed.records] == [
        ("good1", "One"), ("good2", "Two"), ("dupfield", "First")]
    assert [(i.line, i.message, i.warning) for i in parsed.issues] == [
        (2, "entry @article{smith2020 is not closed; skipped", False),
        (5, "entry @article{nocomma has no comma after its key; skipped", False),
        (6, "entry @article{noequals has a field without '='; skipped", False),
        (7, "entry @article{twofields lacks a comma between two fields; skipped", False),
        (8, "duplicate key good1 (the first one, on line 1, kept)", False),
        (9, "entry @article{dupfield has title more than once; the first kept", True),
        (10, "entry @article{nohash has a value with no # before '\"b\"'; skipped", False),
    ]


def test_unknown_string_names_are_kept_as_written() -> None:
    parsed = read("@article{a, journal = IEEE_J_AC, publisher = acm # { Press}}")
    paper = parsed.records[0]
    assert (paper.venue, paper.publisher) == ("IEEE_J_AC", "acm Press")
    (issue,) = parsed.issues
    assert issue.warning and "unknown @string name IEEE_J_AC, acm" in issue.message


# --- generated entries round-trip ----------------------------------------------------------

_WORD = st.text("abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)
# "And" would separate two people, as in BibTeX.
_CAPITALISED = _WORD.filter(lambda word: word != "and").map(str.capitalize)
_PROSE = st.lists(st.one_of(_WORD, _CAPITALISED, st.sampled_from(
    ["a.", "b,", "(c)", "d:", "e;", "f?", "g!", "h'i", "j-k", "1/2", "100%", "x@y", "r&d"])),
    min_size=1, max_size=12).map(" ".join)
_VERBATIM = st.lists(st.one_of(_PROSE, st.sampled_from(
    ["{Braced}", "\\'e", "{\\\"o}", "$x^{2}$", "A--B", "~", "#1", '"q"'])),
    min_size=1, max_size=5).map(" ".join)
_MODELLED = {"title", "author", "editor", "year", "month", "day", "date", "journal",
             "journaltitle", "booktitle", "volume", "number", "issue", "pages", "publisher",
             "institution", "school", "organization", "doi", "url", "eprint", "archiveprefix",
             "eprinttype", "primaryclass", "eprintclass", "keywords", "abstract", "crossref",
             "xdata", "ids", "groups", "tags"}
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_FIELD_NAME = st.text("abcdefghijklmnopqrstuvwxyz_", min_size=2, max_size=10).filter(
    lambda name: name not in _MODELLED)


@st.composite
def _people(draw: st.DrawFn) -> tuple[str, Author]:
    """A name as BibTeX writes it, and the author it means."""
    family = draw(_CAPITALISED)
    given = " ".join(draw(st.lists(_CAPITALISED, max_size=2)))
    kind = draw(st.sampled_from(["plain", "particle", "suffix", "organisation", "first"]))
    if kind == "organisation":
        name = f"{family} {given}".strip()
        return f"{{{name}}}", Author(literal=name)
    if kind == "particle":
        particle = draw(st.sampled_from(["van", "von", "de la", "van der"]))
        written = f"{particle} {family}, {given}".rstrip(", ")
        return written, Author(family=f"{particle} {family}", given=given)
    if kind == "suffix" and given:
        return f"{family}, Jr., {given}", Author(family=f"{family}, Jr.", given=given)
    if kind == "first" and given:
        return f"{given} {family}", Author(family=family, given=given)
    return f"{family}, {given}".rstrip(", "), Author(family=family, given=given)


@st.composite
def _entries(draw: st.DrawFn) -> tuple[str, dict[str, object]]:
    key = draw(st.from_regex(r"[A-Za-z][A-Za-z0-9_:.+/-]{0,15}", fullmatch=True))
    entry_type = draw(st.sampled_from(["article", "book", "inproceedings", "misc", "report"]))
    people = draw(st.lists(_people(), min_size=1, max_size=4))
    et_al = draw(st.booleans())
    year = draw(st.integers(1000, 2999))
    month = draw(st.none() | st.integers(1, 12))
    first, last = draw(st.integers(1, 999)), draw(st.integers(1000, 9999))
    tags = draw(st.lists(_WORD, max_size=4, unique=True))
    extra = draw(st.dictionaries(_FIELD_NAME, _VERBATIM, max_size=4))
    names = " and ".join(written for written, _ in people)
    fields = {
        "title": draw(_PROSE), "author": names + (" and others" if et_al else ""),
        "journal": draw(_PROSE), "year": str(year), "volume": str(draw(st.integers(1, 99))),
        "pages": f"{first}--{last}", "doi": f"10.{draw(st.integers(1000, 9999))}/{key.lower()}",
        "abstract": draw(_PROSE), **({"keywords": ", ".join(tags)} if tags else {}), **extra,
    }
    lines = [f"  {name} = {{{value}}}," for name, value in fields.items()]
    if month is not None:
        lines.append(f"  month = {_MONTHS[month - 1]},")
    text = f"@{entry_type}{{{key},\n" + "\n".join(lines) + "\n}\n"
    want: dict[str, object] = {
        "key": key, "entry_type": entry_type, "title": fields["title"],
        "authors": tuple(author for _, author in people),
        "et_al": et_al, "date": f"{year}" if month is None else f"{year}-{month:02d}",
        "venue": fields["journal"], "volume": fields["volume"], "pages": f"{first}-{last}",
        "doi": fields["doi"].lower(), "abstract": fields["abstract"], "tags": tuple(tags),
        "extra": extra,
    }
    return text, want


@settings(max_examples=150, deadline=None)
@given(_entries())
def test_generated_entries_round_trip(case: tuple[str, dict[str, object]]) -> None:
    text, want = case
    parsed = read(text)
    assert parsed.issues == ()
    (paper,) = parsed.records
    got = {name: getattr(paper, name) for name in want}
    got["extra"] = dict(paper.extra)
    assert got == want


_BIBTEXISH = st.lists(st.one_of(st.sampled_from([
    "@article{", "@string{", "@comment{", "@preamble{", "@misc(", "@", "{", "}", "(", ")", ",",
    "=", '"', "#", "%", "\n", "\\", "$", " and ", "others", "title", "author", "year", "month",
    "jan", "crossref", "xdata", "key", "{\\'e}", "--", "~", " ", "\r\n", "\x00", "ids"]),
    st.text(max_size=5)), max_size=60).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=300), _BIBTEXISH))
def test_any_text_reads_or_raises_format_error(text: str) -> None:
    try:
        parsed = read(text)
    except FormatError:
        return
    assert len(parsed.records) == len(parsed.lines)
    for paper in parsed.records:
        assert isinstance(paper, PaperData)


# --- hostile input ------------------------------------------------------------------------


def _bounded(text: str, seconds: float = 5.0) -> Parsed | FormatError:
    start = time.perf_counter()
    try:
        result: Parsed | FormatError = read(text)
    except FormatError as error:
        result = error
    assert time.perf_counter() - start < seconds
    return result


def test_deep_braces_skip_that_entry() -> None:
    deep = "{" * 10_000 + "x" + "}" * 10_000
    result = _bounded(f"@article{{deep, title = {{{deep}}}}}\n@misc{{ok, title = {{Fine}}}}")
    assert isinstance(result, Parsed)
    assert [p.key for p in result.records] == ["ok"]
    assert result.issues[0].message == "entry @article{deep has braces nested more than 64 " \
                                       "deep; skipped"
    unclosed = _bounded("@article{deep, title = {" + "{" * 10_000 + "\n@misc{ok, title={F}}")
    assert isinstance(unclosed, Parsed) and [p.key for p in unclosed.records] == ["ok"]
    # Deep braces reached through an @string: LaTeX left as written, no crash.
    through = _bounded("@string{s = {" + deep + "}}\n@misc{a, title = s}")
    assert isinstance(through, Parsed) and through.records[0].title == "x"


def test_ten_megabyte_field() -> None:
    abstract = "lorem {ipsum} dolor $x^2$ sit amet " * 300_000
    result = _bounded(f"@article{{big, title = {{T}}, abstract = {{{abstract}}}}}", 10.0)
    assert isinstance(result, Parsed)
    (paper,) = result.records
    assert paper.abstract.startswith("lorem ipsum dolor $x^2$")
    assert "LaTeX was kept" in result.issues[0].message


def test_binary_junk_is_a_clear_format_error() -> None:
    for junk in ("\x00" * 10_000, random.Random(1).randbytes(1_000_000).decode("latin-1"),
                 "@{" * 200_000, "@a{\n" * 100_000):
        result = _bounded(junk)
        assert isinstance(result, FormatError), junk[:20]
        assert "not BibTeX text" in result.reason


def test_long_crossref_chains_and_huge_lists_stay_quick() -> None:
    chain = "\n".join(f"@inproceedings{{a{i}, crossref = {{a{i + 1}}}, title = {{T{i}}}}}"
                      for i in range(5_000))
    result = _bounded(chain)
    assert isinstance(result, Parsed) and len(result.records) == 5_000
    people = " and ".join(f"Given{i} Family{i}" for i in range(50_000))
    names = _bounded(f"@article{{x, author = {{{people}}}}}")
    assert isinstance(names, Parsed) and len(names.records[0].authors) == 50_000


def _large(count: int) -> Iterator[str]:
    """A file like a real library's export: braces, accents, macros, abstracts."""
    rnd = random.Random(7)
    words = ("graph", "neural", "network", "learning", "robust", "sparse", "model", "kernel",
             "method", "optimal", "transport", "bayesian", "inference", "deep")
    people = ['M{\\"u}ller, Hans', "Smith, John", "van der Berg, Anna",
              "Richt{\\'a}rik, Peter", "Wang, Yuelin", "Kai Yi"]
    yield "@string{jmlr = {Journal of Machine Learning Research}}\n"
    for i in range(count):
        title = " ".join(rnd.choice(words) for _ in range(8))
        if i % 3 == 0:
            title = "{" + title.title() + "}: a {GNN} study"
        abstract = " ".join(rnd.choice(words) for _ in range(150))
        if i % 5 == 0:
            abstract += " with $\\mathcal{O}(n^2)$ cost and 50\\% fewer \\emph{steps}"
        authors = " and ".join(rnd.choice(people) for _ in range(4))
        month = ("jan", "feb", "mar")[i % 3]
        yield (f"@article{{key{i},\n  title = {{{title}}},\n  author = {{{authors}}},\n"
               f"  journal = jmlr,\n  year = {2000 + i % 25},\n  month = {month},\n"
               f"  volume = {{{i % 40}}},\n  pages = {{{i}--{i + 10}}},\n"
               f"  doi = {{10.1000/ABC.{i}}},\n  keywords = {{learning, graphs}},\n"
               f"  abstract = {{{abstract}}},\n}}\n")


def test_ten_thousand_entries_read_quickly() -> None:
    text = "\n".join(_large(10_000))
    start = time.perf_counter()
    parsed = read(text)
    elapsed = time.perf_counter() - start
    print(f"\n10,000 entries ({len(text) / 1e6:.1f} MB) read in {elapsed:.2f} s")
    assert len(parsed.records) == 10_000 and parsed.issues == ()
    assert parsed.records[1].date == "2001-02"
    # 1.7 s on the development machine; the bound leaves room for a loaded test runner.
    assert elapsed < 8
