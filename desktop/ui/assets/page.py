"""The Assets area: avatars, anchors, timbres, actions and service quotas, searchable as you type and narrowed by
facets, with a detail pane per record. It opens at once with the cached catalogue ("as of <time>, cached") and
refreshes in the background (F5); when the platform cannot be reached, the cached records stay and the reason shows.

What the catalogue does not hold is asked for when it is looked at (services/asset_lookups.py): an avatar's actions,
the timbres the deprecated queries bind to an avatar, a legacy anchor's images, a pose image's size. Each answer is
kept per key, and an answer for a choice the user has since left is dropped.

Avatars and anchors show as a grid of pictures or as a table (Ctrl+G switches; the choice is kept per page). The
pictures come from the window's ThumbnailLoader, shared with the pickers.

Keys: Ctrl+F search, F5 refresh, Ctrl+G grid or list, Ctrl+C copy the selected record's key, Enter shows the
details.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Sequence
from datetime import datetime
from html import escape
from typing import Any

from PySide6.QtCore import QByteArray, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QTabWidget, QVBoxLayout, QWidget

from desktop.api.assets import Avatar, Timbre
from desktop.i18n import args
from desktop.services import asset_lookups
from desktop.services import settings as opt
from desktop.services.asset_catalog import AssetCatalog
from desktop.services.catalog_cache import CatalogSnapshot
from desktop.services.settings import Settings
from desktop.services.thumbnail_store import ThumbnailStore, thumbnail_dir
from desktop.ui.assets import facets
from desktop.ui.assets.browser import RecordBrowser
from desktop.ui.assets.models import (
    QUOTA_LEFT_COLUMN,
    ActionEntry,
    AnchorEntry,
    action_model,
    anchor_model,
    avatar_model,
    quota_model,
    timbre_model,
    type_name,
)
from desktop.ui.assets.pictures import anchor_picture, avatar_lines, avatar_picture, avatar_pictures
from desktop.ui.assets.quota_bar import QuotaBarDelegate
from desktop.ui.common.handoff import MakeVideoWith, StartLiveWith, UseTimbre
from desktop.ui.common.pickers import PickerButton, avatar_button
from desktop.ui.common.thumbnails import ThumbnailLoader

THREE_D = ("real_man_3d", "half_realistic_3d", "cartoon_3d")  # Appendix 3's types that have actions


def _avatar_key(record: Any) -> str:
    return record.virtualman_key if isinstance(record, Avatar) else ""


class AssetsPage(QWidget):
    handoff_requested = Signal(object)  # a Handoff: the main window routes it to its area
    status_message = Signal(str)  # a short confirmation for the status bar ("Copied …")

    def __init__(self, settings: Settings, thumbnails: ThumbnailLoader | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.settings = settings
        self.thumbnails = thumbnails if thumbnails is not None else ThumbnailLoader(self)
        self.catalog: AssetCatalog | None = None
        self.snapshot = CatalogSnapshot()
        self.lookups: dict[tuple[str, str, bool], Sequence[Any] | str] = {}  # (query, key, legacy) -> records/why
        self.asking: set[tuple[str, str, bool]] = set()
        self.pose_sizes: dict[str, tuple[int, int]] = {}  # pose image URL -> size; (0, 0) when unreadable
        self.pending_fills = 0  # pages still to be filled with the shown snapshot (show_snapshot)
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
        self.avatars = RecordBrowser(avatar_model(self), self.tr("This account has no avatars."), facets.AVATAR_FACETS)
        self.anchors = RecordBrowser(anchor_model(self), self.tr("This account has no anchors."), facets.ANCHOR_FACETS)
        self.timbres = RecordBrowser(timbre_model(self), self.tr("This account has no timbres."), facets.TIMBRE_FACETS)
        self.action_browser = RecordBrowser(action_model(self), self.tr("Choose a 3D avatar to see its actions."))
        self.quotas = RecordBrowser(
            quota_model(self), self.tr("This account has no service assets."), facets.QUOTA_FACETS
        )
        self.quotas.table.setItemDelegateForColumn(QUOTA_LEFT_COLUMN, QuotaBarDelegate(self.quotas.table))
        self.avatars.enable_grid(self.thumbnails, avatar_picture, avatar_lines)
        self.avatars.pictures = avatar_pictures
        self.anchors.enable_grid(self.thumbnails, anchor_picture, self._anchor_lines)
        self.anchors.pictures = lambda r: [(self.tr("Header"), anchor_picture(r))] if anchor_picture(r) else []
        self._build_avatars()
        self._build_anchors()
        self._build_timbres()
        self._build_actions()
        for browser in self.browsers:
            browser.handoff_requested.connect(self.handoff_requested)
            browser.copied.connect(self.status_message)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.avatars, self.tr("Avatars"))
        self.tabs.addTab(self.anchors, self.tr("Anchors"))
        self.tabs.addTab(self.timbres, self.tr("Timbres"))
        self.tabs.addTab(self.action_browser, self.tr("Actions"))
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
            (QKeySequence("Ctrl+G"), self.toggle_view),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self.state.setText(self.tr("Waiting for the connection…"))
        self.restore_state()

    # --- the pages ---

    def _build_avatars(self) -> None:
        self.avatars.add_action(
            self.tr("Make a video with this"), lambda r: MakeVideoWith(key) if (key := _avatar_key(r)) else None
        )
        self.avatars.add_action(
            self.tr("Start a live session with this"), lambda r: StartLiveWith(key) if (key := _avatar_key(r)) else None
        )
        self.avatars.pose_size = lambda r: self.pose_sizes.get(r.pose_image) if isinstance(r, Avatar) else None
        self.avatars.selection_changed.connect(self._measure_pose)

    def _build_anchors(self) -> None:
        self.anchors.detail_extra = self._anchor_extra
        self.anchors.link_handlers["avatars"] = self._show_avatars_of
        self.anchors.selection_changed.connect(self._anchor_chosen)

    def _build_timbres(self) -> None:
        self.timbres.add_action(
            self.tr("Use this timbre"), lambda r: UseTimbre(r.key) if isinstance(r, Timbre) else None
        )
        self.timbres.enable_player(lambda r: (r.sample_url, False) if isinstance(r, Timbre) and r.sample_url else None)
        self.timbre_source = QComboBox(self.timbres)
        self.timbre_source.setObjectName("timbreSource")
        self.timbre_source.addItem(self.tr("Account timbres (describetimbre)"), "account")
        self.timbre_source.addItem(self.tr("Bound to an avatar: getimagetimbre (deprecated)"), "image")
        self.timbre_source.addItem(self.tr("Bound to an avatar: gettimbre (deprecated)"), "legacy")
        self.timbre_avatar: PickerButton[Avatar] = avatar_button(self.tr("Choose an avatar…"), self.timbres)
        self.timbre_avatar.loader = self.thumbnails
        self.timbre_avatar.hide()
        self.timbres.source_row.addWidget(QLabel(self.tr("Source:"), self.timbres))
        self.timbres.source_row.addWidget(self.timbre_source)
        self.timbres.source_row.addWidget(self.timbre_avatar, 1)
        self.timbres.source_row.addStretch(0)
        self.timbre_source.currentIndexChanged.connect(lambda _i: self._fill_timbres())
        self.timbre_avatar.changed.connect(lambda _a: self._fill_timbres())

    def _build_actions(self) -> None:
        self.action_browser.enable_player(
            lambda r: (r.action.sample_url, True) if isinstance(r, ActionEntry) and r.action.sample_url else None
        )
        self.action_avatar: PickerButton[Avatar] = avatar_button(self.tr("Choose a 3D avatar…"), self.action_browser)
        self.action_avatar.loader = self.thumbnails
        self.action_source = QComboBox(self.action_browser)
        self.action_source.setObjectName("actionSource")
        self.action_source.addItem(self.tr("Current: getaction"), False)
        self.action_source.addItem(self.tr("Legacy getaction (broadcastservice)"), True)
        self.action_browser.source_row.addWidget(QLabel(self.tr("Avatar:"), self.action_browser))
        self.action_browser.source_row.addWidget(self.action_avatar, 1)
        self.action_browser.source_row.addWidget(self.action_source)
        self.action_avatar.changed.connect(lambda _a: self._fill_actions())
        self.action_source.currentIndexChanged.connect(lambda _i: self._fill_actions())

    def _anchor_lines(self, record: Any) -> tuple[str, str]:
        if not isinstance(record, AnchorEntry):
            return "", ""
        kind = self.tr("legacy") if record.legacy else type_name(record.anchor.virtualman_type_code)
        return record.anchor.anchor_name, kind

    def toggle_view(self) -> None:
        browser = self.tabs.currentWidget()
        if isinstance(browser, RecordBrowser):
            browser.toggle_view()

    @property
    def browsers(self) -> tuple[RecordBrowser, ...]:
        return (self.avatars, self.anchors, self.timbres, self.action_browser, self.quotas)

    def restore_state(self) -> None:
        self.tabs.setCurrentIndex(max(0, min(self.tabs.count() - 1, self.settings.get(opt.ASSETS_TAB))))
        for kind, browser in zip(opt.ASSET_KINDS, self.browsers, strict=True):
            if splitter := self.settings.get(opt.ASSETS_SPLITTER[kind]):
                browser.splitter.restoreState(QByteArray(splitter))
            if columns := self.settings.get(opt.ASSETS_COLUMNS[kind]):
                browser.restore_columns(QByteArray(columns))
            if browser.grid is not None:
                browser.set_view(self.settings.get(opt.ASSETS_VIEW[kind]))

    def save_state(self) -> None:
        self.settings.set(opt.ASSETS_TAB, self.tabs.currentIndex())
        for kind, browser in zip(opt.ASSET_KINDS, self.browsers, strict=True):
            self.settings.set(opt.ASSETS_SPLITTER[kind], bytes(browser.splitter.saveState().data()))
            self.settings.set(opt.ASSETS_COLUMNS[kind], bytes(browser.table.horizontalHeader().saveState().data()))
            if browser.grid is not None:
                self.settings.set(opt.ASSETS_VIEW[kind], browser.view)

    # --- the catalogue ---

    def attach(self, catalog: AssetCatalog) -> None:
        self.catalog = catalog
        if self.thumbnails.fetcher is None:  # a page of its own (tests); the window's loader is started already
            self.thumbnails.start(catalog.bridge, ThumbnailStore(thumbnail_dir(catalog.data_dir)))
        catalog.snapshot_changed.connect(self.show_snapshot)
        catalog.refresh_failed.connect(self._refresh_failed)
        catalog.busy_changed.connect(self._busy_changed)
        self.refresh_button.setEnabled(True)
        if catalog.snapshot.fetched_at:
            self.show_snapshot(catalog.snapshot)
        catalog.open()
        self._busy_changed(catalog.busy)

    def show_snapshot(self, snapshot: CatalogSnapshot) -> None:
        """The page in view is filled now, the others on the next turns of the event loop: at 10,000 avatars each
        page costs 15-40 ms (its model, search texts and facet counts), and the first page is what the user waits
        for."""
        if snapshot.fetched_at != self.snapshot.fetched_at and not snapshot.cached:
            self.lookups.clear()  # a fresh catalogue: what was looked up may have changed too
        self.snapshot = snapshot
        fills = {
            self.avatars: self._fill_avatars,
            self.anchors: self._fill_anchors,
            self.timbres: self._fill_timbre_page,
            self.action_browser: self._fill_action_page,
            self.quotas: lambda: self.quotas.set_records(snapshot.quotas),
        }
        current = self.tabs.currentWidget()
        first = fills.pop(current) if isinstance(current, RecordBrowser) and current in fills else None
        if first is not None:
            first()
        self.pending_fills += len(fills)
        for fill in fills.values():
            QTimer.singleShot(0, self, lambda fill=fill: self._fill_later(fill, snapshot))
        self._show_state()

    def _fill_later(self, fill: Callable[[], None], snapshot: CatalogSnapshot) -> None:
        self.pending_fills -= 1
        if self.snapshot is snapshot:  # else a newer snapshot has been shown, and fills the page itself
            fill()

    @property
    def filled(self) -> bool:
        """Every page shows the current snapshot (none waits for its turn of the event loop)."""
        return self.pending_fills == 0

    def _fill_avatars(self) -> None:
        self.avatars.set_records(self.snapshot.avatars)

    def _fill_anchors(self) -> None:
        snapshot = self.snapshot
        self.anchors.set_records(
            [AnchorEntry(a) for a in snapshot.anchors] + [AnchorEntry(a, legacy=True) for a in snapshot.legacy_anchors]
        )

    def _fill_timbre_page(self) -> None:
        self.timbre_avatar.set_records(self.snapshot.avatars)
        self._fill_timbres()

    def _fill_action_page(self) -> None:
        three_d = [a for a in self.snapshot.avatars if a.virtualman_type_code in THREE_D]
        self.action_avatar.set_records(three_d)
        if self.action_avatar.current is None and three_d:
            self.action_avatar.set_current(three_d[0])  # fills the actions
        elif three_d:
            self._fill_actions()  # asked again: the first time may have been before the connection was up
        else:
            self.action_browser.set_records(
                (), problem=self.tr("This account has no 3D avatar: only 3D avatars have actions.")
            )

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

    # --- lookups on demand ---

    def _lookup(
        self,
        query: tuple[str, str, bool],
        make: Callable[[Any], Coroutine[Any, Any, Sequence[Any]]],
        show: Callable[[], None],
    ) -> Sequence[Any] | str | None:
        """The kept answer to `query`, or None after asking for it (`show` runs again when it arrives)."""
        if query in self.lookups:
            return self.lookups[query]
        client = self.catalog.connection.client if self.catalog is not None else None
        if client is None or self.catalog is None:
            return self.tr("Not connected.")

        if query in self.asking:
            return None

        def answered(records: Sequence[Any]) -> None:
            self.asking.discard(query)
            self.lookups[query] = records
            show()

        def failed(error: BaseException) -> None:
            self.asking.discard(query)
            self.lookups[query] = str(error)
            show()

        self.asking.add(query)  # not asked again until it answers
        self.catalog.bridge.call(make(client), self, answered, failed)
        return None

    def _fill_timbres(self) -> None:
        source = self.timbre_source.currentData()
        self.timbre_avatar.setVisible(source != "account")
        if source == "account":
            self.timbres.set_records(self.snapshot.timbres)
            return
        avatar = self.timbre_avatar.current
        if avatar is None:
            self.timbres.set_records((), problem=self.tr("Choose an avatar to see the timbres bound to it."))
            return
        legacy = source == "legacy"
        key = avatar.virtualman_key
        found = self._lookup(
            ("timbres", key, legacy), lambda c: asset_lookups.bound_timbres(c, key, legacy), self._fill_timbres
        )
        if self.timbre_source.currentData() != source or self.timbre_avatar.current is not avatar:
            return
        if found is None:
            self.timbres.set_loading()
        elif isinstance(found, str):
            self.timbres.set_records((), problem=args(self.tr("Could not list its timbres: %1"), found))
        else:
            self.timbres.set_records(found, problem=self.tr("No timbre is bound to this avatar."))

    def _fill_actions(self) -> None:
        avatar = self.action_avatar.current
        legacy = bool(self.action_source.currentData())
        if avatar is None:
            self.action_browser.set_records(())
            return
        key = avatar.virtualman_key

        async def ask(client: Any) -> Sequence[ActionEntry]:
            return [ActionEntry(a, key, legacy) for a in await asset_lookups.actions(client, key, legacy)]

        found = self._lookup(("actions", key, legacy), ask, self._fill_actions)
        if found is None:
            self.action_browser.set_loading()
        elif isinstance(found, str):
            self.action_browser.set_records((), problem=args(self.tr("Could not list its actions: %1"), found))
        else:
            self.action_browser.set_records(found, problem=self.tr("This avatar has no actions."))

    def _measure_pose(self, record: Any) -> None:
        if not isinstance(record, Avatar) or not record.pose_image or record.pose_image in self.pose_sizes:
            return
        if self.catalog is None:
            return
        url = record.pose_image

        def measured(size: tuple[int, int]) -> None:
            self.pose_sizes[url] = size
            self.avatars.show_details()

        def failed(_error: BaseException) -> None:
            self.pose_sizes[url] = (0, 0)
            self.avatars.show_details()

        self.catalog.bridge.call(asset_lookups.picture_size(url), self, measured, failed)

    def _anchor_chosen(self, record: Any) -> None:
        if isinstance(record, AnchorEntry) and record.legacy:
            code = record.anchor.anchor_code
            self._lookup(("images", code, True), lambda c: asset_lookups.legacy_images(c, code),
                         self.anchors.show_details)  # fmt: skip

    def _anchor_extra(self, record: Any) -> str:
        if not isinstance(record, AnchorEntry):
            return ""
        code = record.anchor.anchor_code
        if not record.legacy:
            count = sum(1 for a in self.snapshot.avatars if a.anchor_code == code)
            link = args(self.tr("Show its %1 avatars"), str(count))
            return f"<p><a href='avatars:{escape(code)}'>{escape(link)}</a></p>" if count else ""
        found = self.lookups.get(("images", code, True))
        assert found is None or isinstance(found, (str, list, tuple))
        heading = escape(self.tr("Images (legacy getresourcebyanchor)"))
        if found is None:
            return f"<h4>{heading}</h4><p>{escape(self.tr('Looking them up…'))}</p>"
        if isinstance(found, str):
            return f"<h4>{heading}</h4><p>{escape(args(self.tr('Could not look them up: %1'), found))}</p>"
        rows = "".join(
            f"<tr><td>{escape(a.clothes_name)} · {escape(a.pose_name)} · {escape(a.resolution)}</td>"
            f"<td><code>{escape(a.virtualman_key)}</code></td></tr>"
            for a in found
        )
        return (
            f"<h4>{heading}</h4><table>{rows}</table>"
            if rows
            else f"<h4>{heading}</h4><p>{escape(self.tr('None.'))}</p>"
        )

    def _show_avatars_of(self, url: QUrl) -> None:
        self.tabs.setCurrentWidget(self.avatars)
        self.search.setText(url.path())

    # --- the state line ---

    def _busy_changed(self, busy: bool) -> None:
        self.refresh_button.setEnabled(not busy and self.catalog is not None)
        self._show_state(refreshing=busy)

    def _refresh_failed(self, reason: str) -> None:
        for browser in (self.avatars, self.anchors, self.timbres, self.quotas):
            if browser.loading:
                browser.set_records(())
        if self.action_browser.loading and self.action_avatar.current is None:
            self.action_browser.set_records(())
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
            text = args(self.tr("As of %1: %2 avatars, %3 anchors, %4 timbres, %5 service assets."), when,
                        str(len(snapshot.avatars)), str(len(snapshot.anchors) + len(snapshot.legacy_anchors)),
                        str(len(snapshot.timbres)), str(len(snapshot.quotas)))  # fmt: skip
            if snapshot.problems:
                text += " " + args(self.tr("Not shown (refused): %1."), "; ".join(snapshot.problems))
        else:
            text = self.state.text()
        self.state.setProperty("problem", bool(problem))
        self.state.setText(text)
