"""The left sidebar: library places, reading lists, smart lists and tags.

The sidebar filters nothing: a click emits a query and the main window writes it into the
search field, which alone drives the table (calibre's tag browser). Changes made from its
menus and drops go through :class:`desktop.undo.Commands`, so each is one undo step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QContextMenuEvent,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPalette,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QWidget,
)

from db.library import Library
from db.live import live_exports
from db.records import Changes
from desktop.counts import number, plural
from desktop.dialogs import ask
from desktop.models.sidebar import (
    COLOUR_ROLE,
    COUNT_ROLE,
    KIND_ROLE,
    NAME_ROLE,
    PLACEHOLDER_ROLE,
    QUERY_ROLE,
    SidebarModel,
    compose,
    fold,
)
from desktop.settings import Settings
from desktop.undo import Commands

AnyIndex = QModelIndex | QPersistentModelIndex

OR_MODE_TEXT = "Match any of the chosen tags (OR)"
# Room between an item's name and its right-aligned count, and after the count, in pixels.
COUNT_GAP = 8
COUNT_MARGIN = 6
# Tag colour swatches: small, so that a coloured tag does not shout over its neighbours.
SWATCH_SIZE = QSize(12, 12)


class CountDelegate(QStyledItemDelegate):
    """Paints an item's count (COUNT_ROLE) right-aligned and muted, the name elided
    before it: the count stays readable however long the name, and the text stays the
    plain name that type-ahead search in the tree matches."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        count = index.data(COUNT_ROLE)
        if count is None:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        shown = number(int(str(count)))
        metrics = opt.fontMetrics
        text_rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, widget)
        text_rect.adjust(0, 0, -COUNT_MARGIN, 0)
        room = max(0, text_rect.width() - metrics.horizontalAdvance(shown) - COUNT_GAP)
        opt.text = metrics.elidedText(
            opt.text, Qt.TextElideMode.ElideRight, room)
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = (QPalette.ColorRole.HighlightedText if selected
                else QPalette.ColorRole.PlaceholderText)
        painter.save()
        painter.setPen(opt.palette.color(role))
        painter.setFont(opt.font)
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                         shown)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        size = super().sizeHint(option, index)
        count = index.data(COUNT_ROLE)
        if count is not None:
            metrics = option.fontMetrics
            size.setWidth(size.width() + metrics.horizontalAdvance(number(int(str(count))))
                          + COUNT_GAP + COUNT_MARGIN)
        return size


class SidebarView(QTreeView):
    """The sidebar tree. Signals:

    - ``query_chosen(str)``: the whole new text for the search field, after a click or
      Enter on an item. Plain: the item's query alone. Ctrl: the current search AND the
      item (OR instead, for tags, when :attr:`Settings.tag_mode_or` is on). Alt: the
      current search without the item.
    - ``live_export_requested(str, str)`` / ``live_export_stop_requested(str, str)``: a
      reading list or smart list (kind ``"list"`` or ``"smart"``, and name) to bind to a
      file, or to unbind.

    Slots the main window connects:

    - :meth:`set_current_query` (``str``): the search field's text, to compose with.
    - :meth:`on_changes` (:class:`db.records.Changes`): from ``TaskRunner.changed``.
    """

    query_chosen = Signal(str)
    live_export_requested = Signal(str, str)
    live_export_stop_requested = Signal(str, str)

    def __init__(self, library: Library, commands: Commands, settings: Settings,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self._commands = commands
        self._settings = settings
        self._current_query = ""
        self._click_modifiers = Qt.KeyboardModifier.NoModifier
        self._stale = False
        self._read_only = False
        self.sidebar_model = SidebarModel(library, self)
        self.setModel(self.sidebar_model)
        self.setObjectName("sidebar")
        self.setAccessibleName("sidebar")
        self.setHeaderHidden(True)
        self.setItemDelegate(CountDelegate(self))
        self.setUniformRowHeights(True)
        self.setIconSize(SWATCH_SIZE)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        # Drops only, onto an item as a whole: between-item positions would mean
        # reordering, which the sidebar does not do by drag.
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setDragDropOverwriteMode(True)
        self.setDropIndicatorShown(True)
        self.clicked.connect(self._on_clicked)
        self.sidebar_model.papers_dropped.connect(self._on_papers_dropped)
        for row in range(self.sidebar_model.rowCount()):
            self.expand(self.sidebar_model.index(row, 0))

    # -- slots ---------------------------------------------------------------------------

    @Slot(str)
    def set_current_query(self, text: str) -> None:
        """Remember the search text, and select the item whose query it is (if any), so
        that the highlight always says what the table shows."""
        self._current_query = text
        found = self._item_with_query(text.strip())
        if found is None:
            self.clearSelection()
        elif not self.selectionModel().isSelected(found):
            self.selectionModel().setCurrentIndex(
                found, QItemSelectionModel.SelectionFlag.ClearAndSelect)

    @Slot(object)
    def on_changes(self, changes: Changes) -> None:
        """Refresh what a committed write can have moved.

        While the user has the sidebar hidden it only notes that it is stale, and catches
        up when shown: its counts cost a few scans of a large library, for nobody to see.
        """
        if changes.empty:
            return
        if self._hidden_by_user():
            self._stale = True
        else:
            self.sidebar_model.refresh(changes)

    def _hidden_by_user(self) -> bool:
        # Hidden on purpose (View ▸ Sidebar, a closed window), not merely not shown yet.
        widget: QWidget | None = self
        while widget is not None:
            if widget.isHidden() and widget.testAttribute(
                    Qt.WidgetAttribute.WA_WState_ExplicitShowHide):
                return True
            widget = None if widget.isWindow() else widget.parentWidget()
        return False

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.sidebar_model.refresh()

    @Slot()
    def refresh(self) -> None:
        self.sidebar_model.refresh()

    def set_read_only(self, on: bool) -> None:
        """For a library open read-only: menus offer searches only, drops are refused."""
        self._read_only = on
        self.setDragDropMode(QAbstractItemView.DragDropMode.NoDragDrop if on
                             else QAbstractItemView.DragDropMode.DropOnly)
        self.setAcceptDrops(not on)

    # -- choosing ------------------------------------------------------------------------

    def choose(self, index: AnyIndex,
               modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        """Emit the search a click on ``index`` with ``modifiers`` held asks for."""
        query = index.data(QUERY_ROLE) if index.isValid() else None
        if query is None:
            return  # a heading, or a name no query can express (its tooltip says so)
        how = "replace"
        if query:  # "All papers" adds nothing to a search: it always replaces it
            if modifiers & Qt.KeyboardModifier.AltModifier:
                how = "not"
            elif modifiers & Qt.KeyboardModifier.ControlModifier:
                tag = index.data(KIND_ROLE) == "tag"
                how = "or" if tag and self._settings.tag_mode_or else "and"
        text = compose(self._current_query, str(query), how)
        self._current_query = text
        self.query_chosen.emit(text)

    def _on_clicked(self, index: QModelIndex) -> None:
        self.choose(index, self._click_modifiers)

    def _item_with_query(self, query: str) -> QModelIndex | None:
        current = self.currentIndex()
        if current.isValid() and current.data(QUERY_ROLE) == query:
            return current
        found = self.sidebar_model.match(
            self.sidebar_model.index(0, 0), QUERY_ROLE, query, 1,
            Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive)
        return found[0] if found else None

    # -- Qt events -----------------------------------------------------------------------

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        # ``clicked`` carries no modifiers; the release that emits it does.
        self._click_modifiers = event.modifiers()
        super().mouseReleaseEvent(event)
        self._click_modifiers = Qt.KeyboardModifier.NoModifier

    def keyPressEvent(self, event: QKeyEvent) -> None:
        index = self.currentIndex()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and index.isValid():
            self.choose(index, event.modifiers())
            event.accept()
        elif event.key() == Qt.Key.Key_F2 and index.isValid() and not self._read_only:
            self._rename(index)
            event.accept()
        else:
            super().keyPressEvent(event)

    def selectionCommand(self, index: AnyIndex, event: object = None
                         ) -> QItemSelectionModel.SelectionFlag:
        # A modified click composes a search; it must not toggle the selection the way
        # Ctrl+click does in a list. Headings keep the selection where it was.
        if not index.isValid() or not index.flags() & Qt.ItemFlag.ItemIsSelectable:
            return QItemSelectionModel.SelectionFlag.NoUpdate
        return QItemSelectionModel.SelectionFlag.ClearAndSelect

    # Drops copy, whatever the drag proposes: the table's drags default to moving rows
    # (to reorder a list), and a move accepted here would have the table remove them.
    # Qt's handlers accept the *proposed* action, so the copy is set before and after.

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        self._copy(event, super().dragEnterEvent)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        self._copy(event, super().dragMoveEvent)

    def dropEvent(self, event: QDropEvent) -> None:
        self._copy(event, super().dropEvent)

    def _copy(self, event: QDropEvent, handle: Callable[[Any], None]) -> None:
        if not event.possibleActions() & Qt.DropAction.CopyAction:
            event.ignore()
            return
        event.setDropAction(Qt.DropAction.CopyAction)
        handle(event)
        if event.isAccepted():
            event.setDropAction(Qt.DropAction.CopyAction)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        if event.reason() == QContextMenuEvent.Reason.Keyboard:
            index = self.currentIndex()
            position = self.visualRect(index).center()
        else:
            position = event.pos()
            index = self.indexAt(position)
        menu = self.menu_for(index)
        if menu is not None:
            menu.exec(self.viewport().mapToGlobal(position))
            menu.deleteLater()

    # -- menus ---------------------------------------------------------------------------

    def menu_for(self, index: AnyIndex) -> QMenu | None:
        """The context menu for ``index`` (None: nothing to offer there). Every action
        that changes the library asks first where it must, then goes through Commands."""
        kind = index.data(KIND_ROLE) if index.isValid() else None
        name = str(index.data(NAME_ROLE)) if index.isValid() else ""
        menu = QMenu(self)

        def add(text: str, slot: Callable[[], None]) -> None:
            menu.addAction(text).triggered.connect(lambda _checked=False: slot())

        editing = not self._read_only
        if kind == "tag":
            if editing and not index.data(PLACEHOLDER_ROLE):
                add("Rename…", lambda: self.rename_tag(name))
                add("Merge into…", lambda: self.merge_tag(name))
                add("Colour…", lambda: self.recolour_tag(name))
                if index.data(COLOUR_ROLE):
                    add("Remove colour", lambda: self._commands.recolour_tag(name, ""))
                add("Delete…", lambda: self.delete_tag(name))
                menu.addSeparator()
            self._add_search_actions(menu, index)
            menu.addSeparator()
            self._add_or_mode(menu)
        elif kind == "list":
            if editing:
                add("Rename…", lambda: self.rename_list(name))
                add("Delete…", lambda: self.delete_list(name))
                menu.addSeparator()
                self._add_live_export_actions(menu, kind, name)
                menu.addSeparator()
            self._add_search_actions(menu, index)
            if editing:
                menu.addSeparator()
                add("New list…", self.new_list)
        elif kind == "smart" and editing:
            self._add_live_export_actions(menu, kind, name)
            menu.addSeparator()
            add("Delete", lambda: self._commands.delete_smart_list(name))
        elif kind == "section" and name == "lists" and editing:
            add("New list…", self.new_list)
        elif kind == "section" and name == "tags":
            self._add_or_mode(menu)
        # Library places (Trash included) offer nothing here: emptying the trash is the
        # window's job, behind its own confirmation.
        if menu.isEmpty():
            menu.deleteLater()
            return None
        return menu

    def _add_live_export_actions(self, menu: QMenu, kind: str, name: str) -> None:
        menu.addAction("Export Automatically to a File…").triggered.connect(
            lambda _checked=False: self.live_export_requested.emit(kind, name))
        if any((b.kind, b.source) == (kind, name) for b in live_exports(self._library)):
            menu.addAction("Stop Exporting Automatically").triggered.connect(
                lambda _checked=False: self.live_export_stop_requested.emit(kind, name))

    def _add_search_actions(self, menu: QMenu, index: AnyIndex) -> None:
        # The same as Ctrl+click and Alt+click, for keyboards, and for desktops where the
        # window manager takes Alt+drag for itself.
        if index.data(QUERY_ROLE) is None:
            return
        persistent = QPersistentModelIndex(index)
        menu.addAction("Add to search").triggered.connect(
            lambda _checked=False: self.choose(persistent, Qt.KeyboardModifier.ControlModifier))
        menu.addAction("Exclude from search").triggered.connect(
            lambda _checked=False: self.choose(persistent, Qt.KeyboardModifier.AltModifier))

    def _add_or_mode(self, menu: QMenu) -> None:
        action = menu.addAction(OR_MODE_TEXT)
        action.setCheckable(True)
        action.setChecked(self._settings.tag_mode_or)
        action.toggled.connect(self.set_tag_mode_or)

    @Slot(bool)
    def set_tag_mode_or(self, on: bool) -> None:
        self._settings.tag_mode_or = on

    def _rename(self, index: AnyIndex) -> None:
        name = str(index.data(NAME_ROLE))
        if index.data(KIND_ROLE) == "tag" and not index.data(PLACEHOLDER_ROLE):
            self.rename_tag(name)
        elif index.data(KIND_ROLE) == "list":
            self.rename_list(name)

    # -- the actions (names go in window titles, which are always plain text) ------------

    def rename_tag(self, name: str) -> None:
        new_name = ask.text(self, f"Rename tag {name}", "New name (a / makes a subtag):", name)
        if new_name and new_name != name:
            self._commands.rename_tag(name, new_name)

    def merge_tag(self, name: str) -> None:
        others = [tag.name for tag in self._library.tags() if fold(tag.name) != fold(name)]
        into = ask.choice(self, f"Merge tag {name}", "Merge into the tag:", others)
        if into and fold(into) != fold(name):
            self._commands.merge_tags([name], into)

    def recolour_tag(self, name: str) -> None:
        current = self._library.tag_colour(name)
        colour = ask.colour(self, f"Colour of tag {name}", current)
        if colour and colour.lower() != current:
            self._commands.recolour_tag(name, colour)

    def delete_tag(self, name: str) -> None:
        # The tag's own count, not its item's: a parent's item counts the tags below it,
        # which the delete leaves alone.
        question = (f"Delete the tag “{name}”? It comes off "
                    f"{plural(self._library.tag(name).count)}; the papers stay")
        below = self.sidebar_model.find("tag", name)
        if below is not None and self.sidebar_model.hasChildren(below):
            question += ", and so do the tags below it"
        question += "."
        if ask.confirm(self, "Delete tag", question, "Delete tag"):
            self._commands.delete_tag(name)

    def new_list(self) -> None:
        name = ask.text(self, "New reading list", "Name of the new list:")
        if name:
            self._commands.create_list(name)

    def rename_list(self, name: str) -> None:
        new_name = ask.text(self, f"Rename list {name}", "New name:", name)
        if new_name and new_name != name:
            self._commands.rename_list(name, new_name)

    def delete_list(self, name: str) -> None:
        count = self._library.reading_list(name).count
        question = f"Delete the reading list “{name}”? Its {plural(count)} stay in the library."
        if ask.confirm(self, "Delete reading list", question, "Delete list"):
            self._commands.delete_list(name)

    @Slot(object, str, str)
    def _on_papers_dropped(self, ids: list[int], kind: str, name: str) -> None:
        if self._read_only:
            return
        if kind == "tag":
            self._commands.add_tags(ids, [name])
        elif kind == "list":
            self._commands.add_to_list(name, ids)

