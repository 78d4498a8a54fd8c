"""A paper's notes: a list, and a Markdown editor with a preview that never runs HTML.

Notes are the user's own Markdown, but they also travel: imported, exported, synced. The
preview therefore parses Markdown with raw HTML turned off, loads no resources (an image
could point at any local file), and hands a clicked link to ``desktop.links.open_link``,
which opens nothing but http(s).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QUrl
from PySide6.QtGui import QFocusEvent, QKeySequence, QShortcut, QTextDocument
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from db.library import Library
from db.records import Changes, Note
from desktop.links import open_link
from desktop.undo import Commands

NOTE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
# GitHub's dialect (tables, task lists, strikethrough, autolinks) without any raw HTML.
MARKDOWN_FEATURES = (QTextDocument.MarkdownFeature.MarkdownDialectGitHub
                     | QTextDocument.MarkdownFeature.MarkdownNoHTML)
EMPTY_NOTE = "(empty note)"
EDITOR_HINT = "Write in Markdown: **bold**, *italic*, - lists, [links](https://…)"
NOTE_LIST_ROWS = 4


def note_title(note: Note) -> str:
    """What the list shows for a note: its date and first line, headings unmarked."""
    first = next((line.strip() for line in note.body.splitlines() if line.strip()), "")
    return f"{note.modified[:10]} · {first.lstrip('#').strip() or EMPTY_NOTE}"


class NotePreview(QTextBrowser):
    """Shows Markdown as rich text; fetches nothing and follows no link by itself."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(lambda url: open_link(url.toString()))

    def show_markdown(self, body: str) -> None:
        self.document().setMarkdown(body, MARKDOWN_FEATURES)

    def loadResource(self, kind: int, name: QUrl | str) -> object:
        # Images and style sheets named by a note could be any file on the machine.
        return None


class NotesPanel(QWidget):
    """The notes of one paper. Slots: ``show_paper(paper_id | None)``,
    ``on_changes(Changes)``, ``save()``. No signals: edits go through ``Commands``.

    A note is saved when the editor loses focus, when the user switches note, paper or
    to the preview, on Save, and on Ctrl+S.
    """

    def __init__(self, library: Library, commands: Commands,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self._commands = commands
        self._paper_id: int | None = None
        self._notes: dict[int, Note] = {}
        self._note_id: int | None = None  # the note in the editor
        # The body as last loaded or handed to the writer: editor text that differs from
        # it is unsaved typing, which a refresh keeps.
        self._loaded_body = ""
        self._select_created = False
        self._read_only = False
        self.setObjectName("notesPanel")
        self.setAccessibleName("Notes")

        self.note_list = QListWidget()
        self.note_list.setObjectName("notesList")
        self.note_list.setAccessibleName("Notes of this paper")
        self.note_list.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        heading = QLabel("&Notes")
        heading.setTextFormat(Qt.TextFormat.PlainText)
        heading.setBuddy(self.note_list)
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        self.add_button = QPushButton("&Add note")
        self.add_button.setObjectName("noteAdd")
        self.delete_button = QPushButton("Delete")
        self.delete_button.setObjectName("noteDelete")
        self.delete_button.setToolTip("Delete the selected note (Undo brings it back)")

        self.edit_button = QToolButton()
        self.edit_button.setText("Edit")
        self.edit_button.setObjectName("noteEditMode")
        self.preview_button = QToolButton()
        self.preview_button.setText("Preview")
        self.preview_button.setObjectName("notePreviewMode")
        self._modes = QButtonGroup(self)
        for button in (self.edit_button, self.preview_button):
            button.setCheckable(True)
            self._modes.addButton(button)
        self.edit_button.setChecked(True)
        self.save_button = QPushButton("Save")
        self.save_button.setObjectName("noteSave")
        self.save_button.setToolTip("Save this note (Ctrl+S); leaving the editor saves too")

        self.editor = QPlainTextEdit()
        self.editor.setObjectName("noteEditor")
        self.editor.setAccessibleName("Note text (Markdown)")
        self.editor.setTabChangesFocus(True)
        self.editor.installEventFilter(self)
        self.preview = NotePreview()
        self.preview.setObjectName("notePreview")
        self.preview.setAccessibleName("Note preview")
        self._pages = QStackedWidget()
        self._pages.addWidget(self.editor)
        self._pages.addWidget(self.preview)
        self._pages.setMinimumHeight(120)

        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch()
        top.addWidget(self.add_button)
        top.addWidget(self.delete_button)
        bar = QHBoxLayout()
        bar.addWidget(self.edit_button)
        bar.addWidget(self.preview_button)
        bar.addStretch()
        bar.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.note_list)
        layout.addLayout(bar)
        layout.addWidget(self._pages, 1)
        for first, second in ((self.note_list, self.add_button),
                              (self.add_button, self.delete_button),
                              (self.delete_button, self.edit_button),
                              (self.edit_button, self.preview_button),
                              (self.preview_button, self.save_button),
                              (self.save_button, self.editor)):
            QWidget.setTabOrder(first, second)

        self.add_button.clicked.connect(self.add_note)
        self.delete_button.clicked.connect(self.delete_note)
        self.save_button.clicked.connect(self.save)
        self.preview_button.toggled.connect(self._set_preview)
        self.note_list.currentItemChanged.connect(self._note_chosen)
        save = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self)
        save.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save.activated.connect(self.save)
        self._show_note(None)

    def focus_chain(self) -> list[QWidget]:
        return [self.note_list, self.add_button, self.delete_button, self.edit_button,
                self.preview_button, self.save_button, self.editor]

    def set_read_only(self, on: bool) -> None:
        """For a library open read-only: notes can be read and previewed, not changed."""
        self._read_only = on
        self.editor.setReadOnly(on)
        self._show_note(self._note_id)

    @property
    def note_id(self) -> int | None:
        """The note shown in the editor."""
        return self._note_id

    # -- slots ------------------------------------------------------------------------------

    def show_paper(self, paper_id: int | None) -> None:
        if paper_id != self._paper_id:
            self.save()
            self._paper_id = paper_id
            self._note_id = None
        self._reload()

    def on_changes(self, changes: Changes) -> None:
        if self._paper_id is None:
            return
        if self._paper_id in changes.removed:
            self.show_paper(None)
        elif self._paper_id in changes.notes:
            self._reload(select=changes.created_id if self._select_created else None)

    def save(self) -> None:
        """Hand the editor's text to the writer, if it changed since it was loaded."""
        body = self.editor.toPlainText()
        if (self._note_id is None or self._paper_id is None or body == self._loaded_body
                or self._read_only):
            return
        self._loaded_body = body
        self._commands.update_note(self._note_id, self._paper_id, body)

    def add_note(self) -> None:
        if self._paper_id is None or self._read_only:
            return
        self.save()
        # The new note's id arrives with the Changes of the write; select it then.
        self._select_created = True
        self._commands.add_note(self._paper_id, "")

    def delete_note(self) -> None:
        if self._note_id is None or self._paper_id is None or self._read_only:
            return
        # Unsaved typing goes with the note; Undo brings back what was saved.
        self._loaded_body = self.editor.toPlainText()
        self._commands.delete_note(self._note_id, self._paper_id)

    # -- inside ------------------------------------------------------------------------------

    def _reload(self, select: int | None = None) -> None:
        notes = self._library.notes(self._paper_id) if self._paper_id is not None else []
        self._notes = {note.id: note for note in notes}
        if select not in self._notes:
            select = None
        else:
            self.save()
            self._select_created = False
        wanted = select if select is not None else self._note_id
        if wanted not in self._notes:
            # The shown note was deleted (or this is another paper): take its neighbour.
            row = min(self.note_list.currentRow(), len(notes) - 1)
            wanted = notes[max(row, 0)].id if notes else None
        self.note_list.blockSignals(True)
        try:
            self.note_list.clear()
            for note in notes:
                item = QListWidgetItem(note_title(note))
                item.setData(NOTE_ID_ROLE, note.id)
                self.note_list.addItem(item)
                if note.id == wanted:
                    self.note_list.setCurrentItem(item)
        finally:
            self.note_list.blockSignals(False)
        rows = max(1, min(len(notes), NOTE_LIST_ROWS))
        self.note_list.setFixedHeight(self.note_list.sizeHintForRow(0) * rows
                                      + 2 * self.note_list.frameWidth() + 2)
        self._show_note(wanted)
        if select is not None:
            self.edit_button.setChecked(True)
            self.editor.setFocus()

    def _note_chosen(self, current: QListWidgetItem | None,
                     _previous: QListWidgetItem | None) -> None:
        self.save()
        self._show_note(None if current is None else int(current.data(NOTE_ID_ROLE)))

    def _show_note(self, note_id: int | None) -> None:
        note = self._notes.get(note_id) if note_id is not None else None
        same = note_id == self._note_id and note_id is not None
        self._note_id = note_id
        body = note.body if note is not None else ""
        # Typing in the editor survives a refresh of the same note; anything else shows
        # what the library holds.
        typing = same and self.editor.toPlainText() != self._loaded_body
        if not typing and self.editor.toPlainText() != body:
            self.editor.setPlainText(body)
        self._loaded_body = body
        for widget in (self.editor, self.preview, self.edit_button, self.preview_button):
            widget.setEnabled(note is not None)
        for button in (self.save_button, self.delete_button):
            button.setEnabled(note is not None and not self._read_only)
        self.add_button.setEnabled(not self._read_only)
        if note is not None:
            self.editor.setPlaceholderText("" if self._read_only else EDITOR_HINT)
        else:
            self.editor.setPlaceholderText("This paper has no notes." if self._read_only
                                           else "Add a note to this paper with “Add note”.")
        if self.preview_button.isChecked():
            self.preview.show_markdown(self.editor.toPlainText())

    def _set_preview(self, on: bool) -> None:
        if on:
            self.save()
            self.preview.show_markdown(self.editor.toPlainText())
        self._pages.setCurrentWidget(self.preview if on else self.editor)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.editor and isinstance(event, QFocusEvent)
                and event.type() == QEvent.Type.FocusOut
                and event.reason() != Qt.FocusReason.PopupFocusReason):
            self.save()
        return super().eventFilter(watched, event)
