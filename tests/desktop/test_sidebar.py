"""The sidebar over a real library: sections and counts, clicks that compose searches,
context-menu actions that are undoable, drops of papers, and plain text everywhere."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PySide6 import QtGui
from PySide6.QtCore import QMimeData, QModelIndex, Qt
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QIcon,
    QTextDocument,
)
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from db.library import Library
from db.papers import clean_tag_name
from db.records import Changes, PaperData
from db.search import Term, compile_query, parse
from desktop.dialogs import ask
from desktop.models.papers import PAPER_IDS_MIME
from desktop.models.sidebar import (
    COLOUR_ROLE,
    COUNT_ROLE,
    KIND_ROLE,
    NAME_ROLE,
    PLACEHOLDER_ROLE,
    QUERY_ROLE,
    SidebarModel,
    compose,
    quoted_term,
)
from desktop.settings import Settings
from desktop.tasks import TaskRunner
from desktop.undo import Commands
from desktop.views.sidebar import OR_MODE_TEXT, SidebarView
from tests.desktop.conftest import Reported

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
NONE = Qt.KeyboardModifier.NoModifier


@pytest.fixture
def view(qtbot: QtBot, reader: Library, commands: Commands, settings: Settings,
         runner: TaskRunner) -> Iterator[SidebarView]:
    sidebar = SidebarView(reader, commands, settings)
    qtbot.addWidget(sidebar)
    # What the main window does; the view never reaches for the runner itself.
    runner.changed.connect(sidebar.on_changes)
    sidebar.resize(320, 700)
    sidebar.show()
    qtbot.waitExposed(sidebar)
    yield sidebar
    runner.changed.disconnect(sidebar.on_changes)


@pytest.fixture
def tagged(view: SidebarView, reader: Library, commands: Commands,
           runner: TaskRunner) -> list[int]:
    """The sample with ml/federated on papers 0-4, ml on 3-8, Optimisation on 10-11."""
    ids = reader.search("")
    commands.add_tags(ids[:5], ["ml/federated"])
    commands.add_tags(ids[3:9], ["ml"])
    commands.add_tags(ids[10:12], ["Optimisation"])
    settle(runner)
    view.expandAll()
    return ids


def settle(runner: TaskRunner) -> None:
    """Let the writer finish; its changed signal refreshes the view on the way."""
    assert runner.wait_idle()


def find(view: SidebarView, kind: str, name: str) -> QModelIndex:
    model = view.sidebar_model
    pending = [model.index(row, 0) for row in range(model.rowCount())]
    while pending:
        index = pending.pop(0)
        if index.data(KIND_ROLE) == kind and index.data(NAME_ROLE) == name:
            return index
        pending.extend(model.index(row, 0, index) for row in range(model.rowCount(index)))
    raise LookupError(f"no {kind} {name!r} in the sidebar")


def children(index: QModelIndex) -> list[tuple[str, int | None]]:
    model = index.model()
    return [(model.index(r, 0, index).data(), model.index(r, 0, index).data(COUNT_ROLE))
            for r in range(model.rowCount(index))]


def click(qtbot: QtBot, view: SidebarView, index: QModelIndex,
          modifiers: Qt.KeyboardModifier = NONE) -> str:
    with qtbot.waitSignal(view.query_chosen, timeout=1000) as blocker:
        press(qtbot, view, index, modifiers)
    return str(blocker.args[0])


def press(qtbot: QtBot, view: SidebarView, index: QModelIndex,
          modifiers: Qt.KeyboardModifier = NONE) -> None:
    """A left click in the middle of the item's row, as a user makes it."""
    view.scrollTo(index)
    point = view.visualRect(index).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     modifiers, point)


def trigger(view: SidebarView, index: QModelIndex, text: str) -> None:
    menu = view.menu_for(index)
    assert menu is not None
    actions = {action.text(): action for action in menu.actions() if action.text()}
    assert text in actions, f"{text!r} not in {sorted(actions)}"
    actions[text].trigger()


def menu_texts(menu: QMenu | None) -> list[str]:
    return [] if menu is None else [a.text() for a in menu.actions() if a.text()]


def shown_as(tooltip: str) -> str:
    """The text a tooltip shows: Qt renders it as HTML when it might be rich text."""
    document = QTextDocument()
    if QtGui.Qt.mightBeRichText(tooltip):  # QtGui's Qt namespace, not QtCore's
        document.setHtml(tooltip)
    else:
        document.setPlainText(tooltip)
    return document.toPlainText()


# ------------------------------------------------------------------ sections and counts


def test_four_sections_with_the_sample_counts(view: SidebarView) -> None:
    model = view.sidebar_model
    sections = [model.index(row, 0) for row in range(model.rowCount())]
    assert [s.data() for s in sections] == ["Library", "Reading lists", "Smart lists", "Tags"]
    for section in sections:
        assert section.data(KIND_ROLE) == "section"
        assert not section.flags() & Qt.ItemFlag.ItemIsSelectable
        assert view.isExpanded(section)
    assert children(sections[0]) == [("All papers", 33), ("Unread", 33), ("Reading", 0),
                                     ("Recently added", 33), ("Trash", 0)]
    assert [model.index(r, 0, sections[0]).data(QUERY_ROLE) for r in range(5)] == [
        "", "status:unread", "status:reading", "added:<30d", "in:trash"]
    assert children(sections[1]) == [("Kai Yi", 33)]
    assert find(view, "list", "Kai Yi").data(QUERY_ROLE) == 'list:"Kai Yi"'
    assert children(sections[2]) == [] and children(sections[3]) == []


def test_counts_follow_the_trash_and_smart_lists(
    view: SidebarView, reader: Library, commands: Commands, runner: TaskRunner
) -> None:
    ids = reader.search("")
    commands.save_smart_list("Protein work", "protein")
    commands.delete_papers(ids[:3])
    settle(runner)
    assert find(view, "library", "all").data(COUNT_ROLE) == 30
    assert find(view, "library", "trash").data(COUNT_ROLE) == 3
    assert find(view, "list", "Kai Yi").data(COUNT_ROLE) == 30
    smart = find(view, "smart", "Protein work")
    assert smart.data(QUERY_ROLE) == "protein"
    assert smart.data(COUNT_ROLE) == reader.count("protein") > 0


def test_tags_form_a_tree_on_slashes(view: SidebarView, tagged: list[int],
                                     commands: Commands, runner: TaskRunner) -> None:
    tags = view.sidebar_model.section("tags")
    assert children(tags) == [("ml", 9), ("Optimisation", 2)]
    ml = find(view, "tag", "ml")
    assert children(ml) == [("federated", 5)]
    federated = find(view, "tag", "ml/federated")
    assert federated.data(QUERY_ROLE) == 'tag:"ml/federated"'
    assert federated.parent() == ml
    # A parent that is no tag still appears; its query covers the tags below it.
    commands.add_tags(tagged[20:23], ["bio/protein"])
    commands.add_tags(tagged[22:25], ["bio/rna"])
    settle(runner)
    bio = find(view, "tag", "bio")
    assert bio.data(PLACEHOLDER_ROLE) is True
    assert bio.data(QUERY_ROLE) == 'tag:"bio"'
    assert bio.data(COUNT_ROLE) == 5  # what a click on it shows, not 3 + 3
    assert [t for t, _ in children(bio)] == ["protein", "rna"]


def test_a_refresh_keeps_expanded_nodes_and_the_selection(
    view: SidebarView, tagged: list[int], commands: Commands, runner: TaskRunner
) -> None:
    view.collapse(find(view, "tag", "ml"))
    view.expand(find(view, "tag", "ml"))
    view.setCurrentIndex(find(view, "tag", "ml/federated"))
    commands.add_tags(tagged[30:], ["Another"])
    commands.add_tags(tagged[:1], ["ml/graphs"])
    settle(runner)
    current = view.currentIndex()
    assert current.data(NAME_ROLE) == "ml/federated"
    assert view.selectionModel().isSelected(current)
    assert view.isExpanded(find(view, "tag", "ml"))
    assert [t for t, _ in children(find(view, "tag", "ml"))] == ["federated", "graphs"]
    # A case-only rename keeps the item (tags differ by more than case).
    commands.rename_tag("ml", "ML")
    settle(runner)
    assert view.isExpanded(find(view, "tag", "ML"))
    assert view.currentIndex().data(NAME_ROLE) == "ML/federated"


def test_a_hidden_sidebar_catches_up_when_shown(
    view: SidebarView, reader: Library, commands: Commands, runner: TaskRunner
) -> None:
    view.hide()
    commands.delete_papers(reader.search("")[:2])
    settle(runner)
    assert find(view, "library", "trash").data(COUNT_ROLE) == 0  # not counted unseen
    view.show()
    assert find(view, "library", "trash").data(COUNT_ROLE) == 2


def dump(model: SidebarModel, parent: QModelIndex | None = None) -> list[object]:
    parent = parent or QModelIndex()
    rows: list[object] = []
    for row in range(model.rowCount(parent)):
        index = model.index(row, 0, parent)
        rows.append((index.data(), index.data(NAME_ROLE), index.data(QUERY_ROLE),
                     index.data(COUNT_ROLE), index.data(PLACEHOLDER_ROLE),
                     dump(model, index)))
    return rows


TAG_NAMES = ("ml", "ML/x", "ml/fed", "a/b/c", "a", "Z", "b/a", "ä", "Ä/q", "x y/z")


@hypothesis_settings(max_examples=25, deadline=None)
@given(st.lists(st.sets(st.sampled_from(TAG_NAMES), max_size=6), min_size=1, max_size=4))
def test_refreshing_in_place_builds_the_same_tree(qapp: object, steps: list[set[str]]) -> None:
    with Library.memory() as library:
        paper = library.import_papers([PaperData(title="One")]).added
        model = SidebarModel(library)
        for names in steps:
            for tag in library.tags():
                library.delete_tag(tag.name)
            library.add_tags(paper, sorted(names))
            model.refresh(Changes(tags=True))
            assert dump(model) == dump(SidebarModel(library))


def test_refresh_on_the_sample_is_quick(view: SidebarView) -> None:
    import time

    start = time.perf_counter()
    view.refresh()
    # About a millisecond here; generous so that a loaded machine does not fail it.
    assert time.perf_counter() - start < 0.5


# ---------------------------------------------------------------------------- clicks


def test_a_plain_click_emits_the_items_query_alone(qtbot: QtBot, view: SidebarView,
                                                   tagged: list[int]) -> None:
    view.set_current_query("graph")
    assert click(qtbot, view, find(view, "library", "unread")) == "status:unread"
    assert click(qtbot, view, find(view, "list", "Kai Yi")) == 'list:"Kai Yi"'
    assert click(qtbot, view, find(view, "tag", "ml/federated")) == 'tag:"ml/federated"'
    assert click(qtbot, view, find(view, "library", "all")) == ""


def test_ctrl_and_alt_clicks_compose_with_the_search(
    qtbot: QtBot, view: SidebarView, tagged: list[int], reader: Library
) -> None:
    view.set_current_query("graph")
    query = click(qtbot, view, find(view, "tag", "ml/federated"), CTRL)
    assert query == 'graph tag:"ml/federated"'
    query = click(qtbot, view, find(view, "tag", "Optimisation"), ALT)
    assert query == 'graph tag:"ml/federated" -tag:"Optimisation"'
    assert reader.count(query) == reader.count('graph tag:"ml/federated"')
    # The composed query stays the one to compose with, as the search field would.
    view.set_current_query("")
    assert click(qtbot, view, find(view, "tag", "ml"), CTRL) == 'tag:"ml"'
    view.set_current_query("")
    assert click(qtbot, view, find(view, "tag", "ml"), ALT) == '-tag:"ml"'
    assert reader.count('-tag:"ml"') == 33 - 9


def test_or_mode_joins_tags_with_or(qtbot: QtBot, view: SidebarView, tagged: list[int],
                                    settings: Settings, reader: Library) -> None:
    trigger(view, find(view, "tag", "ml"), OR_MODE_TEXT)
    assert settings.tag_mode_or is True
    assert click(qtbot, view, find(view, "tag", "ml")) == 'tag:"ml"'
    query = click(qtbot, view, find(view, "tag", "Optimisation"), CTRL)
    assert query == 'tag:"ml" OR tag:"Optimisation"'
    assert reader.count(query) == 11
    # Lists still narrow (OR is a tag mode), the whole OR and not just its last tag.
    assert click(qtbot, view, find(view, "list", "Kai Yi"), CTRL) == (
        '(tag:"ml" OR tag:"Optimisation") list:"Kai Yi"')
    menu = view.menu_for(find(view, "tag", "ml"))
    assert menu is not None
    toggle = next(a for a in menu.actions() if a.text() == OR_MODE_TEXT)
    assert toggle.isCheckable() and toggle.isChecked()
    toggle.trigger()
    assert settings.tag_mode_or is False


def test_headings_emit_nothing_and_names_with_quotes_search_fine(
    qtbot: QtBot, view: SidebarView, commands: Commands, runner: TaskRunner, reader: Library
) -> None:
    commands.create_list('Say "hi"')
    commands.add_to_list('Say "hi"', reader.search("")[:2])
    settle(runner)
    view.refresh()
    with qtbot.assertNotEmitted(view.query_chosen):
        press(qtbot, view, view.sidebar_model.section("tags"))
    odd = find(view, "list", 'Say "hi"')
    with qtbot.waitSignal(view.query_chosen, timeout=1000) as blocker:
        press(qtbot, view, odd)
    assert blocker.args == ['list:"Say ""hi"""']
    assert reader.search(blocker.args[0]) == reader.search("")[:2]


def test_enter_acts_like_a_click_and_the_tree_takes_focus_by_tab(
    qtbot: QtBot, view: SidebarView
) -> None:
    assert view.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert view.objectName() == view.accessibleName() == "sidebar"
    view.setFocus()
    view.setCurrentIndex(find(view, "library", "trash"))
    with qtbot.waitSignal(view.query_chosen, timeout=1000) as blocker:
        qtbot.keyClick(view, Qt.Key.Key_Return)
    assert blocker.args == ["in:trash"]


def test_the_selection_follows_the_search_text(view: SidebarView) -> None:
    view.set_current_query("")
    assert view.currentIndex() == find(view, "library", "all")
    view.set_current_query("status:unread")
    assert view.currentIndex() == find(view, "library", "unread")
    view.set_current_query("status:unread graph")
    assert view.selectionModel().selectedIndexes() == []


@pytest.mark.parametrize(("current", "how", "expected"), [
    ("", "and", 'tag:"x"'),
    ("", "or", 'tag:"x"'),
    ("", "not", '-tag:"x"'),
    ("graph", "replace", 'tag:"x"'),
    ("a OR b", "and", '(a OR b) tag:"x"'),
    ("a OR b", "not", '(a OR b) -tag:"x"'),
    ('tag:"a" OR tag:"b"', "or", 'tag:"a" OR tag:"b" OR tag:"x"'),
    ('graph tag:"X"', "and", 'graph tag:"X"'),  # already narrowed by it
    ('graph "unclosed', "and", 'tag:"x"'),  # a broken search cannot be combined
])
def test_compose(current: str, how: str, expected: str) -> None:
    assert compose(current, 'tag:"x"', how) == expected
    compile_query(expected)


def test_compose_wraps_a_saved_search_that_is_an_or() -> None:
    assert compose("graph", "a OR b", "and") == "graph (a OR b)"
    assert compose("graph", "a b", "not") == "graph -(a b)"


@given(st.text(min_size=1, max_size=30))
def test_every_quotable_name_makes_a_query_naming_it(raw: str) -> None:
    name = clean_tag_name(raw)
    assume(name)  # the library refuses an empty tag name
    query = quoted_term("tag", name)
    term = parse(query)
    assert isinstance(term, Term) and term.field == "tag" and term.value == name
    compile_query(query)


# ---------------------------------------------------------------------- context menus


def test_rename_a_tag_and_undo(view: SidebarView, tagged: list[int], reader: Library,
                               commands: Commands, runner: TaskRunner,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ask, "text", lambda *args: "learning")
    trigger(view, find(view, "tag", "ml"), "Rename…")
    settle(runner)
    assert [t.name for t in reader.tags()] == ["learning", "learning/federated", "Optimisation"]
    assert find(view, "tag", "learning").data(COUNT_ROLE) == 9
    assert find(view, "tag", "learning/federated").data(QUERY_ROLE) == (
        'tag:"learning/federated"')
    commands.stack.undo()
    settle(runner)
    assert [t.name for t in reader.tags()] == ["ml", "ml/federated", "Optimisation"]
    assert find(view, "tag", "ml").data(COUNT_ROLE) == 9


def test_merge_a_tag_and_undo(view: SidebarView, tagged: list[int], reader: Library,
                              commands: Commands, runner: TaskRunner,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    offered: list[list[str]] = []

    def choose(parent: object, title: str, label: str, options: list[str]) -> str:
        offered.append(list(options))
        return "ml"

    monkeypatch.setattr(ask, "choice", choose)
    trigger(view, find(view, "tag", "Optimisation"), "Merge into…")
    settle(runner)
    assert offered == [["ml", "ml/federated"]]
    assert [t.name for t in reader.tags()] == ["ml", "ml/federated"]
    assert find(view, "tag", "ml").data(COUNT_ROLE) == 11
    commands.stack.undo()
    settle(runner)
    assert find(view, "tag", "Optimisation").data(COUNT_ROLE) == 2
    assert find(view, "tag", "ml").data(COUNT_ROLE) == 9


def test_recolour_a_tag_shows_a_swatch_and_undo(
    view: SidebarView, tagged: list[int], commands: Commands, runner: TaskRunner,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ask, "colour", lambda *args: "#2CA02C")
    trigger(view, find(view, "tag", "Optimisation"), "Colour…")
    settle(runner)
    tag = find(view, "tag", "Optimisation")
    assert tag.data(COLOUR_ROLE) == "#2ca02c"
    swatch = tag.data(Qt.ItemDataRole.DecorationRole)
    assert isinstance(swatch, QIcon)
    assert swatch.pixmap(12, 12).toImage().pixelColor(6, 6).name() == "#2ca02c"
    assert "Remove colour" in menu_texts(view.menu_for(tag))
    commands.stack.undo()
    settle(runner)
    assert find(view, "tag", "Optimisation").data(COLOUR_ROLE) == ""


def test_delete_a_tag_only_when_confirmed_and_undo(
    view: SidebarView, tagged: list[int], reader: Library, commands: Commands,
    runner: TaskRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = [False, True, False]
    questions: list[str] = []

    def confirm(parent: object, title: str, question: str, action: str) -> bool:
        questions.append(question)
        return answers.pop(0)

    monkeypatch.setattr(ask, "confirm", confirm)
    trigger(view, find(view, "tag", "Optimisation"), "Delete…")
    settle(runner)
    assert commands.stack.count() == 3  # the three taggings, nothing more
    assert "Optimisation" in [t.name for t in reader.tags()]
    trigger(view, find(view, "tag", "Optimisation"), "Delete…")
    settle(runner)
    assert questions[0] == ("Delete the tag “Optimisation”? It comes off 2 papers; "
                            "the papers stay.")
    assert "Optimisation" not in [t.name for t in reader.tags()]
    with pytest.raises(LookupError):
        find(view, "tag", "Optimisation")
    commands.stack.undo()
    settle(runner)
    assert find(view, "tag", "Optimisation").data(COUNT_ROLE) == 2
    # A parent's item counts the tags below it; its delete says what it really removes.
    trigger(view, find(view, "tag", "ml"), "Delete…")
    assert questions[-1] == ("Delete the tag “ml”? It comes off 6 papers; the papers stay, "
                             "and so do the tags below it.")


def test_new_rename_and_delete_a_list_each_undoable(
    view: SidebarView, reader: Library, commands: Commands, runner: TaskRunner,
    reported: Reported, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ask, "text", lambda *args: "To read")
    trigger(view, view.sidebar_model.section("lists"), "New list…")
    settle(runner)
    assert [(rl.name, rl.count) for rl in reader.lists()] == [("Kai Yi", 33), ("To read", 0)]
    assert find(view, "list", "To read").data(QUERY_ROLE) == 'list:"To read"'

    monkeypatch.setattr(ask, "text", lambda *args: "Kai")
    trigger(view, find(view, "list", "Kai Yi"), "Rename…")
    settle(runner)
    assert [t for t, _ in children(view.sidebar_model.section("lists"))] == ["Kai", "To read"]

    monkeypatch.setattr(ask, "confirm", lambda *args: True)
    trigger(view, find(view, "list", "Kai"), "Delete…")
    settle(runner)
    assert [rl.name for rl in reader.lists()] == ["To read"]
    assert reader.count() == 33  # the papers stay

    for _ in range(3):
        commands.stack.undo()
        settle(runner)
    assert children(view.sidebar_model.section("lists")) == [("Kai Yi", 33)]
    assert reported.errors == []


def test_cancelled_questions_change_nothing(
    view: SidebarView, tagged: list[int], commands: Commands, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ask, "text", lambda *args: None)
    monkeypatch.setattr(ask, "choice", lambda *args: None)
    monkeypatch.setattr(ask, "colour", lambda *args: None)
    monkeypatch.setattr(ask, "confirm", lambda *args: False)
    before = commands.stack.count()
    for text in ("Rename…", "Merge into…", "Colour…", "Delete…"):
        trigger(view, find(view, "tag", "ml"), text)
    for text in ("Rename…", "Delete…", "New list…"):
        trigger(view, find(view, "list", "Kai Yi"), text)
    assert commands.stack.count() == before


def test_delete_a_smart_list_and_undo(view: SidebarView, reader: Library,
                                      commands: Commands, runner: TaskRunner) -> None:
    commands.save_smart_list("Unread", "status:unread")
    settle(runner)
    trigger(view, find(view, "smart", "Unread"), "Delete")
    settle(runner)
    assert reader.smart_lists() == []
    commands.stack.undo()
    settle(runner)
    assert find(view, "smart", "Unread").data(COUNT_ROLE) == 33


def test_menus_offer_what_fits_each_item(view: SidebarView, tagged: list[int],
                                         commands: Commands, runner: TaskRunner) -> None:
    assert view.menu_for(find(view, "library", "trash")) is None
    assert view.menu_for(find(view, "library", "all")) is None
    assert view.menu_for(view.sidebar_model.section("library")) is None
    assert view.menu_for(QModelIndex()) is None
    assert menu_texts(view.menu_for(view.sidebar_model.section("lists"))) == ["New list…"]
    assert menu_texts(view.menu_for(find(view, "tag", "ml"))) == [
        "Rename…", "Merge into…", "Colour…", "Delete…", "Add to search",
        "Exclude from search", OR_MODE_TEXT]
    commands.add_tags(tagged[:1], ["bio/rna"])
    settle(runner)
    # A parent that is no tag has nothing to rename or delete.
    assert menu_texts(view.menu_for(find(view, "tag", "bio"))) == [
        "Add to search", "Exclude from search", OR_MODE_TEXT]


def test_menu_search_actions_match_ctrl_and_alt_clicks(
    qtbot: QtBot, view: SidebarView, tagged: list[int]
) -> None:
    view.set_current_query("graph")
    with qtbot.waitSignal(view.query_chosen) as blocker:
        trigger(view, find(view, "tag", "ml"), "Exclude from search")
    assert blocker.args == ['graph -tag:"ml"']
    with qtbot.waitSignal(view.query_chosen) as blocker:
        trigger(view, find(view, "list", "Kai Yi"), "Add to search")
    assert blocker.args == ['graph -tag:"ml" list:"Kai Yi"']


# ----------------------------------------------------------------------------- drops


def paper_drag(ids: list[int]) -> QMimeData:
    data = QMimeData()
    data.setData(PAPER_IDS_MIME, json.dumps(ids).encode())
    return data


def drag_to(view: SidebarView, index: QModelIndex, data: QMimeData,
            keys: Qt.KeyboardModifier = Qt.KeyboardModifier.ShiftModifier) -> bool:
    """Drag ``data`` over ``index`` and drop it, as Qt delivers a drag; True if accepted.

    Shift makes Qt propose a move, as the table does (its drags default to moving rows
    within a list); the sidebar must still only copy, or the table would drop its rows.
    """
    view.scrollTo(index)
    point = view.visualRect(index).center()
    actions = Qt.DropAction.CopyAction | Qt.DropAction.MoveAction
    buttons = Qt.MouseButton.LeftButton
    with warnings.catch_warnings():
        # PySide marks these constructors deprecated, yet QDragEnterEvent has no other.
        warnings.simplefilter("ignore", DeprecationWarning)
        enter = QDragEnterEvent(point, actions, data, buttons, keys)
        move = QDragMoveEvent(point, actions, data, buttons, keys)
    QApplication.sendEvent(view.viewport(), enter)
    QApplication.sendEvent(view.viewport(), move)
    if not move.isAccepted():
        return False
    assert move.dropAction() == Qt.DropAction.CopyAction  # the cursor shows a copy
    drop = QDropEvent(point.toPointF(), actions, data, buttons, keys)
    assert drop.proposedAction() == (Qt.DropAction.MoveAction if keys else
                                     Qt.DropAction.CopyAction)
    QApplication.sendEvent(view.viewport(), drop)
    assert drop.dropAction() == Qt.DropAction.CopyAction  # the table must keep its rows
    return drop.isAccepted()


def test_dropping_papers_on_a_tag_tags_them(view: SidebarView, tagged: list[int],
                                            reader: Library, commands: Commands,
                                            runner: TaskRunner) -> None:
    dropped = tagged[20:23]
    assert drag_to(view, find(view, "tag", "Optimisation"), paper_drag(dropped))
    settle(runner)
    assert reader.tagged("Optimisation") == frozenset(tagged[10:12] + dropped)
    assert find(view, "tag", "Optimisation").data(COUNT_ROLE) == 5
    commands.stack.undo()
    settle(runner)
    assert find(view, "tag", "Optimisation").data(COUNT_ROLE) == 2


def test_dropping_papers_on_a_list_appends_them(
    view: SidebarView, reader: Library, commands: Commands, runner: TaskRunner,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ask, "text", lambda *args: "To read")
    view.new_list()
    settle(runner)
    ids = reader.search("")
    assert drag_to(view, find(view, "list", "To read"), paper_drag([ids[4], ids[2]]), NONE)
    settle(runner)
    assert reader.list_order("To read") == [ids[4], ids[2]]
    assert find(view, "list", "To read").data(COUNT_ROLE) == 2


def test_drops_elsewhere_are_refused(view: SidebarView, reader: Library,
                                     commands: Commands) -> None:
    ids = reader.search("")[:2]
    assert not drag_to(view, find(view, "library", "all"), paper_drag(ids))
    assert not drag_to(view, view.sidebar_model.section("tags"), paper_drag(ids))
    garbage = QMimeData()
    garbage.setData(PAPER_IDS_MIME, b"[1, true, \"x\"]")
    assert not drag_to(view, find(view, "list", "Kai Yi"), garbage)
    other = QMimeData()
    other.setText("1, 2")
    assert not drag_to(view, find(view, "list", "Kai Yi"), other)
    assert commands.stack.count() == 0


# ------------------------------------------------------------------ model and plain text


def test_the_model_passes_qt_checks(qtmodeltester: object, view: SidebarView,
                                    tagged: list[int], commands: Commands,
                                    runner: TaskRunner) -> None:
    qtmodeltester.check(view.sidebar_model)  # type: ignore[attr-defined]
    # The tester keeps watching: rows moved, inserted and removed by refreshes too.
    commands.rename_tag("ml", "zz")
    commands.add_tags(tagged[:2], ["aa/bb"])
    commands.create_list("Second")
    commands.delete_list("Kai Yi")
    settle(runner)
    assert [t for t, _ in children(view.sidebar_model.section("tags"))] == [
        "aa", "Optimisation", "zz"]


def test_names_are_plain_text(view: SidebarView, reader: Library, commands: Commands,
                              runner: TaskRunner) -> None:
    commands.add_tags(reader.search("")[:2], ["<b>x</b>", "R&D <i>"])
    commands.create_list("<b>bold</b>", "<i>not</i> italic & co")
    settle(runner)
    view.expandAll()
    # "/" in "<b>x</b>" makes a hierarchy like any other: "<b>x<" holds "b>".
    parent = find(view, "tag", "<b>x<")
    assert parent.data() == "<b>x<"
    leaf = find(view, "tag", "<b>x</b>")
    assert leaf.data() == "b>"
    assert leaf.data(QUERY_ROLE) == 'tag:"<b>x</b>"'
    assert reader.count(leaf.data(QUERY_ROLE)) == 2
    tooltip = leaf.data(Qt.ItemDataRole.ToolTipRole)
    assert "&lt;b&gt;x&lt;/b&gt;" in tooltip and "<b>x" not in tooltip
    assert shown_as(tooltip) == "<b>x</b>\n2 papers"
    assert shown_as(find(view, "tag", "R&D <i>").data(Qt.ItemDataRole.ToolTipRole)) == (
        "R&D <i>\n2 papers")
    listed = find(view, "list", "<b>bold</b>")
    assert listed.data() == "<b>bold</b>"
    assert shown_as(listed.data(Qt.ItemDataRole.ToolTipRole)) == (
        "<b>bold</b>\n0 papers\n<i>not</i> italic & co")
    assert listed.data(Qt.ItemDataRole.AccessibleTextRole) == "<b>bold</b>, 0 papers"


def test_screenshot(view: SidebarView, tagged: list[int], commands: Commands,
                    runner: TaskRunner, tmp_path: Path) -> None:
    commands.recolour_tag("Optimisation", "#d62728")
    settle(runner)
    view.setCurrentIndex(find(view, "list", "Kai Yi"))
    image = view.grab()
    target = tmp_path / "sidebar.png"
    assert image.save(str(target))
    assert image.width() == 320 and target.stat().st_size > 3_000
