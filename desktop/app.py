"""The composition root: QApplication, settings, the library's writer and reader, window."""

from __future__ import annotations

import ctypes.util
import logging
import os
import sys
from collections.abc import Sequence
from functools import partial
from pathlib import Path

from PySide6.QtCore import (
    QMessageLogContext,
    QTimer,
    QtMsgType,
    qCritical,
    qDebug,
    qInfo,
    qWarning,
)
from PySide6.QtCore import qInstallMessageHandler as install_message_handler
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from db import backup
from db.backup import Backup
from db.errors import LibraryError, NotALibraryError
from db.lock import held
from desktop.dialogs import damaged
from desktop.dialogs.errors import catch_unexpected, describe, show_error
from desktop.instance import Listener, forward
from desktop.mainwindow import MainWindow
from desktop.paths import APP_ID, APP_NAME, app_icon, log_path
from desktop.settings import Settings
from desktop.startup import Opened, library_path, open_for_window
from desktop.tasks import TaskRunner
from desktop.theme import apply_theme

# What Qt's xcb platform plugin loads besides libxcb itself: the library's name (as
# ctypes.util.find_library spells it) and the Debian/Ubuntu package that has it.
XCB_PACKAGES = {
    "xcb-cursor": "libxcb-cursor0", "xkbcommon-x11": "libxkbcommon-x11-0",
    "xcb-icccm": "libxcb-icccm4", "xcb-keysyms": "libxcb-keysyms1",
    "xcb-image": "libxcb-image0", "xcb-render-util": "libxcb-render-util0",
    "xcb-xinerama": "libxcb-xinerama0", "xcb-shape": "libxcb-shape0",
}
XCB_LIBRARIES = " ".join(XCB_PACKAGES.values())
EXIT_NO_WINDOW = 2


def _has_library(name: str) -> bool:
    """Whether the shared library ``lib<name>.so`` can be loaded: from the system, or
    from the frozen bundle, which carries some of the X11 helpers itself."""
    if ctypes.util.find_library(name) is not None:
        return True
    bundle = getattr(sys, "_MEIPASS", None)
    return isinstance(bundle, str) and any(Path(bundle).glob(f"lib{name}.so*"))


def platform_problem() -> str | None:
    """Why Qt will not be able to open a window here, in words, or None.

    Qt aborts the process with a cryptic message when its platform plugin cannot load,
    so the usual Linux causes are checked before Qt is asked; :func:`start_qt` explains
    the rest.
    """
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return None
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        return ("Papershelf could not open a window: there is no display (neither DISPLAY "
                "nor WAYLAND_DISPLAY is set). Run it from a desktop session.")
    if not os.environ.get("WAYLAND_DISPLAY") and not _has_library("xcb-cursor"):
        return ("Papershelf could not open a window: Qt needs the X11 library libxcb-cursor, "
                "which is not installed. On Debian or Ubuntu: "
                f"sudo apt-get install {XCB_LIBRARIES}")
    return None


def platform_failure(heard: list[tuple[QtMsgType, str, str]]) -> str:
    """What to tell a user whose Qt could not start its platform plugin, from what Qt
    said on the way (kind, category, message), in place of Qt's advice to reinstall."""
    said = [message for _, _, message in heard]
    first = next((m.strip() for m in said if m.strip()), "")
    detail = f"\n  (Qt said: {first})" if first else ""
    requested = os.environ.get("QT_QPA_PLATFORM", "")
    start = "Papershelf could not open a window: "
    if any(m.startswith("Could not find the Qt platform plugin") for m in said):
        return (f"{start}Qt has no platform plugin named {requested!r} (from "
                "QT_QPA_PLATFORM). Unset QT_QPA_PLATFORM, or set it to xcb, wayland or "
                "offscreen.")
    if any(m.startswith("could not connect to display") for m in said):
        return (f"{start}the X display {os.environ.get('DISPLAY', '')!r} (DISPLAY) does not "
                "answer. Run it from a desktop session, or point DISPLAY at a running X "
                "server.")
    if any('platform plugin "wayland' in m for m in said):
        return (f"{start}the Wayland display {os.environ.get('WAYLAND_DISPLAY', '')!r} "
                "(WAYLAND_DISPLAY) does not answer. Run it from a desktop session, or try "
                "X11 with QT_QPA_PLATFORM=xcb.")
    missing = [package for name, package in XCB_PACKAGES.items() if not _has_library(name)]
    if missing and sys.platform.startswith("linux"):
        return (f"{start}Qt needs X11 libraries that are not installed ({', '.join(missing)})."
                f" On Debian or Ubuntu: sudo apt-get install {XCB_LIBRARIES}{detail}")
    named = f" ({requested})" if requested else ""
    return f"{start}Qt could not start its platform plugin{named}.{detail}"


_REPLAY = {QtMsgType.QtDebugMsg: qDebug, QtMsgType.QtInfoMsg: qInfo,
           QtMsgType.QtWarningMsg: qWarning, QtMsgType.QtCriticalMsg: qCritical}


def start_qt() -> QApplication:
    """The QApplication; or, when Qt cannot start its platform plugin, our plain words on
    stderr and exit status 2.

    Qt reports that failure with qFatal, which prints a paragraph about reinstalling the
    application and aborts the process (a core dump, not an exit status). Its messages are
    held while the QApplication is made: the fatal one ends the process here with a
    sentence a user can act on; the others are passed on as Qt would have shown them.
    """
    heard: list[tuple[QtMsgType, str, str]] = []

    def listen(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        if kind == QtMsgType.QtFatalMsg:
            sys.stderr.write(f"papershelf: {platform_failure(heard)}\n")
            sys.stderr.flush()
            os._exit(EXIT_NO_WINDOW)  # Qt aborts once this returns: leave first
        heard.append((kind, context.category or "", message))

    previous = install_message_handler(listen)
    try:
        app = QApplication(sys.argv[:1])
    finally:
        install_message_handler(previous)
    for kind, category, message in heard:
        _REPLAY.get(kind, qWarning)(f"{category}: {message}" if category not in ("", "default")
                                    else message)
    return app


class App:
    """Owns what lives as long as a library is open: writer, reader, window."""

    def __init__(self, settings_path: Path | None = None) -> None:
        existing = QApplication.instance()
        self.qt = existing if isinstance(existing, QApplication) else start_qt()
        self.qt.setApplicationName(APP_NAME)
        self.qt.setOrganizationName(APP_NAME)
        # The desktop entry's name: what Wayland calls the window's app_id, and how a
        # desktop finds the entry's name and icon for the window.
        self.qt.setDesktopFileName(APP_ID)
        self.qt.setWindowIcon(QIcon(str(app_icon())))
        self.system_style = self.qt.style().name()
        self.settings = Settings(settings_path)
        self.window: MainWindow | None = None
        self._runner: TaskRunner | None = None
        self._listener: Listener | None = None

    def chosen(self, argument: str | None) -> str | None:
        """The library :meth:`open` opens: the one named on the command line, or the last
        one, or (None) the environment's or the default."""
        if argument is None and not os.environ.get("PAPERSHELF_LIBRARY"):
            last = self.settings.last_library
            if last and Path(last).exists():
                return last
        return argument

    def open(self, argument: str | None) -> bool:
        """Open the library named on the command line, or the last one, or the default."""
        return self.switch(self.chosen(argument))

    def give_to_open_window(self, argument: str | None, files: Sequence[Path]) -> bool:
        """Hand ``files`` to a Papershelf window that has the library :meth:`open` would
        open; True if one took them."""
        return forward(library_path(self.chosen(argument)), files)

    def reachable(self) -> bool:
        """Whether another ``papershelf open`` can reach this window: it listens, and a
        connection to it is taken (without sending anything)."""
        return self._listener is not None and self._listener.answers()

    def import_opened(self, files: Sequence[Path]) -> None:
        """Files opened with Papershelf: imported into the open library."""
        if self.window is not None:
            self.window.import_opened(files)

    def switch(self, argument: str | Path | None) -> bool:
        """Open another library in place of this one; False (and this one kept) if the
        user ends up without one."""
        name = None if argument is None else str(argument)
        path = library_path(name)
        window = self.window
        if window is not None and not window.read_only and window.reader.path is not None \
                and window.reader.path.resolve() == path.resolve():
            return True  # already open for writing: a second writer would find it locked
        try:
            opened = open_for_window(name)
        except NotALibraryError as exc:
            return self._recover(path, exc)
        except LibraryError as exc:
            show_error(self.window, "opening the library", exc).exec()
            return False
        self._show(opened)
        return True

    def _show(self, opened: Opened) -> None:
        self.close()
        runner = TaskRunner(opened.writer)
        window = MainWindow(opened.reader, runner, self.settings, self.system_style)
        window.library_requested.connect(self.switch)
        window.restore_requested.connect(self.restore)
        window.show_notices(opened.notices)
        apply_theme(self.qt, self.settings.theme, self.system_style)
        window.show()
        self.window, self._runner = window, runner
        if not opened.read_only:
            window.safety.take_daily_backup()
            if window.reader.path is not None:
                listener = Listener(window.reader.path, window)
                if listener.start():
                    listener.files_received.connect(self.import_opened)
                    self._listener = listener

    def _recover(self, path: Path, problem: LibraryError) -> bool:
        """The library at ``path`` is damaged or not a library: offer the newest good
        backup, another library, or to stop there."""
        newest = backup.newest_good(path)
        choice = damaged.ask(self.window, path, str(problem), newest,
                             can_quit=self.window is None)
        if choice == damaged.RESTORE and newest is not None:
            return self._restore(newest, path, keep_as="damaged")
        if choice == damaged.OTHER:
            other = damaged.choose_library(self.window)
            if other is None:
                return self._recover(path, problem)  # back to the three choices
            return self.switch(other)
        return False

    def restore(self, chosen: Backup) -> bool:
        """File → Restore from Backup…: put ``chosen`` in the open library's place."""
        if self.window is None or self.window.reader.path is None:
            return False
        return self._restore(chosen, self.window.reader.path, keep_as="before-restore")

    def _restore(self, chosen: Backup, path: Path, keep_as: str) -> bool:
        # The library is closed first: its writer holds the lock the restore takes.
        self.close()
        try:
            with held(path):
                kept = backup.restore(chosen, path, keep_as=keep_as)
        except LibraryError as exc:
            show_error(None, "restoring a backup", exc).exec()
            return self.switch(path)
        if not self.switch(path) or self.window is None:
            return False
        text = f"Restored the backup of {chosen.summary()}."
        if kept is not None:
            text += f"\n\nThe file it replaced is kept as:\n{kept}"
        self.window.inform("Restored from backup", text)
        return True

    def close(self) -> None:
        if self._listener is not None:
            self._listener.close()  # files sent from now on open a window of their own
            self._listener = None
        # The writer first: what is still queued finishes, and its callbacks (the day's
        # backup, say) still find the window and its reader.
        if self._runner is not None:
            self._runner.shutdown()
        if self.window is not None:
            self.window.save_state()
            self.window.close()
            self.window.reader.close()
            self.window.deleteLater()
        self.window = self._runner = None


def _log_to_file() -> None:
    """Problems the window meets go to the log file (see :func:`desktop.paths.log_path`):
    a window started from a desktop menu has no terminal to print to."""
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        return  # logged to stderr, as before
    # Opened at the first problem: a session without one leaves no file behind.
    handler = logging.FileHandler(path, encoding="utf-8", delay=True)
    logging.basicConfig(handlers=[handler], level=logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def run_app(library_argument: str | None, files: Sequence[Path] = ()) -> int:
    """The window over the library; ``files`` (opened with Papershelf) are imported into
    it, or given to the window that already has that library open."""
    problem = platform_problem()
    if problem:
        sys.stderr.write(f"papershelf: {problem}\n")
        return EXIT_NO_WINDOW
    app = App()
    _log_to_file()
    catch_unexpected(lambda: app.window)
    try:
        if files and app.give_to_open_window(library_argument, files):
            return 0
        if not app.open(library_argument):
            return 2
        if files:
            QTimer.singleShot(0, partial(app.import_opened, files))  # once the window shows
        return int(app.qt.exec())
    except Exception as exc:
        # Before the event loop runs (or after it ends) no dialog would be seen: the
        # terminal gets one line, the log the details.
        describe("starting Papershelf", exc)
        sys.stderr.write(f"papershelf: an unexpected problem stopped Papershelf "
                         f"({type(exc).__name__}: {exc}). Details were written to "
                         f"{log_path()}.\n")
        return EXIT_NO_WINDOW
    finally:
        app.close()
