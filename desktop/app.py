"""The composition root: QApplication, the library, the window."""

from __future__ import annotations

import ctypes.util
import os
import sys

from db.errors import LibraryError
from desktop.paths import APP_NAME
from desktop.startup import open_library

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


def run_app(library_argument: str | None) -> int:
    problem = platform_problem()
    if problem:
        sys.stderr.write(f"papershelf: {problem}\n")
        return 2
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QMessageBox

    from desktop.mainwindow import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    try:
        library = open_library(library_argument)
    except LibraryError as exc:
        box = QMessageBox(QMessageBox.Icon.Critical, APP_NAME, str(exc))
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.exec()
        return 2
    window = MainWindow(library)
    window.show()
    try:
        return int(app.exec())
    finally:
        library.close()
