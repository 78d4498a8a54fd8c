"""Every QSettings key Papershelf uses, typed, in one place.

Header and splitter states are keyed by Qt's version: a state saved by another Qt may not
restore cleanly, and then the defaults are better than a garbled table.
"""

from __future__ import annotations

from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QByteArray, QSettings

THEMES: tuple[str, ...] = ("system", "light", "dark")
# How Ctrl+K copies citation keys: as they are, for LaTeX, or for pandoc.
KEY_FORMATS: dict[str, str] = {"plain": "key1, key2", "latex": "\\cite{key1,key2}",
                               "pandoc": "[@key1; @key2]"}


class Settings:
    """A typed view of the user's settings; tests pass a file of their own."""

    def __init__(self, path: Path | None = None) -> None:
        if path is None:
            self._store = QSettings("Papershelf", "Papershelf")
        else:
            self._store = QSettings(str(path), QSettings.Format.IniFormat)

    def _bytes(self, key: str) -> QByteArray | None:
        value = self._store.value(f"{key}/qt-{pyside_version}")
        return value if isinstance(value, QByteArray) else None

    def _set_bytes(self, key: str, value: QByteArray) -> None:
        self._store.setValue(f"{key}/qt-{pyside_version}", value)

    @property
    def window_geometry(self) -> QByteArray | None:
        return self._bytes("window/geometry")

    @window_geometry.setter
    def window_geometry(self, value: QByteArray) -> None:
        self._set_bytes("window/geometry", value)

    @property
    def splitter_state(self) -> QByteArray | None:
        return self._bytes("window/splitter")

    @splitter_state.setter
    def splitter_state(self, value: QByteArray) -> None:
        self._set_bytes("window/splitter", value)

    @property
    def header_state(self) -> QByteArray | None:
        """Column order, widths and visibility of the paper table."""
        return self._bytes("table/header")

    @header_state.setter
    def header_state(self, value: QByteArray) -> None:
        self._set_bytes("table/header", value)

    @property
    def sort(self) -> tuple[str | None, bool]:
        """The field the table is sorted by (None: relevance or list order) and direction."""
        field = str(self._store.value("table/sort_field", "") or "")
        descending = str(self._store.value("table/sort_descending", "false")) == "true"
        return (field or None), descending

    @sort.setter
    def sort(self, value: tuple[str | None, bool]) -> None:
        self._store.setValue("table/sort_field", value[0] or "")
        self._store.setValue("table/sort_descending", "true" if value[1] else "false")

    @property
    def last_library(self) -> str:
        return str(self._store.value("library/last", "") or "")

    @last_library.setter
    def last_library(self, value: str) -> None:
        self._store.setValue("library/last", value)

    @property
    def selected_key(self) -> str:
        """The citation key of the paper selected when the window closed."""
        return str(self._store.value("library/selected_key", "") or "")

    @selected_key.setter
    def selected_key(self, value: str) -> None:
        self._store.setValue("library/selected_key", value)

    @property
    def theme(self) -> str:
        value = str(self._store.value("view/theme", "system") or "system")
        return value if value in THEMES else "system"

    @theme.setter
    def theme(self, value: str) -> None:
        self._store.setValue("view/theme", value if value in THEMES else "system")

    @property
    def sidebar_visible(self) -> bool:
        return str(self._store.value("view/sidebar", "true")) == "true"

    @sidebar_visible.setter
    def sidebar_visible(self, value: bool) -> None:
        self._store.setValue("view/sidebar", "true" if value else "false")

    @property
    def detail_visible(self) -> bool:
        return str(self._store.value("view/detail", "true")) == "true"

    @detail_visible.setter
    def detail_visible(self, value: bool) -> None:
        self._store.setValue("view/detail", "true" if value else "false")

    @property
    def tag_mode_or(self) -> bool:
        """Ctrl+click on tags joins them with OR instead of AND."""
        return str(self._store.value("sidebar/tag_mode_or", "false")) == "true"

    @tag_mode_or.setter
    def tag_mode_or(self, value: bool) -> None:
        self._store.setValue("sidebar/tag_mode_or", "true" if value else "false")

    @property
    def citation_style(self) -> str:
        """The CSL style of copied bibliographies and citations."""
        return str(self._store.value("copy/style", "apa") or "apa")

    @citation_style.setter
    def citation_style(self, value: str) -> None:
        self._store.setValue("copy/style", value)

    @property
    def key_format(self) -> str:
        value = str(self._store.value("copy/key_format", "plain") or "plain")
        return value if value in KEY_FORMATS else "plain"

    @key_format.setter
    def key_format(self, value: str) -> None:
        self._store.setValue("copy/key_format", value if value in KEY_FORMATS else "plain")

    def sync(self) -> None:
        self._store.sync()
