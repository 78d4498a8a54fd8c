"""The sidebar's tree: library places, reading lists, smart lists and tags, each a query.

The sidebar filters nothing itself (calibre's tag browser, Anki's sidebar): every item
carries the query a click writes into the search field, so whatever a click does can also
be typed. Counts are the library's own (SQL); :meth:`SidebarModel.refresh` updates the
items in place, so a refresh keeps the view's expanded nodes and its selection.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache

from PySide6.QtCore import QMimeData, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QIcon,
    QPainter,
    QPixmap,
    QStandardItem,
    QStandardItemModel,
)

from db.errors import QueryError
from db.library import Library
from db.live import LiveExport, live_exports
from db.records import Changes, Tag
from db.search import And, Empty, Node, Not, Or, Term, parse, quote
from desktop.counts import plural
from desktop.models.papers import PAPER_IDS_MIME

AnyIndex = QModelIndex | QPersistentModelIndex

QUERY_ROLE = Qt.ItemDataRole.UserRole + 1  # str, or None when no query can name the item
KIND_ROLE = Qt.ItemDataRole.UserRole + 2  # one of KINDS
NAME_ROLE = Qt.ItemDataRole.UserRole + 3  # list / smart list / full tag name; a section's id
COUNT_ROLE = Qt.ItemDataRole.UserRole + 4  # int papers, or None (sections, broken queries)
COLOUR_ROLE = Qt.ItemDataRole.UserRole + 5  # a tag's "#rrggbb", or ""
PLACEHOLDER_ROLE = Qt.ItemDataRole.UserRole + 6  # True: a tag-tree parent that is no tag
KEY_ROLE = Qt.ItemDataRole.UserRole + 7  # identity across refreshes: kind and name

KINDS: tuple[str, ...] = ("library", "list", "smart", "tag", "section")

# Section ids (NAME_ROLE of a section item) and their titles, in the order shown.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("library", "Library"),
    ("lists", "Reading lists"),
    ("smart", "Smart lists"),
    ("tags", "Tags"),
)

# The Library section: (name, label, query). Each is an ordinary search.
PLACES: tuple[tuple[str, str, str], ...] = (
    ("all", "All papers", ""),
    ("unread", "Unread", "status:unread"),
    ("reading", "Reading", "status:reading"),
    ("recent", "Recently added", "added:<30d"),
    ("trash", "Trash", "in:trash"),
)

SWATCH_PIXELS = 12

_SELECTABLE = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_DROP_TARGET = _SELECTABLE | Qt.ItemFlag.ItemIsDropEnabled


# ------------------------------------------------------------------------ queries


def live_status(binding: LiveExport) -> list[str]:
    """What the sidebar says of a list bound to a file: where, when, or what went wrong."""
    lines = [f"Exported automatically to {binding.path} ({binding.format})"]
    if binding.last_error:
        lines.append(f"Last export failed: {binding.last_error}")
    elif binding.last_written:
        lines.append(f"Last written {binding.last_written.replace('T', ' ').rstrip('Z')} UTC")
    return lines


def quoted_term(field: str, value: str) -> str:
    """``field:"value"``, quoted so that any name (with spaces or quotes) reads back."""
    return f"{field}:{quote(value)}"


def compose(current: str, term: str, how: str) -> str:
    """The search text after a modified click: ``how`` is "replace", "and", "or", "not".

    AND binds tighter than OR in the language, so ``current OR term`` already means
    ``(current) OR term``; leaving the parentheses out keeps repeated Ctrl+clicks from
    nesting deeper than the language allows. ``current`` that does not parse cannot be
    combined with anything, so the click then replaces it.
    """
    current = current.strip()
    try:
        tree = parse(current)
        piece = parse(term)
    except QueryError:
        tree, piece = Empty(), parse(term)
    if how == "not":
        term = f"-{term}" if isinstance(piece, Term) else f"-({term})"
        piece = Not(piece)
    if how == "replace" or isinstance(tree, Empty):
        return term
    if how == "or":
        return f"{current} OR {term}"
    tops = tree.children if isinstance(tree, And) else (tree,)
    if any(_same(top, piece) for top in tops):
        return current  # narrowing by what already narrows the search changes nothing
    head = f"({current})" if isinstance(tree, Or) else current
    return f"{head} ({term})" if isinstance(piece, Or) else f"{head} {term}"


def _same(a: Node, b: Node) -> bool:
    """Whether two parsed terms say the same thing, wherever they stood in the text."""
    if isinstance(a, Not) and isinstance(b, Not):
        return _same(a.child, b.child)
    if isinstance(a, Term) and isinstance(b, Term):
        return _plain(a) == _plain(b)
    return False


def _plain(term: Term) -> Term:
    value = term.value.strip()
    return replace(term, value=fold(value) if term.field == "tag" else value, quoted=False,
                   position=0, value_position=0)


# --------------------------------------------------------------------------- nodes


@dataclass(frozen=True)
class Entry:
    """What one item shows; the model turns these into QStandardItems."""

    kind: str
    name: str
    text: str
    query: str | None
    count: int | None = None
    tooltip: str = ""
    colour: str = ""
    placeholder: bool = False
    children: tuple[Entry, ...] = ()

    @property
    def key(self) -> str:
        # Tag names are unique regardless of case, so a case-only rename keeps the item
        # (and whether it is expanded or selected).
        name = fold(self.name) if self.kind == "tag" else self.name
        return f"{self.kind}\x1f{name}"


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def fold(name: str) -> str:
    """A tag name as the library compares it: SQLite's NOCASE folds ASCII letters only,
    so "Äb" and "äb" are two tags and must stay two items."""
    return name.translate(_ASCII_LOWER)


def plain_tooltip(text: str) -> str:
    """Tooltip text shown exactly as given: Qt renders a tooltip as HTML when it looks
    like HTML (and ``&lt;`` alone makes it look so), so it always gets an HTML paragraph
    with the text escaped."""
    return f'<p style="white-space:pre-wrap">{html.escape(text, quote=False)}</p>'


class _Builder:
    """Reads the library into :class:`Entry` trees, one section at a time."""

    def __init__(self, library: Library) -> None:
        self._library = library

    def _count(self, query: str | None) -> int | None:
        if query is None:
            return None
        try:
            return self._library.count(query)
        except QueryError:  # a saved query an older version accepted; shown without count
            return None

    def places(self) -> list[Entry]:
        return [Entry("library", name, label, query, self._count(query),
                      f"{label}\nSearch: {query or '(everything)'}")
                for name, label, query in PLACES]

    def lists(self) -> list[Entry]:
        entries = []
        live = {b.list_name: b for b in live_exports(self._library) if b.list_name}
        for reading_list in self._library.lists():
            query = quoted_term("list", reading_list.name)
            lines = [reading_list.name, plural(reading_list.count)]
            if reading_list.description:
                lines.append(reading_list.description)
            if reading_list.name in live:
                lines += live_status(live[reading_list.name])
            entries.append(Entry("list", reading_list.name, reading_list.name, query,
                                 reading_list.count, "\n".join(lines)))
        return entries

    def smart_lists(self) -> list[Entry]:
        entries = []
        live = {b.smart_list: b for b in live_exports(self._library) if b.smart_list}
        for smart in self._library.smart_lists():
            count = self._count(smart.query)
            lines = [smart.name, f"Search: {smart.query}"]
            lines.append(plural(count) if count is not None else "This search has an error.")
            if smart.name in live:
                lines += live_status(live[smart.name])
            entries.append(Entry("smart", smart.name, smart.name, smart.query, count,
                                 "\n".join(lines)))
        return entries

    def tags(self) -> list[Entry]:
        """The tags as a tree on ``/``: ``ml/federated`` is ``federated`` under ``ml``."""
        tags: dict[str, Tag] = {fold(tag.name): tag for tag in self._library.tags()}
        children: dict[str, dict[str, str]] = {}  # parent key → child key → full name
        for tag in tags.values():
            parts = tag.name.split("/")
            for depth in range(1, len(parts) + 1):
                path = "/".join(parts[:depth])
                parent = fold("/".join(parts[:depth - 1]))
                # A parent that is no tag takes the spelling of the first tag below it.
                children.setdefault(parent, {}).setdefault(fold(path), path)
        return self._tag_level("", tags, children)

    def _tag_level(self, parent: str, tags: dict[str, Tag],
                   children: dict[str, dict[str, str]]) -> list[Entry]:
        entries = []
        ordered = sorted(children.get(parent, {}).items(),
                         key=lambda item: item[1].rsplit("/", 1)[-1].casefold())
        for key, path in ordered:
            tag = tags.get(key)
            name = tag.name if tag is not None else path
            below = self._tag_level(key, tags, children)
            query = quoted_term("tag", name)
            # A parent's query finds the papers below it too (tag:"ml" matches ml/…), so
            # its count is that query's, not the tag's own: the number says what a click
            # shows. Leaves keep the count tags() already has.
            count = self._count(query) if below or tag is None else tag.count
            lines = [name] if tag else [name, "Not a tag itself: it groups the tags below it."]
            lines += [plural(count)] if count is not None else []
            entries.append(Entry(
                "tag", name, name.rsplit("/", 1)[-1], query, count,
                "\n".join(lines), tag.color if tag is not None else "",
                placeholder=tag is None, children=tuple(below)))
        return entries


# --------------------------------------------------------------------------- model


class SidebarModel(QStandardItemModel):
    """Four sections of items, each item carrying a query. Signals:

    - ``papers_dropped(list[int], str, str)``: paper ids dropped on an item, with the
      item's kind ("tag" or "list") and name. The view turns it into an undoable command.
    """

    papers_dropped = Signal(object, str, str)

    def __init__(self, library: Library, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self._builder = _Builder(library)
        self._sections: dict[str, QStandardItem] = {}
        bold = QFont()
        bold.setBold(True)
        for name, title in SECTIONS:
            item = QStandardItem(title)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)  # a heading, not a filter
            item.setData("section", KIND_ROLE)
            item.setData(name, NAME_ROLE)
            item.setData(f"section\x1f{name}", KEY_ROLE)
            item.setData(None, QUERY_ROLE)
            item.setData(bold, Qt.ItemDataRole.FontRole)
            self._sections[name] = item
            self.appendRow(item)
        self.refresh()

    def section(self, name: str) -> QModelIndex:
        """The index of a section by id ("library", "lists", "smart", "tags")."""
        return self._sections[name].index()

    def find(self, kind: str, name: str) -> QModelIndex | None:
        """The item for a tag, list or smart list by name; None if the sidebar has none."""
        key = Entry(kind, name, "", None).key
        found = self.match(self.index(0, 0), KEY_ROLE, key, 1,
                           Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive)
        return found[0] if found else None

    def refresh(self, changes: Changes | None = None) -> None:
        """Re-read what ``changes`` can have moved (everything when None), in place."""
        papers = changes is None or bool(changes.papers or changes.added or changes.removed)
        if papers:
            self._sync(self._sections["library"], self._builder.places())
        if papers or (changes is not None and changes.lists):
            self._sync(self._sections["lists"], self._builder.lists())
        # A smart list's search may name anything: a tag, a list, a note.
        if changes is None or not changes.empty:
            self._sync(self._sections["smart"], self._builder.smart_lists())
        if papers or (changes is not None and changes.tags):
            self._sync(self._sections["tags"], self._builder.tags())

    def _sync(self, parent: QStandardItem, entries: Sequence[Entry]) -> None:
        """Make ``parent``'s children show ``entries``, reusing the items that stay.

        Updating in place (rather than a model reset) is what keeps the view's expanded
        nodes, selection and scroll position across a refresh.
        """
        keys = [parent.child(row).data(KEY_ROLE) for row in range(parent.rowCount())]
        for row, entry in enumerate(entries):
            if row < len(keys) and keys[row] == entry.key:
                item = parent.child(row)
            elif entry.key in keys[row:]:
                found = keys.index(entry.key, row)
                taken = parent.takeRow(found)
                del keys[found]
                parent.insertRow(row, taken)
                keys.insert(row, entry.key)
                item = taken[0]
            else:
                item = QStandardItem()
                parent.insertRow(row, [item])
                keys.insert(row, entry.key)
            _fill(item, entry)
            self._sync(item, entry.children)
        if parent.rowCount() > len(entries):
            parent.removeRows(len(entries), parent.rowCount() - len(entries))

    # -- drops ---------------------------------------------------------------------------

    def mimeTypes(self) -> list[str]:
        return [PAPER_IDS_MIME]

    def supportedDropActions(self) -> Qt.DropAction:
        # Papers dropped on a tag or list are tagged or listed: the table keeps them.
        return Qt.DropAction.CopyAction

    def canDropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int,
                        column: int, parent: AnyIndex) -> bool:
        return self._drop_target(data, action, row, parent) is not None

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int,
                     column: int, parent: AnyIndex) -> bool:
        target = self._drop_target(data, action, row, parent)
        if target is None:
            return False
        ids, kind, name = target
        self.papers_dropped.emit(ids, kind, name)
        return True

    def _drop_target(self, data: QMimeData, action: Qt.DropAction, row: int,
                     parent: AnyIndex) -> tuple[list[int], str, str] | None:
        # row -1 is a drop onto the item itself; a row means between items, which the
        # sidebar does not order by drag.
        if row != -1 or not parent.isValid() or action not in (
                Qt.DropAction.CopyAction, Qt.DropAction.MoveAction):
            return None
        kind = parent.data(KIND_ROLE)
        if kind not in ("tag", "list") or not data.hasFormat(PAPER_IDS_MIME):
            return None
        ids = paper_ids(data)
        return (ids, str(kind), str(parent.data(NAME_ROLE))) if ids else None


def paper_ids(data: QMimeData) -> list[int]:
    """The paper ids a drag carries (a JSON list under PAPER_IDS_MIME); [] if malformed."""
    try:
        decoded = json.loads(bytes(data.data(PAPER_IDS_MIME).data()).decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return []
    if not isinstance(decoded, list) or not all(
            isinstance(i, int) and not isinstance(i, bool) for i in decoded):
        return []
    return list(dict.fromkeys(decoded))


@cache
def swatch(colour: str) -> QIcon:
    """A tag's colour as a small rounded square; an uncoloured tag gets a blank one of the
    same size, so that every tag's name starts at the same place."""
    pixmap = QPixmap(SWATCH_PIXELS, SWATCH_PIXELS)
    pixmap.fill(Qt.GlobalColor.transparent)
    if colour:
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QColor(colour).darker(130))
        painter.setBrush(QColor(colour))
        painter.drawRoundedRect(1, 1, SWATCH_PIXELS - 2, SWATCH_PIXELS - 2, 3, 3)
        painter.end()
    return QIcon(pixmap)


def _fill(item: QStandardItem, entry: Entry) -> None:
    """Set what ``entry`` shows; QStandardItem signals only the roles that changed."""
    item.setData(entry.key, KEY_ROLE)
    item.setData(entry.text, Qt.ItemDataRole.DisplayRole)
    item.setData(entry.kind, KIND_ROLE)
    item.setData(entry.name, NAME_ROLE)
    item.setData(entry.query, QUERY_ROLE)
    item.setData(entry.count, COUNT_ROLE)
    # QIcons never compare equal, so the swatch is set only when the colour moved (or
    # is new): setting it again would repaint the item on every refresh.
    if entry.kind == "tag" and (item.data(COLOUR_ROLE) != entry.colour
                                or item.data(Qt.ItemDataRole.DecorationRole) is None):
        item.setData(swatch(entry.colour), Qt.ItemDataRole.DecorationRole)
    item.setData(entry.colour, COLOUR_ROLE)
    item.setData(entry.placeholder, PLACEHOLDER_ROLE)
    item.setData(plain_tooltip(entry.tooltip), Qt.ItemDataRole.ToolTipRole)
    spoken = entry.text if entry.count is None else f"{entry.text}, {plural(entry.count)}"
    item.setData(spoken, Qt.ItemDataRole.AccessibleTextRole)
    flags = _DROP_TARGET if entry.kind in ("tag", "list") else _SELECTABLE
    if item.flags() != flags:
        item.setFlags(flags)
