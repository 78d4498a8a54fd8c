"""What a selection of papers shares: tags, rating, status and reading lists, edited for all.

One paper is a selection of one, so the detail pane uses these editors for a single paper
too: tagging, rating or filing one paper works exactly like doing it to twenty. For
several papers a value they do not share shows as "mixed", a tag on only some of them is
listed apart, and a list holding only some of them is partially checked; an edit then
applies to every selected paper as one undo step.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSignalBlocker,
    QStringListModel,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QWidget,
)

from db.fields import BY_NAME
from db.library import Library
from db.papers import clean_tag_name
from db.records import STATUSES, Paper
from desktop.undo import Commands

MIXED = "mixed"
RATING_ITEMS: tuple[str, ...] = tuple("★" * n + "☆" * (5 - n) for n in range(6))
LIST_NAME_ROLE = Qt.ItemDataRole.UserRole + 1
# The reading-lists box grows with the lists up to this many rows, then scrolls.
MAX_LIST_ROWS = 6


@dataclass(frozen=True)
class Member:
    """What these editors need to know of one selected paper."""

    id: int
    tags: tuple[str, ...]
    rating: int
    status: str
    lists: frozenset[str]

    @classmethod
    def of(cls, paper: Paper) -> Member:
        return cls(paper.id, paper.tags, paper.rating, paper.status, frozenset(paper.lists))


def load_members(library: Library, ids: Sequence[int]) -> list[Member]:
    """The members for ``ids`` in a handful of queries, however many papers are selected.

    ``Library.paper`` per id would cost four queries a paper; a selection of every paper
    in a large library must not take seconds to show.
    """
    held = {rl.name: frozenset(library.list_order(rl.name)) for rl in library.lists()}
    return [
        Member(row.id, row.tags, row.rating, row.status,
               frozenset(name for name, ids_in in held.items() if row.id in ids_in))
        for row in library.rows(ids)
    ]


def nocase(name: str) -> str:
    """The key under which SQLite's NOCASE collation (ASCII letters only) sees a name."""
    return "".join(c.lower() if c.isascii() else c for c in name)


def split_tags(text: str) -> list[str]:
    """The tag names in "a, b/c, d": cleaned, empty ones dropped, each once."""
    found: dict[str, str] = {}
    for raw in text.split(","):
        name = clean_tag_name(raw)
        if name:
            found.setdefault(nocase(name), name)
    return list(found.values())


class TagCompleter(QCompleter):
    """Completes the tag after the last comma and keeps the tags typed before it."""

    def splitPath(self, path: str) -> list[str]:
        return [path.rpartition(",")[2].strip()]

    def pathFromIndex(self, index: QModelIndex | QPersistentModelIndex) -> str:
        completion = super().pathFromIndex(index)
        widget = self.widget()
        text = widget.text() if isinstance(widget, QLineEdit) else ""
        head, comma, _ = text.rpartition(",")
        return f"{head.rstrip()}, {completion}" if comma else completion


def plain_tooltip(text: str) -> str:
    """A tooltip showing ``text`` as written: Qt renders a tooltip that looks like HTML."""
    return "<p>" + html.escape(text).replace("\n", "<br>") + "</p>" if text else ""


def plain_label(text: str = "", buddy: QWidget | None = None, *, wrap: bool = False,
                selectable: bool = False) -> QLabel:
    """A label that shows its text as written (Qt would render text that looks like HTML);
    ``wrap`` breaks long lines, ``selectable`` lets the text be copied."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if buddy is not None:
        label.setBuddy(buddy)
    return label


class SharedFields(QObject):
    """The editors of tags, rating, status and lists; the pane lays out :meth:`rows`.

    Slots: ``show_members(members)`` (the papers now shown; call again after a change),
    ``refresh_choices()`` (the library's tags or lists changed). No signals: edits go
    through :class:`desktop.undo.Commands`.
    """

    def __init__(self, library: Library, commands: Commands,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self._commands = commands
        self._members: tuple[Member, ...] = ()
        # The tags line as last loaded or handed to the writer: text that differs from it
        # is the user's unsaved typing, which a refresh must not overwrite.
        self._tags_shown = ""

        self.tags = QLineEdit()
        self.tags.setToolTip("Tags separated by commas; a slash makes a hierarchy: ml/graphs")
        self.tag_names = QStringListModel(self)
        completer = TagCompleter(self.tag_names, self.tags)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.tags.setCompleter(completer)
        self.partial_tags = plain_label()
        self.partial_tags.setWordWrap(True)
        self.partial_tags.setEnabled(False)  # drawn greyed: it describes, it is not a field
        self.rating = QComboBox()
        self.rating.addItems(list(RATING_ITEMS))
        self.rating.setPlaceholderText(MIXED)
        self.status = QComboBox()
        for status in STATUSES:
            self.status.addItem(status.capitalize(), status)
        self.status.setPlaceholderText(MIXED)
        self.lists = QListWidget()
        self.lists.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.lists.setUniformItemSizes(True)
        # Item views expand by default, which would pull the form's spare height here.
        self.lists.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

        for widget, object_name, field in (
            (self.tags, "detailTags", "tag"), (self.rating, "detailRating", "rating"),
            (self.status, "detailStatus", "status"), (self.lists, "detailLists", "list"),
        ):
            widget.setObjectName(object_name)
            widget.setAccessibleName(BY_NAME[field].label)
        self.partial_tags.setObjectName("detailPartialTags")
        self.partial_tags.setAccessibleName("Tags on only some of the selected papers")

        self.tags.editingFinished.connect(self._commit_tags)
        self.rating.activated.connect(self._commit_rating)
        self.status.activated.connect(self._commit_status)
        self.lists.itemChanged.connect(self._list_toggled)
        self.refresh_choices()

    def set_read_only(self, on: bool) -> None:
        self.tags.setReadOnly(on)
        for widget in (self.rating, self.status, self.lists):
            widget.setEnabled(not on)
        self.show_members(self._members)

    def rows(self) -> list[tuple[QLabel | None, QWidget]]:
        """(label, field) in the order the form shows them, the label a buddy of its field."""
        return [
            (plain_label(BY_NAME["tag"].label, self.tags), self.tags),
            (None, self.partial_tags),  # under the tags, unlabelled
            (plain_label(BY_NAME["rating"].label, self.rating), self.rating),
            (plain_label(BY_NAME["status"].label, self.status), self.status),
            (plain_label("Reading lists", self.lists), self.lists),
        ]

    def focus_chain(self) -> list[QWidget]:
        return [self.tags, self.rating, self.status, self.lists]

    @property
    def has_partial_tags(self) -> bool:
        """Whether some tags are on only some of the papers (the pane shows their row)."""
        return bool(self.partial_tags.text())

    @property
    def ids(self) -> list[int]:
        return [m.id for m in self._members]

    # -- showing --------------------------------------------------------------------------

    def refresh_choices(self) -> None:
        """Re-read the tag names offered for completion and the reading lists offered."""
        self.tag_names.setStringList([t.name for t in self._library.tags()])
        with QSignalBlocker(self.lists):
            self.lists.clear()
            for reading_list in self._library.lists():
                item = QListWidgetItem(reading_list.name)
                item.setData(LIST_NAME_ROLE, reading_list.name)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
                if reading_list.description:
                    item.setToolTip(plain_tooltip(reading_list.description))
                self.lists.addItem(item)
        rows = max(1, min(self.lists.count(), MAX_LIST_ROWS))
        self.lists.setFixedHeight(self.lists.sizeHintForRow(0) * rows
                                  + 2 * self.lists.frameWidth() + 2)
        self._show_lists()

    def show_members(self, members: Sequence[Member]) -> None:
        self._members = tuple(members)
        # A read-only field invites no typing.
        self.tags.setPlaceholderText(
            "" if self.tags.isReadOnly() else
            "tags to give all of them" if len(self._members) > 1 else "tag, another/tag")
        self._show_tags()
        self._show_choice(self.rating, {m.rating for m in self._members})
        self._show_choice(self.status,
                          {STATUSES.index(m.status) for m in self._members
                           if m.status in STATUSES})
        self._show_lists()

    def _show_tags(self) -> None:
        common, some = self._tag_sets()
        text = ", ".join(common)
        if self.tags.text() == self._tags_shown and self.tags.text() != text:
            self.tags.setText(text)
        self._tags_shown = text
        self.partial_tags.setText(
            "On some of them: " + ", ".join(f"{name} ({count})" for name, count in some)
            if some else "")

    def _tag_sets(self) -> tuple[list[str], list[tuple[str, int]]]:
        """Tags on every member (in the first member's order), and the others with counts."""
        counts: dict[str, int] = {}
        names: dict[str, str] = {}
        for member in self._members:
            for name in member.tags:
                counts[nocase(name)] = counts.get(nocase(name), 0) + 1
                names.setdefault(nocase(name), name)
        total = len(self._members)
        common = [names[k] for k, n in counts.items() if n == total]
        some = sorted(((names[k], n) for k, n in counts.items() if n < total),
                      key=lambda pair: (-pair[1], nocase(pair[0])))
        return common, some

    @staticmethod
    def _show_choice(combo: QComboBox, values: set[int]) -> None:
        # One shared value is shown; several show the "mixed" placeholder (index -1).
        combo.setCurrentIndex(values.pop() if len(values) == 1 else -1)

    def _show_lists(self) -> None:
        total = len(self._members)
        with QSignalBlocker(self.lists):
            for row in range(self.lists.count()):
                item = self.lists.item(row)
                name = item.data(LIST_NAME_ROLE)
                held = sum(1 for m in self._members if name in m.lists)
                item.setCheckState(
                    Qt.CheckState.Checked if total and held == total
                    else Qt.CheckState.PartiallyChecked if held
                    else Qt.CheckState.Unchecked)

    # -- editing --------------------------------------------------------------------------

    def commit_pending(self) -> None:
        """Hand over typed tags now (before the selection changes under them)."""
        self._commit_tags()

    def _commit_tags(self) -> None:
        text = self.tags.text()
        if text == self._tags_shown or not self._members:
            return
        self._tags_shown = text
        wanted = split_tags(text)
        common, _ = self._tag_sets()
        have = {nocase(t) for t in common}
        keep = {nocase(t) for t in wanted}
        added = [t for t in wanted if nocase(t) not in have]
        removed = [t for t in common if nocase(t) not in keep]
        if not (added or removed):
            return
        # Adding and removing in one edit is one undo step for the user.
        stack = self._commands.stack
        both = bool(added and removed)
        if both:
            stack.beginMacro(f"Edit {BY_NAME['tag'].label}")
        try:
            if added:
                self._commands.add_tags(self.ids, added)
            if removed:
                self._commands.remove_tags(self.ids, removed)
        finally:
            if both:
                stack.endMacro()

    def _commit_rating(self, index: int) -> None:
        changed = {m.id: {"rating": index} for m in self._members if m.rating != index}
        if changed:
            self._commands.edit_papers(changed, f"Edit {BY_NAME['rating'].label}")

    def _commit_status(self, index: int) -> None:
        status = STATUSES[index]
        changed = {m.id: {"status": status} for m in self._members if m.status != status}
        if changed:
            self._commands.edit_papers(changed, f"Edit {BY_NAME['status'].label}")

    def _list_toggled(self, item: QListWidgetItem) -> None:
        # A partially checked list becomes checked when clicked (the item is not
        # user-tristate): the user asks for all of them in it, or none.
        name = str(item.data(LIST_NAME_ROLE))
        if item.checkState() == Qt.CheckState.Checked:
            missing = [m.id for m in self._members if name not in m.lists]
            if missing:
                self._commands.add_to_list(name, missing)
        elif item.checkState() == Qt.CheckState.Unchecked:
            present = [m.id for m in self._members if name in m.lists]
            if present:
                self._commands.remove_from_list(name, present)
