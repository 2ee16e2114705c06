"""The Assets area: avatars, timbres and service quotas from the account's catalogue, searchable as you type, with a
detail pane per record. It opens at once with the cached catalogue ("as of <time>, cached") and refreshes in the
background (F5); when the platform cannot be reached, the cached records stay and the reason is shown.

Keys: Ctrl+F search, F5 refresh, Ctrl+C copy the selected record's key, Enter shows the details.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from html import escape
from typing import Any

from PySide6.QtCore import QByteArray, QItemSelection, QModelIndex, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.api.assets import Avatar, Timbre
from desktop.i18n import args
from desktop.services import settings as opt
from desktop.services.asset_catalog import AssetCatalog
from desktop.services.catalog_cache import CatalogSnapshot
from desktop.services.settings import Settings
from desktop.ui.assets import details
from desktop.ui.assets.models import RecordModel, avatar_model, quota_model, timbre_model
from desktop.ui.common.handoff import Handoff, MakeVideoWith, StartLiveWith, UseTimbre
from desktop.ui.common.word_filter import ITEM_ROLE, WordFilterProxy


class RecordTable(QTableView):
    """A table whose Ctrl+C copies the record's key (Qt's own copies the current cell's text)."""

    copy_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_requested.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class RecordBrowser(QWidget):
    """One kind of record: a sortable, filtered table beside the selected record's details."""

    handoff_requested = Signal(object)  # a Handoff for another area

    def __init__(self, model: RecordModel[Any], empty_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.proxy = WordFilterProxy(self)
        self.proxy.setSourceModel(model)
        self.empty_text = empty_text
        self.table = RecordTable(self)
        self.table.setModel(self.proxy)
        self.table.copy_requested.connect(self.copy_key)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.placeholder = QLabel(self)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setObjectName("emptyState")
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.placeholder)
        self.details = QTextBrowser(self)
        self.details.setOpenExternalLinks(True)
        self.copy_button = QPushButton(self.tr("Copy key"), self)
        self.copy_button.setEnabled(False)
        self.copy_button.clicked.connect(self.copy_key)
        self.action_row = QHBoxLayout()
        self.action_buttons: list[tuple[QPushButton, Callable[[Any], Handoff | None]]] = []
        side = QWidget(self)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.details, 1)
        side_layout.addLayout(self.action_row)
        side_layout.addWidget(self.copy_button)
        self.splitter = QSplitter(self)
        self.splitter.addWidget(self.stack)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.activated.connect(lambda _index: self.details.setFocus())
        self.proxy.modelReset.connect(self._update_empty_state)
        self.proxy.rowsInserted.connect(self._update_empty_state)
        self.proxy.rowsRemoved.connect(self._update_empty_state)
        self.proxy.layoutChanged.connect(self._update_empty_state)
        self.loading = True
        self._columns_restored = False
        self._update_empty_state()
        self._show_details(None)

    def add_action(self, text: str, make: Callable[[Any], Handoff | None]) -> QPushButton:
        """A button under the details that asks another area to take the selected record."""
        button = QPushButton(text, self)
        button.setEnabled(False)
        button.clicked.connect(lambda: self._request(make))
        self.action_row.addWidget(button)
        self.action_buttons.append((button, make))
        return button

    def _request(self, make: Callable[[Any], Handoff | None]) -> None:
        request = make(self.selected())
        if request is not None:
            self.handoff_requested.emit(request)

    def set_records(self, records: Any) -> None:
        self.loading = False
        self.model.set_records(records)
        for number, column in enumerate(self.model.columns):
            # A field this account's answers never fill (describesmallsampleimage gives no type) is noise.
            self.table.setColumnHidden(number, bool(records) and not any(column.text(r) for r in records))
        if not self._columns_restored:
            self.table.resizeColumnsToContents()
        self._update_empty_state()

    def restore_columns(self, state: QByteArray) -> None:
        """Column widths and sort order as the user left them (kept over later refreshes)."""
        self._columns_restored = self.table.horizontalHeader().restoreState(state)

    def set_search(self, text: str) -> None:
        self.proxy.set_search(text)
        self._update_empty_state()

    def selected(self) -> Any:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(ITEM_ROLE) if rows else None

    def copy_key(self) -> None:
        key = details.key_of(self.selected())
        if key:
            QGuiApplication.clipboard().setText(key)

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._show_details(self.selected())

    def _show_details(self, record: Any) -> None:
        self.copy_button.setEnabled(bool(details.key_of(record)))
        for button, make in self.action_buttons:
            button.setEnabled(record is not None and make(record) is not None)
        if record is None:
            self.details.setHtml(f"<p style='color:#777'>{escape(self.tr('Select a row to see all its fields.'))}</p>")
            return
        self.details.setHtml(details.html(record))

    def _update_empty_state(self, *_: object) -> None:
        if self.proxy.rowCount(QModelIndex()) > 0:
            self.stack.setCurrentWidget(self.table)
            return
        if self.loading:
            text = self.tr("Loading the catalogue…")
        elif self.proxy.words:
            text = args(self.tr("Nothing matches “%1”."), " ".join(self.proxy.words))
        else:
            text = self.empty_text
        self.placeholder.setText(text)
        self.stack.setCurrentWidget(self.placeholder)


def _avatar_key(record: Any) -> str:
    return record.virtualman_key if isinstance(record, Avatar) else ""


class AssetsPage(QWidget):
    handoff_requested = Signal(object)  # a Handoff: the main window routes it to its area

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.catalog: AssetCatalog | None = None
        self.snapshot = CatalogSnapshot()
        title = QLabel(self.tr("Assets"), self)
        title.setObjectName("pageTitle")
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Search names, keys and codes (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.refresh_button = QPushButton(self.tr("Refresh"), self)
        self.refresh_button.setToolTip(self.tr("Fetch the catalogue again (F5)"))
        self.refresh_button.setEnabled(False)
        self.state = QLabel(self)
        self.state.setObjectName("assetState")
        self.state.setWordWrap(True)
        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addWidget(self.refresh_button)
        self.avatars = RecordBrowser(avatar_model(self), self.tr("This account has no avatars."), self)
        self.timbres = RecordBrowser(timbre_model(self), self.tr("This account has no timbres."), self)
        self.quotas = RecordBrowser(quota_model(self), self.tr("This account has no service assets."), self)
        self.avatars.add_action(
            self.tr("Make a video with this"), lambda r: MakeVideoWith(key) if (key := _avatar_key(r)) else None
        )
        self.avatars.add_action(
            self.tr("Start a live session with this"), lambda r: StartLiveWith(key) if (key := _avatar_key(r)) else None
        )
        self.timbres.add_action(
            self.tr("Use this timbre"), lambda r: UseTimbre(r.key) if isinstance(r, Timbre) else None
        )
        for browser in (self.avatars, self.timbres, self.quotas):
            browser.handoff_requested.connect(self.handoff_requested)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.avatars, self.tr("Avatars"))
        self.tabs.addTab(self.timbres, self.tr("Timbres"))
        self.tabs.addTab(self.quotas, self.tr("Quotas"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        layout.addWidget(title)
        layout.addLayout(bar)
        layout.addWidget(self.state)
        layout.addWidget(self.tabs, 1)
        self.search.textChanged.connect(self._search_changed)
        self.refresh_button.clicked.connect(self.refresh)
        for keys, slot in (
            (QKeySequence.StandardKey.Find, self.focus_search),
            (QKeySequence.StandardKey.Refresh, self.refresh),
            (QKeySequence.StandardKey.Copy, self.copy_key),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self.state.setText(self.tr("Waiting for the connection…"))
        self.restore_state()

    @property
    def browsers(self) -> tuple[RecordBrowser, ...]:
        return (self.avatars, self.timbres, self.quotas)

    def restore_state(self) -> None:
        self.tabs.setCurrentIndex(max(0, min(self.tabs.count() - 1, self.settings.get(opt.ASSETS_TAB))))
        for kind, browser in zip(opt.ASSET_KINDS, self.browsers, strict=True):
            if splitter := self.settings.get(opt.ASSETS_SPLITTER[kind]):
                browser.splitter.restoreState(QByteArray(splitter))
            if columns := self.settings.get(opt.ASSETS_COLUMNS[kind]):
                browser.restore_columns(QByteArray(columns))

    def save_state(self) -> None:
        self.settings.set(opt.ASSETS_TAB, self.tabs.currentIndex())
        for kind, browser in zip(opt.ASSET_KINDS, self.browsers, strict=True):
            self.settings.set(opt.ASSETS_SPLITTER[kind], bytes(browser.splitter.saveState().data()))
            self.settings.set(opt.ASSETS_COLUMNS[kind], bytes(browser.table.horizontalHeader().saveState().data()))

    def attach(self, catalog: AssetCatalog) -> None:
        self.catalog = catalog
        catalog.snapshot_changed.connect(self.show_snapshot)
        catalog.refresh_failed.connect(self._refresh_failed)
        catalog.busy_changed.connect(self._busy_changed)
        self.refresh_button.setEnabled(True)
        if catalog.snapshot.fetched_at:
            self.show_snapshot(catalog.snapshot)
        catalog.open()
        self._busy_changed(catalog.busy)

    def show_snapshot(self, snapshot: CatalogSnapshot) -> None:
        self.snapshot = snapshot
        self.avatars.set_records(snapshot.avatars)
        self.timbres.set_records(snapshot.timbres)
        self.quotas.set_records(snapshot.quotas)
        self._show_state()

    def refresh(self) -> None:
        if self.catalog is not None:
            self.catalog.refresh()

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def copy_key(self) -> None:
        browser = self.tabs.currentWidget()
        if isinstance(browser, RecordBrowser) and not self.search.hasFocus():
            browser.copy_key()

    def _search_changed(self, text: str) -> None:
        for browser in self.browsers:
            browser.set_search(text)

    def _busy_changed(self, busy: bool) -> None:
        self.refresh_button.setEnabled(not busy and self.catalog is not None)
        self._show_state(refreshing=busy)

    def _refresh_failed(self, reason: str) -> None:
        for browser in self.browsers:
            if browser.loading:
                browser.loading = False
                browser.set_records(())
        self._show_state(problem=reason)

    def _show_state(self, refreshing: bool = False, problem: str = "") -> None:
        snapshot = self.snapshot
        when = datetime.fromtimestamp(snapshot.fetched_at).strftime("%Y-%m-%d %H:%M") if snapshot.fetched_at else ""
        if refreshing:
            text = self.tr("Refreshing the catalogue…")
            if when:
                text = args(self.tr("Refreshing… showing the catalogue as of %1."), when)
        elif problem and when:
            text = args(self.tr("Could not refresh (%1). Showing the catalogue as of %2, cached."), problem, when)
        elif problem:
            text = args(self.tr("Could not load the catalogue: %1"), problem)
        elif snapshot.cached and when:
            text = args(self.tr("As of %1, cached."), when)
        elif when:
            text = args(self.tr("As of %1: %2 avatars, %3 timbres, %4 service assets."), when,
                        str(len(snapshot.avatars)), str(len(snapshot.timbres)), str(len(snapshot.quotas)))  # fmt: skip
        else:
            text = self.state.text()
        self.state.setProperty("problem", bool(problem))
        self.state.setText(text)
