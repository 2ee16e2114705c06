"""Pickers for an avatar or a timbre: a dialog with search as you type (every word, any order) over the catalogue's
records, and a button that shows the current choice and opens it. Forms (the Live panel, the Video Studio, the
Customize wizards) use these instead of a text field for a VirtualmanKey or a TimbreKey.

With a ThumbnailLoader, the avatar picker shows the avatars as a grid of pictures; without one, as a table.
The dialog is non-modal to the event loop (`open()`, not `exec()`): the app keeps running while it is shown.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QCoreApplication, QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.api.assets import Avatar, Timbre
from desktop.i18n import args
from desktop.ui.assets.models import RecordModel, avatar_model, timbre_model, type_name
from desktop.ui.assets.pictures import avatar_lines, avatar_picture
from desktop.ui.common.thumbnail_grid import ThumbnailGrid
from desktop.ui.common.thumbnails import ThumbnailLoader
from desktop.ui.common.word_filter import ITEM_ROLE, WordFilterProxy

R = TypeVar("R")


@dataclass(frozen=True)
class Pictures:
    """How a picker shows its records as pictures: the loader, a record's picture address, its two caption lines."""

    loader: ThumbnailLoader
    picture: Callable[[Any], str]
    caption: Callable[[Any], tuple[str, str]]


def avatar_caption(a: Avatar) -> str:
    parts = (a.anchor_name, a.clothes_name, a.pose_name, a.resolution, type_name(a.virtualman_type_code))
    return " · ".join(p for p in parts if p)


def timbre_caption(t: Timbre) -> str:
    return " · ".join(p for p in (t.name, t.timbre_type, t.key) if p)


class _SearchBox(QLineEdit):
    """Up and Down move in the list while the search keeps the focus; Enter chooses."""

    def __init__(self, view: QAbstractItemView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
            self.view.keyPressEvent(event)
            return
        super().keyPressEvent(event)


class RecordPicker(QDialog, Generic[R]):
    chosen = Signal(object)  # the record, when the dialog is accepted

    def __init__(
        self,
        title: str,
        model: RecordModel[R],
        records: Sequence[R],
        parent: QWidget | None = None,
        pictures: Pictures | None = None,
    ):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(720, 480)
        self.model = model
        model.setParent(self)
        model.set_records(records)
        self.proxy = WordFilterProxy(self)
        self.proxy.setSourceModel(model)
        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.resizeColumnsToContents()
        self.grid: ThumbnailGrid | None = None
        self.view: QAbstractItemView = self.table
        if pictures is not None:
            self.grid = ThumbnailGrid(pictures.loader, pictures.picture, pictures.caption, self)
            self.grid.setModel(self.proxy)
            own = self.grid.selectionModel()
            self.grid.setSelectionModel(self.table.selectionModel())
            own.deleteLater()
            self.grid.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            self.grid.activated.connect(lambda _index: self.accept())
            self.table.hide()
            self.view = self.grid
            self.resize(860, 600)
        self.search = _SearchBox(self.view, self)
        self.search.setPlaceholderText(self.tr("Type to search: every word, any order"))
        self.search.setClearButtonEnabled(True)
        self.count = QLabel(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        if self.grid is not None:
            layout.addWidget(self.grid, 1)
        layout.addWidget(self.count)
        layout.addWidget(self.buttons)
        self.search.textChanged.connect(self._search)
        self.table.doubleClicked.connect(lambda _index: self.accept())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update())
        self._search("")
        self.search.setFocus()

    def choice(self) -> R | None:
        chosen = self.table.selectionModel().selectedIndexes()
        return chosen[0].data(ITEM_ROLE) if chosen else None

    def select(self, match: Callable[[R], bool]) -> None:
        for row in range(self.proxy.rowCount(QModelIndex())):
            if match(self.proxy.index(row, 0).data(ITEM_ROLE)):
                self.table.selectRow(row)
                self.view.setCurrentIndex(self.proxy.index(row, 0))
                self.view.scrollTo(self.proxy.index(row, 0))
                return

    def accept(self) -> None:
        record = self.choice()
        if record is None:
            return
        self.chosen.emit(record)
        super().accept()

    def _search(self, text: str) -> None:
        self.proxy.set_search(text)
        shown = self.proxy.rowCount(QModelIndex())
        if shown and not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)
            self.view.setCurrentIndex(self.proxy.index(0, 0))
        self.count.setText(args(self.tr("%1 of %2 shown"), str(shown), str(self.model.rowCount())))
        self._update()

    def _update(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(self.choice() is not None)


def avatar_picker(
    avatars: Sequence[Avatar], parent: QWidget | None = None, loader: ThumbnailLoader | None = None
) -> RecordPicker[Avatar]:
    pictures = Pictures(loader, avatar_picture, avatar_lines) if loader is not None else None
    title = QCoreApplication.translate("Pickers", "Choose an avatar")
    return RecordPicker(title, avatar_model(), avatars, parent, pictures)


def timbre_picker(
    timbres: Sequence[Timbre], parent: QWidget | None = None, _loader: ThumbnailLoader | None = None
) -> RecordPicker[Timbre]:
    return RecordPicker(QCoreApplication.translate("Pickers", "Choose a timbre"), timbre_model(), timbres, parent)


class PickerButton(QPushButton, Generic[R]):
    """Shows the chosen record ("Anna · Blue Suit · …") and opens the picker when clicked."""

    changed = Signal(object)  # the new record

    def __init__(
        self,
        make_picker: Callable[[Sequence[R], QWidget, ThumbnailLoader | None], RecordPicker[R]],
        caption: Callable[[R], str],
        key: Callable[[R], str],
        none_text: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._make_picker = make_picker
        self._caption = caption
        self._key = key
        self._none_text = none_text
        self.records: Sequence[R] = ()
        self.current: R | None = None
        self.picker: RecordPicker[R] | None = None
        self.loader: ThumbnailLoader | None = None  # pictures in the picker, when the form has the window's loader
        self.clicked.connect(self.open_picker)
        self._show()

    def set_records(self, records: Sequence[R]) -> None:
        """The records on offer; the current choice stays when it is still among them."""
        self.records = records
        if self.current is not None:
            key = self._key(self.current)
            self.current = next((r for r in records if self._key(r) == key), None)
        self.setEnabled(bool(records))
        self._show()

    def set_current(self, record: R | None) -> None:
        if record is not self.current:
            self.current = record
            self._show()
            self.changed.emit(record)

    def open_picker(self) -> RecordPicker[R]:
        picker = self._make_picker(self.records, self, self.loader)
        if self.current is not None:
            key = self._key(self.current)
            picker.select(lambda r: self._key(r) == key)
        picker.chosen.connect(self.set_current)
        picker.finished.connect(picker.deleteLater)
        self.picker = picker
        picker.open()
        return picker

    def _show(self) -> None:
        self.setText(self._caption(self.current) if self.current is not None else self._none_text)
        self.setToolTip(self._key(self.current) if self.current is not None else "")


def avatar_button(none_text: str, parent: QWidget | None = None) -> PickerButton[Avatar]:
    return PickerButton(avatar_picker, avatar_caption, lambda a: a.virtualman_key, none_text, parent)


def timbre_button(none_text: str, parent: QWidget | None = None) -> PickerButton[Timbre]:
    return PickerButton(timbre_picker, timbre_caption, lambda t: t.key, none_text, parent)


__all__ = ["PickerButton", "RecordPicker", "avatar_button", "avatar_picker", "timbre_button", "timbre_picker"]
