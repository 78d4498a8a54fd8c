"""``papershelf --self-test``: whether this installation has everything it needs.

It does what a user's first minutes do, in a temporary folder: a new library, the bundled
sample imported, a search, every export format (and BibTeX, CSL-JSON and RIS read back),
a bibliography in every CSL style, About's credits, the window opened and closed. One
line per step. CI runs it inside the frozen bundle (``make package-test``), so that a
module PyInstaller did not see or a data file left out fails there and not on a user's
machine; it runs from a checkout too (``python -m desktop.cli --self-test``).

The window opens on the platform Qt would use; ``QT_QPA_PLATFORM=offscreen`` keeps it off
the screen (and is what CI sets).
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from db.library import Library

EXIT_OK, EXIT_FAILED = 0, 1
# A bibliography of this many papers per style shows the style and its locale load.
STYLE_SAMPLE = 5


class CheckFailed(Exception):
    """A step ran but did not find what it should have: the message says what."""


class _Run:
    """The steps, in order, and what they pass on to each other."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / "self-test.sqlite"
        self.library: Library | None = None
        self.count = 0

    def steps(self) -> list[tuple[str, Callable[[], str]]]:
        return [("library", self.create), ("sample", self.import_sample),
                ("search", self.search), ("BibTeX", self.bibtex),
                ("CSL-JSON", self.csljson), ("other exports", self.other_exports),
                ("bibliographies", self.bibliographies), ("about", self.about),
                ("window", self.window)]

    def _library(self) -> Library:
        if self.library is None:
            raise CheckFailed("no library (an earlier step failed)")
        return self.library

    def create(self) -> str:
        from desktop.startup import open_library

        self.library = open_library(str(self.path))
        return "library created"

    def import_sample(self) -> str:
        from db.importing import import_file
        from desktop.paths import sample_listing

        sample = sample_listing()
        if not sample.is_file():
            raise CheckFailed(f"the sample listing is missing: {sample}")
        library = self._library()
        import_file(library, sample, format="profile")
        self.count = library.count()
        if not self.count:
            raise CheckFailed(f"no papers were imported from {sample}")
        lists = len(library.lists())
        return (f"sample imported: {self.count} papers, {lists} reading "
                f"list{'' if lists == 1 else 's'}")

    def search(self) -> str:
        library = self._library()
        (first,) = library.rows(library.search(limit=1))
        word = max(re.findall(r"[^\W\d_]{4,}", first.title), key=len, default="")
        found = library.search(word)
        if first.id not in found:
            raise CheckFailed(f"searching {word!r} did not find {first.title!r}")
        return f'search "{word}": {len(found)} of {self.count} papers'

    def _export(self, name: str, style: str = "apa", limit: int | None = None) -> str:
        from db.exporting import export
        from db.formats import ExportOptions

        library = self._library()
        ids = library.search()[:limit]
        text = export(library, ids, name, ExportOptions(style=style))
        if not text.strip():
            raise CheckFailed(f"the {name} export is empty")
        return text

    def _read_back(self, text: str, name: str) -> int:
        from db.importing import read_text

        read = read_text(text, file=f"self-test.{name}", format=name)
        if len(read.records) != self.count:
            raise CheckFailed(f"{len(read.records)} of {self.count} papers read back "
                              f"from the {name} export")
        return len(read.records)

    def bibtex(self) -> str:
        text = self._export("bibtex")
        entries = sum(1 for line in text.splitlines() if line.startswith("@"))
        if entries != self.count:
            raise CheckFailed(f"{entries} BibTeX entries for {self.count} papers")
        self._read_back(text, "bibtex")
        return f"exported BibTeX: {entries} entries, read back"

    def csljson(self) -> str:
        text = self._export("csljson")
        items = json.loads(text)
        if len(items) != self.count:
            raise CheckFailed(f"{len(items)} CSL-JSON items for {self.count} papers")
        self._read_back(text, "csljson")
        return f"exported CSL-JSON: {len(items)} items, read back"

    def other_exports(self) -> str:
        from db.exporting import FORMATS

        names = [name for name in FORMATS if name not in ("bibtex", "csljson", "bibliography")]
        for name in names:
            text = self._export(name)
            if name == "ris":
                self._read_back(text, "ris")
        return f"exported {', '.join(names)} (RIS read back)"

    def bibliographies(self) -> str:
        from db.formats.csl import STYLES

        for style in STYLES:
            self._export("bibliography", style=style, limit=STYLE_SAMPLE)
        return f"bibliographies in {len(STYLES)} CSL styles: {', '.join(STYLES)}"

    def about(self) -> str:
        from db import __version__
        from db.formats.csl import STYLE_LABELS
        from desktop.dialogs.help import about_text, style_credit

        text = about_text()
        unread = [label for name, label in STYLE_LABELS.items()
                  if style_credit(name) == label]
        if unread:
            raise CheckFailed(f"no authors found for the styles {', '.join(unread)}")
        if f"Papershelf {__version__}" not in text or "licence" not in text:
            raise CheckFailed("About lacks the version or the licence")
        return f"about: Papershelf {__version__}, {len(STYLE_LABELS)} styles credited"

    def window(self) -> str:
        # The library is closed first: the window takes the writer's lock.
        self._library().close()
        self.library = None
        from desktop.app import platform_problem

        problem = platform_problem()
        if problem:
            raise CheckFailed(problem)
        from PySide6.QtCore import QCoreApplication, QEvent

        from desktop.app import App
        from desktop.paths import APP_ID

        app = App(settings_path=self.folder / "settings.ini")
        try:
            if not app.open(str(self.path)):
                raise CheckFailed("the window could not open the library")
            window = app.window
            if window is None:
                raise CheckFailed("no window after the library opened")
            shown = window.model.rowCount()
            if shown != self.count:
                raise CheckFailed(f"the window shows {shown} of {self.count} papers")
            if window.grab().isNull():
                raise CheckFailed("the window did not paint")
            if app.qt.windowIcon().pixmap(64, 64).isNull():
                raise CheckFailed("the application icon did not load (Qt's SVG plugins?)")
            if app.qt.desktopFileName() != APP_ID:
                raise CheckFailed(f"the desktop file name is {app.qt.desktopFileName()!r}")
            platform = app.qt.platformName()
            if not app.reachable():
                raise CheckFailed("the window does not listen for files opened with Papershelf")
        finally:
            app.close()
            # Run the window's deleteLater() now, as the event loop would have.
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        return (f"window opened and closed: {shown} papers shown ({platform}), "
                "listening for opened files")

    def close(self) -> None:
        if self.library is not None:
            self.library.close()
            self.library = None


def _describe(error: Exception) -> str:
    if isinstance(error, CheckFailed):
        return str(error)
    return f"{type(error).__name__}: {error}"


def run_self_test(out: TextIO | None = None) -> int:
    """Run every step, printing one line each; 0 when all passed, 1 at the first failure
    (the later steps build on the earlier ones)."""
    stream = out or sys.stdout
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="papershelf-self-test-") as folder:
        run = _Run(Path(folder))
        try:
            for name, step in run.steps():
                try:
                    line = step()
                except Exception as exc:
                    stream.write(f"{name} … FAILED: {_describe(exc)}\n")
                    return EXIT_FAILED
                stream.write(f"{line} … ok\n")
                stream.flush()
        finally:
            run.close()
    stream.write(f"self-test passed in {time.monotonic() - started:.1f} s\n")
    return EXIT_OK
