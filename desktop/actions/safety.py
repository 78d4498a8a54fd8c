"""File → Restore from Backup… and Help → Check Library.

A restore replaces the library's file, which only the app can do (it closes the window
first): the chosen backup is handed over through ``restore_requested``. A check runs on
the writer thread, where it may rebuild the search index, behind the progress dialog.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from db import backup
from db.backup import Backup
from db.integrity import STOPPED, CheckStopped, Report, check
from db.library import Library
from desktop.actions import Context, make_action
from desktop.tasks import Cancelled, current_task

CHECK_LABEL = "Checking the library"


class SafetyActions:
    def __init__(self, ctx: Context, restore_requested: Callable[[Backup], None],
                 repaired: Callable[[], None], notice: Callable[[str], None]) -> None:
        self.ctx = ctx
        self._restore_requested = restore_requested
        self._repaired = repaired
        self._notice = notice
        window = ctx.window
        self.restore_backup = make_action(window, "Restore from &Backup…", self.choose_backup)
        self.check_library = make_action(window, "&Check Library", self.check)

    def take_daily_backup(self) -> None:
        """The day's backup, if due, on the writer thread. No progress dialog: the window
        stays usable, and edits made meanwhile wait for it in the writer's queue. A
        failure goes to the banner, out of the way."""
        from desktop.startup import backup_notice

        path = self.ctx.reader.path
        if path is None or not backup.due(path):
            return

        def job(lib: Library) -> str:
            lib.daily_backup()
            return lib.backup_problem

        def done(problem: str) -> None:
            if problem:
                self._notice(backup_notice(problem))
                self.ctx.status("")
            else:
                self.ctx.status("Today's backup is made.")

        self.ctx.status("Taking today's backup…")
        self.ctx.runner.submit(job, on_done=done)

    def choose_backup(self) -> None:
        from desktop.dialogs.restore import RestoreDialog

        if self.ctx.reader.path is None:
            return
        dialog = RestoreDialog(self.ctx.reader.path, self.ctx.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.restore_chosen.connect(self._restore_requested)
        dialog.open()

    def check(self) -> None:
        def job(lib: Library) -> Report:
            task = current_task()
            try:
                return check(lib, stop=None if task is None else lambda: task.cancelled)
            except CheckStopped:
                raise Cancelled from None

        self.ctx.runner.submit(job, label=CHECK_LABEL, on_done=self._checked,
                               on_error=self._check_failed)

    def _check_failed(self, error: BaseException) -> None:
        if isinstance(error, Cancelled):
            self.ctx.status(STOPPED)
        else:
            self.ctx.runner.failed.emit(CHECK_LABEL, error)

    def _checked(self, report: Report) -> None:
        if report.repaired:
            self._repaired()  # the index was rebuilt: searches may find more now
        box = QMessageBox(QMessageBox.Icon.Information if report.ok
                          else QMessageBox.Icon.Warning, "Check Library", report.describe(),
                          parent=self.ctx.window)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setObjectName("checkReport")
        if not report.ok and self.restore_backup.isEnabled():
            offer = box.addButton("Restore from Backup…", QMessageBox.ButtonRole.ActionRole)
            offer.clicked.connect(self.choose_backup)
        box.addButton(QMessageBox.StandardButton.Close)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
