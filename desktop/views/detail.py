"""The right-hand detail pane: every field of the selected paper, or what a selection shares.

Fields are committed when the user leaves them (or presses Return) and only when the
value really changed, each edit one undo step through :class:`desktop.undo.Commands`.
The library validates; a refused value is reported by ``Commands`` and the field shows
the stored value again at the next :meth:`DetailPane.refresh`.

Authors are edited as one line, ``Family, Given; Family, Given; {Organisation}; et al.``
(see :func:`format_authors`): the BibTeX habit of braces for a name that must not be
split, and "et al." for an author list known to be incomplete.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from db.errors import NotFoundError
from db.fields import BY_NAME
from db.latex import readable
from db.library import Library
from db.records import Changes, Paper
from desktop.authorsline import format_authors, parse_authors
from desktop.links import open_link, paper_links
from desktop.undo import Commands
from desktop.views.detail_multi import (
    Member,
    SharedFields,
    load_members,
    plain_label,
    plain_tooltip,
)
from desktop.views.notes import NotesPanel

TITLE_MAX_LINES = 5


class TitleEdit(QPlainTextEdit):
    """A few wrapped lines for a long title, committed like a line edit (Return, leaving)."""

    editingFinished = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        font = self.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.setFont(font)
        # No scroll bar: one appearing narrows the text, which rewraps it, which changes the
        # height wanted, which hides the bar again. A title past the cap scrolls by wheel.
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.document().documentLayout().documentSizeChanged.connect(self._fit)
        self._fit()

    def _fit(self, *_: object) -> None:
        # As tall as the wrapped title, measured from its laid-out lines, within reason.
        margin = self.document().documentMargin()
        height, lines = 0.0, 0
        block = self.document().firstBlock()
        while block.isValid():
            height += self.blockBoundingRect(block).height()
            lines += block.layout().lineCount()
            block = block.next()
        if lines > TITLE_MAX_LINES:
            height = margin + (height - margin) / lines * TITLE_MAX_LINES
        # QPlainTextEdit scrolls unless a full margin fits below the last line.
        self.setFixedHeight(math.ceil(height + 2 * margin) + 2 * self.frameWidth())

    def text(self) -> str:
        return self.toPlainText()

    def setText(self, text: str) -> None:
        self.setPlainText(text)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # A title is one line: Return commits instead of breaking it.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.editingFinished.emit()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        # As QLineEdit does: a context menu opening is not the user leaving the field.
        if event.reason() != Qt.FocusReason.PopupFocusReason:
            self.editingFinished.emit()


@dataclass
class _Field:
    """One editor of the paper's own fields, and the text it last showed from the library."""

    name: str  # the registry field
    widget: QLineEdit | TitleEdit
    read: Callable[[Paper], str]
    values: Callable[[str], dict[str, object]]
    shown: str = ""


def _column_field(name: str, widget: QLineEdit | TitleEdit) -> _Field:
    column = BY_NAME[name].column
    return _Field(name, widget, lambda p: str(getattr(p, column)),
                  lambda text: {column: " ".join(text.splitlines()).strip()})


def _authors_values(text: str) -> dict[str, object]:
    authors, et_al = parse_authors(text)
    return {"authors": authors, "et_al": et_al}


# (registry field, objectName), in form order; volume, number and pages share one row.
_OWN_FIELDS: tuple[tuple[str, str], ...] = (
    ("title", "detailTitle"), ("author", "detailAuthors"), ("date", "detailDate"),
    ("venue", "detailVenue"), ("volume", "detailVolume"), ("number", "detailNumber"),
    ("pages", "detailPages"), ("publisher", "detailPublisher"), ("doi", "detailDoi"),
    ("arxiv", "detailArxiv"), ("url", "detailUrl"), ("code", "detailCode"),
    ("category", "detailCategory"), ("key", "detailKey"), ("type", "detailType"),
)
_ONE_ROW = ("volume", "number", "pages")
_HINTS = {
    "author": "Family, Given; Family, Given; {Organisation}; et al.",
    "date": "2022, 2022-06 or 2022-06-11",
}


class DetailPane(QWidget):
    """The right-hand pane.

    Slots:
    - ``show_papers(ids: Sequence[int])``: the table's selection; none shows a placeholder.
    - ``on_changes(changes: Changes)``: a write committed; refresh if it touched the shown
      papers, their notes, or the library's tags or lists.
    - ``refresh()``: re-read the shown papers. Wire ``TaskRunner.idle`` to it so a value
      the library refused (a bad date, a taken key) snaps back to the stored one.
    Signals: none. Every edit goes through ``Commands`` (one undo step, the writer thread).
    A field the user is typing in is never overwritten by a refresh.
    """

    def __init__(self, library: Library, commands: Commands,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self._commands = commands
        self._ids: tuple[int, ...] = ()
        self._paper: Paper | None = None
        self.setObjectName("detailPane")
        self.setAccessibleName("detailPane")
        self.setMinimumWidth(320)

        self.placeholder = plain_label("No paper selected")
        self.placeholder.setObjectName("detailPlaceholder")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setEnabled(False)  # greyed: it is a state, not content
        self.heading = plain_label()
        self.heading.setObjectName("detailHeading")
        font = self.heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.heading.setFont(font)

        self._fields: dict[str, _Field] = {}
        for name, object_name in _OWN_FIELDS:
            widget: QLineEdit | TitleEdit = TitleEdit() if name == "title" else QLineEdit()
            widget.setObjectName(object_name)
            widget.setAccessibleName(BY_NAME[name].label)
            if isinstance(widget, QLineEdit):
                widget.setPlaceholderText(_HINTS.get(name, ""))
            field = (_Field(name, widget, lambda p: format_authors(p.authors, p.et_al),
                            _authors_values)
                     if name == "author" else _column_field(name, widget))
            self._fields[name] = field
            widget.editingFinished.connect(lambda field=field: self._commit(field))
        self._fields["author"].widget.setToolTip(
            "People as “Family, Given”, separated by semicolons; an organisation in "
            "braces, {World Health Organization}; “et al.” last if the list is incomplete.")

        self.links = QLabel()
        self.links.setObjectName("detailLinks")
        self.links.setAccessibleName("Links")
        self.links.setTextFormat(Qt.TextFormat.RichText)  # built by us, every piece escaped
        self.links.setOpenExternalLinks(False)
        self.links.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                           | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.links.linkActivated.connect(open_link)
        self.links.linkHovered.connect(
            lambda address: self.links.setToolTip(plain_tooltip(address)))
        self.abstract = plain_label()
        self.abstract.setObjectName("detailAbstract")
        self.abstract.setAccessibleName(BY_NAME["abstract"].label)
        self.abstract.setWordWrap(True)
        self.abstract.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                              | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.abstract.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

        self.shared = SharedFields(library, commands, self)
        self.notes = NotesPanel(library, commands)
        self._build_layout()

    def _build_layout(self) -> None:
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self._form = form
        self._single_rows: list[QWidget | QLayout] = []
        for name, _ in _OWN_FIELDS:
            if name in _ONE_ROW[1:]:
                continue
            field = self._fields[name].widget
            label = plain_label(BY_NAME[name].label, field)
            if name == _ONE_ROW[0]:
                # Volume, number and pages are short: one row, each part labelled.
                row = QHBoxLayout()
                row.addWidget(field, 1)
                for part in _ONE_ROW[1:]:
                    part_widget = self._fields[part].widget
                    row.addWidget(plain_label(BY_NAME[part].label, part_widget))
                    row.addWidget(part_widget, 1)
                form.addRow(label, row)
                self._single_rows.append(row)
            else:
                form.addRow(label, field)
                self._single_rows.append(field)
        for shared_label, widget in self.shared.rows():
            form.addRow(shared_label or plain_label(), widget)
        form.addRow(plain_label("Links", self.links), self.links)

        # The abstract runs the pane's full width below the form, like a paragraph.
        abstract_heading = plain_label(BY_NAME["abstract"].label, self.abstract)
        font = abstract_heading.font()
        font.setBold(True)
        abstract_heading.setFont(font)
        self._abstract_box = QWidget()
        box = QVBoxLayout(self._abstract_box)
        box.setContentsMargins(0, 8, 0, 0)
        box.addWidget(abstract_heading)
        box.addWidget(self.abstract)

        content = QWidget()
        column = QVBoxLayout(content)
        column.addWidget(self.heading)
        column.addLayout(form)
        column.addWidget(self._abstract_box)
        column.addStretch()
        scroll = QScrollArea()
        scroll.setWidget(content)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(scroll)
        self.splitter.addWidget(self.notes)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([650, 350])
        self.splitter.setChildrenCollapsible(False)
        self._pages = QStackedWidget()
        self._pages.addWidget(self.placeholder)
        self._pages.addWidget(self.splitter)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)
        outer.addWidget(self._pages)

        chain: list[QWidget] = [self._fields[name].widget for name, _ in _OWN_FIELDS]
        chain += [*self.shared.focus_chain(), self.links, self.abstract,
                  *self.notes.focus_chain()]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    # -- slots ------------------------------------------------------------------------------

    def set_read_only(self, on: bool) -> None:
        """For a library open read-only: every field shows, none takes an edit."""
        for field in self._fields.values():
            field.widget.setReadOnly(on)
            if isinstance(field.widget, QLineEdit):  # a hint on how to type is no use here
                field.widget.setPlaceholderText("" if on else _HINTS.get(field.name, ""))
        self.shared.set_read_only(on)
        self.notes.set_read_only(on)

    def show_papers(self, ids: Sequence[int]) -> None:
        """Show the selection; edits typed for the previous one are committed first."""
        self._commit_pending()
        self._ids = tuple(dict.fromkeys(ids))
        self.refresh()

    def on_changes(self, changes: Changes) -> None:
        shown = set(self._ids)
        if changes.tags or changes.lists:
            self.shared.refresh_choices()
        if changes.removed & shown:
            self._ids = tuple(i for i in self._ids if i not in changes.removed)
        if (shown & (changes.papers | changes.removed)) or changes.tags or changes.lists:
            self.refresh()
        if len(self._ids) == 1:
            self.notes.on_changes(changes)

    def refresh(self) -> None:
        if len(self._ids) == 1:
            try:
                self._paper = self._library.paper(self._ids[0])
            except NotFoundError:
                self._ids, self._paper = (), None
        else:
            self._paper = None
        if not self._ids:
            self._pages.setCurrentWidget(self.placeholder)
            self.notes.show_paper(None)
            self.shared.show_members([])
            return
        self._pages.setCurrentWidget(self.splitter)
        single = self._paper is not None
        for widget in self._single_rows:
            self._form.setRowVisible(widget, single)
        self.heading.setVisible(not single)
        self._abstract_box.setVisible(single)
        self.notes.setVisible(single)
        if self._paper is None:
            members = load_members(self._library, self._ids)
            self.heading.setText(f"{len(members)} papers selected")
            self.notes.show_paper(None)
            self.shared.show_members(members)
            self._form.setRowVisible(self.shared.partial_tags, self.shared.has_partial_tags)
            self._show_links(None)
            return
        paper = self._paper
        for field in self._fields.values():
            self._show_field(field, field.read(paper))
        self.abstract.setText(readable(paper.abstract) if paper.abstract else "—")
        self._show_links(paper)
        self.shared.show_members([Member.of(paper)])
        self._form.setRowVisible(self.shared.partial_tags, False)
        self.notes.show_paper(paper.id)

    # -- inside ------------------------------------------------------------------------------

    @staticmethod
    def _show_field(field: _Field, stored: str) -> None:
        typing = field.widget.text() != field.shown
        if not typing and field.widget.text() != stored:
            field.widget.setText(stored)
            if isinstance(field.widget, QLineEdit):
                field.widget.setCursorPosition(0)  # the start of a long value, not its end
        field.shown = stored

    def _show_links(self, paper: Paper | None) -> None:
        links = paper_links(paper) if paper is not None else []
        # Rich text built here: every address and label escaped, nothing from the paper
        # interpreted. paper_links offers only http(s), DOI and arXiv addresses.
        self.links.setText(" · ".join(
            f'<a href="{html.escape(address, quote=True)}">{html.escape(label)}</a>'
            for label, address in links))
        self._form.setRowVisible(self.links, bool(links))

    def _commit(self, field: _Field) -> None:
        text = field.widget.text()
        if self._paper is None or text == field.shown:
            return
        # Handed over: if the library refuses it, the next refresh shows the stored value.
        field.shown = text
        values = field.values(text)
        if all(getattr(self._paper, key) == value for key, value in values.items()):
            return
        self._commands.edit_papers({self._paper.id: values},
                                   f"Edit {BY_NAME[field.name].label}")

    def _commit_pending(self) -> None:
        for field in self._fields.values():
            self._commit(field)
        self.shared.commit_pending()
        self.notes.save()
