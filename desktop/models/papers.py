"""The paper table's model: the ids a search returned, rows fetched a page at a time."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from db.fields import BY_NAME
from db.library import Library
from db.records import PaperRow

PAGE_SIZE = 200
# Papers dragged out of the table: a JSON list of ids, read by the sidebar's drop targets.
PAPER_IDS_MIME = "application/x-papershelf-paper-ids"
PAPER_ID_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_FIELD_ROLE = Qt.ItemDataRole.UserRole + 2

AnyIndex = QModelIndex | QPersistentModelIndex


def _stars(rating: int) -> str:
    return "★" * rating + "☆" * (5 - rating) if rating else ""


@dataclass(frozen=True)
class Column:
    field: str  # the registry field it shows (and sorts by)
    text: Callable[[PaperRow], str]

    @property
    def label(self) -> str:
        return BY_NAME[self.field].label


COLUMNS: tuple[Column, ...] = (
    Column("title", lambda r: r.title),
    Column("author", lambda r: r.authors),
    Column("year", lambda r: str(r.year) if r.year is not None else ""),
    Column("venue", lambda r: r.venue),
    Column("category", lambda r: r.category),
    Column("added", lambda r: r.added[:10]),
    Column("rating", lambda r: _stars(r.rating)),
    Column("status", lambda r: r.status),
    Column("tag", lambda r: ", ".join(r.tags)),
)


class PaperTableModel(QAbstractTableModel):
    """Holds ids only; asks the library for the rows of a page when one is painted."""

    def __init__(self, library: Library, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self._ids: list[int] = []
        self._pages: dict[int, list[PaperRow]] = {}

    def set_ids(self, ids: Sequence[int]) -> None:
        self.beginResetModel()
        self._ids = list(ids)
        self._pages.clear()
        self.endResetModel()

    def ids(self) -> list[int]:
        return list(self._ids)

    def paper_id(self, row: int) -> int:
        return self._ids[row]

    def row_of(self, row: int) -> PaperRow | None:
        page = row // PAGE_SIZE
        if page not in self._pages:
            chunk = self._ids[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]
            self._pages[page] = self._library.rows(chunk)
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
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            row = self.row_of(index.row())
            return "" if row is None else COLUMNS[index.column()].text(row)
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
