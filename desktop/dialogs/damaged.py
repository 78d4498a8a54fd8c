"""The library will not open (damaged, emptied, not a library): what the user can do.

Three ways on: restore the newest good backup (offered only when there is one; the
damaged file is kept beside the library), open another library, or quit (cancel, when a
window is already open on another library). :func:`ask` and :func:`choose_library` are
the functions tests replace.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from db.backup import Backup
from desktop.views.detail_multi import plain_label

RESTORE, OTHER, QUIT = "restore", "other", "quit"
ICON_SIZE = 48


def backup_text(library: Path, newest: Backup | None) -> str:
    if newest is None:
        return "There is no good backup of this library to restore."
    return (f"The newest good backup is from {newest.summary()}. Restoring it keeps the "
            f"damaged file beside the library as {library.name}.damaged-…, so nothing more "
            "is lost; changes made after the backup are not in it.")


class DamagedDialog(QDialog):
    """``choice`` is RESTORE, OTHER or QUIT once a button was pressed (QUIT if closed)."""

    def __init__(self, library: Path, problem: str, newest: Backup | None, *,
                 can_quit: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("damagedDialog")
        self.setWindowTitle("Papershelf")
        self.setMinimumWidth(560)
        self.choice = QUIT

        icon = QLabel()
        pixmap = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical)
        icon.setPixmap(pixmap.pixmap(ICON_SIZE, ICON_SIZE))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        # Paths and SQLite's words: shown as written, and copyable.
        self.heading = plain_label(f"{library.name} cannot be opened", wrap=True,
                                   selectable=True)
        font = self.heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.heading.setFont(font)
        self.problem = plain_label(problem, wrap=True, selectable=True)
        self.problem.setObjectName("damagedProblem")
        self.backup_label = plain_label(backup_text(library, newest), wrap=True,
                                        selectable=True)
        self.backup_label.setObjectName("damagedBackup")

        self.restore_button = QPushButton("&Restore the Newest Good Backup")
        self.restore_button.setObjectName("damagedRestore")
        self.restore_button.setVisible(newest is not None)
        self.other_button = QPushButton("&Open Another Library…")
        self.other_button.setObjectName("damagedOther")
        self.quit_button = QPushButton("&Quit" if can_quit else "Cancel")
        self.quit_button.setObjectName("damagedQuit")
        for button, choice in ((self.restore_button, RESTORE), (self.other_button, OTHER),
                               (self.quit_button, QUIT)):
            button.clicked.connect(lambda _checked=False, c=choice: self._chose(c))
        first = self.restore_button if newest is not None else self.other_button
        first.setDefault(True)

        text = QVBoxLayout()
        text.setSpacing(10)
        for label in (self.heading, self.problem, self.backup_label):
            text.addWidget(label)
        top = QHBoxLayout()
        top.setSpacing(16)
        top.addWidget(icon)
        top.addLayout(text, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.quit_button)
        buttons.addStretch()
        buttons.addWidget(self.other_button)
        buttons.addWidget(self.restore_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 20, 20, 16)
        layout.setSpacing(18)
        layout.addLayout(top)
        layout.addLayout(buttons)
        # Enter presses the focused button: let that be the way forward, not Quit.
        self.setFocusProxy(first)
        first.setFocus()

    def choices(self) -> list[str]:
        """What the dialog offers, in the order of its buttons (for tests and a11y)."""
        return [b.text().replace("&", "") for b in
                (self.restore_button, self.other_button, self.quit_button)
                if not b.isHidden()]

    def _chose(self, choice: str) -> None:
        self.choice = choice
        if choice == QUIT:
            self.reject()
        else:
            self.accept()


def ask(parent: QWidget | None, library: Path, problem: str, newest: Backup | None, *,
        can_quit: bool) -> str:
    """Show the dialog and wait: RESTORE, OTHER or QUIT."""
    dialog = DamagedDialog(library, problem, newest, can_quit=can_quit, parent=parent)
    dialog.exec()
    return dialog.choice


def choose_library(parent: QWidget | None) -> Path | None:
    path, _ = QFileDialog.getOpenFileName(parent, "Open library", "",
                                          "Papershelf libraries (*.sqlite);;All files (*)")
    return Path(path) if path else None
