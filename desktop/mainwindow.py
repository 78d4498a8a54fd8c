"""The main window: sidebar | search and table | detail pane. Builds and wires; no logic.

Signals:
- ``library_requested(Path)``: the user chose another library (New/Open library…).
- ``restore_requested(Backup)``: the user confirmed restoring a backup of this library.

A library the writer opened read-only (another Papershelf writes it, or its file cannot
be written) shows every paper and offers no edit: the banner says why.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from functools import partial
from pathlib import Path

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QShortcut,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from db.errors import QueryError
from db.exporting import export
from db.formats import ExportOptions
from db.library import Library
from db.records import Changes
from db.search import compile_query
from desktop.actions import Context, make_action
from desktop.actions.files import FileActions
from desktop.actions.lists import ListActions
from desktop.actions.live import LiveExports
from desktop.actions.papers import PaperActions, cite_keys
from desktop.actions.safety import SafetyActions
from desktop.banner import Banner
from desktop.counts import number, plural
from desktop.dialogs.errors import show_error
from desktop.dialogs.help import about_text, search_help_text
from desktop.dialogs.progress import ProgressWatcher
from desktop.models.papers import PAGE_SIZE, PaperTableModel
from desktop.settings import THEMES, Settings
from desktop.tasks import TaskRunner
from desktop.theme import apply_theme
from desktop.undo import Commands
from desktop.views.detail import DetailPane
from desktop.views.searchbar import SearchBar
from desktop.views.sidebar import SidebarView
from desktop.views.table import PaperTable

# Up to this many papers, a drag into another program carries formatted references.
DRAG_REFERENCES = 50
READ_ONLY_REFUSAL = "This library is open read-only: changes cannot be saved."


class MainWindow(QMainWindow):
    library_requested = Signal(Path)
    restore_requested = Signal(object)

    def __init__(self, reader: Library, runner: TaskRunner, settings: Settings,
                 system_style: str = "") -> None:
        super().__init__()
        self.reader = reader
        self.runner = runner
        self.settings = settings
        self._system_style = system_style
        name = reader.path.name if reader.path else "library"
        read_only = " (read-only)" if runner.library.read_only else ""
        self.setWindowTitle(f"Papershelf — {name}{read_only}")
        self.setObjectName("mainWindow")
        self.resize(1400, 850)
        self.setAcceptDrops(True)

        self.commands = Commands(runner, QUndoStack(self), self.report_error)
        self.search = SearchBar()
        self.model = PaperTableModel(reader, self)
        self.table = PaperTable(self.model)
        self.sidebar = SidebarView(reader, self.commands, settings)
        self.detail = DetailPane(reader, self.commands)
        self.status_label = QLabel()
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.statusBar().setObjectName("statusBar")
        self.statusBar().setAccessibleName("statusBar")
        self.statusBar().addPermanentWidget(self.status_label)

        centre = QWidget()
        layout = QVBoxLayout(centre)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.table)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(centre)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([210, 860, 350])
        self.banner = Banner()
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.setSpacing(0)
        body_layout.addWidget(self.banner)
        body_layout.addWidget(self.splitter, 1)
        self.setCentralWidget(body)
        # Decided by how the writer could open the library; it stays so until reopened.
        self.read_only = runner.library.read_only

        self.ctx = Context(self, reader, self.commands, runner, settings, self.table,
                           self.search, self.report_error, self.show_message,
                           self._select_when_shown)
        self.papers = PaperActions(self.ctx)
        self.lists = ListActions(self.ctx)
        self.files = FileActions(self.ctx, self.library_requested.emit, self.show_summary)
        self.safety = SafetyActions(self.ctx, self.restore_requested.emit, self.run_search,
                                    self.add_notice)
        self.model.drag_text = self._drag_text
        self.progress = ProgressWatcher(runner, self)
        self.live = LiveExports(self.ctx, self.sidebar.refresh)
        self._pending_selection: list[int] = []
        # What the table shows: query, sort, count and first ids (all of a small result).
        self._shown: tuple[object, ...] = ()
        # Papers outside the trash, counted again only after a write (25 ms at 1M).
        self._library_size: int | None = None
        self._build_menus()
        self._connect_signals()
        self._restore_state()
        self._apply_read_only()
        self.setTabOrder(self.search.field, self.table)
        self.setTabOrder(self.table, self.sidebar)
        self.setTabOrder(self.sidebar, self.detail)

    # -- building ---------------------------------------------------------------------------

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu("&File")
        self.export_action = make_action(self, "&Export…", self.show_export, "Ctrl+E")
        for action in (self.files.new_library, self.files.open_library,
                       self.safety.restore_backup, None, self.files.import_files,
                       self.export_action, None, self.files.quit):
            file.addSeparator() if action is None else file.addAction(action)

        edit = bar.addMenu("&Edit")
        self.undo_action = self.commands.stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.commands.stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"),
                                       QKeySequence(QKeySequence.StandardKey.Redo)])
        self.preferences = make_action(self, "&Preferences…", self._show_preferences,
                                       QKeySequence.StandardKey.Preferences)
        for action in (self.undo_action, self.redo_action, None, self.papers.new_paper,
                       self.papers.delete, self.papers.delete_for_good, self.papers.restore,
                       self.papers.empty_trash, None, self.files.paste_papers,
                       self.papers.select_all,
                       self.papers.copy_key, self.papers.copy_reference,
                       self.papers.copy_citation, self.papers.open_link, None,
                       self.lists.add_to_list, self.lists.remove_from_list,
                       self.lists.new_list, self.lists.save_search, None, self.preferences):
            edit.addSeparator() if action is None else edit.addAction(action)

        view = bar.addMenu("&View")
        view.addMenu(self.table.columns_menu(self))
        self.toggle_sidebar = make_action(self, "Show &Sidebar", lambda: None, "Ctrl+Shift+T")
        self.toggle_detail = make_action(self, "Show &Detail Pane", lambda: None,
                                         "Ctrl+Shift+D")
        for action, widget in ((self.toggle_sidebar, self.sidebar),
                               (self.toggle_detail, self.detail)):
            action.setCheckable(True)
            action.setChecked(True)
            action.toggled.connect(widget.setVisible)
            view.addAction(action)
        themes = view.addMenu("&Theme")
        self.theme_actions: dict[str, QAction] = {}
        for theme in THEMES:
            action = make_action(self, theme.capitalize(), partial(self.set_theme, theme))
            action.setCheckable(True)
            themes.addAction(action)
            self.theme_actions[theme] = action

        tools = bar.addMenu("&Tools")
        self.find_duplicates_action = make_action(self, "Find &Duplicates…",
                                                  self.find_duplicates)
        tools.addAction(self.find_duplicates_action)

        help_menu = bar.addMenu("&Help")
        help_menu.addAction(make_action(self, "&Search Syntax", self._show_search_help, "F1"))
        help_menu.addAction(self.safety.check_library)
        help_menu.addAction(make_action(self, "&About Papershelf", self._show_about))

        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._row_menu)

    def _connect_signals(self) -> None:
        """Every signal of the window's parts is wired here and nowhere else."""
        self.search.query_changed.connect(self.run_search)
        self.search.field.textChanged.connect(self.sidebar.set_current_query)
        self.sidebar.query_chosen.connect(self.search.set_query)
        self.table.sort_requested.connect(self._sort_changed)
        self.table.open_requested.connect(self.papers.open_first_link)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.model.rows_dropped.connect(self.lists.move_rows)
        self.runner.changed.connect(self.on_changes)
        self.runner.changed.connect(self.live.on_changes)
        self.sidebar.live_export_requested.connect(self.live.start)
        self.sidebar.live_export_stop_requested.connect(self.live.stop)
        self.runner.failed.connect(self.report_error)
        self.commands.stack.indexChanged.connect(lambda _i: self._update_actions())
        for keys in (QKeySequence(QKeySequence.StandardKey.Find), QKeySequence("/")):
            shortcut = QShortcut(keys, self)
            shortcut.activated.connect(self.search.focus)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.search.field)
        escape.setContext(Qt.ShortcutContext.WidgetShortcut)
        escape.activated.connect(lambda: self.search.set_query(""))

    def _restore_state(self) -> None:
        settings = self.settings
        if settings.window_geometry is not None:
            self.restoreGeometry(settings.window_geometry)
        if settings.splitter_state is not None:
            self.splitter.restoreState(settings.splitter_state)
        if settings.header_state is not None:
            self.table.horizontalHeader().restoreState(settings.header_state)
        self.table.set_sort(*settings.sort)
        self.toggle_sidebar.setChecked(settings.sidebar_visible)
        self.toggle_detail.setChecked(settings.detail_visible)
        self.theme_actions[settings.theme].setChecked(True)
        self._refresh_completions()
        self.model.set_tag_colours({t.name: t.color for t in self.reader.tags()})
        self.run_search(self.search.text())
        if settings.selected_key:
            with contextlib.suppress(LookupError):
                self._select_when_shown([self.reader.paper_id(settings.selected_key)])
        self._update_actions()

    def save_state(self) -> None:
        settings = self.settings
        settings.window_geometry = self.saveGeometry()
        settings.splitter_state = self.splitter.saveState()
        settings.header_state = self.table.horizontalHeader().saveState()
        settings.sort = self.table.sort
        settings.sidebar_visible = self.toggle_sidebar.isChecked()
        settings.detail_visible = self.toggle_detail.isChecked()
        ids = self.table.selected_ids()
        settings.selected_key = self.reader.rows(ids[:1])[0].key if ids else ""
        if self.reader.path is not None:
            settings.last_library = str(self.reader.path)
        settings.sync()

    # -- reacting ----------------------------------------------------------------------------

    def run_search(self, text: str | None = None) -> None:
        """Search with the field's text and the table's sort; keep the selection by id.

        A result is read as its count and first page; the model reads other pages as
        they are shown.
        """
        query = self.search.text() if text is None else text
        field, descending = self.table.sort
        try:
            count, first = self.reader.page(query, sort=field, descending=descending,
                                            limit=PAGE_SIZE)
        except QueryError as exc:
            self.search.show_error(str(exc))
            return
        self.search.clear_error()
        self.model.reorderable = (field is None and self.lists.shown_list() is not None
                                  and not self.read_only)
        keep = self._pending_selection or self.table.selected_ids()
        whole = count <= len(first)
        shown = (query, field, descending, count, first)
        if shown != self._shown or (whole and first != self.model.ids()):
            self._shown = shown
            current = self.table.currentIndex().row()
            if whole:
                self.model.set_ids(first)
            else:
                self.model.set_result(count, first, partial(
                    self._page_of, query, field, descending))
            self.table.select_ids(keep)
            if keep and not self.table.selected_ids() and count and not self._pending_selection:
                # The selected papers left the view (trashed, say): select the row that
                # took their place, as a user working down a list expects.
                self.table.selectRow(min(max(current, 0), count - 1))
            # A model reset drops the selection without saying so: tell the pane.
            self._selection_changed()
        else:
            self.model.forget_beyond_first_page()
        if self._pending_selection and any(self.model.row_of_id(i) is not None
                                           for i in self._pending_selection):
            self.table.select_ids(self._pending_selection)
            self._pending_selection = []
        self._update_status()

    def _page_of(self, query: str, field: str | None, descending: bool, offset: int,
                 limit: int | None) -> list[int]:
        try:
            return self.reader.search(query, sort=field, descending=descending,
                                      limit=limit if limit is not None else -1, offset=offset)
        except QueryError:  # the query ran a moment ago; only a changed clock could fail it
            return []

    def on_changes(self, changes: Changes) -> None:
        """A write committed: refresh exactly what it touched."""
        self._library_size = None
        if changes.tags:
            self.model.set_tag_colours({t.name: t.color for t in self.reader.tags()})
        if changes.tags or changes.lists:
            self._refresh_completions()
        before = self._shown
        self.run_search()
        if self._shown == before:
            self.model.refresh_papers(changes.papers | changes.notes)
        self.sidebar.on_changes(changes)
        self.detail.on_changes(changes)
        self._update_status()

    def _select_when_shown(self, ids: list[int]) -> None:
        """Select papers now, or as soon as a search shows them (a new paper, say)."""
        self._pending_selection = list(ids)
        if any(self.model.row_of_id(i) is not None for i in ids):
            self.table.select_ids(ids)
            self._pending_selection = []

    def _sort_changed(self, field: str | None, descending: bool) -> None:
        self.settings.sort = (field, descending)
        self.run_search()

    def _selection_changed(self) -> None:
        self.detail.show_papers(self.table.selected_ids())
        self._update_status()
        self._update_actions()

    def _update_status(self) -> None:
        if self._library_size is None:
            self._library_size = self.reader.count()
        selected = len(self.table.selectionModel().selectedRows())
        self.status_label.setText(f"{plural(self._library_size)} · "
                                  f"{number(self.model.rowCount())} shown · "
                                  f"{number(selected)} selected")

    def _update_actions(self) -> None:
        has_selection = bool(self.table.selectionModel().selectedRows())
        for action in (self.papers.copy_key, self.papers.open_link):
            action.setEnabled(has_selection)
        editable = has_selection and not self.read_only
        for action in (self.papers.delete, self.papers.delete_for_good, self.lists.add_to_list):
            action.setEnabled(editable)
        self.papers.restore.setEnabled(editable and self._showing_trash())
        self.lists.remove_from_list.setEnabled(editable and
                                               self.lists.shown_list() is not None)
        for action in self._editing_actions():
            action.setEnabled(not self.read_only)

    def _editing_actions(self) -> list[QAction]:
        """What changes the library whatever is selected: off while it is read-only."""
        return [self.papers.new_paper, self.papers.empty_trash, self.files.import_files,
                self.files.paste_papers, self.lists.new_list, self.lists.save_search,
                self.find_duplicates_action, self.safety.restore_backup]

    def _apply_read_only(self) -> None:
        self.detail.set_read_only(self.read_only)
        self.sidebar.set_read_only(self.read_only)
        self.table.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly if self.read_only
                                   else QAbstractItemView.DragDropMode.DragDrop)
        self._update_actions()

    def _showing_trash(self) -> bool:
        try:
            return compile_query(self.search.text()).include_trash
        except QueryError:
            return False

    def _refresh_completions(self) -> None:
        self.search.set_completions([t.name for t in self.reader.tags()],
                                    [rl.name for rl in self.reader.lists()])

    def _row_menu(self, position: QPoint) -> None:
        menu = QMenu(self)
        for action in (self.papers.open_link, self.papers.copy_key, None,
                       self.lists.add_to_list, self.lists.remove_from_list, None,
                       self.papers.restore, self.papers.delete, self.papers.delete_for_good):
            menu.addSeparator() if action is None else menu.addAction(action)
        menu.exec(self.table.viewport().mapToGlobal(position))

    # -- messages ----------------------------------------------------------------------------

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def show_notices(self, notices: list[str]) -> None:
        """What the banner says about this library (read-only, backup, synced folder)."""
        self.banner.show_notices(notices)

    def add_notice(self, notice: str) -> None:
        self.banner.show_notices([*self.banner.notices(), notice])

    def inform(self, title: str, text: str) -> QMessageBox:
        """A plain-text message over the window, left open while the user goes on."""
        box = QMessageBox(QMessageBox.Icon.Information, title, text, parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    def report_error(self, what: str, error: BaseException) -> None:
        # A refused edit changed nothing, so no Changes will come: show the stored values.
        self.detail.refresh()
        show_error(self, what, error)

    def show_summary(self, summary: str, details: list[str]) -> None:
        """What an import did: the counts, and every file's line and problem behind a
        button."""
        box = QMessageBox(QMessageBox.Icon.Information, "Import", summary, parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        if details:
            box.setDetailedText("\n".join(details))
        box.setObjectName("importSummary")
        box.open()

    def _drag_text(self, ids: list[int]) -> str:
        """Papers dropped into a text editor: their references, or (for a big drag, which
        formatting would make slow to start) their citation keys."""
        if len(ids) > DRAG_REFERENCES:
            return cite_keys([row.key for row in self.reader.rows(ids)],
                             self.settings.key_format)
        return export(self.reader, ids, "bibliography",
                      ExportOptions(style=self.settings.citation_style))

    def show_export(self) -> None:
        from desktop.dialogs.export import ExportDialog

        dialog = ExportDialog(self.reader, self.runner, self.table.selected_ids(),
                              self.search.text(), self.report_error, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def find_duplicates(self) -> None:
        from desktop.dialogs.duplicates import DuplicatesDialog

        dialog = DuplicatesDialog(self.reader, self.runner, self.commands, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        dialog.scan()

    def _show_search_help(self) -> None:
        box = QMessageBox(QMessageBox.Icon.NoIcon, "Search syntax", search_help_text(),
                          parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setObjectName("searchHelp")
        box.open()

    def _show_about(self) -> None:
        box = QMessageBox(QMessageBox.Icon.NoIcon, "About Papershelf", about_text(),
                          parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.open()

    def _show_preferences(self) -> None:
        from desktop.dialogs.preferences import PreferencesDialog

        dialog = PreferencesDialog(self.settings, self.reader, self.runner, self)
        dialog.theme_chosen.connect(self.set_theme)
        dialog.open()

    def set_theme(self, theme: str) -> None:
        self.settings.theme = theme
        for name, action in self.theme_actions.items():
            action.setChecked(name == theme)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, theme, self._system_style)

    # -- window events -------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and all(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def import_opened(self, paths: Sequence[Path]) -> None:
        """Files opened with Papershelf (from a file manager, or another ``papershelf
        open``): brought to the front and imported, or told why not."""
        if self.isMinimized():
            self.showNormal()
        self.raise_()
        self.activateWindow()
        if self.read_only:
            self.inform("Import", f"{READ_ONLY_REFUSAL}\n\nNot imported: "
                        + ", ".join(str(p) for p in paths))
            return
        self.files.import_paths(paths)

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths and self.read_only:
            self.show_message(READ_ONLY_REFUSAL)
            return
        if paths:
            event.acceptProposedAction()
            # Let the drop finish before the import's progress dialog may appear.
            QTimer.singleShot(0, lambda: self.files.import_paths(paths))

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        super().closeEvent(event)
