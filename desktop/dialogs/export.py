"""File → Export…: which papers, which format and style, which options, where; a preview.

The file is written on the writer thread, atomically (``db.exporting.write_atomic``).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from db.errors import LibraryError
from db.exporting import FORMATS, export, resolve, write_atomic
from db.formats import ExportOptions
from db.formats.csl import STYLE_LABELS
from db.library import Library
from desktop.tasks import TaskRunner

PREVIEW_PAPERS = 3


class ExportDialog(QDialog):
    """Scope, format, style, options, destination and a preview of the first entries."""

    def __init__(self, library: Library, runner: TaskRunner, selection: list[int],
                 search: str, report: object, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export")
        self.resize(760, 600)
        self._library = library
        self._runner = runner
        self._selection = selection
        self._search = search
        self._report = report

        self.scope = QComboBox()
        self.scope.setObjectName("exportScope")
        if selection:
            self.scope.addItem(f"The selected papers ({len(selection)})", ("keys", None))
        if search.strip():
            self.scope.addItem(f"The current search: {search}", ("query", search))
        for reading_list in library.lists():
            self.scope.addItem(f"Reading list: {reading_list.name} ({reading_list.count})",
                               ("list", reading_list.name))
        for smart in library.smart_lists():
            self.scope.addItem(f"Smart list: {smart.name}", ("smart", smart.name))
        self.scope.addItem("The whole library", ("all", None))
        self.format = QComboBox()
        self.format.setObjectName("exportFormat")
        for fmt in FORMATS.values():
            self.format.addItem(fmt.label, fmt.name)
        self.style_choice = QComboBox()
        self.style_choice.setObjectName("exportStyle")
        for name, label in STYLE_LABELS.items():
            self.style_choice.addItem(label, name)
        self.output = QComboBox()
        for name in ("text", "html", "markdown"):
            self.output.addItem(name.capitalize(), name)
        self.abstracts = QCheckBox("Include abstracts")
        self.abstracts.setChecked(True)
        self.notes = QCheckBox("Include notes (Markdown, HTML)")
        self.escapes = QCheckBox("Write accented letters as LaTeX escapes (BibTeX)")
        self.destination = QLineEdit()
        self.destination.setObjectName("exportDestination")
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._choose)
        where = QHBoxLayout()
        where.addWidget(self.destination, 1)
        where.addWidget(browse)
        self.preview = QPlainTextEdit()
        self.preview.setObjectName("exportPreview")
        self.preview.setReadOnly(True)
        self.preview.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("&Papers:", self.scope)
        form.addRow("&Format:", self.format)
        form.addRow("&Style:", self.style_choice)
        form.addRow("&As:", self.output)
        form.addRow(self.abstracts)
        form.addRow(self.notes)
        form.addRow(self.escapes)
        save_label = QLabel("&Save to:")
        save_label.setBuddy(self.destination)
        form.addRow(save_label, where)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.buttons)
        for widget in (self.scope, self.format, self.style_choice, self.output):
            widget.currentIndexChanged.connect(self.update_preview)
        for box in (self.abstracts, self.notes, self.escapes):
            box.toggled.connect(self.update_preview)
        self.format.currentIndexChanged.connect(self._suggest_name)
        self._suggest_name()
        self.update_preview()

    def ids(self) -> list[int]:
        kind, value = self.scope.currentData()
        if kind == "keys":
            return list(self._selection)
        return resolve(self._library, list_name=value if kind == "list" else None,
                       query=value if kind == "query" else None,
                       smart_list=value if kind == "smart" else None)

    def options(self) -> ExportOptions:
        kind, value = self.scope.currentData()
        title = value if kind in ("list", "smart") else ""
        description = (self._library.reading_list(value).description if kind == "list"
                       else "")
        return ExportOptions(unicode=not self.escapes.isChecked(),
                             abstracts=self.abstracts.isChecked(),
                             notes=self.notes.isChecked(), title=title or "",
                             description=description, style=str(self.style_choice.currentData()),
                             output=str(self.output.currentData()))

    def update_preview(self) -> None:
        is_bibliography = self.format.currentData() == "bibliography"
        # References read as prose; the file formats are best seen line by line.
        self.preview.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth if is_bibliography
                                     else QPlainTextEdit.LineWrapMode.NoWrap)
        self.style_choice.setEnabled(is_bibliography)
        self.output.setEnabled(is_bibliography)
        try:
            text = export(self._library, self.ids()[:PREVIEW_PAPERS],
                          str(self.format.currentData()), self.options())
        except LibraryError as exc:
            text = str(exc)
        self.preview.setPlainText(text)

    def _suggest_name(self) -> None:
        fmt = FORMATS[str(self.format.currentData())]
        current = self.destination.text().strip()
        stem = Path(current).stem if current else "papers"
        folder = Path(current).parent if current else Path.home()
        self.destination.setText(str(folder / f"{stem}{fmt.extension}"))

    def _choose(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export to", self.destination.text())
        if path:
            self.destination.setText(path)

    def save(self) -> None:
        """Write the file on the writer thread; the dialog closes when it is written."""
        path = Path(self.destination.text().strip()).expanduser()
        ids, fmt, options = self.ids(), str(self.format.currentData()), self.options()

        def job(library: Library) -> int:
            write_atomic(path, export(library, ids, fmt, options))
            return len(ids)

        def failed(error: BaseException) -> None:
            if callable(self._report):
                self._report("exporting", error)

        self.buttons.setEnabled(False)
        self._runner.submit(job, label=f"Exporting {len(ids)} papers",
                            on_done=lambda _n: self.accept(), on_error=failed)
        self.setWindowModality(Qt.WindowModality.WindowModal)
