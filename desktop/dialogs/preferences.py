"""Preferences: the look, how references are copied, and the citation-key pattern."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from db.citekeys import check_pattern
from db.formats.csl import STYLE_LABELS
from db.library import Library
from desktop.dialogs import ask
from desktop.settings import KEY_FORMATS, THEMES, Settings
from desktop.tasks import TaskRunner

PREVIEW_KEYS = 5


class PreferencesDialog(QDialog):
    """Signals: ``theme_chosen(str)`` when the user picks a theme and presses OK."""

    theme_chosen = Signal(str)

    def __init__(self, settings: Settings, library: Library, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.setObjectName("preferencesDialog")
        self._settings = settings
        self._library = library
        self._runner = runner
        self.theme = QComboBox()
        self.theme.setObjectName("themeChoice")
        for name in THEMES:
            self.theme.addItem(name.capitalize(), name)
        self.theme.setCurrentIndex(THEMES.index(settings.theme))
        self.style_choice = QComboBox()
        self.style_choice.setObjectName("citationStyle")
        for name, label in STYLE_LABELS.items():
            self.style_choice.addItem(label, name)
        self.style_choice.setCurrentIndex(max(0, self.style_choice.findData(
            settings.citation_style)))
        self.key_format = QComboBox()
        self.key_format.setObjectName("keyFormat")
        for name, example in KEY_FORMATS.items():
            self.key_format.addItem(example, name)
        self.key_format.setCurrentIndex(list(KEY_FORMATS).index(settings.key_format))
        self.pattern = QLineEdit(library.key_pattern())
        self.pattern.setObjectName("keyPattern")
        self.pattern.setToolTip("Fields: [auth] [auth:lower] [authors] [year] [shortyear] "
                                "[title] [shorttitle3_3] [veryshorttitle]")
        self.pattern_note = QLabel()
        self.pattern_note.setTextFormat(Qt.TextFormat.PlainText)
        self.pattern_note.setWordWrap(True)
        self.apply_pattern = QPushButton("Apply to existing keys…")
        self.apply_pattern.setObjectName("applyKeyPattern")
        self.apply_pattern.clicked.connect(self.rekey)
        # A preview reads every paper: wait for a pause in typing.
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(300)
        self._typing.timeout.connect(self._preview)
        self.pattern.textChanged.connect(lambda _text: self._typing.start())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QFormLayout(self)
        layout.addRow("&Theme:", self.theme)
        layout.addRow("Copied &references:", self.style_choice)
        layout.addRow("Ctrl+&K copies:", self.key_format)
        layout.addRow("Citation-key &pattern:", self.pattern)
        layout.addRow(self.pattern_note)
        layout.addRow(self.apply_pattern)
        layout.addRow(buttons)
        self.accepted.connect(self._save)
        self._planned = 0
        self._preview()

    def _save(self) -> None:
        self._settings.citation_style = str(self.style_choice.currentData())
        self._settings.key_format = str(self.key_format.currentData())
        self.theme_chosen.emit(str(self.theme.currentData()))

    def _preview(self) -> None:
        """Say which keys the pattern would change; nothing changes until asked. The
        preview reads every paper (seconds at 100k), so it runs on the writer thread."""
        pattern = self.pattern.text().strip()
        problem = check_pattern(pattern)
        if problem:
            self.pattern_note.setText(problem[:1].upper() + problem[1:] + ".")
            self.apply_pattern.setEnabled(False)
            return
        self.pattern_note.setText("Looking at the keys…")
        self._runner.submit(lambda lib: lib.rekey_preview(pattern),
                            on_done=lambda changes: self._previewed(pattern, changes),
                            on_error=lambda exc: self.pattern_note.setText(str(exc)))

    def _previewed(self, pattern: str, changes: list[tuple[int, str, str]]) -> None:
        if pattern != self.pattern.text().strip():
            return  # the user typed on; a newer preview is coming
        same = pattern == self._library.key_pattern()
        if not changes:
            self.pattern_note.setText("Every key already follows this pattern."
                                      if same else "No key would change; new papers will "
                                      "get keys from this pattern once applied.")
        else:
            examples = ", ".join(f"{old} → {new}" for _, old, new in changes[:PREVIEW_KEYS])
            self.pattern_note.setText(f"{len(changes)} key(s) would change, e.g. {examples}. "
                                      "Old keys are kept as aliases.")
        self._planned = len(changes)
        self.apply_pattern.setEnabled(not same or bool(changes))

    def rekey(self) -> None:
        pattern = self.pattern.text().strip()
        count = self._planned
        if count and not ask.confirm(self, "Change citation keys",
                                     f"Change {count} citation key(s) to the pattern "
                                     f"{pattern}? Manuscripts citing the old keys still find "
                                     "the papers (the old keys are kept as aliases).",
                                     "Change Keys"):
            return
        self._runner.submit(lambda lib: lib.apply_key_pattern(pattern),
                            label="Changing citation keys", on_done=lambda _: self._preview())
