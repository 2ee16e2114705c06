"""Background and foreground pictures of a live session (createsessionbyasset's Backgrounds and Foregrounds): a
small table, one layer a row, at most five in all. Positions and sizes are in the pixels of the avatar's
resolution, as the platform takes them; a picture must be reachable by the platform (jpg, png, gif or mjpeg)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import QT_TRANSLATE_NOOP
from desktop.services.session_request import MAX_LAYERS, Layer

COLUMNS = (
    QT_TRANSLATE_NOOP("LayersEditor", "Kind"),
    QT_TRANSLATE_NOOP("LayersEditor", "Picture URL"),
    "X",
    "Y",
    QT_TRANSLATE_NOOP("LayersEditor", "Width"),
    QT_TRANSLATE_NOOP("LayersEditor", "Height"),
)
NUMBERS = (2, 3, 4, 5)


class LayersEditor(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels([QCoreApplication.translate("LayersEditor", name) for name in COLUMNS])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column in (0, *NUMBERS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setMaximumHeight(150)
        self.table.itemChanged.connect(lambda _item: self.changed.emit())
        self.add_button = QPushButton(self.tr("Add layer"), self)
        self.add_button.clicked.connect(lambda: self.add(Layer("")))
        self.remove_button = QPushButton(self.tr("Remove"), self)
        self.remove_button.clicked.connect(self.remove_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self._update_buttons()

    def add(self, layer: Layer, foreground: bool = False) -> None:
        if self.table.rowCount() >= MAX_LAYERS:
            return
        row = self.table.rowCount()
        self.table.blockSignals(True)
        self.table.insertRow(row)
        kind = QComboBox(self.table)
        kind.addItem(self.tr("Background"), "background")
        kind.addItem(self.tr("Foreground"), "foreground")
        kind.setCurrentIndex(1 if foreground else 0)
        kind.currentIndexChanged.connect(lambda _index: self.changed.emit())
        self.table.setCellWidget(row, 0, kind)
        for column, value in zip((1, *NUMBERS), (layer.url, layer.x, layer.y, layer.width, layer.height), strict=True):
            self.table.setItem(row, column, QTableWidgetItem(str(value)))
        self.table.blockSignals(False)
        self._update_buttons()
        self.changed.emit()

    def remove_selected(self) -> None:
        rows = sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True)
        for row in rows or [self.table.rowCount() - 1]:
            if row >= 0:
                self.table.removeRow(row)
        self._update_buttons()
        self.changed.emit()

    def layers(self) -> tuple[tuple[Layer, ...], tuple[Layer, ...]]:
        """(backgrounds, foregrounds); a number that is not one reads as -1, which the spec check refuses."""
        backgrounds: list[Layer] = []
        foregrounds: list[Layer] = []
        for row in range(self.table.rowCount()):
            layer = Layer(self._text(row, 1), *(self._number(row, column) for column in NUMBERS))
            kind = self.table.cellWidget(row, 0)
            foreground = isinstance(kind, QComboBox) and kind.currentData() == "foreground"
            (foregrounds if foreground else backgrounds).append(layer)
        return tuple(backgrounds), tuple(foregrounds)

    def state(self) -> list[dict[str, Any]]:
        backgrounds, foregrounds = self.layers()
        return [{"foreground": False, **layer.payload()} for layer in backgrounds] + [
            {"foreground": True, **layer.payload()} for layer in foregrounds
        ]

    def restore(self, state: object) -> None:
        self.table.setRowCount(0)
        if not isinstance(state, list):
            return
        for item in state[:MAX_LAYERS]:
            if not isinstance(item, dict):
                continue
            numbers = [item.get(name) for name in ("X", "Y", "Width", "Height")]
            if not isinstance(item.get("URL"), str) or not all(type(n) is int for n in numbers):
                continue
            self.add(Layer(item["URL"], *numbers), foreground=item.get("foreground") is True)  # type: ignore[arg-type]

    def _text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text().strip() if item is not None else ""

    def _number(self, row: int, column: int) -> int:
        text = self._text(row, column)
        return int(text) if text.lstrip("-").isdigit() else -1

    def _update_buttons(self) -> None:
        self.add_button.setEnabled(self.table.rowCount() < MAX_LAYERS)
        self.remove_button.setEnabled(self.table.rowCount() > 0)
        self.table.setVisible(self.table.rowCount() > 0)


__all__ = ["LayersEditor"]
