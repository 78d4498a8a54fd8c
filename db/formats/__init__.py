"""Text ⇄ records, one module per format. No SQL, no Qt, no file system."""

from __future__ import annotations

from dataclasses import dataclass


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
