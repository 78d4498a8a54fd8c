"""Hostile text stored in a library comes out of every export defused.

The writers' own hostile-input tests are in ``tests/formats/test_writers.py`` (CSV
formulas, Markdown and HTML escaping, the HTML page's script and CSP) and
``tests/formats/test_bibtex_write.py`` (LaTeX escaping, with pdflatex, bibtex and biber
compiling the result). This test is the end-to-end check: papers typed into a real
library and papers imported from a hostile BibTeX file, through ``db.exporting.export``
(what the window and ``papershelf export`` call) in every format, including a line break
that tries to start a new record.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from db import exporting
from db.formats import ExportOptions, bibtex, csljson, ris
from db.formats import csv as csv_writer
from db.formats import html as html_writer
from db.importing import import_file
from db.library import Library
from db.records import Author, PaperData
from tests.formats.test_writers import _page

FIXTURES = Path(__file__).resolve().parent.parent / "formats" / "fixtures"
HOSTILE = (
    '=HYPERLINK("http://evil.example","click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    r"\input{/etc/passwd}",
    r"\immediate\write18{touch pwned}",
    r"}{\def\x{",
    "^^5cinput{/etc/passwd}",
    "x\nER  - \nTY  - JOUR\nTI  - injected",
    'line\r\nbreak, "quoted"',
)
# TeX primitives and macros that read files, run programs or redefine things: none may
# appear as a live control word (one preceded by an even run of backslashes).
_LIVE = re.compile(r"(?<!\\)(?:\\\\)*\\(input|include|write18|write|immediate|openin|read|"
                   r"csname|def|let|catcode|usepackage|special|@@input)(?![A-Za-z])")


@pytest.fixture(scope="module")
def hostile_library() -> Iterator[tuple[Library, list[int]]]:
    library = Library.memory()
    ids = []
    for n, text in enumerate(HOSTILE):
        created = library.add_paper(PaperData(
            title=text, venue=text, abstract=text, publisher=text, date=f"{2000 + n}",
            authors=(Author(literal=text), Author("Doe", "Jane")), tags=(f"t{n}",)))
        assert created.created_id is not None
        ids.append(created.created_id)
        library.add_note(created.created_id, text)
    ids += import_file(library, FIXTURES / "bibwrite-hostile.bib").result.added
    yield library, ids
    library.close()


def _export(hostile: tuple[Library, list[int]], fmt: str, **options: object) -> str:
    library, ids = hostile
    return exporting.export(library, ids, fmt, ExportOptions(**options))  # type: ignore[arg-type]


def test_every_format_is_covered() -> None:
    """A writer added later must be added here too."""
    assert set(exporting.FORMATS) == {"bibtex", "biblatex", "ris", "csljson", "csv",
                                      "markdown", "html", "bibliography"}


def test_csv_cells_never_start_a_formula(hostile_library: tuple[Library, list[int]]) -> None:
    text = _export(hostile_library, "csv")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    # One row per paper: a line break inside a value stays inside its quoted cell.
    assert len(rows) == 1 + len(hostile_library[1])
    cells = [cell for row in rows[1:] for cell in row]
    assert not [cell for cell in cells if cell.startswith(csv_writer.FORMULA_STARTS)]
    assert any(cell.startswith("'=HYPERLINK(") for cell in cells)


@pytest.mark.parametrize(("fmt", "options"), [
    ("html", {"notes": True}),
    ("bibliography", {"output": "html"}),
])
def test_html_outputs_hold_the_text_and_no_markup_of_it(
    hostile_library: tuple[Library, list[int]], fmt: str, options: dict[str, object]
) -> None:
    text = _export(hostile_library, fmt, **options)
    page = _page(text)
    scripts = [tag for tag, _ in page.tags if tag == "script"]
    assert len(scripts) == (1 if fmt == "html" else 0)  # the page's own filter only
    assert not [tag for tag, _ in page.tags if tag == "img"]
    assert not [(tag, attrs) for tag, attrs in page.tags
                if any(name.startswith("on") for name in attrs)]
    # The words are still there, as text.
    assert "<script>alert(1)</script>" in "".join(page.text)
    if fmt == "html":
        assert text.count(f"<script>{html_writer.SCRIPT}</script>") == 1


def test_markdown_titles_open_no_html(hostile_library: tuple[Library, list[int]]) -> None:
    # Notes are left out: they are the user's own Markdown, written as typed (by design).
    text = _export(hostile_library, "markdown")
    assert "\\<script\\>alert(1)" in text  # escaped, so shown as text
    assert not re.search(r"(?<!\\)<(?:script|img)", text)


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex"])
def test_bibtex_exports_hold_no_live_tex_commands(
    hostile_library: tuple[Library, list[int]], fmt: str
) -> None:
    text = _export(hostile_library, fmt)
    live = [m.group(0) for m in _LIVE.finditer(text)]
    assert not live, f"live TeX in the {fmt} export: {live[:5]}"
    assert "^^" not in text  # TeX's ^^5c is a backslash in disguise
    # Escaped, not dropped: the file reads back, one record per paper.
    parsed = bibtex.read(text, file=f"export.{fmt}")
    assert len(parsed.records) == len(hostile_library[1])
    assert not [issue for issue in parsed.issues if not issue.warning]


def test_the_tex_check_sees_a_live_command() -> None:
    """The control for the check above: what it must catch, and what it must let pass."""
    assert _LIVE.search(r"title = {\input{/etc/passwd}}")
    assert _LIVE.search(r"\\\immediate\write18{x}")
    assert not _LIVE.search(r"{\textbackslash}input\{/etc/passwd\} \\input \inputenc")


@pytest.mark.parametrize("fmt", ["ris", "csljson"])
def test_data_formats_keep_one_record_per_paper(
    hostile_library: tuple[Library, list[int]], fmt: str
) -> None:
    """A title holding "\\nER  - \\nTY  - JOUR" must not end its record and start another."""
    text = _export(hostile_library, fmt)
    read = ris.read if fmt == "ris" else csljson.read
    parsed = read(text, file=f"export.{fmt}")
    assert len(parsed.records) == len(hostile_library[1])
    assert not any(paper.title == "injected" for paper in parsed.records)
