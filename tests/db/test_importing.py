"""Importing the researcher-profile listing into a library: one transaction, no repeats."""

from __future__ import annotations

from pathlib import Path

import pytest

from db.errors import FormatError
from db.importing import ReadOptions, import_file, read_file, read_text
from db.library import Library
from desktop.paths import sample_listing

SAMPLE = sample_listing()


def test_the_sample_fills_the_library_and_a_list_in_order(library: Library) -> None:
    summary = import_file(library, SAMPLE, options=ReadOptions(capture_year=2025))
    assert summary.read.format == "profile" and not summary.rejected
    assert len(summary.result.added) == 33
    assert library.count() == 33
    # The listing marks 6 papers "Code" and names a code link for 7 (HGR-Net's link has
    # no marker): `has:code` finds the 7.
    assert library.count("has:code") == 7
    assert library.count("year:2025") >= 3
    (reading_list,) = library.lists()
    assert reading_list.name == "Kai Yi" and reading_list.count == 33
    assert "h-index 80" in reading_list.description
    ordered = [library.paper(item.paper_id).title for item in library.list_items("Kai Yi")]
    assert ordered[0].startswith("ACMP: Allen-Cahn Message Passing")
    assert ordered[1].startswith("Continual Zero-Shot Learning")
    assert library.search('list:"Kai Yi"') == [i.paper_id for i in library.list_items("Kai Yi")]
    acmp = library.paper(library.search('title:"Allen-Cahn"')[0])
    assert acmp.code_url == "https://github.com/ykiiiiii/ACMP"
    assert acmp.category == "cs.LG" and acmp.et_al


def test_reimporting_the_listing_adds_nothing(library: Library) -> None:
    import_file(library, SAMPLE, options=ReadOptions(capture_year=2025))
    again = import_file(library, SAMPLE, options=ReadOptions(capture_year=2025))
    assert again.result.added == () and len(again.result.duplicates) == 33
    assert library.count() == 33
    assert library.lists()[0].count == 33


def test_a_partly_broken_listing_imports_the_good_blocks(library: Library, tmp_path: Path) -> None:
    listing = tmp_path / "someone.txt"
    listing.write_text(
        "Ada Lovelace\n\nML\nh-index3\n3papers\n\n3 Papers\n\n"
        "MLJan 5, 2021\nA first paper\n\nAda Lovelace, Charles Babbage\n\nAbstract one.\n\n"
        "this line is not a paper header\nA second paper\n\nAda Lovelace\n\nAbstract two.\n\n"
        "BMDec 31\nA third paper\n\nAda Lovelace et al.\n\nAbstract three.\n",
        encoding="utf-8",
    )
    summary = import_file(library, listing, options=ReadOptions(capture_year=2024))
    assert summary.rejected
    warnings = [(i.line, i.message) for i in summary.read.issues if i.warning]
    assert warnings == [(5, "the header says 3 papers but 2 were read")]
    assert [str(i.line) for i in summary.read.issues if not i.warning] == ["16"]
    assert len(summary.result.added) == 2
    assert sorted(library.paper(i).date for i in summary.result.added) == ["2021-01-05",
                                                                          "2024-12-31"]
    assert library.lists()[0].name == "Ada Lovelace"


def test_unrecognisable_text_is_refused_with_the_file_name() -> None:
    with pytest.raises(FormatError, match="cannot tell what format"):
        read_text("Dear colleague,\nplease find attached my notes.\n", file="letter.txt")


def test_hostile_files_end_in_a_clear_message(tmp_path: Path) -> None:
    from db.importing import MAX_FILE_BYTES, read_file

    huge = tmp_path / "huge.bib"
    with huge.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: costs no disk
    with pytest.raises(FormatError, match="too large to be a bibliography"):
        read_file(huge)
    junk = tmp_path / "junk.bib"
    junk.write_bytes(bytes(range(256)) * 100)
    with pytest.raises(FormatError, match="binary file"):
        read_file(junk)
    with pytest.raises(FormatError, match="cannot read the file"):
        read_file(tmp_path / "missing.bib")


def test_latin1_is_read_with_a_warning(library: Library, tmp_path: Path) -> None:
    listing = tmp_path / "latin1.txt"
    listing.write_bytes("Ada Lovelace\n\nML\nh-index3\n1papers\n\n1 Papers\n\n"
                        "MLJan 5, 2021\nÉtude of engines\n\nAda Lovelace\n\nAbstract.\n"
                        .encode("latin-1"))
    summary = import_file(library, listing)
    warning = summary.read.issues[0]
    assert warning.warning and "read as Latin-1" in warning.message and warning.line == 10
    assert library.paper(summary.result.added[0]).title == "Étude of engines"
    assert not summary.rejected


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_files_are_read_with_or_without_a_byte_order_mark(
    tmp_path: Path, encoding: str
) -> None:
    from db.importing import read_file

    path = tmp_path / "jabref.bib"
    path.write_bytes("@article{x, title={Über Graphen}, year={2020}}\n".encode(encoding))
    read = read_file(path)
    assert read.format == "bibtex" and read.records[0].title == "Über Graphen"


def test_reading_pauses_the_cyclic_collector_and_gives_it_back() -> None:
    import gc

    assert gc.isenabled()
    assert len(read_text("@misc{a, title = {T}}").records) == 1
    assert gc.isenabled()
    with pytest.raises(FormatError):
        read_text("prose, not a bibliography", format="bibtex")
    assert gc.isenabled()
    gc.disable()
    try:
        read_text("@misc{a, title = {T}}")
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()


def test_a_file_cut_inside_a_character_reads_as_utf8(tmp_path: Path) -> None:
    path = tmp_path / "cut.bib"
    path.write_bytes("@misc{a, author = {Müller, Jürgen}}\n@misc{b, title = {Ç".encode()[:-1])
    read = read_file(path)
    assert read.records[0].authors[0].family == "Müller"
    assert [(i.line, i.warning) for i in read.issues if "cut short" in i.message] == [(2, True)]


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_a_file_with_no_size_and_no_end_is_refused() -> None:
    with pytest.raises(FormatError, match="too large"):
        read_file(Path("/dev/zero"))
