"""New paper, trash and restore, delete for good, copy the citation key, open a link."""

from __future__ import annotations

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QGuiApplication, QKeySequence

from db.exporting import export, items
from db.formats import ExportOptions
from db.library import Library
from db.records import PaperData
from desktop.actions import Context, make_action
from desktop.dialogs import ask
from desktop.links import open_link, paper_links

Std = QKeySequence.StandardKey


class PaperActions:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        window = ctx.window
        self.new_paper = make_action(window, "&New Paper", self.create, Std.New)
        self.delete = make_action(window, "Move to &Trash", self.trash_selection, Std.Delete)
        self.delete_for_good = make_action(window, "Delete Permanently…",
                                           self.purge_selection, "Shift+Del")
        self.restore = make_action(window, "&Restore from Trash", self.restore_selection)
        self.empty_trash = make_action(window, "&Empty Trash…", self.empty)
        self.copy_key = make_action(window, "Copy Citation &Key", self.copy_keys, "Ctrl+K")
        self.copy_reference = make_action(window, "Copy as &Bibliography",
                                          self.copy_bibliography, "Ctrl+Shift+C")
        self.copy_citation = make_action(window, "Copy as &Citation", self.copy_citations,
                                         "Ctrl+Shift+A")
        self.open_link = make_action(window, "&Open Link", lambda: self.open_first_link())
        self.select_all = make_action(window, "Select &All", ctx.table.selectAll, Std.SelectAll)
        for action in (self.delete, self.delete_for_good, self.copy_key, self.copy_reference,
                       self.copy_citation):
            # Table-wide keys: Del in the search field still deletes text there.
            action.setShortcutContext(action.shortcutContext().WidgetWithChildrenShortcut)
            ctx.table.addAction(action)

    def create(self) -> None:
        def created(paper_id: int) -> None:
            self.ctx.search.set_query("")
            self.ctx.select_after([paper_id])

        self.ctx.commands.new_paper(PaperData(title="Untitled paper"), created)

    def trash_selection(self) -> None:
        ids = self.ctx.table.selected_ids()
        if ids:
            self.ctx.commands.delete_papers(ids)

    def restore_selection(self) -> None:
        ids = self.ctx.table.selected_ids()
        if ids:
            self.ctx.commands.restore_papers(ids)

    def purge_selection(self) -> None:
        ids = self.ctx.table.selected_ids()
        if not ids:
            return
        count = len(ids)
        if not ask.confirm(self.ctx.window, "Delete permanently",
                           f"Delete {count} paper{'s' if count != 1 else ''} and their notes "
                           "for good? This cannot be undone.", "Delete Permanently"):
            return
        self.ctx.runner.submit(lambda lib: lib.purge_papers(ids), label="Deleting papers")
        self.ctx.commands.stack.clear()

    def empty(self) -> None:
        trash = self.ctx.reader.count("in:trash")
        if not trash:
            self.ctx.status("The trash is empty.")
            return
        if not ask.confirm(self.ctx.window, "Empty the trash",
                           f"Delete the {trash} paper{'s' if trash != 1 else ''} in the trash "
                           "and their notes for good? This cannot be undone.", "Empty Trash"):
            return
        self.ctx.runner.submit(lambda lib: lib.empty_trash(), label="Emptying the trash")
        # Commands on the stack may name papers that no longer exist.
        self.ctx.commands.stack.clear()

    def copy_keys(self) -> None:
        ids = self.ctx.table.selected_ids()
        if not ids:
            return
        text = cite_keys([row.key for row in self.ctx.reader.rows(ids)],
                         self.ctx.settings.key_format)
        QGuiApplication.clipboard().setText(text)
        self.ctx.status(f"Copied {text}")

    def copy_bibliography(self) -> None:
        """Ctrl+Shift+C: the selection as a formatted bibliography, as plain text, HTML
        (for word processors) and BibTeX (for LaTeX editors) at once."""
        ids = self.ctx.table.selected_ids()
        if ids:
            QGuiApplication.clipboard().setMimeData(
                bibliography_mime(self.ctx.reader, ids, self.ctx.settings.citation_style))
            self.ctx.status(f"Copied {len(ids)} reference{'s' if len(ids) != 1 else ''}")

    def copy_citations(self) -> None:
        """Ctrl+Shift+A: in-text citations for the selection, in the chosen style."""
        ids = self.ctx.table.selected_ids()
        if not ids:
            return
        from db.formats import csl

        options = ExportOptions(style=self.ctx.settings.citation_style)
        text = csl.citations(items(self.ctx.reader, ids), options)
        QGuiApplication.clipboard().setText(text)
        self.ctx.status(f"Copied {text}")

    def open_first_link(self, paper_id: int | None = None) -> bool:
        """Open the paper's best link (URL, then DOI, then arXiv): only http(s) ever."""
        if paper_id is None:
            ids = self.ctx.table.selected_ids()
            if not ids:
                return False
            paper_id = ids[0]
        links = paper_links(self.ctx.reader.paper(paper_id))
        if not links:
            self.ctx.status("This paper has no link to open.")
            return False
        return open_link(links[0][1])


def cite_keys(keys: list[str], form: str) -> str:
    """Keys as a citation command: ``\\cite{a,b}`` for LaTeX, ``[@a; @b]`` for pandoc."""
    if form == "latex":
        return "\\cite{" + ",".join(keys) + "}"
    if form == "pandoc":
        return "[" + "; ".join(f"@{k}" for k in keys) + "]"
    return ", ".join(keys)


def bibliography_mime(library: Library, ids: list[int], style: str) -> QMimeData:
    """The papers as a bibliography in three flavours, for whatever they are pasted into."""
    data = QMimeData()
    data.setText(export(library, ids, "bibliography", ExportOptions(style=style)))
    data.setHtml(export(library, ids, "bibliography", ExportOptions(style=style,
                                                                    output="html")))
    data.setData("application/x-bibtex", export(library, ids, "bibtex").encode("utf-8"))
    return data
