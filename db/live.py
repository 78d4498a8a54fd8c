"""Live exports: a reading list or smart list bound to a file that follows every change.

A LaTeX project's ``refs.bib`` stays current with no clicks: after each write the bound
files whose content would change are rewritten atomically. What happened (when it was
last written, or why it could not be) is kept with the binding for the window to show.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from db.errors import LibraryError
from db.exporting import FORMATS, export, write_atomic
from db.formats import ExportOptions
from db.library import Library
from db.records import Changes
from db.store import IN_IDS, id_list


@dataclass(frozen=True)
class LiveExport:
    id: int
    list_name: str  # the reading list's name, or '' for a smart list
    smart_list: str  # the smart list's name, or ''
    path: str
    format: str
    last_written: str
    last_error: str

    @property
    def source(self) -> str:
        return self.list_name or self.smart_list

    @property
    def kind(self) -> str:
        """What is bound: "list" (a reading list) or "smart" (a smart list)."""
        return "smart" if self.smart_list else "list"


def live_exports(library: Library) -> list[LiveExport]:
    return [LiveExport(int(i), ln or "", sn or "", str(p), str(f), str(w), str(e))
            for i, ln, sn, p, f, w, e in library.conn.execute(
                "SELECT x.id, l.name, s.name, x.path, x.format, x.last_written, x.last_error "
                "FROM live_exports x LEFT JOIN lists l ON l.id = x.list_id "
                "LEFT JOIN smart_lists s ON s.id = x.smart_list_id ORDER BY x.id")]


def bind(library: Library, path: Path, format: str, *, list_name: str | None = None,
         smart_list: str | None = None, options: ExportOptions = ExportOptions()) -> int:
    """Bind a list to a file (written at once); returns the binding's id."""
    if format not in FORMATS:
        raise LibraryError(f"Unknown export format {format!r} (known: {', '.join(FORMATS)}).")
    list_id = library.reading_list(list_name).id if list_name else None
    smart_id = None
    if smart_list:
        smart_id = next((s.id for s in library.smart_lists()
                         if s.name.lower() == smart_list.strip().lower()), None)
        if smart_id is None:
            raise LibraryError(f"There is no smart list named {smart_list!r}.")
    if (list_id is None) == (smart_id is None):
        raise LibraryError("Bind one reading list or one smart list.")
    with library.write():
        cursor = library.conn.execute(
            "INSERT INTO live_exports(list_id, smart_list_id, path, format, options) "
            "VALUES (?, ?, ?, ?, ?)",
            (list_id, smart_id, str(path.expanduser()), format,
             json.dumps({"abstracts": options.abstracts, "unicode": options.unicode,
                         "style": options.style})))
    binding_id = int(cursor.lastrowid or 0)
    refresh(library, None, only=binding_id)
    return binding_id


def unbind(library: Library, binding_id: int) -> None:
    with library.write():
        library.conn.execute("DELETE FROM live_exports WHERE id = ?", (binding_id,))


def _affected(library: Library, changes: Changes | None) -> list[int]:
    """The bindings a write may have changed the output of."""
    rows = library.conn.execute(
        "SELECT id, list_id, smart_list_id FROM live_exports").fetchall()
    if changes is None:
        return [int(r[0]) for r in rows]
    touched = changes.papers | changes.added | changes.removed | changes.notes
    found = []
    for binding_id, list_id, smart_id in rows:
        if smart_id is not None:
            # A smart list's members follow any edit; the text comparison below keeps
            # the file untouched when nothing in it changed.
            if touched or changes.tags or changes.smart_lists:
                found.append(int(binding_id))
        elif list_id in changes.lists or changes.tags or (touched and library.conn.execute(
                f"SELECT 1 FROM list_items WHERE list_id = ? AND paper_id IN {IN_IDS}",
                (list_id, id_list(touched))).fetchone()):
            found.append(int(binding_id))
    return found


def refresh(library: Library, changes: Changes | None, *, only: int | None = None) -> int:
    """Rewrite the bound files a write changed; returns how many were written.

    A file is rewritten only when its text would differ, so that tools watching it (a
    LaTeX build) are not woken for nothing. Errors are recorded, not raised.
    """
    written = 0
    wanted = [only] if only is not None else _affected(library, changes)
    for binding in live_exports(library):
        if binding.id not in wanted:
            continue
        error, wrote = "", False
        try:
            raw = library.scalar("SELECT options FROM live_exports WHERE id = ?",
                                 (binding.id,))
            settings = json.loads(str(raw))
            ids = ([i.paper_id for i in library.list_items(binding.list_name)]
                   if binding.list_name else library.search(
                       next(s.query for s in library.smart_lists()
                            if s.name == binding.smart_list)))
            options = ExportOptions(abstracts=bool(settings.get("abstracts", True)),
                                    unicode=bool(settings.get("unicode", True)),
                                    style=str(settings.get("style", "apa")),
                                    title=binding.source)
            text = export(library, ids, binding.format, options)
            path = Path(binding.path)
            current = path.read_text(encoding="utf-8") if path.exists() else None
            if current != text:
                write_atomic(path, text)
                written += 1
                wrote = True
        except (LibraryError, OSError, UnicodeDecodeError) as exc:
            error = str(exc)
        with library.write():
            library.conn.execute(
                "UPDATE live_exports SET last_written = CASE WHEN ? THEN ? "
                "ELSE last_written END, last_error = ? WHERE id = ?",
                (wrote, library.now(), error, binding.id))
    return written
