"""The paper table's model: the ids a search returned, rows fetched a page at a time."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
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
# Rows (title, authors, tags…) are read this many at a time: a screenful, not a page of
# ids, so a keystroke reads the rows it shows (200 rows cost 2.3 ms at 100k papers, 50
# cost 0.4 ms).
ROW_BLOCK = 50
# Pages of ids read one by one before the rest of a large result is read at once.
MAX_ID_PAGES = 8
# Papers dragged out of the table: a JSON list of ids, read by the sidebar's drop targets.
PAPER_IDS_MIME = "application/x-papershelf-paper-ids"
PAPER_ID_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_FIELD_ROLE = Qt.ItemDataRole.UserRole + 2
# The tags column's (name, colour) pairs, for the chip delegate.
TAG_CHIPS_ROLE = Qt.ItemDataRole.UserRole + 3

AnyIndex = QModelIndex | QPersistentModelIndex
_TEXT_ROLES = frozenset({int(Qt.ItemDataRole.DisplayRole), int(Qt.ItemDataRole.ToolTipRole),
                         int(Qt.ItemDataRole.AccessibleTextRole)})
_ANSWERED = _TEXT_ROLES | {int(PAPER_ID_ROLE), int(TAG_CHIPS_ROLE)}
_CELL_FLAGS = (Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
               | Qt.ItemFlag.ItemNeverHasChildren | Qt.ItemFlag.ItemIsDragEnabled)
_DROP_FLAGS = Qt.ItemFlag.ItemIsDropEnabled
_NO_FLAGS = Qt.ItemFlag.NoItemFlags
# (offset, limit) → the ids of that page of a result; limit None reads to the end.
IdFetch = Callable[[int, int | None], list[int]]


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


def _block() -> int:
    """How many rows are read at a time: never more than a page of ids holds."""
    return min(ROW_BLOCK, PAGE_SIZE)


def _block_of(row: int) -> tuple[int, int]:
    """The block of rows holding ``row``: its page of ids, and its first row's place in
    that page (a block never spans two pages)."""
    page, within = divmod(row, PAGE_SIZE)
    return page, within - within % _block()


class PaperTableModel(QAbstractTableModel):
    """Holds ids only; asks the library for the rows of a page when one is painted.

    A small result is held whole (:meth:`set_ids`). A large one (:meth:`set_result`) is
    a count, its first page of ids and a way to fetch any other page: typing over 100k
    papers then reads one page per keystroke, not 100k ids. After ``MAX_ID_PAGES``
    separate pages (a long scroll, a drag of the scroll bar back and forth) the rest is
    read in one go.

    Signals: ``rows_dropped(list[int], int)`` — papers dragged to a row while rows may be
    reordered (a reading list in its own order): the ids and the row they land before.
    """

    rows_dropped = Signal(list, int)

    def __init__(self, library: Library, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self._all: list[int] | None = []  # every id in order, once known
        self._count = 0
        self._fetch: IdFetch | None = None
        self._id_pages: dict[int, list[int]] = {}
        # Rows read, by (page of ids, first row's place in it).
        self._rows: dict[tuple[int, int], list[PaperRow]] = {}
        self._colours: dict[str, str] = {}
        self.reorderable = False
        # What a drag into another program (a text editor) drops, besides the ids.
        self.drag_text: Callable[[list[int]], str] | None = None
        # For tests and benchmarks: how much was really read.
        self.row_reads = 0
        self.rows_read = 0
        self.id_pages_fetched = 0

    def set_ids(self, ids: Sequence[int]) -> None:
        """Show exactly ``ids``."""
        self.beginResetModel()
        self._all = list(ids)
        self._count = len(self._all)
        self._fetch = None
        self._id_pages.clear()
        self._rows.clear()
        self.endResetModel()

    def set_result(self, count: int, first: Sequence[int], fetch: IdFetch) -> None:
        """Show ``count`` papers of which ``first`` are the first page; ``fetch(offset,
        limit)`` returns any other page (``limit`` None: all from ``offset`` on)."""
        if count <= len(first):
            self.set_ids(first)
            return
        self.beginResetModel()
        self._all = None
        self._count = count
        self._fetch = fetch
        self._id_pages = {0: list(first[:PAGE_SIZE])}
        self._rows.clear()
        self.endResetModel()

    def first_page(self) -> list[int]:
        """The ids of the first page, as shown: what tells two results apart cheaply."""
        if self._all is not None:
            return self._all[:PAGE_SIZE]
        return list(self._id_pages.get(0, []))

    def forget_beyond_first_page(self) -> None:
        """The order past the first page may have changed (an edit moved a paper): read
        those pages again when they are next shown."""
        if self._all is not None and self._fetch is None:
            return
        first = self.first_page()
        self._all = None
        self._id_pages = {0: first}
        for block in [b for b in self._rows if b[0] > 0]:
            del self._rows[block]
        if self._count > PAGE_SIZE:
            self.dataChanged.emit(self.index(PAGE_SIZE, 0),
                                  self.index(self._count - 1, len(COLUMNS) - 1))

    def set_tag_colours(self, colours: dict[str, str]) -> None:
        self._colours = {name.lower(): colour for name, colour in colours.items()}
        if self._count:
            self.dataChanged.emit(self.index(0, TAGS_COLUMN),
                                  self.index(self._count - 1, TAGS_COLUMN))

    def refresh_papers(self, changed: Iterable[int]) -> None:
        """Re-read the blocks of rows holding ``changed`` ids, repainting only their rows."""
        wanted = set(changed)
        positions = [row for row, paper_id in self._known() if paper_id in wanted]
        for block in {_block_of(row) for row in positions}:
            self._rows.pop(block, None)
        for row in positions:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def _known(self) -> Iterator[tuple[int, int]]:
        """(row, id) for every row whose id has been read."""
        if self._all is not None:
            yield from enumerate(self._all)
            return
        for page, ids in self._id_pages.items():
            yield from enumerate(ids, page * PAGE_SIZE)

    def ids(self) -> list[int]:
        """Every id shown, in order (reading the rest of a large result)."""
        return list(self._complete())

    def _complete(self) -> list[int]:
        if self._all is None:
            assert self._fetch is not None
            self._all = self._fetch(0, None)
            self._id_pages.clear()
            self.id_pages_fetched += 1
        return self._all

    def _page_ids(self, page: int) -> list[int]:
        if self._all is not None:
            return self._all[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]
        ids = self._id_pages.get(page)
        if ids is None:
            if len(self._id_pages) >= MAX_ID_PAGES:
                return self._complete()[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]
            assert self._fetch is not None
            ids = self._id_pages[page] = self._fetch(page * PAGE_SIZE, PAGE_SIZE)
            self.id_pages_fetched += 1
        return ids

    def paper_id(self, row: int) -> int:
        """The id on ``row``; 0 for a row whose paper left since the count."""
        ids = self._page_ids(row // PAGE_SIZE)
        offset = row % PAGE_SIZE
        return ids[offset] if offset < len(ids) else 0

    def row_of_id(self, paper_id: int) -> int | None:
        """The row of ``paper_id`` among the rows read so far; None if not among them."""
        if self._all is not None:
            try:
                return self._all.index(paper_id)
            except ValueError:
                return None
        return next((row for row, known in self._known() if known == paper_id), None)

    def row_of(self, row: int) -> PaperRow | None:
        block = page, first = _block_of(row)
        ids = self._page_ids(page)
        within = row - page * PAGE_SIZE
        rows = self._rows.get(block)
        if rows is None:
            chunk = ids[first:first + _block()]
            rows = self._rows[block] = self._library.rows(chunk)
            self.row_reads += 1
            self.rows_read += len(chunk)
        offset = within - first
        wanted = ids[within] if within < len(ids) else 0
        # A paper purged between the search and the paint has no row: show it empty.
        if offset < len(rows) and rows[offset].id == wanted:
            return rows[offset]
        return next((r for r in rows if r.id == wanted), None)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        # Called for every role of every painted cell (thousands per repaint): the roles
        # it does not answer leave first, compared as plain ints.
        if role not in _ANSWERED or not index.isValid():
            return None
        if not 0 <= index.row() < self._count:
            return None
        if role in _TEXT_ROLES:
            row = self.row_of(index.row())
            return "" if row is None else COLUMNS[index.column()].text(row)
        if role == PAPER_ID_ROLE:
            return self.paper_id(index.row())
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
        if index.isValid():
            return _CELL_FLAGS
        return _DROP_FLAGS if self.reorderable else _NO_FLAGS

    def mimeTypes(self) -> list[str]:
        return [PAPER_IDS_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        rows = sorted({i.row() for i in indexes if i.isValid()})
        ids = [self.paper_id(r) for r in rows]
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
            target = self._count
        self.rows_dropped.emit(ids, target)
        # The move itself happens in the library; the view must not remove the rows.
        return False
