"""Undoable changes: each user action is one command holding ids and its exact inverse.

A command's redo and undo are jobs for the writer thread. The state an undo needs (which
papers already had a tag, a list's old order) is read by the redo job itself, in the
writer thread, just before it writes: jobs run in order, so it is exactly the state the
write changed, whatever the GUI thread's connection showed at the time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from PySide6.QtGui import QUndoCommand, QUndoStack

from db.backup import BEFORE_MERGE
from db.duplicates import MergeRecord
from db.errors import NotFoundError
from db.library import Library
from db.records import Changes, PaperData, SmartList
from desktop.tasks import TaskRunner

Step = Callable[[Library], Changes]


class LibraryCommand(QUndoCommand):
    """One entry on the undo stack: ``do`` and ``undo`` run on the writer thread."""

    def __init__(self, runner: TaskRunner, text: str, do: Step, undo: Step,
                 on_error: Callable[[LibraryCommand, BaseException], None],
                 after_do: Callable[[Changes], None] | None = None) -> None:
        super().__init__(text)
        self._after_do = after_do
        self._runner = runner
        self._do = do
        self._undo = undo
        self._on_error = on_error
        self._applied = False

    def redo(self) -> None:
        self._runner.submit(self._run_do, label=self.text(), on_done=self._after_do,
                            on_error=lambda exc: self._on_error(self, exc))

    def undo(self) -> None:
        self._runner.submit(self._run_undo, label=f"Undo {self.text()}",
                            on_error=lambda exc: self._on_error(self, exc))

    def _run_do(self, library: Library) -> Changes:
        changes = self._do(library)
        self._applied = True
        return changes

    def _run_undo(self, library: Library) -> Changes:
        # A redo that failed changed nothing, so there is nothing to take back.
        if not self._applied:
            return Changes()
        changes = self._undo(library)
        self._applied = False
        return changes


class Commands:
    """Builds and pushes the commands; views and actions call these, never the runner."""

    def __init__(self, runner: TaskRunner, stack: QUndoStack,
                 report: Callable[[str, BaseException], None]) -> None:
        self.runner = runner
        self.stack = stack
        self._report = report

    def push(self, text: str, do: Step, undo: Step,
             after_do: Callable[[Changes], None] | None = None) -> None:
        """Push a command of the caller's own (an import, say)."""
        self.stack.push(LibraryCommand(self.runner, text, do, undo, self._failed, after_do))

    _push = push

    def _failed(self, command: LibraryCommand, error: BaseException) -> None:
        self._report(command.text(), error)
        # Step back over a command whose write failed, so that Undo names the last change
        # that really happened.
        if self.stack.index() > 0 and self.stack.command(self.stack.index() - 1) is command:
            self.stack.setIndex(self.stack.index() - 1)

    # -- papers ------------------------------------------------------------------------------

    def edit_papers(self, values: Mapping[int, Mapping[str, object]], text: str) -> None:
        """Set fields on papers; one undo step restores every old value."""
        before: dict[int, dict[str, object]] = {}

        def do(lib: Library) -> Changes:
            before.clear()
            for paper_id, fields in values.items():
                paper = lib.paper(paper_id)
                before[paper_id] = {name: getattr(paper, name) for name in fields}
            return lib.update_papers(values)

        self._push(text, do, lambda lib: lib.update_papers(before))

    def new_paper(self, data: PaperData, on_created: Callable[[int], None]) -> None:
        created: list[int] = []

        def do(lib: Library) -> Changes:
            changes = lib.add_paper(data)
            assert changes.created_id is not None
            created[:] = [changes.created_id]
            return changes

        def created_now(changes: Changes) -> None:
            if changes.created_id is not None:
                on_created(changes.created_id)

        self._push("New paper", do, lambda lib: lib.purge_papers(created), created_now)

    def delete_papers(self, ids: Iterable[int]) -> None:
        wanted = frozenset(ids)
        already: set[int] = set()

        def do(lib: Library) -> Changes:
            already.clear()
            already.update(lib.trashed(wanted))
            return lib.delete_papers(wanted)

        count = len(wanted)
        self._push(f"Move {count} paper{'s' if count != 1 else ''} to the trash", do,
                   lambda lib: lib.restore_papers(wanted - already))

    def restore_papers(self, ids: Iterable[int]) -> None:
        wanted = frozenset(ids)
        were: set[int] = set()

        def do(lib: Library) -> Changes:
            were.clear()
            were.update(lib.trashed(wanted))
            return lib.restore_papers(wanted)

        count = len(wanted)
        self._push(f"Restore {count} paper{'s' if count != 1 else ''}", do,
                   lambda lib: lib.delete_papers(were) if were else Changes())

    # -- tags ----------------------------------------------------------------------------------

    def add_tags(self, ids: Iterable[int], names: Iterable[str]) -> None:
        wanted, tags = frozenset(ids), tuple(names)
        before: dict[str, frozenset[int] | None] = {}

        def do(lib: Library) -> Changes:
            before.clear()
            before.update({name: lib.tagged(name) for name in tags})
            return lib.add_tags(wanted, tags)

        def undo(lib: Library) -> Changes:
            with lib.batch():
                for name, had in before.items():
                    newly = wanted - (had or frozenset())
                    if had is None:
                        lib.delete_tag(name)
                    elif newly:
                        lib.remove_tags(newly, [name])
            return Changes(papers=wanted, tags=True)

        self._push(f"Tag with {', '.join(tags)}", do, undo)

    def remove_tags(self, ids: Iterable[int], names: Iterable[str]) -> None:
        wanted, tags = frozenset(ids), tuple(names)
        had: dict[str, frozenset[int]] = {}

        def do(lib: Library) -> Changes:
            had.clear()
            had.update({name: (lib.tagged(name) or frozenset()) & wanted for name in tags})
            return lib.remove_tags(wanted, tags)

        def undo(lib: Library) -> Changes:
            with lib.batch():
                for name, ids_before in had.items():
                    if ids_before:
                        lib.add_tags(ids_before, [name])
            return Changes(papers=wanted, tags=True)

        self._push(f"Remove tag {', '.join(tags)}", do, undo)

    def rename_tag(self, name: str, new_name: str) -> None:
        old: list[str] = []

        def do(lib: Library) -> Changes:
            old[:] = [_stored_tag_name(lib, name)]
            return lib.rename_tag(name, new_name)

        self._push(f"Rename tag {name} to {new_name}", do,
                   lambda lib: lib.rename_tag(new_name, old[0]))

    def merge_tags(self, names: Iterable[str], into: str) -> None:
        sources = tuple(names)
        saved: list[tuple[str, str, frozenset[int]]] = []
        into_before: list[frozenset[int] | None] = []

        def do(lib: Library) -> Changes:
            saved[:] = [(_stored_tag_name(lib, n), lib.tag_colour(n), lib.tagged(n) or frozenset())
                        for n in sources]
            into_before[:] = [lib.tagged(into)]
            return lib.merge_tags(sources, into)

        def undo(lib: Library) -> Changes:
            moved = frozenset().union(*(ids for _, _, ids in saved))
            with lib.batch():
                had = into_before[0]
                if had is None:
                    lib.delete_tag(into)
                elif moved - had:
                    lib.remove_tags(moved - had, [into])
                for name, colour, ids in saved:
                    lib.create_tag(name, colour)
                    if ids:
                        lib.add_tags(ids, [name])
            return Changes(papers=moved, tags=True)

        self._push(f"Merge {', '.join(sources)} into {into}", do, undo)

    def recolour_tag(self, name: str, colour: str) -> None:
        old: list[str] = []

        def do(lib: Library) -> Changes:
            old[:] = [lib.tag_colour(name)]
            return lib.recolour_tag(name, colour)

        self._push(f"Recolour tag {name}", do, lambda lib: lib.recolour_tag(name, old[0]))

    def delete_tag(self, name: str) -> None:
        saved: list[tuple[str, str, frozenset[int]]] = []

        def do(lib: Library) -> Changes:
            saved[:] = [(_stored_tag_name(lib, name), lib.tag_colour(name),
                         lib.tagged(name) or frozenset())]
            return lib.delete_tag(name)

        def undo(lib: Library) -> Changes:
            stored, colour, ids = saved[0]
            with lib.batch():
                lib.create_tag(stored, colour)
                if ids:
                    lib.add_tags(ids, [stored])
            return Changes(papers=ids, tags=True)

        self._push(f"Delete tag {name}", do, undo)

    # -- reading lists ---------------------------------------------------------------------

    def create_list(self, name: str, description: str = "") -> None:
        self._push(f"New list {name}", lambda lib: lib.create_list(name, description),
                   lambda lib: lib.delete_list(name))

    def rename_list(self, name: str, new_name: str) -> None:
        old: list[str] = []

        def do(lib: Library) -> Changes:
            old[:] = [lib.reading_list(name).name]
            return lib.rename_list(name, new_name)

        self._push(f"Rename list {name} to {new_name}", do,
                   lambda lib: lib.rename_list(new_name, old[0]))

    def delete_list(self, name: str) -> None:
        saved: list[Any] = []

        def do(lib: Library) -> Changes:
            saved[:] = [lib.reading_list(name), lib.list_order(name)]
            return lib.delete_list(name)

        def undo(lib: Library) -> Changes:
            reading_list, order = saved
            with lib.batch():
                lib.create_list(reading_list.name, reading_list.description)
                lib.add_to_list(reading_list.name, order)
                lib.move_list(reading_list.name, reading_list.position)
            return Changes(lists=frozenset({reading_list.id}))

        self._push(f"Delete list {name}", do, undo)

    def add_to_list(self, name: str, ids: Iterable[int]) -> None:
        wanted = tuple(dict.fromkeys(ids))
        before: set[int] = set()

        def do(lib: Library) -> Changes:
            before.clear()
            before.update(lib.list_order(name))
            return lib.add_to_list(name, wanted)

        count = len(wanted)
        self._push(f"Add {count} paper{'s' if count != 1 else ''} to {name}", do,
                   lambda lib: lib.remove_from_list(name, set(wanted) - before))

    def remove_from_list(self, name: str, ids: Iterable[int]) -> None:
        wanted = frozenset(ids)
        order: list[int] = []

        def do(lib: Library) -> Changes:
            order[:] = lib.list_order(name)
            return lib.remove_from_list(name, wanted)

        def undo(lib: Library) -> Changes:
            with lib.batch():
                lib.add_to_list(name, [i for i in order if i in wanted])
                return lib.reorder_list(name, order)

        count = len(wanted)
        self._push(f"Remove {count} paper{'s' if count != 1 else ''} from {name}", do, undo)

    def move_in_list(self, name: str, ids: Iterable[int], position: int) -> None:
        moving = tuple(ids)
        order: list[int] = []

        def do(lib: Library) -> Changes:
            order[:] = lib.list_order(name)
            return lib.move_in_list(name, moving, position)

        self._push(f"Reorder {name}", do, lambda lib: lib.reorder_list(name, order))

    # -- duplicates ----------------------------------------------------------------------------

    def merge_groups(self, groups: Sequence[Sequence[int]]) -> None:
        """Merge each group into its first paper: one undo step for all of them."""
        wanted = [tuple(g) for g in groups if len(g) > 1]
        records: list[MergeRecord] = []

        def do(lib: Library) -> Changes:
            records.clear()
            changes = Changes()
            # Before the batch: inside a transaction, a safeguard leaves it to the caller.
            lib.safeguard(BEFORE_MERGE)
            with lib.batch():
                for group in wanted:
                    record = lib.merge_papers(group[0], group[1:])
                    records.append(record)
                    changes = changes | record.changes
            return changes

        def undo(lib: Library) -> Changes:
            changes = Changes()
            with lib.batch():
                for record in reversed(records):
                    changes = changes | lib.unmerge(record)
            return changes

        count = len(wanted)
        self._push(f"Merge {count} group{'s' if count != 1 else ''} of duplicates", do, undo)

    def not_duplicates(self, ids: Sequence[int]) -> None:
        wanted = tuple(ids)
        self._push("Mark as not duplicates", lambda lib: lib.mark_not_duplicates(wanted),
                   lambda lib: lib.forget_not_duplicates(wanted))

    # -- smart lists --------------------------------------------------------------------------

    def save_smart_list(self, name: str, query: str) -> None:
        old: list[str | None] = []

        def do(lib: Library) -> Changes:
            old[:] = [next((s.query for s in lib.smart_lists()
                            if s.name.lower() == name.strip().lower()), None)]
            return lib.save_smart_list(name, query)

        def undo(lib: Library) -> Changes:
            previous = old[0]
            if previous is None:
                return lib.delete_smart_list(name)
            return lib.save_smart_list(name, previous)

        self._push(f"Save smart list {name}", do, undo)

    def delete_smart_list(self, name: str) -> None:
        old: list[SmartList] = []

        def do(lib: Library) -> Changes:
            old[:] = [next(s for s in lib.smart_lists()
                           if s.name.lower() == name.strip().lower())]
            return lib.delete_smart_list(name)

        self._push(f"Delete smart list {name}", do,
                   lambda lib: lib.save_smart_list(old[0].name, old[0].query))

    # -- notes ---------------------------------------------------------------------------------

    def add_note(self, paper_id: int, body: str) -> None:
        created: list[int] = []

        def do(lib: Library) -> Changes:
            changes = lib.add_note(paper_id, body)
            created[:] = [changes.created_id or 0]
            return changes

        self._push("Add note", do, lambda lib: lib.delete_note(created[0]))

    def update_note(self, note_id: int, paper_id: int, body: str) -> None:
        old: list[str] = []

        def do(lib: Library) -> Changes:
            old[:] = [next(n.body for n in lib.notes(paper_id) if n.id == note_id)]
            return lib.update_note(note_id, body)

        self._push("Edit note", do, lambda lib: lib.update_note(note_id, old[0]))

    def delete_note(self, note_id: int, paper_id: int) -> None:
        # Undo re-creates the note under a new id; a later redo deletes that one.
        current = [note_id]
        body: list[str] = []

        def do(lib: Library) -> Changes:
            body[:] = [next(n.body for n in lib.notes(paper_id) if n.id == current[0])]
            return lib.delete_note(current[0])

        def undo(lib: Library) -> Changes:
            changes = lib.add_note(paper_id, body[0])
            current[0] = changes.created_id or 0
            return changes

        self._push("Delete note", do, undo)


def _stored_tag_name(library: Library, name: str) -> str:
    """The tag's name as stored (its case), so that an undo restores it exactly.

    A parent in the tag tree need not be a tag itself; its name is then as given.
    """
    try:
        return library.tag(name).name
    except NotFoundError:
        return name
