"""Text ⇄ records, one module per format. No SQL, no Qt, no file system."""

from __future__ import annotations

from dataclasses import dataclass

from db.records import PaperData


@dataclass(frozen=True)
class FormatIssue:
    """A problem found while reading: where it is and what is wrong, in plain words."""

    file: str
    line: int
    message: str
    # A warning imports the entry anyway; otherwise the entry it names was skipped.
    warning: bool = False

    def __str__(self) -> str:
        where = ":".join(part for part in (self.file, str(self.line) if self.line else "") if part)
        return f"{where}: {self.message}" if where else self.message


@dataclass(frozen=True)
class Parsed:
    """What a format reader made of one text: the good records, and what it skipped.

    ``lines[i]`` is the 1-based line where ``records[i]`` starts. ``blocks`` holds text
    the format carries besides entries (BibTeX's ``@preamble`` and ``@comment``), kept so
    that an export can write it back.
    """

    records: tuple[PaperData, ...]
    lines: tuple[int, ...]
    issues: tuple[FormatIssue, ...]
    blocks: tuple[tuple[str, str], ...] = ()
