"""Live exports from the window: bind a reading list or smart list to a file; keep the
file current.

After every write (a burst of writes, rather: they are gathered for a moment) the bound
files are brought up to date on the writer thread, off the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QFileDialog

from db.exporting import BY_EXTENSION, FORMATS
from db.library import Library
from db.live import bind, live_exports, refresh, unbind
from db.records import Changes
from desktop.actions import Context

# Writes that come close together (typing in a field, a drag of many papers) are
# exported once; well within the second a user may wait for their .bib to follow.
GATHER_MS = 300



class LiveExports(QObject):
    def __init__(self, ctx: Context, refreshed: Callable[[], None]) -> None:
        super().__init__(ctx.window)
        self.ctx = ctx
        self._refreshed = refreshed
        self._pending: Changes | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(GATHER_MS)
        self._timer.timeout.connect(self._run)

    def on_changes(self, changes: Changes) -> None:
        if not live_exports(self.ctx.reader):
            return
        self._pending = changes if self._pending is None else self._pending | changes
        self._timer.start()

    def _run(self) -> None:
        changes, self._pending = self._pending, None

        def job(lib: Library) -> int:
            return refresh(lib, changes)

        self.ctx.runner.submit(job, on_done=lambda _written: self._refreshed())

    def start(self, kind: str, name: str) -> None:
        """Ask for a file, and bind the reading list (``kind`` "list") or smart list
        ("smart") called ``name`` to it."""
        filters = ";;".join(f"{fmt.label} (*{fmt.extension})" for fmt in FORMATS.values())
        path, _ = QFileDialog.getSaveFileName(
            self.ctx.window, f"Export {name} automatically to", f"{name}.bib", filters)
        if not path:
            return
        target = Path(path)
        fmt = BY_EXTENSION.get(target.suffix.lower(), "biblatex")

        def job(lib: Library) -> None:
            if kind == "smart":
                bind(lib, target, fmt, smart_list=name)
            else:
                bind(lib, target, fmt, list_name=name)

        self.ctx.runner.submit(job, label=f"Exporting {name}",
                               on_done=lambda _: self._bound(name, target))

    def _bound(self, name: str, target: Path) -> None:
        self.ctx.status(f"{name} is now exported to {target} after every change.")
        self._refreshed()

    def stop(self, kind: str, name: str) -> None:
        bindings = [b.id for b in live_exports(self.ctx.reader)
                    if (b.kind, b.source) == (kind, name)]

        def job(lib: Library) -> None:
            for binding_id in bindings:
                unbind(lib, binding_id)

        self.ctx.runner.submit(job, on_done=lambda _: self._refreshed())
