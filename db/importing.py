"""Reading files into the library: recognise the format, read, then one import.

Format readers live in ``db.formats``; this module picks one and hands its records to
:meth:`db.library.Library.import_papers`, so an import is one transaction whatever the
format.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from db.errors import FormatError
from db.formats import FormatIssue, profile
from db.library import Library
from db.papers import ImportResult, OnDuplicate
from db.records import PaperData


@dataclass(frozen=True)
class ReadResult:
    """What a format reader made of one file, before anything touches the library."""

    format: str
    records: tuple[PaperData, ...]
    issues: tuple[FormatIssue, ...]
    list_name: str | None = None
    list_description: str | None = None


@dataclass(frozen=True)
class ImportSummary:
    file: str
    read: ReadResult
    result: ImportResult

    @property
    def rejected(self) -> bool:
        """True when something in the file was not imported because it was malformed."""
        return any(not issue.warning for issue in self.read.issues)


Reader = Callable[[str, str, "ReadOptions"], ReadResult]


@dataclass(frozen=True)
class ReadOptions:
    capture_year: int | None = None


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


# name → (sniff, read). Later formats register here and the CLI picks them up.
FORMATS: dict[str, tuple[Callable[[str], bool], Reader]] = {
    "profile": (profile.sniff, _read_profile),
}


def decode(data: bytes, file: str) -> str:
    """Text from a file's bytes: UTF-8 (with or without a BOM)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FormatError("the file is not UTF-8 text", file=file, line=line) from None


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
    return FORMATS[name][1](text, file, options)


def read_file(path: Path, *, format: str | None = None,
              options: ReadOptions = ReadOptions()) -> ReadResult:
    file = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FormatError(f"cannot read the file ({exc.strerror})", file=file) from None
    return read_text(decode(data, file), file=file, format=format, options=options)


def import_file(library: Library, path: Path, *, format: str | None = None,
                on_duplicate: OnDuplicate = "skip",
                options: ReadOptions = ReadOptions(),
                progress: Callable[[int, int], None] | None = None) -> ImportSummary:
    """Read ``path`` and import its good records in one transaction."""
    read = read_file(path, format=format, options=options)
    result = library.import_papers(
        read.records, on_duplicate=on_duplicate, list_name=read.list_name,
        list_description=read.list_description, progress=progress,
    )
    return ImportSummary(str(path), read, result)
