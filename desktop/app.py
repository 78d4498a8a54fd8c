"""The composition root: QApplication, settings, the library's writer and reader, window."""

from __future__ import annotations

import ctypes.util
import os
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from db.errors import LibraryError
from desktop.dialogs.errors import show_error
from desktop.mainwindow import MainWindow
from desktop.paths import APP_NAME
from desktop.settings import Settings
from desktop.startup import open_library
from desktop.tasks import TaskRunner
from desktop.theme import apply_theme

XCB_LIBRARIES = (
    "libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 "
    "libxcb-render-util0 libxcb-xinerama0 libxcb-shape0"
)


def platform_problem() -> str | None:
    """Why Qt will not be able to open a window here, in words, or None.

    Qt aborts the process with a cryptic message when its platform plugin cannot load,
    so the usual Linux causes are checked before Qt is asked.
    """
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return None
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        return ("Papershelf could not open a window: there is no display (neither DISPLAY "
                "nor WAYLAND_DISPLAY is set). Run it from a desktop session.")
    if not os.environ.get("WAYLAND_DISPLAY") and ctypes.util.find_library("xcb-cursor") is None:
        return ("Papershelf could not open a window: Qt needs the X11 library libxcb-cursor, "
                "which is not installed. On Debian or Ubuntu: "
                f"sudo apt-get install {XCB_LIBRARIES}")
    return None


class App:
    """Owns what lives as long as a library is open: writer, reader, window."""

    def __init__(self, settings_path: Path | None = None) -> None:
        existing = QApplication.instance()
        self.qt = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
        self.qt.setApplicationName(APP_NAME)
        self.qt.setOrganizationName(APP_NAME)
        self.system_style = self.qt.style().name()
        self.settings = Settings(settings_path)
        self.window: MainWindow | None = None
        self._runner: TaskRunner | None = None

    def open(self, argument: str | None) -> bool:
        """Open the library named on the command line, or the last one, or the default."""
        if argument is None and not os.environ.get("PAPERSHELF_LIBRARY"):
            last = self.settings.last_library
            if last and Path(last).exists():
                argument = last
        return self.switch(argument)

    def switch(self, argument: str | Path | None) -> bool:
        try:
            writer = open_library(None if argument is None else str(argument))
        except LibraryError as exc:
            show_error(self.window, "opening the library", exc).exec()
            return False
        try:
            reader = open_library(str(writer.path), read_only=True)
        except BaseException:
            writer.close()
            raise
        self.close()
        runner = TaskRunner(writer)
        window = MainWindow(reader, runner, self.settings, self.system_style)
        window.library_requested.connect(self.switch)
        apply_theme(self.qt, self.settings.theme, self.system_style)
        window.show()
        self.window, self._runner = window, runner
        return True

    def close(self) -> None:
        if self.window is not None:
            self.window.save_state()
            self.window.close()
            self.window.reader.close()
            self.window.deleteLater()
        if self._runner is not None:
            self._runner.shutdown()
        self.window = self._runner = None


def run_app(library_argument: str | None) -> int:
    problem = platform_problem()
    if problem:
        sys.stderr.write(f"papershelf: {problem}\n")
        return 2
    app = App()
    if not app.open(library_argument):
        return 2
    try:
        return int(app.qt.exec())
    finally:
        app.close()
