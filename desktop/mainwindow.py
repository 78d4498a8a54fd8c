"""The main window: the search field above the paper table, counts in the status bar."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from db.errors import QueryError
from db.library import Library
from desktop.models.papers import COLUMNS, PaperTableModel

SEARCH_DEBOUNCE_MS = 150


class MainWindow(QMainWindow):
    """Searches as the user types; a malformed query is explained, the results stay."""

    def __init__(self, library: Library) -> None:
        super().__init__()
        self._library = library
        self.setWindowTitle(f"Papershelf — {library.path.name if library.path else 'memory'}")
        self.resize(1200, 760)

        self.search_field = QLineEdit()
        self.search_field.setPlaceholderText(
            "Search: words, \"a phrase\", author:yi, tag:ml, year:>=2022 …")
        self.search_field.setClearButtonEnabled(True)
        self.query_error = QLabel()
        self.query_error.setTextFormat(Qt.TextFormat.PlainText)
        self.query_error.setStyleSheet("color: #b00020;")
        self.query_error.hide()

        self.model = PaperTableModel(library, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in zip(range(len(COLUMNS)),
                                 (420, 180, 50, 150, 80, 90, 80, 70, 120), strict=True):
            self.table.setColumnWidth(column, width)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addWidget(self.search_field)
        layout.addWidget(self.query_error)
        layout.addWidget(self.table)
        self.setCentralWidget(central)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._connect_signals()
        self.run_search()

    def _connect_signals(self) -> None:
        self.search_field.textChanged.connect(lambda _text: self._debounce.start())
        self._debounce.timeout.connect(self.run_search)
        self.table.selectionModel().selectionChanged.connect(self._update_status)
        for keys in (QKeySequence(QKeySequence.StandardKey.Find), QKeySequence("/")):
            QShortcut(keys, self).activated.connect(self._focus_search)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self.search_field).activated.connect(
            self.search_field.clear)

    def _focus_search(self) -> None:
        self.search_field.setFocus()
        self.search_field.selectAll()

    def run_search(self) -> None:
        try:
            ids = self._library.search(self.search_field.text())
        except QueryError as exc:
            self.query_error.setText(str(exc))
            self.query_error.show()
            return
        self.query_error.hide()
        self.model.set_ids(ids)
        self._update_status()

    def _update_status(self) -> None:
        selected = len(self.table.selectionModel().selectedRows())
        total = self._library.count()
        self.statusBar().showMessage(
            f"{total} papers · {self.model.rowCount()} shown · {selected} selected")
