"""A progress dialog for writes that outlive half a second, with a Cancel that works."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QProgressDialog, QWidget

from desktop.tasks import PROGRESS_DELAY_MS, Task, TaskRunner


class ProgressWatcher(QObject):
    """Shows a dialog for each labelled task still running after the delay; never sooner,
    so quick edits never flash one."""

    def __init__(self, runner: TaskRunner, parent: QWidget) -> None:
        super().__init__(parent)
        self._parent = parent
        self._shown: dict[int, tuple[Task, QProgressDialog]] = {}
        self._poll = QTimer(self)
        self._poll.setInterval(100)
        self._poll.timeout.connect(self._update)
        runner.started.connect(self._started)
        runner.task_finished.connect(self._finished)

    def dialogs(self) -> list[QProgressDialog]:
        return [dialog for _, dialog in self._shown.values()]

    def _started(self, task: Task) -> None:
        QTimer.singleShot(PROGRESS_DELAY_MS, lambda: self._show(task))

    def _show(self, task: Task) -> None:
        if task.finished or task.number in self._shown:
            return
        dialog = QProgressDialog(task.label, "Cancel", 0, 0, self._parent)
        dialog.setObjectName("progressDialog")
        dialog.setWindowTitle("Papershelf")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(task.cancel)
        self._shown[task.number] = (task, dialog)
        dialog.show()
        self._poll.start()

    def _update(self) -> None:
        for task, dialog in self._shown.values():
            if task.total:
                dialog.setMaximum(task.total)
                dialog.setValue(min(task.done, task.total))

    def _finished(self, task: Task) -> None:
        shown = self._shown.pop(task.number, None)
        if shown is not None:
            shown[1].hide()
            shown[1].deleteLater()
        if not self._shown:
            self._poll.stop()
