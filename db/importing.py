"""Reading files into the library: recognise the format, read, then one import.

Format readers live in ``db.formats``; this module picks one and hands its records to
:meth:`db.library.Library.import_papers`, so an import is one transaction whatever the
format, and is recorded with the file's name and counts.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from db import collector
from db.errors import FormatError
from db.formats import FormatIssue, Parsed, bibtex, csljson, idlist, profile, ris
from db.library import Library
from db.papers import ImportResult, ImportSource, OnDuplicate
from db.records import PaperData

# Bibliographies are text: the largest real ones are a few MB. Past this a file is taken
# for something else, refused at once rather than read for minutes.
MAX_FILE_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class ReadResult:
    """What a format reader made of one file, before anything touches the library."""

    format: str
    records: tuple[PaperData, ...]
    issues: tuple[FormatIssue, ...]
    list_name: str | None = None
    list_description: str | None = None
    blocks: tuple[tuple[str, str], ...] = ()

    @property
    def skipped(self) -> int:
        return sum(1 for issue in self.issues if not issue.warning)


@dataclass(frozen=True)
class ImportSummary:
    file: str
    read: ReadResult
    result: ImportResult

    @property
    def rejected(self) -> bool:
        """True when something in the file was not imported because it was malformed."""
        return self.read.skipped > 0

    def describe(self) -> str:
        """One line for the user: what the import did. The window and the CLI show it."""
        result = self.result
        known = len(result.duplicates) - len(result.merged)
        parts = [f"{len(result.added)} added"]
        if result.merged:
            parts.append(f"{len(result.merged)} merged into papers already there")
        if known:
            parts.append(f"{known} already in the library")
        parts.append(f"{self.read.skipped} skipped")
        if self.read.list_name:
            parts.append(f"reading list {self.read.list_name!r}")
        if result.import_id is not None:
            parts.append(f"import:{result.import_id}")
        return f"{Path(self.file).name}: {', '.join(parts)}"


@dataclass(frozen=True)
class ReadOptions:
    capture_year: int | None = None


Reader = Callable[[str, str, ReadOptions], ReadResult]


def _read_profile(text: str, file: str, options: ReadOptions) -> ReadResult:
    listing = profile.read(text, file=file, capture_year=options.capture_year)
    header = listing.header
    return ReadResult(
        format="profile",
        records=listing.papers,
        issues=listing.issues,
        list_name=header.name if header and header.name else None,
        list_description=header.description() if header else None,
    )


def _parsed(name: str, read: Callable[..., Parsed]) -> Reader:
    def reader(text: str, file: str, options: ReadOptions) -> ReadResult:
        parsed = read(text, file=file)
        return ReadResult(name, parsed.records, parsed.issues, blocks=parsed.blocks)

    return reader


# name → (sniff, read), tried in this order when the format is not given: the most
# particular formats first, so that a BibTeX file quoting a DOI is not an id list.
FORMATS: dict[str, tuple[Callable[[str], bool], Reader]] = {
    "bibtex": (bibtex.sniff, _parsed("bibtex", bibtex.read)),
    "csljson": (csljson.sniff, _parsed("csljson", csljson.read)),
    "ris": (ris.sniff, _parsed("ris", ris.read)),
    "profile": (profile.sniff, _read_profile),
    "ids": (idlist.sniff, _parsed("ids", idlist.read)),
}


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le``/``-be`` when the bytes look like mostly-ASCII UTF-16 (JabRef can write
    it with no byte-order mark): every other byte zero, the others not."""
    sample = data[:4096]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    for zeros, others, name in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros.count(0) > 0.8 * len(zeros) and others.count(0) < 0.05 * len(others):
            return name
    return None


def decode(data: bytes, file: str) -> tuple[str, list[FormatIssue]]:
    """Text from a file's bytes, with a warning when it was not plain UTF-8.

    UTF-8 (with or without a BOM) and UTF-16 (with a BOM, or recognisably without) are
    read as they are; other bytes as Latin-1, with a warning. Any other file with NUL
    bytes is binary (a PDF, a database), not a bibliography.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding: str | None = "utf-16"
    elif b"\x00" in data[:1_000_000]:
        encoding = _utf16_without_bom(data)
        if encoding is None:
            line = data[: data.index(b"\x00")].count(b"\n") + 1
            raise FormatError("this is a binary file, not a bibliography", file=file,
                              line=line)
    else:
        encoding = None
    if encoding is not None:
        try:
            return data.decode(encoding).lstrip("\ufeff"), []
        except UnicodeDecodeError:
            raise FormatError(f"the file looks like {encoding.upper()} text but does not "
                              "decode as such", file=file) from None
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        whole = _without_a_cut_character(data)
        if whole is not None:
            try:
                text = whole.decode("utf-8-sig")
            except UnicodeDecodeError:
                pass
            else:
                # A download cut short: the text before it is UTF-8 all the same.
                cut = FormatIssue(file, text.count("\n") + 1, "the file ends inside a "
                                  "character (was it cut short?); that character was left "
                                  "out", warning=True)
                return text, [cut]
        line = data[: exc.start].count(b"\n") + 1
        warning = FormatIssue(file, line, "the file is not UTF-8; it was read as Latin-1 "
                                          "(check accented letters)", warning=True)
        return data.decode("latin-1"), [warning]


def _without_a_cut_character(data: bytes) -> bytes | None:
    """``data`` less a UTF-8 character its end cuts in two, or None when it ends whole."""
    for back in range(1, min(4, len(data)) + 1):
        byte = data[-back]
        if byte < 0x80 or byte >= 0xC0:  # ASCII, or the first byte of a character
            length = 2 if byte >> 5 == 0b110 else 3 if byte >> 4 == 0b1110 \
                else 4 if byte >> 3 == 0b11110 else 1
            return data[:-back] if back < length else None
    return None


def sniff(text: str, file: str) -> str:
    for name, (looks_like, _) in FORMATS.items():
        if looks_like(text):
            return name
    raise FormatError(
        f"cannot tell what format this is (known: {', '.join(FORMATS)})", file=file
    )


def read_text(text: str, *, file: str = "", format: str | None = None,
              options: ReadOptions = ReadOptions()) -> ReadResult:
    name = format or sniff(text, file)
    if name not in FORMATS:
        raise FormatError(f"unknown format {name!r} (known: {', '.join(FORMATS)})", file=file)
    with collector.paused():
        return FORMATS[name][1](text, file, options)


def read_file(path: Path, *, format: str | None = None,
              options: ReadOptions = ReadOptions()) -> ReadResult:
    file = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise FormatError(f"the file is too large to be a bibliography ({size >> 20} MB; "
                              f"the limit is {MAX_FILE_BYTES >> 20} MB)", file=file)
        # Read no further than the limit: a device or a pipe (/dev/zero) has no size.
        with path.open("rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise FormatError(f"the file is too large to be a bibliography (more than "
                              f"{MAX_FILE_BYTES >> 20} MB)", file=file)
    except OSError as exc:
        raise FormatError(f"cannot read the file ({exc.strerror})", file=file) from None
    text, warnings = decode(data, file)
    read = read_text(text, file=file, format=format, options=options)
    return replace(read, issues=(*warnings, *read.issues)) if warnings else read


def import_read(library: Library, read: ReadResult, file: str, *,
                on_duplicate: OnDuplicate = "skip",
                progress: Callable[[int, int], None] | None = None) -> ImportSummary:
    """Import what was read from one file, in one transaction, and record the import."""
    result = library.import_papers(
        read.records, on_duplicate=on_duplicate, list_name=read.list_name,
        list_description=read.list_description, progress=progress,
        source=ImportSource(file, read.format, read.skipped, read.blocks),
    )
    return ImportSummary(file, read, result)


def import_file(library: Library, path: Path, *, format: str | None = None,
                on_duplicate: OnDuplicate = "skip",
                options: ReadOptions = ReadOptions(),
                progress: Callable[[int, int], None] | None = None) -> ImportSummary:
    """Read ``path`` and import its good records in one transaction."""
    read = read_file(path, format=format, options=options)
    return import_read(library, read, str(path), on_duplicate=on_duplicate,
                       progress=progress)
