"""Libraries and files: new or open a library, import files (menu or drop)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QFileDialog

from db.backup import BEFORE_IMPORT
from db.errors import FormatError
from db.importing import ImportSummary, ReadResult, import_read, read_file, read_text
from db.library import Library
from db.papers import BACKUP_BEFORE_IMPORT, OnDuplicate
from db.records import Changes
from desktop.actions import Context, make_action
from desktop.dialogs import ask
from desktop.tasks import current_task

FILE_FILTER = "Papers (*.txt *.bib *.ris *.json);;All files (*)"

Std = QKeySequence.StandardKey


# How the user answers "some papers are already in the library", and what it means.
DUPLICATE_CHOICES: dict[str, OnDuplicate] = {
    "Skip them (keep the library's papers as they are)": "skip",
    "Merge them (fill empty fields, add tags; keep your edits and notes)": "merge",
    "Keep both copies": "keep",
}


@dataclass
class _Source:
    """One thing to import: a file, or the clipboard's text."""

    name: str
    read: Callable[[], ReadResult]


def summary_text(summaries: Sequence[ImportSummary], failures: Sequence[FormatError]) -> str:
    added = sum(len(s.result.added) for s in summaries)
    text = f"Imported {added} paper{'s' if added != 1 else ''}"
    merged = sum(len(s.result.merged) for s in summaries)
    known = sum(len(s.result.duplicates) for s in summaries) - merged
    if merged:
        text += f"; {merged} merged into papers already there"
    if known:
        text += f"; {known} already in the library"
    problems = sum(s.read.skipped for s in summaries) + len(failures)
    if problems:
        text += f"; {problems} problem{'s' if problems != 1 else ''}"
    return text + "."


class FileActions:
    """Signals nothing; asks the app to switch libraries through ``switch_library``."""

    def __init__(self, ctx: Context, switch_library: Callable[[Path], None],
                 show_summary: Callable[[str, list[str]], None]) -> None:
        self.ctx = ctx
        self._switch = switch_library
        self._show_summary = show_summary
        window = ctx.window
        self.new_library = make_action(window, "New &Library…", self.create_library)
        self.open_library = make_action(window, "&Open Library…", self.choose_library, Std.Open)
        self.import_files = make_action(window, "&Import…", self.choose_files, "Ctrl+I")
        self.quit = make_action(window, "&Quit", window.close, Std.Quit)
        self.paste_papers = make_action(window, "Paste as &Papers", self.paste,
                                        "Ctrl+Shift+V")

    def create_library(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self.ctx.window, "New library", "library.sqlite",
                                              "Papershelf libraries (*.sqlite)")
        if path:
            self._switch(Path(path))

    def choose_library(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.ctx.window, "Open library", "",
                                              "Papershelf libraries (*.sqlite);;All files (*)")
        if path:
            self._switch(Path(path))

    def choose_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self.ctx.window, "Import papers", "",
                                                FILE_FILTER)
        if paths:
            self.import_paths([Path(p) for p in paths])

    def import_paths(self, paths: Sequence[Path]) -> None:
        """Import files (menu or drop) off the GUI thread, as one undoable step."""
        self.import_sources([_Source(str(p), partial(read_file, p)) for p in paths])

    def paste(self) -> None:
        """Edit → Paste as Papers: the clipboard's text, read like a file."""
        text = QGuiApplication.clipboard().text()
        if not text.strip():
            self.ctx.status("The clipboard holds no text to import.")
            return
        self.import_sources([_Source("clipboard", partial(read_text, text,
                                                           file="clipboard"))])

    def import_sources(self, sources: Sequence[_Source]) -> None:
        """Read (and count duplicates) on the writer thread, ask, then import in one step."""
        reads: list[tuple[str, ReadResult]] = []
        failures: list[FormatError] = []

        def read_all(lib: Library) -> int:
            task = current_task()
            for number, source in enumerate(sources):
                if task is not None:
                    task.report(number, len(sources))
                try:
                    reads.append((source.name, source.read()))
                except FormatError as exc:
                    failures.append(exc)
            return sum(1 for _, read in reads for record in read.records
                       if lib.find_duplicate(record) is not None)

        def read_done(duplicates: int) -> None:
            on_duplicate: OnDuplicate = "skip"
            if duplicates:
                answer = ask.choice(
                    self.ctx.window, "Import",
                    f"{duplicates} of the papers being imported are already in the library. "
                    "What should happen to them?", list(DUPLICATE_CHOICES), editable=False)
                if answer is None:
                    self.ctx.status("Import cancelled: nothing was changed.")
                    return
                on_duplicate = DUPLICATE_CHOICES[answer]
            if not reads:
                self._show_summary(summary_text([], failures), [str(f) for f in failures])
                return
            self._push_import(reads, failures, on_duplicate)

        self.ctx.runner.submit(read_all, label="Reading " + ", ".join(
            Path(s.name).name for s in sources), on_done=read_done)

    def _push_import(self, reads: Sequence[tuple[str, ReadResult]],
                     failures: Sequence[FormatError], on_duplicate: OnDuplicate) -> None:
        summaries: list[ImportSummary] = []
        records: list[int] = []
        created_lists: list[str] = []

        def do(lib: Library) -> Changes:
            summaries.clear()
            task = current_task()
            changes = Changes()
            known = {rl.name.lower() for rl in lib.lists()}
            if sum(len(read.records) for _, read in reads) > BACKUP_BEFORE_IMPORT:
                # Here, before the batch: inside it, import_papers leaves it to its caller.
                lib.safeguard(BEFORE_IMPORT)
            with lib.batch():
                for name, read in reads:
                    summary = import_read(lib, read, name, on_duplicate=on_duplicate,
                                          progress=task.report if task else None)
                    summaries.append(summary)
                    changes = changes | summary.result.changes
            records[:] = [s.result.import_id for s in summaries
                          if s.result.import_id is not None]
            created_lists[:] = [rl.name for rl in lib.lists() if rl.name.lower() not in known]
            return changes

        def undo(lib: Library) -> Changes:
            changes = Changes()
            with lib.batch():
                for import_id in records:
                    changes = changes | lib.undo_import(import_id)
                for name in created_lists:
                    changes = changes | lib.delete_list(name)
            return changes

        def done(_: Changes) -> None:
            text = summary_text(summaries, failures)
            self.ctx.status(text)
            lines = [s.describe() for s in summaries] + [str(f) for f in failures] + [
                f"{issue} ({'warning' if issue.warning else 'skipped'})"
                for s in summaries for issue in s.read.issues]
            self._show_summary(text, lines)

        names = ", ".join(Path(name).name for name, _ in reads)
        self.ctx.commands.push(f"Import {names}", do, undo, done)
