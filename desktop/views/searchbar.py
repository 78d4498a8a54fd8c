"""The search field: searches as the user types, completes prefixes, tags and lists.

Signals:
- ``query_changed(str)``: the text to search for, after a short pause in typing (or at
  once when the text was set by a click elsewhere).
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QStringListModel, Qt, QTimer, Signal
from PySide6.QtWidgets import QCompleter, QLabel, QLineEdit, QVBoxLayout, QWidget

from db.search import complete_prefixes, quote

SEARCH_DEBOUNCE_MS = 150


def current_word(text: str, cursor: int) -> tuple[int, str]:
    """Where the word being typed at ``cursor`` starts, and the word so far.

    A space inside an open quote belongs to the word (``tag:"machine le``).
    """
    start, in_quote = 0, False
    for i, ch in enumerate(text[:cursor]):
        if ch == '"':
            in_quote = not in_quote
        elif ch in " (" and not in_quote:
            start = i + 1
    word = text[start:cursor]
    if word.startswith("-"):
        return start + 1, word[1:]
    return start, word


class SearchBar(QWidget):
    query_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = QLineEdit()
        self.field.setObjectName("searchField")
        self.field.setAccessibleName("searchField")
        self.field.setPlaceholderText(
            'Search: words, "a phrase", author:yi, tag:ml, year:>=2022 …  (Ctrl+F)')
        self.field.setClearButtonEnabled(True)
        self.error = QLabel()
        self.error.setObjectName("searchError")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setStyleSheet("color: #c62828;")
        self.error.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.field)
        layout.addWidget(self.error)

        self._words = QStringListModel(list(complete_prefixes()), self)
        self.completer = QCompleter(self._words, self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchStartsWith)
        self.completer.setWidget(self.field)
        self.completer.activated.connect(self._insert_completion)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self._emit)
        self.field.textEdited.connect(self._edited)
        # The clear button changes the text without textEdited.
        self.field.textChanged.connect(lambda text: text or self._debounce.start())

    def text(self) -> str:
        return self.field.text()

    def set_query(self, text: str) -> None:
        """Put a query in the field and search at once (a click in the sidebar)."""
        self.field.setText(text)
        self._debounce.stop()
        self._emit()

    def set_completions(self, tags: Iterable[str], lists: Iterable[str]) -> None:
        words = [*complete_prefixes(), *(f"tag:{quote(t)}" for t in tags),
                 *(f"list:{quote(n)}" for n in lists)]
        self._words.setStringList(words)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def clear_error(self) -> None:
        self.error.hide()

    def focus(self) -> None:
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()

    def _emit(self) -> None:
        self.query_changed.emit(self.field.text())

    def _edited(self, text: str) -> None:
        self._debounce.start()
        _, word = current_word(text, self.field.cursorPosition())
        popup = self.completer.popup()
        self.completer.setCompletionPrefix(word)
        if len(word) >= 2 and self.completer.completionCount() and \
                self.completer.currentCompletion() != word:
            self.completer.complete()
        elif popup is not None:
            popup.hide()

    def _insert_completion(self, completion: str) -> None:
        text, cursor = self.field.text(), self.field.cursorPosition()
        start, _ = current_word(text, cursor)
        # A completed prefix ("title:") waits for its value; a whole term gets a space.
        tail = "" if completion.endswith(":") else " "
        new = text[:start] + completion + tail + text[cursor:].lstrip()
        self.field.setText(new)
        self.field.setCursorPosition(start + len(completion) + len(tail))
        self._debounce.start()
