"""New paper, trash and restore, delete for good, copy the citation key, open a link."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication, QKeySequence

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
        self.open_link = make_action(window, "&Open Link", lambda: self.open_first_link())
        self.select_all = make_action(window, "Select &All", ctx.table.selectAll, Std.SelectAll)
        for action in (self.delete, self.delete_for_good, self.copy_key):
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
        keys = [row.key for row in self.ctx.reader.rows(ids)]
        clipboard = QGuiApplication.clipboard()
        clipboard.setText(", ".join(keys))
        self.ctx.status(f"Copied {', '.join(keys)}")

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
