"""One kind of record on the Assets page: a filter row (facets), a sortable table, and the selected record's details
with its copy and hand-off buttons. The page decides what fills it; the browser only shows and narrows.

Records with pictures (avatars, anchors) can also be shown as a grid of thumbnails (`enable_grid`); the grid and
the table share one filtered model and one selection, so switching keeps the search, the filters and the choice.

Keys: Ctrl+C copies the selected record's key (the table's own Ctrl+C would copy one cell), Enter moves to the
details. Links in the details open in the browser, except `swatch:` links, which copy a colour parameter.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QItemSelection, QModelIndex, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication, QKeyEvent, QKeySequence, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import args
from desktop.ui.assets import details
from desktop.ui.assets.models import RecordModel
from desktop.ui.common.facet_bar import Facet, FacetBar
from desktop.ui.common.handoff import Handoff
from desktop.ui.common.thumbnail_grid import ThumbnailGrid
from desktop.ui.common.thumbnails import ThumbnailLoader
from desktop.ui.common.word_filter import ITEM_ROLE, WordFilterProxy

if TYPE_CHECKING:
    from desktop.ui.common.sample_player import SamplePlayer


class RecordTable(QTableView):
    """A table whose Ctrl+C copies the record's key (Qt's own copies the current cell's text)."""

    copy_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_requested.emit()
            event.accept()
            return
        super().keyPressEvent(event)


FIT_ROWS = 100


class DetailsView(QTextBrowser):
    """The details' rich text, whose `picture:` images are thumbnails handed over in `images`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.images: dict[str, QPixmap] = {}

    def loadResource(self, kind: int, name: QUrl | str) -> Any:
        url = QUrl(name)
        if url.scheme() == "picture":
            return self.images.get(url.path())
        return super().loadResource(kind, name)


class RecordBrowser(QWidget):
    handoff_requested = Signal(object)  # a Handoff for another area
    selection_changed = Signal(object)  # the selected record, or None
    copied = Signal(str)  # what was put on the clipboard, said in words
    view_changed = Signal(str)  # "grid" or "list", when the user switches

    def __init__(
        self,
        model: RecordModel[Any],
        empty_text: str,
        facets: Sequence[Facet[Any]] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.model = model
        self.proxy = WordFilterProxy(self)
        self.proxy.setSourceModel(model)
        self.empty_text = empty_text
        self.detail_extra: Callable[[Any], str] = lambda _record: ""  # more HTML under the fields (lookups)
        self.pose_size: Callable[[Any], tuple[int, int] | None] = lambda _record: None
        self.link_handlers: dict[str, Callable[[QUrl], None]] = {}  # scheme -> what a click on such a link does
        self.facet_bar = FacetBar(self.proxy, facets, self)
        self.facet_bar.setVisible(bool(facets))
        self.source_row = QHBoxLayout()  # where the page puts a source choice (legacy queries, an avatar)
        self.grid: ThumbnailGrid | None = None  # with enable_grid
        self.view_buttons: dict[str, QToolButton] = {}
        self.player: SamplePlayer | None = None  # with enable_player
        self.sample: Callable[[Any], tuple[str, bool] | None] = lambda _record: None
        self._shown_pictures: list[str] = []  # the addresses of the pictures in the details, in order
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
        self.table.setWordWrap(False)  # one line per record: rows of equal height scroll and read faster
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # Columns fitted to the first rows, not to 1,000 per column (Qt's default): at 10,000 avatars that took
        # 670 ms of data() calls into Python whenever the columns had no saved widths.
        self.table.horizontalHeader().setResizeContentsPrecision(FIT_ROWS)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.placeholder = QLabel(self)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.placeholder.setObjectName("emptyState")
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.placeholder)
        self.pictures: Callable[[Any], Sequence[tuple[str, str]]] = lambda _record: ()  # (label, address) to show
        self.details = DetailsView(self)
        self.details.setOpenLinks(False)  # swatch: links are ours; the rest open outside
        self.details.anchorClicked.connect(self._link_clicked)
        self.copy_button = QPushButton(self.tr("Copy key"), self)
        self.copy_button.setEnabled(False)
        self.copy_button.clicked.connect(self.copy_key)
        self.action_row = QHBoxLayout()
        self.action_buttons: list[tuple[QPushButton, Callable[[Any], Handoff | None]]] = []
        self.side = QWidget(self)
        self.side_layout = QVBoxLayout(self.side)
        self.side_layout.setContentsMargins(0, 0, 0, 0)
        self.side_layout.addWidget(self.details, 1)
        self.side_layout.addLayout(self.action_row)
        self.side_layout.addWidget(self.copy_button)
        main = QWidget(self)
        main_layout = QVBoxLayout(main)
        main_layout.setContentsMargins(0, 0, 0, 0)
        self.header_row = QHBoxLayout()
        self.header_row.addLayout(self.source_row)
        self.header_row.addStretch(1)
        main_layout.addLayout(self.header_row)
        main_layout.addWidget(self.facet_bar)
        main_layout.addWidget(self.stack, 1)
        self.splitter = QSplitter(self)
        self.splitter.addWidget(main)
        self.splitter.addWidget(self.side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.activated.connect(lambda _index: self.details.setFocus())
        for signal in (self.proxy.modelReset, self.proxy.rowsInserted, self.proxy.rowsRemoved,
                       self.proxy.layoutChanged):  # fmt: skip
            signal.connect(self._update_empty_state)
        self.loading = True
        self.problem = ""  # why the records could not be loaded (a lookup that failed)
        self._columns_restored = False
        self._update_empty_state()
        self.show_details()

    def enable_grid(
        self, loader: ThumbnailLoader, picture: Callable[[Any], str], caption: Callable[[Any], tuple[str, str]]
    ) -> ThumbnailGrid:
        """Offer the records as a grid of pictures too (`picture`: a record's image address; `caption`: two lines)."""
        grid = ThumbnailGrid(loader, picture, caption, self)
        grid.setModel(self.proxy)
        own = grid.selectionModel()
        grid.setSelectionModel(self.table.selectionModel())  # one selection for both views
        own.deleteLater()
        grid.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        grid.copy_requested.connect(self.copy_key)
        grid.activated.connect(lambda _index: self.details.setFocus())
        loader.changed.connect(self._pictures_changed)
        self.stack.addWidget(grid)
        self.grid = grid
        for mode, text, tip in (
            ("grid", self.tr("Grid"), self.tr("Show pictures (Ctrl+G switches)")),
            ("list", self.tr("List"), self.tr("Show a table with every column (Ctrl+G switches)")),
        ):
            button = QToolButton(self)
            button.setText(text)
            button.setToolTip(tip)
            button.setCheckable(True)
            button.setAutoRaise(True)
            button.clicked.connect(lambda _checked, mode=mode: self.set_view(mode, by_user=True))
            self.header_row.addWidget(button)
            self.view_buttons[mode] = button
        self.set_view("grid")
        return grid

    def enable_player(self, sample: Callable[[Any], tuple[str, bool] | None]) -> SamplePlayer:
        """A player under the details for the selected record's sample (`sample`: its address and whether it is a
        video, or None). Choosing another record stops what was playing."""
        from desktop.ui.common.sample_player import SamplePlayer  # libvlc's bindings: loaded when a page needs them

        player = SamplePlayer(self.side)
        self.side_layout.insertWidget(1, player)
        self.player = player
        self.sample = sample
        return player

    @property
    def view(self) -> str:
        return "grid" if self.grid is not None and self.view_buttons["grid"].isChecked() else "list"

    def current_view(self) -> QAbstractItemView:
        return self.grid if self.grid is not None and self.view == "grid" else self.table

    def set_view(self, mode: str, by_user: bool = False) -> None:
        if self.grid is None:
            return
        for name, button in self.view_buttons.items():
            button.setChecked(name == mode)
        shown = self.stack.currentWidget()
        had_focus = shown is not None and shown.hasFocus()
        self._update_empty_state()
        view = self.current_view()
        if view.currentIndex().isValid():
            view.scrollTo(view.currentIndex())
        if had_focus:
            view.setFocus()
        if by_user:
            self.view_changed.emit(self.view)

    def toggle_view(self) -> None:
        if self.grid is not None:
            self.set_view("list" if self.view == "grid" else "grid", by_user=True)

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

    def set_records(self, records: Sequence[Any], problem: str = "") -> None:
        self.loading = False
        self.problem = problem
        selected = details.key_of(self.selected())
        self.model.set_records(records)
        self.facet_bar.set_records(records)
        for number, column in enumerate(self.model.columns):
            # A field this account's answers never fill (describesmallsampleimage gives no type) is noise.
            self.table.setColumnHidden(number, bool(records) and not any(column.text(r) for r in records))
        if not self._columns_restored:
            self.table.resizeColumnsToContents()
        if selected:
            self.select_key(selected)
        self._update_empty_state()

    def set_loading(self) -> None:
        self.loading = True
        self.problem = ""
        self.model.set_records(())
        self._update_empty_state()

    def select_key(self, key: str) -> bool:
        for row in range(self.proxy.rowCount(QModelIndex())):
            if details.key_of(self.proxy.index(row, 0).data(ITEM_ROLE)) == key:
                self.table.selectRow(row)
                self.table.setCurrentIndex(self.proxy.index(row, 0))
                self.current_view().scrollTo(self.proxy.index(row, 0))
                return True
        return False

    def restore_columns(self, state: QByteArray) -> None:
        """Column widths and sort order as the user left them (kept over later refreshes)."""
        self._columns_restored = self.table.horizontalHeader().restoreState(state)

    def set_search(self, text: str) -> None:
        self.proxy.set_search(text)
        self._update_empty_state()

    def shown_count(self) -> int:
        return self.proxy.rowCount(QModelIndex())

    def selected(self) -> Any:
        chosen = self.table.selectionModel().selectedIndexes()  # a whole row from the table, one cell from the grid
        return chosen[0].data(ITEM_ROLE) if chosen else None

    def copy_key(self) -> None:
        key = details.key_of(self.selected())
        if key:
            QGuiApplication.clipboard().setText(key)
            self.copied.emit(args(self.tr("Copied %1."), key))

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self.show_details()
        self.selection_changed.emit(self.selected())

    def show_details(self) -> None:
        """Draw the selected record's details again (also when something measured for it arrives)."""
        record = self.selected()
        if self.player is not None:
            url, video = (self.sample(record) if record is not None else None) or ("", False)
            if url != self.player.url:
                self.player.set_source(url, video)  # stops the sample that was playing
        self.copy_button.setEnabled(bool(details.key_of(record)))
        for button, make in self.action_buttons:
            button.setEnabled(record is not None and make(record) is not None)
        if record is None:
            self.details.setHtml(f"<p style='color:#777'>{escape(self.tr('Select a row to see all its fields.'))}</p>")
            return
        self.details.setHtml(
            self._pictures_html(record) + details.html(record, self.pose_size(record)) + self.detail_extra(record)
        )

    def _pictures_html(self, record: Any) -> str:
        """The record's pictures in a row, each with its label: the thumbnail, or a word while it is not there."""
        loader = self.grid.loader if self.grid is not None else None
        self.details.images.clear()
        self._shown_pictures = []
        if loader is None:
            return ""
        cells = []
        for number, (label, url) in enumerate(self.pictures(record)):
            self._shown_pictures.append(url)
            pixmap = loader.pixmap(url)
            if pixmap is not None:
                self.details.images[str(number)] = pixmap
                shown = f"<img src='picture:{number}' height='120'>"
            elif loader.failure(url) is not None:
                shown = f"<a href='retry:{number}'>{escape(self.tr('Not loaded: retry'))}</a>"
            else:
                shown = escape(self.tr("Loading…"))
            cells.append(f"<td align='center' valign='bottom'>{shown}<br><small>{escape(label)}</small></td>")
        return f"<table cellspacing='6'><tr>{''.join(cells)}</tr></table>" if cells else ""

    def _pictures_changed(self, keys: frozenset[str]) -> None:
        if self.grid is not None and any(self.grid.loader.key(url) in keys for url in self._shown_pictures):
            self.show_details()

    def _link_clicked(self, url: QUrl) -> None:
        if url.scheme() == "retry" and self.grid is not None:
            shown = self._shown_pictures
            number = int(url.path()) if url.path().isdigit() else -1
            if 0 <= number < len(shown):
                self.grid.loader.retry(shown[number])
                self.show_details()
        elif url.scheme() in self.link_handlers:
            self.link_handlers[url.scheme()](url)
        elif url.scheme() == "swatch":
            key, _, color = url.path().rpartition(":")
            text = details.swatch_param(key, int(color))
            QGuiApplication.clipboard().setText(text)
            self.copied.emit(args(self.tr("Copied %1."), text))
        elif url.scheme() in ("http", "https"):
            QDesktopServices.openUrl(url)

    def _update_empty_state(self, *_: object) -> None:
        if self.proxy.rowCount(QModelIndex()) > 0:
            self.stack.setCurrentWidget(self.current_view())
            return
        if self.loading:
            text = self.tr("Loading…")
        elif self.problem:
            text = self.problem
        elif self.proxy.words or self.facet_bar.chosen():
            text = self.tr("Nothing matches the search and filters.")
            if self.proxy.words:
                text = args(self.tr("Nothing matches “%1” with these filters."), " ".join(self.proxy.words))
        else:
            text = self.empty_text
        self.placeholder.setText(text)
        self.stack.setCurrentWidget(self.placeholder)
