"""The Activity page: a table of requests and events with a filter, following new entries as they come."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QAction, QBrush, QColor, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import QT_TRANSLATE_NOOP
from desktop.services.activity import ActivityEntry, ActivityLog
from desktop.ui.pages import AREAS, page_header

COLUMNS = (
    QT_TRANSLATE_NOOP("ActivityModel", "Time"),
    QT_TRANSLATE_NOOP("ActivityModel", "Kind"),
    QT_TRANSLATE_NOOP("ActivityModel", "What"),
    QT_TRANSLATE_NOOP("ActivityModel", "Detail"),
    QT_TRANSLATE_NOOP("ActivityModel", "ms"),
)
_LEVEL_COLOURS = {"warning": QColor("#b26a00"), "error": QColor("#d93025")}
Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


class ActivityModel(QAbstractTableModel):
    """The log's entries as rows. It holds references, not copies, and no more than the log keeps: when the log
    drops its oldest entry to make room, the first row goes too (so a day of live driving stays bounded)."""

    def __init__(self, log: ActivityLog) -> None:
        super().__init__()
        self._rows: deque[ActivityEntry] = deque(log.entries)
        self._capacity = log.capacity
        log.added.connect(self._append)
        log.cleared.connect(self._clear)

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return QCoreApplication.translate("ActivityModel", COLUMNS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        entry = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.text(entry, index.column())
        if role == Qt.ItemDataRole.ForegroundRole and entry.level in _LEVEL_COLOURS:
            return QBrush(_LEVEL_COLOURS[entry.level])
        return None

    @staticmethod
    def text(entry: ActivityEntry, column: int) -> str:
        if column == 0:
            return time.strftime("%H:%M:%S", time.localtime(entry.when))
        if column == 1:
            return entry.kind
        if column == 2:
            return entry.title
        if column == 3:
            return entry.detail
        return "" if entry.duration_ms is None else f"{entry.duration_ms:.0f}"

    def entry(self, row: int) -> ActivityEntry:
        return self._rows[row]

    def _append(self, entry: ActivityEntry) -> None:
        if len(self._rows) >= self._capacity:
            self.beginRemoveRows(QModelIndex(), 0, 0)
            self._rows.popleft()
            self.endRemoveRows()
        row = len(self._rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.append(entry)
        self.endInsertRows()

    def _clear(self) -> None:
        self.beginResetModel()
        self._rows.clear()
        self.endResetModel()


class ActivityPage(QWidget):
    def __init__(self, log: ActivityLog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.log = log
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        page_header(AREAS[-1], layout, self)

        bar = QHBoxLayout()
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText(self.tr("Filter (Ctrl+F)…"))
        self.filter.setClearButtonEnabled(True)
        self.copy_button = QPushButton(self.tr("Copy"), self)
        self.copy_button.setToolTip(self.tr("Copy the selected rows (Ctrl+C)"))
        self.clear_button = QPushButton(self.tr("Clear"), self)
        bar.addWidget(self.filter, 1)
        bar.addWidget(self.copy_button)
        bar.addWidget(self.clear_button)
        layout.addLayout(bar)

        self.model = ActivityModel(log)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        for column in (0, 1, 4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.resizeSection(2, 260)
        layout.addWidget(self.table, 1)

        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.clear_button.clicked.connect(log.clear)
        self.copy_button.clicked.connect(self.copy_selection)
        self.model.rowsInserted.connect(self._follow)
        self.addAction(self._action(QKeySequence.StandardKey.Find, self.filter.setFocus))
        self.addAction(self._action(QKeySequence.StandardKey.Copy, self.copy_selection))

    def _action(self, keys: QKeySequence.StandardKey, slot: Callable[[], object]) -> QAction:
        action = QAction(self)
        action.setShortcut(QKeySequence(keys))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        return action

    def _follow(self) -> None:
        scrollbar = self.table.verticalScrollBar()
        if scrollbar.value() >= scrollbar.maximum() - 2:
            self.table.scrollToBottom()

    def copy_selection(self) -> None:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        lines = []
        for row in rows:
            source = self.proxy.mapToSource(self.proxy.index(row, 0)).row()
            entry = self.model.entry(source)
            lines.append("\t".join(ActivityModel.text(entry, column) for column in range(len(COLUMNS))))
        if lines:
            QGuiApplication.clipboard().setText("\n".join(lines))
