"""Every command undoes exactly and redoes again, through the writer thread."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from db.errors import LibraryError
from db.library import Library
from db.records import PaperData
from desktop.tasks import TaskRunner
from desktop.undo import Commands
from tests.desktop.conftest import Reported


def snapshot(path: Path) -> tuple[object, ...]:
    """Everything a user can see of the library, read fresh from the file."""
    with Library.open(path, read_only=True) as lib:
        papers = tuple(
            (p.key, p.title, p.rating, p.status, p.deleted != "", p.tags, p.lists,
             tuple(n.body for n in lib.notes(p.id)))
            for p in (lib.paper(i) for i in sorted(lib.search("") + lib.search("in:trash"))))
        return (papers, tuple((t.name, t.color, t.count) for t in lib.tags()),
                tuple((rl.name, rl.description, tuple(lib.list_order(rl.name)))
                      for rl in lib.lists()),
                tuple((s.name, s.query) for s in lib.smart_lists()))


def ids(reader: Library, query: str = "") -> list[int]:
    return reader.search(query)


@pytest.fixture
def round_trip(runner: TaskRunner, commands: Commands, gui_library_path: Path,
               reported: Reported) -> Callable[[Callable[[], None]], tuple[object, object]]:
    """Run an action; check that undo restores the library and redo redoes it."""

    def check(action: Callable[[], None]) -> tuple[object, object]:
        before = snapshot(gui_library_path)
        action()
        assert runner.wait_idle()
        after = snapshot(gui_library_path)
        assert after != before, "the action changed nothing"
        commands.stack.undo()
        assert runner.wait_idle()
        assert snapshot(gui_library_path) == before
        commands.stack.redo()
        assert runner.wait_idle()
        assert snapshot(gui_library_path) == after
        assert reported.errors == []
        return before, after

    return check


def test_edit_fields_of_several_papers(round_trip: Callable[..., object], commands: Commands,
                                       reader: Library) -> None:
    a, b = ids(reader)[:2]
    round_trip(lambda: commands.edit_papers({a: {"rating": 4, "title": "New"},
                                             b: {"status": "read"}}, "Edit"))
    assert commands.stack.undoText() == "Edit"


def test_tags(round_trip: Callable[..., object], commands: Commands, reader: Library,
              runner: TaskRunner) -> None:
    a, b, c = ids(reader)[:3]
    round_trip(lambda: commands.add_tags([a, b], ["ml/federated", "new"]))
    commands.add_tags([c], ["ml/federated"])
    runner.wait_idle()
    round_trip(lambda: commands.remove_tags([a, c], ["ml/federated"]))
    round_trip(lambda: commands.rename_tag("ml", "ML"))
    round_trip(lambda: commands.merge_tags(["new"], "ML/federated"))
    commands.add_tags([c], ["other"])
    runner.wait_idle()
    round_trip(lambda: commands.merge_tags(["other"], "brand-new"))
    round_trip(lambda: commands.recolour_tag("brand-new", "#ff0000"))
    round_trip(lambda: commands.delete_tag("ml/federated"))


def test_papers_trash_restore_and_new(round_trip: Callable[..., object], commands: Commands,
                                      reader: Library, runner: TaskRunner) -> None:
    a, b = ids(reader)[:2]
    round_trip(lambda: commands.delete_papers([a, b]))
    commands.delete_papers([a])
    runner.wait_idle()
    round_trip(lambda: commands.restore_papers([a, b]))
    created: list[int] = []
    round_trip(lambda: commands.new_paper(PaperData(title="Fresh"), created.append))
    assert created and reader.paper(created[-1]).title == "Fresh"


def test_lists_and_smart_lists(round_trip: Callable[..., object], commands: Commands,
                               reader: Library, runner: TaskRunner) -> None:
    a, b, c = ids(reader)[:3]
    round_trip(lambda: commands.create_list("To read", "soon"))
    round_trip(lambda: commands.add_to_list("To read", [c, a]))
    round_trip(lambda: commands.remove_from_list("Kai Yi", [b, c]))
    last = reader.list_order("Kai Yi")[-1]
    round_trip(lambda: commands.move_in_list("Kai Yi", [last], 0))
    round_trip(lambda: commands.rename_list("kai yi", "Kai"))
    round_trip(lambda: commands.delete_list("Kai"))
    round_trip(lambda: commands.save_smart_list("Recent", "year:>=2024"))
    commands.save_smart_list("Recent", "year:>=2024")
    runner.wait_idle()
    round_trip(lambda: commands.save_smart_list("Recent", "year:>=2025"))
    round_trip(lambda: commands.delete_smart_list("recent"))


def test_notes(round_trip: Callable[..., object], commands: Commands, reader: Library,
               runner: TaskRunner) -> None:
    a = ids(reader)[0]
    round_trip(lambda: commands.add_note(a, "first thoughts"))
    commands.add_note(a, "second")
    runner.wait_idle()
    note = reader.notes(a)[-1]
    round_trip(lambda: commands.update_note(note.id, a, "second, revised"))
    round_trip(lambda: commands.delete_note(note.id, a))


def test_a_failed_write_is_reported_and_leaves_undo_on_the_last_real_change(
    commands: Commands, reader: Library, runner: TaskRunner, reported: Reported
) -> None:
    a = ids(reader)[0]
    commands.edit_papers({a: {"rating": 3}}, "Set rating")
    commands.edit_papers({a: {"date": "June 2022"}}, "Edit date")
    assert runner.wait_idle()
    assert [what for what, _ in reported.errors] == ["Edit date"]
    assert isinstance(reported.errors[0][1], LibraryError)
    assert commands.stack.undoText() == "Set rating"
    assert reader.paper(a).rating == 3
