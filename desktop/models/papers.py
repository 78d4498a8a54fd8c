"""The paper table's model: the ids a search returned, rows fetched a page at a time."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import (
    QAbstractTableModel,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from db.fields import BY_NAME, STATUS_LABELS
from db.library import Library
from db.records import PaperRow

PAGE_SIZE = 200
# Papers dragged out of the table: a JSON list of ids, read by the sidebar's drop targets.
PAPER_IDS_MIME = "application/x-papershelf-paper-ids"
PAPER_ID_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_FIELD_ROLE = Qt.ItemDataRole.UserRole + 2
# The tags column's (name, colour) pairs, for the chip delegate.
TAG_CHIPS_ROLE = Qt.ItemDataRole.UserRole + 3

AnyIndex = QModelIndex | QPersistentModelIndex


def stars(rating: int) -> str:
    return "★" * rating + "☆" * (5 - rating) if rating else ""


@dataclass(frozen=True)
class Column:
    field: str  # the registry field it shows (and sorts by)
    text: Callable[[PaperRow], str]
    width: int  # a starting width in pixels; the user's own widths are saved
    shown: bool = True  # shown until the user decides otherwise

    @property
    def label(self) -> str:
        return BY_NAME[self.field].label


COLUMNS: tuple[Column, ...] = (
    Column("title", lambda r: r.title, 260),
    Column("author", lambda r: r.authors, 140),
    Column("year", lambda r: str(r.year) if r.year is not None else "", 44),
    Column("venue", lambda r: r.venue, 80),
    Column("category", lambda r: r.category, 64),
    Column("added", lambda r: r.added[:10], 84, shown=False),
    Column("rating", lambda r: stars(r.rating), 70),
    Column("status", lambda r: STATUS_LABELS.get(r.status, r.status), 60),
    Column("tag", lambda r: ", ".join(r.tags), 110),
)
TAGS_COLUMN = next(i for i, c in enumerate(COLUMNS) if c.field == "tag")


def ids_to_mime(ids: Sequence[int]) -> QMimeData:
    data = QMimeData()
    data.setData(PAPER_IDS_MIME, json.dumps(list(ids)).encode())
    return data


def ids_from_mime(data: QMimeData) -> list[int]:
    """The paper ids a drag carries; [] for anything else or anything malformed."""
    if not data.hasFormat(PAPER_IDS_MIME):
        return []
    try:
        ids = json.loads(bytes(data.data(PAPER_IDS_MIME).data()).decode())
    except (ValueError, UnicodeDecodeError):
        return []
    return [int(i) for i in ids if isinstance(i, int)] if isinstance(ids, list) else []


class PaperTableModel(QAbstractTableModel):
    """Holds ids only; asks the library for the rows of a page when one is painted.

    Signals: ``rows_dropped(list[int], int)`` — papers dragged to a row while rows may be
    reordered (a reading list in its own order): the ids and the row they land before.
    """

    rows_dropped = Signal(list, int)

    def __init__(self, library: Library, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self._ids: list[int] = []
        self._pages: dict[int, list[PaperRow]] = {}
        self._colours: dict[str, str] = {}
        self.reorderable = False
        # What a drag into another program (a text editor) drops, besides the ids.
        self.drag_text: Callable[[list[int]], str] | None = None
        self.pages_fetched = 0  # for tests and benchmarks: how much was really read

    def set_ids(self, ids: Sequence[int]) -> None:
        self.beginResetModel()
        self._ids = list(ids)
        self._pages.clear()
        self.endResetModel()

    def set_tag_colours(self, colours: dict[str, str]) -> None:
        self._colours = {name.lower(): colour for name, colour in colours.items()}
        if self._ids:
            self.dataChanged.emit(self.index(0, TAGS_COLUMN),
                                  self.index(len(self._ids) - 1, TAGS_COLUMN))

    def refresh_papers(self, changed: Iterable[int]) -> None:
        """Re-read the pages holding ``changed`` ids, repainting only their rows."""
        wanted = set(changed)
        positions = [row for row, paper_id in enumerate(self._ids) if paper_id in wanted]
        for page in {row // PAGE_SIZE for row in positions}:
            self._pages.pop(page, None)
        for row in positions:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def ids(self) -> list[int]:
        return list(self._ids)

    def paper_id(self, row: int) -> int:
        return self._ids[row]

    def row_of_id(self, paper_id: int) -> int | None:
        try:
            return self._ids.index(paper_id)
        except ValueError:
            return None

    def row_of(self, row: int) -> PaperRow | None:
        page = row // PAGE_SIZE
        if page not in self._pages:
            chunk = self._ids[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]
            self._pages[page] = self._library.rows(chunk)
            self.pages_fetched += 1
        rows = self._pages[page]
        offset = row - page * PAGE_SIZE
        # A paper purged between the search and the paint has no row: show it empty.
        if offset < len(rows) and rows[offset].id == self._ids[row]:
            return rows[offset]
        return next((r for r in rows if r.id == self._ids[row]), None)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        if role == PAPER_ID_ROLE:
            return self._ids[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                    Qt.ItemDataRole.AccessibleTextRole):
            row = self.row_of(index.row())
            return "" if row is None else COLUMNS[index.column()].text(row)
        if role == TAG_CHIPS_ROLE:
            row = self.row_of(index.row())
            tags = () if row is None else row.tags
            return [(name, self._colours.get(name.lower(), "")) for name in tags]
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section].label
        if role == SORT_FIELD_ROLE:
            return COLUMNS[section].field
        return None

    # -- dragging papers out (to tags and lists) and, in a list, to another row --------------

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid():
            return base | Qt.ItemFlag.ItemIsDragEnabled
        return base | Qt.ItemFlag.ItemIsDropEnabled if self.reorderable else base

    def mimeTypes(self) -> list[str]:
        return [PAPER_IDS_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        rows = sorted({i.row() for i in indexes if i.isValid()})
        ids = [self._ids[r] for r in rows]
        data = ids_to_mime(ids)
        if self.drag_text is not None:
            data.setText(self.drag_text(ids))
        return data

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction | Qt.DropAction.MoveAction

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def canDropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                        parent: AnyIndex) -> bool:
        return self.reorderable and bool(ids_from_mime(data))

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                     parent: AnyIndex) -> bool:
        ids = ids_from_mime(data)
        if not self.reorderable or not ids:
            return False
        # Dropped onto a row means before it; below the last row means at the end.
        target = parent.row() if parent.isValid() else row
        if target < 0:
            target = len(self._ids)
        self.rows_dropped.emit(ids, target)
        # The move itself happens in the library; the view must not remove the rows.
        return False
