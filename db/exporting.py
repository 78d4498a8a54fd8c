"""Writing papers out: which papers (the scope), in which format, to which file.

Writers live in ``db.formats`` (one module per format, text in, text out); this module
gathers what they need from the library and writes files atomically, so that a LaTeX
build or a pandoc run never reads half a file.
"""

from __future__ import annotations

import importlib
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from db import bulk, collector
from db.errors import LibraryError
from db.formats import ExportItem, ExportOptions

if TYPE_CHECKING:
    from db.library import Library


@dataclass(frozen=True)
class ExportFormat:
    name: str
    label: str
    extension: str
    module: str
    function: str = "write"

    def writer(self) -> Callable[[Sequence[ExportItem], ExportOptions], str]:
        # Imported when used: a command-line export of one format loads only its writer.
        writer: Callable[[Sequence[ExportItem], ExportOptions], str] = getattr(
            importlib.import_module(self.module), self.function)
        return writer


FORMATS: dict[str, ExportFormat] = {f.name: f for f in (
    ExportFormat("bibtex", "BibTeX (.bib, for bibtex and natbib)", ".bib",
                 "db.formats.bibtex_write"),
    ExportFormat("biblatex", "BibLaTeX (.bib, for biber)", ".bib", "db.formats.bibtex_write",
                 "write_biblatex"),
    ExportFormat("ris", "RIS (.ris, for Word and EndNote)", ".ris", "db.formats.ris_write"),
    ExportFormat("csljson", "CSL-JSON (.json, for pandoc and Zotero)", ".json",
                 "db.formats.csljson_write"),
    ExportFormat("csv", "CSV (.csv, for spreadsheets)", ".csv", "db.formats.csv"),
    ExportFormat("markdown", "Markdown reading list (.md)", ".md", "db.formats.markdown"),
    ExportFormat("html", "HTML page (.html)", ".html", "db.formats.html"),
    ExportFormat("bibliography", "Formatted bibliography (.txt)", ".txt", "db.formats.csl",
                 "bibliography"),
)}


# A file's ending chooses its format; .bib means BibLaTeX, what biber (and Overleaf) read.
BY_EXTENSION = {".bib": "biblatex", ".json": "csljson", ".ris": "ris", ".csv": "csv",
                ".md": "markdown", ".html": "html", ".txt": "bibliography"}


def resolve(library: Library, *, list_name: str | None = None, query: str | None = None,
            keys: Sequence[str] = (), smart_list: str | None = None) -> list[int]:
    """The papers of a scope, in the order an export writes them.

    A reading list keeps its own order; a search or smart list its sort; keys the order
    given. With nothing named, the whole library (trash left out).
    """
    if keys:
        return [library.paper_id(k) for k in keys]
    if list_name is not None:
        return [item.paper_id for item in library.list_items(list_name)]
    if smart_list is not None:
        found = next((s for s in library.smart_lists()
                      if s.name.lower() == smart_list.strip().lower()), None)
        if found is None:
            raise LibraryError(f"There is no smart list named {smart_list!r}.")
        return library.search(found.query)
    return library.search(query or "", sort=None if query else "key")


def items(library: Library, ids: Sequence[int]) -> list[ExportItem]:
    """What the writers need of ``ids``: each paper with its notes and former keys."""
    notes, aliases = bulk.note_bodies(library, ids), bulk.aliases(library, ids)
    return [_ITEM(paper=paper, notes=notes.get(paper.id, ()), aliases=aliases.get(paper.id, ()))
            for paper in bulk.papers(library, ids)]


_ITEM = bulk.record_maker(ExportItem)


def export(library: Library, ids: Sequence[int], format: str,
           options: ExportOptions = ExportOptions()) -> str:
    """The text of ``ids`` in ``format``; raises LibraryError for an unknown format."""
    if format not in FORMATS:
        raise LibraryError(f"Unknown export format {format!r} (known: {', '.join(FORMATS)}).")
    try:
        with collector.paused():
            return FORMATS[format].writer()(items(library, ids), options)
    except ValueError as exc:  # a writer's word on its options (an unknown style, say)
        raise LibraryError(str(exc)) from None


def write_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` in one step: a temporary file beside it, flushed to
    disk, then renamed over it. A reader sees the old file or the new one, never a mix."""
    path = path.expanduser()
    # Encoded whole and written as bytes: a text stream takes twice as long over a large
    # export. (No newline translation either way: the writers choose their line ends.)
    data = text.encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise LibraryError(f"Cannot write {path}: {exc.strerror}.") from None
