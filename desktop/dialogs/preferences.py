"""Preferences: the settings a user changes rarely."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QWidget

from desktop.settings import THEMES


class PreferencesDialog(QDialog):
    """Signals: ``theme_chosen(str)`` when the user picks a theme and presses OK."""

    theme_chosen = Signal(str)

    def __init__(self, theme: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.setObjectName("preferencesDialog")
        self.theme = QComboBox()
        self.theme.setObjectName("themeChoice")
        for name in THEMES:
            self.theme.addItem(name.capitalize(), name)
        self.theme.setCurrentIndex(THEMES.index(theme))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QFormLayout(self)
        layout.addRow("&Theme:", self.theme)
        layout.addRow(buttons)
        self.accepted.connect(lambda: self.theme_chosen.emit(str(self.theme.currentData())))
