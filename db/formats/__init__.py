"""Text ⇄ records, one module per format. No SQL, no Qt, no file system."""

from __future__ import annotations

from dataclasses import dataclass

from db.records import Paper, PaperData


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


@dataclass(frozen=True)
class ExportItem:
    """One paper to write: the paper, its notes (Markdown) and its former citation keys."""

    paper: Paper
    notes: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExportOptions:
    """What a writer may be asked; each format reads the options that concern it."""

    unicode: bool = True  # BibTeX/BibLaTeX: UTF-8 as is; False writes LaTeX escapes
    abstracts: bool = True  # include abstracts (BibTeX, RIS, CSL-JSON, Markdown, HTML)
    notes: bool = False  # include notes (Markdown, HTML)
    title: str = ""  # a heading for Markdown and HTML (the reading list's name)
    description: str = ""  # and a line under it
    style: str = "apa"  # the CSL style of a formatted bibliography
    output: str = "text"  # a formatted bibliography as text, html or markdown
