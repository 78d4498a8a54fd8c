"""Libraries and files: new or open a library, import files (menu or drop)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFileDialog

from db.errors import FormatError
from db.importing import ImportSummary, ReadResult, read_file
from db.library import Library
from db.records import Changes
from desktop.actions import Context, make_action
from desktop.tasks import current_task

FILE_FILTER = "Papers (*.txt *.bib *.ris *.json);;All files (*)"

Std = QKeySequence.StandardKey


def import_summary_text(summaries: Sequence[ImportSummary],
                        failures: Sequence[FormatError]) -> str:
    added = sum(len(s.result.added) for s in summaries)
    known = sum(len(s.result.duplicates) for s in summaries)
    rejected = sum(1 for s in summaries for i in s.read.issues if not i.warning)
    text = f"Imported {added} paper{'s' if added != 1 else ''}"
    if known:
        text += f"; {known} already in the library"
    if rejected or failures:
        problems = rejected + len(failures)
        text += f"; {problems} problem{'s' if problems != 1 else ''}"
    return text + "."


class FileActions:
    """Signals nothing; asks the app to switch libraries through ``switch_library``."""

    def __init__(self, ctx: Context, switch_library: Callable[[Path], None],
                 show_problems: Callable[[str, list[str]], None]) -> None:
        self.ctx = ctx
        self._switch = switch_library
        self._show_problems = show_problems
        window = ctx.window
        self.new_library = make_action(window, "New &Library…", self.create_library)
        self.open_library = make_action(window, "&Open Library…", self.choose_library, Std.Open)
        self.import_files = make_action(window, "&Import…", self.choose_files, "Ctrl+I")
        self.quit = make_action(window, "&Quit", window.close, Std.Quit)

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
        """Read and import files in one undoable step, off the GUI thread."""
        summaries: list[ImportSummary] = []
        failures: list[FormatError] = []
        added: list[int] = []
        created_lists: list[str] = []

        def do(lib: Library) -> Changes:
            summaries.clear()
            failures.clear()
            reads: list[tuple[Path, ReadResult]] = []
            for path in paths:
                try:
                    reads.append((path, read_file(path)))
                except FormatError as exc:
                    failures.append(exc)
            task = current_task()
            known_lists = {rl.name.lower() for rl in lib.lists()}
            changes = Changes()
            with lib.batch():
                for path, read in reads:
                    result = lib.import_papers(
                        read.records, list_name=read.list_name,
                        list_description=read.list_description,
                        progress=task.report if task else None)
                    summaries.append(ImportSummary(str(path), read, result))
                    changes = changes | result.changes
            added[:] = [i for s in summaries for i in s.result.added]
            created_lists[:] = [s.read.list_name for s in summaries if s.read.list_name
                                and s.read.list_name.lower() not in known_lists]
            return changes

        def undo(lib: Library) -> Changes:
            with lib.batch():
                changes = lib.purge_papers(added) if added else Changes()
                for name in created_lists:
                    changes = changes | lib.delete_list(name)
            return changes

        def done(_: Changes) -> None:
            self.ctx.status(import_summary_text(summaries, failures))
            problems = [str(f) for f in failures] + [
                f"{issue} ({'warning' if issue.warning else 'skipped'})"
                for s in summaries for issue in s.read.issues]
            if problems:
                self._show_problems(import_summary_text(summaries, failures), problems)

        names = ", ".join(p.name for p in paths)
        self.ctx.commands.push(f"Import {names}", do, undo, done)
