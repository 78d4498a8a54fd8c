"""Every real file of the corpus, sniffed and imported as a user would import it."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from db.errors import FormatError
from db.importing import decode, import_read, read_file, read_text
from db.library import Library

FOLDERS = {"bib": "bibtex", "ris": "ris", "csljson": "csljson"}


def corpus_files(corpus: Path) -> list[Path]:
    return sorted(p for folder in FOLDERS for p in (corpus / folder).iterdir() if p.is_file())


def test_every_corpus_file_is_recognised_and_imports(corpus: Path) -> None:
    counts: dict[str, int] = dict.fromkeys(FOLDERS.values(), 0)
    refused: list[str] = []
    with Library.memory() as library:
        for path in corpus_files(corpus):
            try:
                read = read_file(path)
            except FormatError as exc:
                refused.append(f"{path.parent.name}/{path.name}: {exc.reason}")
                continue
            assert read.format == FOLDERS[path.parent.name], path
            summary = import_read(library, read, str(path), on_duplicate="keep")
            assert len(summary.result.added) == len(read.records)
            counts[read.format] += len(read.records)
        assert library.stats()["papers"] == sum(counts.values())
    # SOURCES.md counts 4614 BibTeX entries, 118 RIS records and 252 CSL-JSON items; a
    # few are malformed on purpose (the files are other programs' test fixtures).
    assert counts["bibtex"] >= 4400
    assert counts["ris"] >= 100
    assert counts["csljson"] == 252
    # Files with no entry at all (a corrupted fixture, Web of Science text) are refused
    # with a reason, not imported as nothing.
    assert len(refused) <= 5, refused


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_end_in_a_format_error_or_a_read(data: bytes) -> None:
    try:
        text, _ = decode(data, "junk")
        read_text(text, file="junk")
    except FormatError:
        pass
