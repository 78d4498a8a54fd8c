"""The strip across the top of the window that says what the user must know about the open
library: that it is read-only and why, that today's backup failed, that it lies in a
synced folder. Hidden when there is nothing to say."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QStyle, QVBoxLayout, QWidget

# Amber, as warnings are drawn on every desktop; one pair of colours per kind of palette,
# so that the text keeps its contrast in the dark theme.
_LIGHT = ("#fff4ce", "#3d3000", "#e3c766")
_DARK = ("#4a3d12", "#f6e7b0", "#6e5c22")
ICON_SIZE = 20


class Banner(QFrame):
    """Plain-text notices, one per line; :meth:`show_notices` with none hides it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setAccessibleName("Notices about this library")
        self._icon = QLabel()
        icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        self._icon.setPixmap(icon.pixmap(ICON_SIZE, ICON_SIZE))
        self._icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self._lines = QVBoxLayout()
        self._lines.setSpacing(6)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 8, 12, 8)
        row.setSpacing(10)
        row.addWidget(self._icon)
        row.addLayout(self._lines, 1)
        self._labels: list[QLabel] = []
        self._paint()
        self.hide()

    def notices(self) -> list[str]:
        return [label.text() for label in self._labels]

    def show_notices(self, notices: Sequence[str]) -> None:
        for label in self._labels:
            self._lines.removeWidget(label)
            label.deleteLater()
        self._labels = []
        for text in notices:
            label = QLabel(text)
            label.setObjectName("bannerNotice")
            label.setTextFormat(Qt.TextFormat.PlainText)  # paths and messages, never HTML
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self._lines.addWidget(label)
            self._labels.append(label)
        self.setVisible(bool(notices))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._paint()

    def _paint(self) -> None:
        dark = self.palette().window().color().lightness() < 128
        background, text, border = _DARK if dark else _LIGHT
        # Set on the frame only: a style sheet is the one way to colour a frame's
        # background that every platform style honours.
        sheet = (f"QFrame#banner {{ background: {background}; border: none; "
                 f"border-bottom: 1px solid {border}; }} "
                 f"QLabel#bannerNotice {{ color: {text}; }}")
        if sheet != self.styleSheet():  # setting it again would announce another change
            self.setStyleSheet(sheet)
