"""The detail pane driven as a user would: type, leave the field, undo; edits reach the file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QTextCursor, QTextDocument
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from db.latex import readable
from db.library import Library
from db.records import Author
from desktop.authorsline import format_authors, parse_authors
from desktop.tasks import TaskRunner
from desktop.undo import Commands
from desktop.views.detail import DetailPane, TitleEdit
from tests.desktop.conftest import Reported

ACMP = "wangAcmpAllenCahn2022"
ACMP_AUTHORS = "Wang, Yuelin; Yi, Kai; Liu, Xinliang; et al."
LIST = "Kai Yi"


@pytest.fixture
def pane(qtbot: QtBot, reader: Library, commands: Commands,
         runner: TaskRunner) -> Iterator[DetailPane]:
    widget = DetailPane(reader, commands)
    qtbot.addWidget(widget)
    # Wired as the main window wires it.
    runner.changed.connect(widget.on_changes)
    runner.idle.connect(widget.refresh)
    widget.resize(460, 1000)
    widget.show()
    widget.activateWindow()
    qtbot.waitActive(widget)
    yield widget
    runner.changed.disconnect(widget.on_changes)
    runner.idle.disconnect(widget.refresh)


def acmp(reader: Library) -> int:
    return reader.paper_id(ACMP)


def title(pane: DetailPane) -> TitleEdit:
    found = pane.findChild(TitleEdit, "detailTitle")
    assert found is not None
    return found


def line(pane: DetailPane, object_name: str) -> QLineEdit:
    found = pane.findChild(QLineEdit, object_name)
    assert found is not None, object_name
    return found


def type_into(qtbot: QtBot, widget: QLineEdit, text: str) -> None:
    """Select what is there, type over it, and press Return, as a user does."""
    widget.setFocus()
    widget.selectAll()
    qtbot.keyClicks(widget, text)
    qtbot.keyClick(widget, Qt.Key.Key_Return)


# -- showing a paper -------------------------------------------------------------------------


def test_nothing_selected_shows_a_quiet_placeholder(pane: DetailPane) -> None:
    pane.show_papers([])
    assert pane.placeholder.isVisible()
    assert pane.placeholder.text() == "No paper selected"
    assert pane.objectName() == pane.accessibleName() == "detailPane"


def test_the_acmp_paper_is_shown_whole(pane: DetailPane, reader: Library) -> None:
    paper = reader.paper(acmp(reader))
    pane.show_papers([paper.id])
    assert title(pane).toPlainText() == paper.title
    assert line(pane, "detailAuthors").text() == ACMP_AUTHORS
    assert line(pane, "detailCategory").text() == "cs.LG"
    assert line(pane, "detailDate").text() == "2022-06-11"
    assert line(pane, "detailKey").text() == ACMP
    assert 'href="https://github.com/ykiiiiii/ACMP"' in pane.links.text()
    assert ">Code</a>" in pane.links.text()
    assert pane.abstract.text() == readable(paper.abstract)
    assert pane.abstract.text().startswith("Neural message passing is a basic feature")
    assert pane.shared.lists.item(0).text() == LIST
    assert pane.shared.lists.item(0).checkState() == Qt.CheckState.Checked
    assert not pane.heading.isVisible()


@pytest.mark.parametrize(("key", "shown", "hidden"), [
    ("yiExploringHierarchicalGraph2022",
     ["a Hierarchical Graphical knowledge Representation framework", "by 7% compared"],
     ["\\emph", "\\%"]),
    ("zhangContinualZeroShot2023", ["surpassing existing CZSL methods by 3-7%."], ["\\%"]),
    ("malinovskyVarianceReducedProxskip2022",
     ["based on the local training (LT) paradigm", "we identify 5 generations"], ["\\em"]),
    ("yiApproximateEquivarianceSo2022", ["generalized from $\\mathbb{S}^2$ onto"], []),
])
def test_abstracts_read_as_text_and_keep_math(
    pane: DetailPane, reader: Library, key: str, shown: list[str], hidden: list[str]
) -> None:
    pane.show_papers([reader.paper_id(key)])
    text = pane.abstract.text()
    assert pane.abstract.textFormat() == Qt.TextFormat.PlainText
    for fragment in shown:
        assert fragment in text
    for fragment in hidden:
        assert fragment not in text


def test_library_text_is_never_read_as_html(
    pane: DetailPane, reader: Library, commands: Commands, runner: TaskRunner
) -> None:
    paper_id = acmp(reader)
    commands.edit_papers({paper_id: {"title": "<b>bold</b>", "abstract": "<i>x</i> &amp;"}},
                         "Edit")
    commands.add_tags([paper_id], ["<u>tag</u>"])
    runner.wait_idle()
    pane.show_papers([paper_id])
    assert title(pane).toPlainText() == "<b>bold</b>"
    assert pane.abstract.text() == "<i>x</i> &amp;"
    assert line(pane, "detailTags").text() == "<u>tag</u>"
    pane.show_papers([paper_id, paper_id + 1])
    assert "<u>tag</u> (1)" in pane.shared.partial_tags.text()
    labels = [label for label in pane.findChildren(QLabel) if label is not pane.links]
    assert labels and all(lb.textFormat() == Qt.TextFormat.PlainText for lb in labels)


# -- editing one paper ------------------------------------------------------------------------


def test_a_new_title_is_saved_and_undone(
    qtbot: QtBot, pane: DetailPane, reader: Library, commands: Commands, runner: TaskRunner
) -> None:
    paper_id = acmp(reader)
    old = reader.paper(paper_id).title
    pane.show_papers([paper_id])
    edit = title(pane)
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "Allen-Cahn message passing")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    runner.wait_idle()
    assert reader.paper(paper_id).title == "Allen-Cahn message passing"
    assert commands.stack.undoText() == "Edit Title"
    commands.stack.undo()
    runner.wait_idle()
    assert reader.paper(paper_id).title == old
    assert edit.toPlainText() == old


def test_leaving_an_unchanged_field_writes_nothing(
    pane: DetailPane, reader: Library, commands: Commands, runner: TaskRunner
) -> None:
    pane.show_papers([acmp(reader)])
    for name in ("detailAuthors", "detailDate", "detailVenue", "detailKey"):
        line(pane, name).editingFinished.emit()
    runner.wait_idle()
    assert commands.stack.count() == 0


def test_the_authors_line_round_trips_through_the_library(
    qtbot: QtBot, pane: DetailPane, reader: Library, runner: TaskRunner
) -> None:
    paper_id = acmp(reader)
    pane.show_papers([paper_id])
    typed = "Wang, Yuelin; {World Health Organization}; van der Berg, Anna; Plato; et al."
    type_into(qtbot, line(pane, "detailAuthors"), typed)
    runner.wait_idle()
    paper = reader.paper(paper_id)
    assert paper.authors == (
        Author("Wang", "Yuelin"), Author(literal="World Health Organization"),
        Author("van der Berg", "Anna"), Author("Plato"))
    assert paper.et_al
    assert line(pane, "detailAuthors").text() == typed
    type_into(qtbot, line(pane, "detailAuthors"), "Wang, Yuelin")
    runner.wait_idle()
    assert reader.paper(paper_id).authors == (Author("Wang", "Yuelin"),)
    assert not reader.paper(paper_id).et_al


@pytest.mark.parametrize(("text", "authors", "et_al"), [
    ("", (), False),
    ("Yi, Kai", (Author("Yi", "Kai"),), False),
    ("  Yi ,  Kai ;; et al  ", (Author("Yi", "Kai"),), True),
    ("{Smith, Jones and Co}; Smith, Jr., John",
     (Author(literal="Smith, Jones and Co"), Author("Smith", "Jr., John")), False),
    ("{Smith, Jr.}, John; \\et al.", (Author("Smith, Jr.", "John"), Author("et al.")), False),
    (", Plato; {unclosed", (Author(given="Plato"), Author("unclosed")), False),
])
def test_the_authors_line_is_read_forgivingly(
    text: str, authors: tuple[Author, ...], et_al: bool
) -> None:
    assert parse_authors(text) == (authors, et_al)


# Any text, and text made of exactly the characters the line gives a meaning to.
_names = st.one_of(st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12),
                   st.text(st.sampled_from(list(" ,;{}\\.etal\t")), max_size=8))
_people = st.builds(Author, family=_names, given=_names).filter(lambda a: a != Author())
_organisations = st.builds(Author, literal=_names.filter(bool))


@given(st.lists(st.one_of(_people, _organisations), max_size=5), st.booleans())
def test_any_authors_round_trip_exactly(authors: list[Author], et_al: bool) -> None:
    assert parse_authors(format_authors(authors, et_al)) == (tuple(authors), et_al)


def test_a_refused_value_is_reported_and_the_stored_one_comes_back(
    qtbot: QtBot, pane: DetailPane, reader: Library, commands: Commands,
    runner: TaskRunner, reported: Reported
) -> None:
    paper_id = acmp(reader)
    pane.show_papers([paper_id])
    type_into(qtbot, line(pane, "detailDate"), "June 2022")
    runner.wait_idle()
    assert reported.errors and "2022-06" in str(reported.errors[0][1])
    assert reader.paper(paper_id).date == "2022-06-11"
    assert line(pane, "detailDate").text() == "2022-06-11"
    other_key = reader.paper(paper_id + 1).key
    type_into(qtbot, line(pane, "detailKey"), other_key)
    runner.wait_idle()
    assert "already used" in str(reported.errors[-1][1])
    assert line(pane, "detailKey").text() == ACMP
    assert commands.stack.index() == 0  # nothing that failed is left to undo


def test_a_refresh_never_overwrites_what_the_user_is_typing(
    qtbot: QtBot, pane: DetailPane, reader: Library, commands: Commands, runner: TaskRunner
) -> None:
    paper_id = acmp(reader)
    pane.show_papers([paper_id])
    venue = line(pane, "detailVenue")
    venue.setFocus()
    qtbot.keyClicks(venue, "NeurIPS")
    commands.edit_papers({paper_id: {"rating": 2}}, "Edit Rating")
    runner.wait_idle()
    assert venue.text() == "NeurIPS"
    assert pane.shared.rating.currentIndex() == 2
    pane.show_papers([paper_id + 1])  # moving on commits what was typed, to the right paper
    runner.wait_idle()
    assert reader.paper(paper_id).venue == "NeurIPS"
    assert reader.paper(paper_id + 1).venue == ""


def test_a_link_label_escapes_addresses_and_opens_only_the_web(
    pane: DetailPane, reader: Library, commands: Commands, runner: TaskRunner,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []

    def record(url: QUrl) -> bool:
        opened.append(url.toString())
        return True

    monkeypatch.setattr("desktop.links.QDesktopServices.openUrl", record)
    paper_id = acmp(reader)
    hostile = 'https://example.com/a"><script>alert(1)</script>'
    commands.edit_papers({paper_id: {"url": hostile}}, "Edit URL")
    runner.wait_idle()
    pane.show_papers([paper_id])
    text = pane.links.text()
    assert "<script>" not in text and '"><' not in text
    assert "&quot;&gt;&lt;script&gt;" in text
    # Read back as HTML, the label holds exactly the address, as one link.
    document = QTextDocument()
    document.setHtml(text)
    cursor = QTextCursor(document)
    cursor.setPosition(1)
    assert cursor.charFormat().anchorHref() == hostile
    pane.links.linkActivated.emit(hostile)
    assert opened and opened[0].startswith("https://example.com/a")

    commands.edit_papers({paper_id: {"url": "javascript:alert(1)", "code_url": ""}}, "Edit")
    runner.wait_idle()
    assert "javascript" not in pane.links.text()
    assert not pane.links.isVisible()  # nothing safe left to offer
    pane.links.linkActivated.emit("javascript:alert(1)")
    assert len(opened) == 1


# -- tags, rating, status, lists --------------------------------------------------------------


# The offscreen platform says so when the completion popup opens; not our warning.
@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")
def test_tags_complete_from_the_library_and_are_added_and_removed(
    qtbot: QtBot, pane: DetailPane, reader: Library, commands: Commands, runner: TaskRunner
) -> None:
    paper_id = acmp(reader)
    commands.add_tags([paper_id + 1], ["ml/federated", "graphs"])
    runner.wait_idle()
    pane.show_papers([paper_id])
    tags = line(pane, "detailTags")
    completer = tags.completer()
    assert {"ml/federated", "graphs"} <= set(completer.model().stringList())  # type: ignore[attr-defined]

    tags.setFocus()
    qtbot.keyClicks(tags, "graphs, fed")
    popup = completer.popup()
    assert popup is not None and popup.isVisible() and completer.completionCount() == 1
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert tags.text() == "graphs, ml/federated"  # the word after the comma completed
    qtbot.keyClick(tags, Qt.Key.Key_Return)
    runner.wait_idle()
    assert reader.paper(paper_id).tags == ("graphs", "ml/federated")

    type_into(qtbot, tags, "ml/federated, new one")
    runner.wait_idle()
    assert reader.paper(paper_id).tags == ("ml/federated", "new one")
    assert commands.stack.undoText() == "Edit Tags"  # added and removed: one step
    commands.stack.undo()
    runner.wait_idle()
    assert reader.paper(paper_id).tags == ("graphs", "ml/federated")
    assert tags.text() == "graphs, ml/federated"


def test_rating_and_status_are_set_from_their_boxes(
    qtbot: QtBot, pane: DetailPane, reader: Library, runner: TaskRunner
) -> None:
    paper_id = acmp(reader)
    pane.show_papers([paper_id])
    rating, status = pane.shared.rating, pane.shared.status
    assert rating.objectName() == "detailRating" and status.objectName() == "detailStatus"
    rating.setFocus()
    for _ in range(4):
        qtbot.keyClick(rating, Qt.Key.Key_Down)
    status.setFocus()
    qtbot.keyClick(status, Qt.Key.Key_End)
    runner.wait_idle()
    paper = reader.paper(paper_id)
    assert (paper.rating, paper.status) == (4, "read")
    assert rating.currentText() == "★★★★☆"


def test_list_membership_is_toggled(
    pane: DetailPane, reader: Library, commands: Commands, runner: TaskRunner
) -> None:
    paper_id = acmp(reader)
    pane.show_papers([paper_id])
    item = pane.shared.lists.item(0)
    item.setCheckState(Qt.CheckState.Unchecked)
    runner.wait_idle()
    assert reader.paper(paper_id).lists == ()
    assert pane.shared.lists.item(0).checkState() == Qt.CheckState.Unchecked
    commands.stack.undo()
    runner.wait_idle()
    assert reader.paper(paper_id).lists == (LIST,)
    assert reader.list_order(LIST)[0] == paper_id  # back in its place
    assert pane.shared.lists.item(0).checkState() == Qt.CheckState.Checked


# -- notes ---------------------------------------------------------------------------------------


def test_notes_are_added_edited_previewed_deleted_and_undone(
    qtbot: QtBot, pane: DetailPane, reader: Library, commands: Commands, runner: TaskRunner
) -> None:
    paper_id = acmp(reader)
    pane.show_papers([paper_id])
    notes = pane.notes
    assert notes.note_list.count() == 0 and not notes.editor.isEnabled()
    qtbot.mouseClick(notes.add_button, Qt.MouseButton.LeftButton)
    runner.wait_idle()
    assert notes.note_list.count() == 1 and notes.editor.isEnabled()
    assert notes.editor.hasFocus()

    body = "A **bold** claim <img src=x> [site](javascript:alert(1))"
    qtbot.keyClicks(notes.editor, body)
    qtbot.keyClick(notes.editor, Qt.Key.Key_S,
                   Qt.KeyboardModifier.ControlModifier)
    runner.wait_idle()
    assert [n.body for n in reader.notes(paper_id)] == [body]
    assert notes.note_list.item(0).text().endswith("A **bold** claim <img src=x> "
                                                   "[site](javascript:alert(1))")

    qtbot.mouseClick(notes.preview_button, Qt.MouseButton.LeftButton)
    assert notes.preview.isVisible() and not notes.editor.isVisible()
    rendered = notes.preview.toHtml()
    assert "<img" not in rendered
    assert "&lt;img src=x&gt;" in rendered
    cursor = notes.preview.document().find("bold")
    assert cursor.charFormat().fontWeight() == 700
    assert notes.preview.openLinks() is False

    qtbot.mouseClick(notes.delete_button, Qt.MouseButton.LeftButton)
    runner.wait_idle()
    assert reader.notes(paper_id) == [] and notes.note_list.count() == 0
    commands.stack.undo()
    runner.wait_idle()
    assert [n.body for n in reader.notes(paper_id)] == [body]
    assert notes.note_list.count() == 1


def test_leaving_the_note_editor_saves_it(
    qtbot: QtBot, pane: DetailPane, reader: Library, runner: TaskRunner
) -> None:
    paper_id = acmp(reader)
    pane.show_papers([paper_id])
    qtbot.mouseClick(pane.notes.add_button, Qt.MouseButton.LeftButton)
    runner.wait_idle()
    qtbot.keyClicks(pane.notes.editor, "first thought")
    line(pane, "detailVenue").setFocus()
    qtbot.waitUntil(lambda: not pane.notes.editor.hasFocus())
    runner.wait_idle()
    assert [n.body for n in reader.notes(paper_id)] == ["first thought"]


# -- several papers --------------------------------------------------------------------------


def test_several_papers_show_and_edit_what_they_share(
    pane: DetailPane, reader: Library, commands: Commands, runner: TaskRunner
) -> None:
    ids = [acmp(reader), acmp(reader) + 1, acmp(reader) + 2]
    commands.add_tags(ids, ["shared"])
    commands.add_tags(ids[:1], ["only-one"])
    commands.edit_papers({ids[0]: {"status": "read"}}, "Edit Status")
    commands.remove_from_list(LIST, ids[1:2])
    runner.wait_idle()
    pane.show_papers(ids)
    shared = pane.shared
    assert pane.heading.text() == "3 papers selected"
    assert not title(pane).isVisible()
    assert not pane.notes.isVisible() and not pane.abstract.isVisible()
    assert shared.tags.text() == "shared"
    assert shared.partial_tags.isVisible()
    assert shared.partial_tags.text() == "On some of them: only-one (1)"
    assert shared.status.currentIndex() == -1 and shared.status.placeholderText() == "mixed"
    assert shared.rating.currentIndex() == 0
    assert shared.lists.item(0).checkState() == Qt.CheckState.PartiallyChecked

    steps = commands.stack.count()
    # Choosing ★★★☆☆ from the open box.
    shared.rating.setCurrentIndex(3)
    shared.rating.activated.emit(3)
    runner.wait_idle()
    assert [reader.paper(i).rating for i in ids] == [3, 3, 3]
    assert commands.stack.count() == steps + 1
    commands.stack.undo()
    runner.wait_idle()
    assert [reader.paper(i).rating for i in ids] == [0, 0, 0]

    shared.status.setCurrentIndex(1)
    shared.status.activated.emit(1)
    shared.tags.setText("shared, together")
    shared.tags.editingFinished.emit()
    # A click on a partially checked list puts every paper in it.
    shared.lists.item(0).setCheckState(Qt.CheckState.Checked)
    runner.wait_idle()
    assert {reader.paper(i).status for i in ids} == {"reading"}
    assert all(set(reader.paper(i).tags) >= {"shared", "together"} for i in ids)
    assert reader.paper(ids[0]).tags == ("only-one", "shared", "together")
    assert all(reader.paper(i).lists == (LIST,) for i in ids)
    assert shared.lists.item(0).checkState() == Qt.CheckState.Checked

    shared.lists.item(0).setCheckState(Qt.CheckState.Unchecked)
    shared.tags.setText("")
    shared.tags.editingFinished.emit()
    runner.wait_idle()
    assert all(reader.paper(i).lists == () for i in ids)
    assert reader.paper(ids[1]).tags == ()
    assert shared.tags.text() == "" and shared.partial_tags.text().endswith("only-one (1)")


# -- access and looks -------------------------------------------------------------------------


def test_fields_are_labelled_named_and_tabbed_in_order(pane: DetailPane, reader: Library) -> None:
    pane.show_papers([acmp(reader)])
    buddies = {lb.buddy() for lb in pane.findChildren(QLabel) if lb.buddy() is not None}
    order = ["detailTitle", "detailAuthors", "detailDate", "detailVenue", "detailVolume",
             "detailNumber", "detailPages", "detailPublisher", "detailDoi", "detailArxiv",
             "detailUrl", "detailCode", "detailCategory", "detailKey", "detailType",
             "detailTags", "detailRating", "detailStatus", "detailLists", "notesList",
             "noteEditor"]
    widgets = [pane.findChild(QWidget, name) for name in order]
    for name, widget in zip(order, widgets, strict=True):
        assert widget is not None, name
        assert widget.accessibleName(), name
        if name not in ("noteEditor",):
            assert widget in buddies, name
    seen: list[str] = []
    current: QWidget | None = title(pane)
    for _ in range(200):
        assert current is not None
        if current.objectName() in order and current.objectName() not in seen:
            seen.append(current.objectName())
        current = current.nextInFocusChain()
    assert seen == order


def test_screenshots_of_one_paper_with_a_note_and_of_three(
    pane: DetailPane, reader: Library, commands: Commands, runner: TaskRunner,
    tmp_path: Path
) -> None:
    paper_id = acmp(reader)
    commands.add_note(paper_id, "# Reading notes\n\nThe **Allen-Cahn** term keeps nodes apart.")
    commands.add_tags([paper_id], ["ml/graphs", "pde"])
    runner.wait_idle()
    pane.show_papers([paper_id])
    one = pane.grab()
    assert one.save(str(tmp_path / "detail.png"))
    pane.show_papers([paper_id, paper_id + 1, paper_id + 2])
    three = pane.grab()
    assert three.save(str(tmp_path / "detail-multi.png"))
    assert one.width() == 460 and (tmp_path / "detail.png").stat().st_size > 10_000
