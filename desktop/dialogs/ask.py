"""Every question the app asks the user, behind small functions that tests replace.

Dialogs are modal and block a test; a test monkeypatches these (pytest-qt's advice for
dialogs) and answers in their place. All text is shown as plain text.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QColorDialog, QInputDialog, QLineEdit, QMessageBox, QWidget


def text(parent: QWidget | None, title: str, label: str, value: str = "") -> str | None:
    """A line of text from the user, or None if they cancelled."""
    answer, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Normal, value)
    answer = answer.strip()
    return answer if ok and answer else None


def choice(parent: QWidget | None, title: str, label: str,
           options: Sequence[str], editable: bool = True) -> str | None:
    """One of ``options`` (or, when ``editable``, a new value typed in); None if cancelled."""
    answer, ok = QInputDialog.getItem(parent, title, label, list(options), 0, editable)
    answer = answer.strip()
    return answer if ok and answer else None


def colour(parent: QWidget | None, title: str, current: str) -> str | None:
    """A colour as #rrggbb, or None if cancelled."""
    picked = QColorDialog.getColor(QColor(current or "#808080"), parent, title)
    return picked.name() if picked.isValid() else None


def confirm(parent: QWidget | None, title: str, question: str, action: str) -> bool:
    """Yes if the user confirms a destructive ``action`` (the button's text)."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, question, parent=parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    yes = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is yes
