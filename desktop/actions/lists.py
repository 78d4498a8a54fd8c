"""Reading lists from the window: add the selection, new list, reorder, smart lists."""

from __future__ import annotations

from db.errors import QueryError
from db.search import compile_query
from desktop.actions import Context, make_action
from desktop.dialogs import ask


class ListActions:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        window = ctx.window
        self.add_to_list = make_action(window, "Add to &List…", self.add_selection, "Ctrl+L")
        self.remove_from_list = make_action(window, "Remove from This List", self.remove_selection)
        self.new_list = make_action(window, "New Reading &List…", self.create, "Ctrl+Shift+N")
        self.save_search = make_action(window, "Save Search as Smart List…", self.save_smart_list)

    def shown_list(self) -> str | None:
        """The reading list the table shows, when the search is one list."""
        try:
            return compile_query(self.ctx.search.text()).list_name
        except QueryError:
            return None

    def add_selection(self) -> None:
        ids = self.ctx.table.selected_ids()
        if not ids:
            return
        names = [rl.name for rl in self.ctx.reader.lists()]
        name = ask.choice(self.ctx.window, "Add to list",
                          "Add the selected papers to the list (a new name creates one):",
                          names)
        if name is None:
            return
        if name.lower() not in {n.lower() for n in names}:
            self.ctx.commands.create_list(name)
        self.ctx.commands.add_to_list(name, ids)

    def remove_selection(self) -> None:
        name, ids = self.shown_list(), self.ctx.table.selected_ids()
        if name and ids:
            self.ctx.commands.remove_from_list(name, ids)

    def create(self) -> None:
        name = ask.text(self.ctx.window, "New reading list", "Name of the new list:")
        if name:
            self.ctx.commands.create_list(name)

    def save_smart_list(self) -> None:
        query = self.ctx.search.text().strip()
        if not query:
            self.ctx.status("Type a search first: a smart list is a saved search.")
            return
        name = ask.text(self.ctx.window, "Save search as smart list", "Name:", query[:40])
        if name:
            self.ctx.commands.save_smart_list(name, query)

    def move_rows(self, ids: list[int], row: int) -> None:
        """Papers dropped before ``row`` of the table showing a reading list."""
        name = self.shown_list()
        if name is None:
            return
        shown = self.ctx.table.paper_model().ids()
        moving = set(ids)
        # The paper they land before, among those that stay where they are.
        after = next((i for i in shown[row:] if i not in moving), None)
        order = [i for i in self.ctx.reader.list_order(name) if i not in moving]
        position = order.index(after) if after in order else len(order)
        self.ctx.commands.move_in_list(name, ids, position)
