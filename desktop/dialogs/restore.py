"""File → Restore from Backup…: the library's backups, newest first; Restore asks first.

The dialog only chooses. Putting the backup in place means closing the library, which
the app does (:meth:`desktop.app.App.restore`) once ``restore_chosen`` is emitted.

Signals:
- ``restore_chosen(Backup)``: the user confirmed restoring this backup.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db import backup
from db.backup import Backup
from desktop.dialogs import ask
from desktop.views.detail_multi import plain_label

# The reason takes the spare width; the counts sit at the right, where numbers line up.
COLUMNS = ("Date", "Reason", "Papers", "Notes")
_NUMBERS = (2, 3)
COLUMN_GAP = 24


def confirm_question(chosen: Backup, library: Path) -> str:
    """What the user is asked before a restore: what goes, and what is kept."""
    return (f"Put the backup of {chosen.when} ({chosen.contents}) in the library's "
            f"place?\n\nChanges made after {chosen.when} will not "
            f"be in the library. The current file is kept beside it as "
            f"{library.name}.before-restore-…, so nothing is deleted.")


class RestoreDialog(QDialog):
    restore_chosen = Signal(object)

    def __init__(self, library: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("restoreDialog")
        self.setWindowTitle("Restore from backup")
        self.resize(620, 420)
        self._library = library
        self.backups = backup.backups(library)

        intro = plain_label(
            f"Backups of {library.name}, newest first. Papershelf makes one each day it "
            "opens the library, and before it empties the trash, merges duplicates or "
            "imports many papers.", wrap=True)
        self.table = QTreeWidget()
        self.table.setObjectName("backupList")
        self.table.setRootIsDecorated(False)
        self.table.setUniformRowHeights(True)
        self.table.setAllColumnsShowFocus(True)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setHeaderLabels(list(COLUMNS))
        header = self.table.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self._items: list[QTreeWidgetItem] = []
        for number, item_backup in enumerate(self.backups):
            item = QTreeWidgetItem([item_backup.when, item_backup.why.capitalize(),
                                    f"{item_backup.papers:,}", f"{item_backup.notes:,}"])
            item.setData(0, Qt.ItemDataRole.UserRole, number)
            for column in _NUMBERS:
                item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight
                                      | Qt.AlignmentFlag.AlignVCenter)
            self.table.addTopLevelItem(item)
            self._items.append(item)
        for column in _NUMBERS:
            self.table.headerItem().setTextAlignment(column, Qt.AlignmentFlag.AlignRight
                                                     | Qt.AlignmentFlag.AlignVCenter)
        for column in (0, *_NUMBERS):
            self.table.resizeColumnToContents(column)
            self.table.setColumnWidth(column, self.table.columnWidth(column) + COLUMN_GAP)
        self.empty = plain_label("There are no backups of this library yet.", wrap=True)
        self.empty.setVisible(not self.backups)
        self.table.setVisible(bool(self.backups))
        where = plain_label(f"Kept in {backup.folder_of(library)}", wrap=True)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        where.setEnabled(False)  # greyed: a detail, not a choice

        buttons = QDialogButtonBox()
        self.restore_button = QPushButton("&Restore…")
        self.restore_button.setObjectName("restoreBackup")
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.restore_button.clicked.connect(self.restore_selected)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.itemDoubleClicked.connect(lambda *_: self.restore_selected())

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty, 1)
        layout.addWidget(where)
        layout.addWidget(buttons)
        if self._items:
            self.table.setCurrentItem(self._items[0])
        self._selection_changed()

    def selected(self) -> Backup | None:
        items = self.table.selectedItems()
        if not items:
            return None
        return self.backups[int(items[0].data(0, Qt.ItemDataRole.UserRole))]

    def select(self, number: int) -> None:
        """Select the backup at ``number`` in the list (0: the newest)."""
        self.table.setCurrentItem(self._items[number])

    def restore_selected(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        if not ask.confirm(self, "Restore from backup", confirm_question(chosen, self._library),
                           "Restore"):
            return
        self.accept()
        self.restore_chosen.emit(chosen)

    def _selection_changed(self) -> None:
        self.restore_button.setEnabled(self.selected() is not None)
