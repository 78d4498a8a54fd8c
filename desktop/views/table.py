"""The paper table: columns the user arranges, sorting in SQL, tag chips, drag and drop.

Signals:
- ``sort_requested(str | None, bool)``: a header was clicked (field name, descending);
  None returns to relevance or list order.
- ``open_requested(int)``: Enter or a double-click on a paper.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, QRect, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from desktop.models.papers import COLUMNS, PAPER_ID_ROLE, TAG_CHIPS_ROLE, PaperTableModel

ROW_HEIGHT = 24


class TagChipDelegate(QStyledItemDelegate):
    """Paints a paper's tags as small rounded chips in each tag's colour."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        chips = index.data(TAG_CHIPS_ROLE) or []
        style = option.widget.style() if option.widget else None
        if style is not None:
            # The background (selection, alternate rows) as any other cell, without text.
            plain = QStyleOptionViewItem(option)
            self.initStyleOption(plain, index)
            plain.text = ""
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, plain, painter,
                              option.widget)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = option.fontMetrics
        x = option.rect.left() + 4
        height = metrics.height() + 2
        top = option.rect.top() + (option.rect.height() - height) // 2
        for name, colour in chips:
            width = metrics.horizontalAdvance(name) + 12
            if x + width > option.rect.right():
                painter.setPen(option.palette.color(QPalette.ColorRole.Text))
                painter.drawText(QRect(x, top, 20, height), Qt.AlignmentFlag.AlignVCenter, "…")
                break
            fill = QColor(colour) if colour else option.palette.color(QPalette.ColorRole.Mid)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(fill)
            painter.drawRoundedRect(QRect(x, top, width, height), 6, 6)
            text = QColor("#000000") if fill.lightnessF() > 0.6 else QColor("#ffffff")
            painter.setPen(text)
            painter.drawText(QRect(x, top, width, height), Qt.AlignmentFlag.AlignCenter, name)
            x += width + 4
        painter.restore()


class PaperTable(QTableView):
    """The centre of the window. Holds no papers: the model has ids, rows page in."""

    sort_requested = Signal(object, bool)
    open_requested = Signal(int)

    def __init__(self, model: PaperTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("paperTable")
        self.setAccessibleName("paperTable")
        self.setModel(model)
        self._sort: tuple[str | None, bool] = (None, False)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setShowGrid(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.verticalHeader().hide()
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        header = self.horizontalHeader()
        header.setSectionsMovable(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        header.sectionClicked.connect(self._header_clicked)
        for number, column in enumerate(COLUMNS):
            self.setColumnWidth(number, column.width)
            self.setColumnHidden(number, not column.shown)
        self.setItemDelegateForColumn(next(i for i, c in enumerate(COLUMNS) if c.field == "tag"),
                                      TagChipDelegate(self))
        self.doubleClicked.connect(self._open_index)

    def paper_model(self) -> PaperTableModel:
        model = self.model()
        assert isinstance(model, PaperTableModel)
        return model

    # -- sorting (in SQL: the view only says what the user asked for) ---------------

    @property
    def sort(self) -> tuple[str | None, bool]:
        return self._sort

    def set_sort(self, field: str | None, descending: bool) -> None:
        """Show ``field`` as the sort column (without asking for a new search)."""
        self._sort = (field, descending)
        header = self.horizontalHeader()
        column = next((i for i, c in enumerate(COLUMNS) if c.field == field), -1)
        header.setSortIndicator(column, Qt.SortOrder.DescendingOrder if descending
                                else Qt.SortOrder.AscendingOrder)

    def _header_clicked(self, column: int) -> None:
        field = COLUMNS[column].field
        current, descending = self._sort
        # Click: ascending; again: descending; a third time: back to relevance/list order.
        if current != field:
            new: tuple[str | None, bool] = (field, False)
        elif not descending:
            new = (field, True)
        else:
            new = (None, False)
        self.set_sort(*new)
        self.sort_requested.emit(*new)

    def _header_menu(self, position: QPoint) -> None:
        self.columns_menu(self).exec(self.horizontalHeader().mapToGlobal(position))

    def columns_menu(self, parent: QWidget) -> QMenu:
        """Show or hide columns; the title column always stays."""
        menu = QMenu("Columns", parent)
        for number, column in enumerate(COLUMNS):
            action = menu.addAction(column.label)
            action.setCheckable(True)
            action.setChecked(not self.isColumnHidden(number))
            action.setEnabled(column.field != "title")
            action.toggled.connect(lambda shown, n=number: self.setColumnHidden(n, not shown))
        return menu

    # -- opening papers ----------------------------------------------------------------

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_requested.emit(int(index.data(PAPER_ID_ROLE)))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._open_index(self.currentIndex())
            return
        super().keyPressEvent(event)

    # -- selection by id --------------------------------------------------------------

    def selected_ids(self) -> list[int]:
        model = self.paper_model()
        return [model.paper_id(i.row()) for i in sorted(self.selectionModel().selectedRows(),
                                                         key=lambda i: i.row())]

    def select_ids(self, ids: list[int]) -> None:
        """Select the rows of ``ids`` that are shown, the first one current."""
        model = self.paper_model()
        selection = self.selectionModel()
        selection.clearSelection()
        rows = [r for r in (model.row_of_id(i) for i in ids) if r is not None]
        for row in rows:
            selection.select(model.index(row, 0),
                             selection.SelectionFlag.Select | selection.SelectionFlag.Rows)
        if rows:
            selection.setCurrentIndex(model.index(rows[0], 0),
                                      selection.SelectionFlag.NoUpdate)
            self.scrollTo(model.index(rows[0], 0))
