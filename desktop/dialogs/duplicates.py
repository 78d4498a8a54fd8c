"""Tools → Find Duplicates: groups of papers side by side, merged or set apart.

The scan runs on the writer thread (it reads the whole library); merges and "not
duplicates" go through the undo commands, one undo step each.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db.duplicates import DuplicateGroup
from db.fields import BY_NAME
from db.library import Library
from db.records import Paper
from desktop.tasks import TaskRunner
from desktop.undo import Commands

# The rows of the side-by-side table, in reading order.
SHOWN_FIELDS = ("title", "author", "date", "venue", "doi", "arxiv", "url", "key", "type",
                "tag", "list", "note")
GROUP_ROLE = Qt.ItemDataRole.UserRole + 1


def _value(library: Library, paper: Paper, name: str) -> str:
    if name == "author":
        return "; ".join(a.display for a in paper.authors) + (" et al." if paper.et_al else "")
    if name == "tag":
        return ", ".join(paper.tags)
    if name == "list":
        return ", ".join(paper.lists)
    if name == "note":
        notes = library.notes(paper.id)
        return f"{len(notes)} note{'s' if len(notes) != 1 else ''}" if notes else ""
    if name == "type":
        return paper.entry_type
    return str(getattr(paper, name))


class DuplicatesDialog(QDialog):
    """Lists the groups on the left; the chosen group's papers side by side on the right."""

    def __init__(self, library: Library, runner: TaskRunner, commands: Commands,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("duplicatesDialog")
        self.setWindowTitle("Find duplicates")
        self.resize(1100, 620)
        self._library = library
        self._runner = runner
        self._commands = commands
        self.groups: list[DuplicateGroup] = []

        self.summary = QLabel("Looking for duplicates…")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.group_list = QListWidget()
        self.group_list.setObjectName("duplicateGroups")
        self.table = QTableWidget()
        self.table.setObjectName("duplicateTable")
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.merge_button = QPushButton("&Merge into the first")
        self.merge_button.setObjectName("mergeGroup")
        self.apart_button = QPushButton("&Not duplicates")
        self.apart_button.setObjectName("notDuplicates")
        self.merge_all_button = QPushButton("Merge all &certain groups")
        self.merge_all_button.setObjectName("mergeAllCertain")
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)

        buttons = QHBoxLayout()
        for button in (self.merge_button, self.apart_button, self.merge_all_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        split = QSplitter()
        split.addWidget(self.group_list)
        split.addWidget(self.table)
        split.setSizes([330, 770])
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)

        self.group_list.currentRowChanged.connect(self._show_group)
        self.merge_button.clicked.connect(self.merge_current)
        self.apart_button.clicked.connect(self.set_current_apart)
        self.merge_all_button.clicked.connect(self.merge_all_certain)
        self._enable()

    def scan(self) -> None:
        """Look for duplicates (on the writer thread) and show what was found."""
        self.summary.setText("Looking for duplicates…")
        self._runner.submit(lambda lib: lib.find_duplicates(), label="Looking for duplicates",
                            on_done=self._found)

    def _found(self, groups: Sequence[DuplicateGroup]) -> None:
        self.groups = list(groups)
        certain = sum(1 for g in self.groups if g.high)
        self.summary.setText(f"{len(self.groups)} group(s) of papers that look alike; "
                             f"{certain} certain (same DOI, arXiv id, or title, year and "
                             "first author).")
        self.group_list.clear()
        for number, group in enumerate(self.groups):
            rows = self._library.rows(group.ids)
            title = rows[0].title if rows else ""
            item = QListWidgetItem(f"{'●' if group.high else '○'} {title}")
            item.setToolTip(f"{len(group.ids)} papers: {group.reason}")
            item.setData(GROUP_ROLE, number)
            self.group_list.addItem(item)
        if self.groups:
            self.group_list.setCurrentRow(0)
        else:
            self.table.clear()
            self.table.setRowCount(0)
            self.table.setColumnCount(0)
        self._enable()

    def _show_group(self, row: int) -> None:
        self._enable()
        if not 0 <= row < len(self.groups):
            return
        group = self.groups[row]
        papers = [self._library.paper(i) for i in group.ids]
        self.table.clear()
        self.table.setColumnCount(len(papers))
        self.table.setRowCount(len(SHOWN_FIELDS))
        self.table.setHorizontalHeaderLabels(
            ["Kept" if n == 0 else f"Merged in ({n})" for n in range(len(papers))])
        self.table.setVerticalHeaderLabels([BY_NAME[f].label if f in BY_NAME else f.title()
                                            for f in SHOWN_FIELDS])
        bold = QFont()
        bold.setBold(True)
        for r, name in enumerate(SHOWN_FIELDS):
            values = [_value(self._library, p, name) for p in papers]
            # Keys always differ; that says nothing about whether the papers are one.
            differs = name != "key" and len(set(values)) > 1
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                if differs:
                    # Rows that differ stand out: that is what the user must judge.
                    item.setFont(bold)
                    item.setBackground(QBrush(QColor(255, 196, 0, 60)))
                self.table.setItem(r, c, item)
        self.table.resizeRowsToContents()
        for c in range(len(papers)):
            self.table.setColumnWidth(c, max(200, 740 // len(papers)))

    def _current(self) -> DuplicateGroup | None:
        row = self.group_list.currentRow()
        return self.groups[row] if 0 <= row < len(self.groups) else None

    def _enable(self) -> None:
        has = self._current() is not None
        self.merge_button.setEnabled(has)
        self.apart_button.setEnabled(has)
        self.merge_all_button.setEnabled(any(g.high for g in self.groups))

    def merge_current(self) -> None:
        group = self._current()
        if group is not None:
            self._commands.merge_groups([group.ids])
            self._runner.submit(lambda lib: None, on_done=lambda _: self.scan())

    def set_current_apart(self) -> None:
        group = self._current()
        if group is not None:
            self._commands.not_duplicates(group.ids)
            self._runner.submit(lambda lib: None, on_done=lambda _: self.scan())

    def merge_all_certain(self) -> None:
        certain = [g.ids for g in self.groups if g.high]
        if certain:
            self._commands.merge_groups(certain)
            self._runner.submit(lambda lib: None, on_done=lambda _: self.scan())
