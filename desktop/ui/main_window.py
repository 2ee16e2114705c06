"""The main window: navigation between the areas, menus with shortcuts, and a status bar with the profile, the
connection health and the running work. Geometry and the last page are remembered."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QByteArray, QSize, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

from desktop.i18n import args
from desktop.services import settings as opt
from desktop.services.activity import ActivityLog
from desktop.services.connection_status import ConnectionStatus
from desktop.services.settings import Settings
from desktop.ui.common import connection_words, handoff_words, profile_names
from desktop.ui.common.handoff import Handoff, StartLiveWith
from desktop.ui.common.health import HealthIndicator, WorkIndicator
from desktop.ui.pages import AREA_KEYS, AREAS, PlannedPage
from desktop.version import APP_NAME

if TYPE_CHECKING:  # the window appears before these (and httpx behind them) are loaded
    from PySide6.QtGui import QAction, QCloseEvent
    from PySide6.QtWidgets import QMessageBox

    from desktop.services.account_sessions import AccountSessions, LeftOpen
    from desktop.services.asset_catalog import AssetCatalog
    from desktop.services.catalog_cache import CatalogSnapshot
    from desktop.services.connection import ConnectionService
    from desktop.services.engine import Bridge
    from desktop.services.live_session import LiveSession, LiveStatus
    from desktop.ui.activity_page import ActivityPage
    from desktop.ui.common.thumbnails import ThumbnailLoader

APP_ICON = Path(__file__).resolve().parents[2] / "resources" / "icons" / "io.github.avatarstudio.AvatarStudio.svg"


class MainWindow(QMainWindow):
    shown = Signal()  # the first time the window is on screen

    def __init__(
        self,
        settings: Settings,
        activity: ActivityLog,
        data_dir: Path,
        log_file: Path | None = None,
    ) -> None:
        super().__init__()
        self.connection: ConnectionService | None = None
        self.bridge: Bridge | None = None
        self.live_session: LiveSession | None = None
        self.account_sessions: AccountSessions | None = None
        self.catalog: AssetCatalog | None = None
        self._thumbnails: ThumbnailLoader | None = None
        self.handoffs: dict[str, Handoff] = {}  # the latest request handed to each area
        self.settings = settings
        self.activity = activity
        self.data_dir = data_dir
        self.log_file = log_file
        self._shown_once = False
        self._first_area = ""  # the area selected at start, its page built once the window is on screen
        self._quit_anyway = False  # the open live session was closed (or left running) on purpose
        self.live_question: QMessageBox | None = None
        self.left_open_question: QMessageBox | None = None  # sessions found open at start: close them?
        self._left_open_checked: set[str] = set()  # profiles whose open sessions were looked for
        self.setWindowTitle(APP_NAME)
        self.setObjectName("mainWindow")

        central = QWidget(self)
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.navigation = QListWidget(central)
        self.navigation.setObjectName("navigation")
        self.navigation.setFixedWidth(190)
        self.navigation.setIconSize(QSize(20, 20))
        self.pages = QStackedWidget(central)
        # Pages are built the first time they are shown: only one is visible at start.
        self._built: dict[str, QWidget] = {}
        self._status = ConnectionStatus("starting")
        for area in AREAS:
            item = QListWidgetItem(area.shown_title)
            item.setToolTip(area.shown_subtitle)
            self.navigation.addItem(item)
            self.pages.addWidget(QWidget(self.pages))
        layout.addWidget(self.navigation)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)
        self.navigation.currentRowChanged.connect(self._page_changed)

        self.health = HealthIndicator(self)
        self.work = WorkIndicator(self)
        self.profile_label = QLabel(self)
        self.quota_label = QLabel(self)  # the most urgent quota alert, once the catalogue is known
        self.quota_label.setObjectName("quotaAlert")
        self.quota_label.hide()
        self.statusBar().addWidget(self.health, 1)
        self.speak_label = QLabel(self)  # the live avatar's SpeakStatus, while a session is live
        self.speak_label.setObjectName("speakStatus")
        self.speak_label.hide()
        self.statusBar().addPermanentWidget(self.speak_label)
        self.statusBar().addPermanentWidget(self.quota_label)
        self.statusBar().addPermanentWidget(self.work)
        self.statusBar().addPermanentWidget(self.profile_label)
        self.health.clicked.connect(self.open_settings)
        self.settings.changed.connect(self._settings_changed)

        # Menus are built a tick after the first show: the first QAction initialises PySide's Qt namespace
        # (~150 enums, tens of milliseconds) and the window should not wait for that (bench/startup.py).
        self.settings_action: QAction | None = None
        self.test_action: QAction | None = None
        self._show_profile()
        self.show_status(self._status)
        self.restore_state()

    def attach(self, connection: ConnectionService, bridge: Bridge) -> None:
        """Connect the window to the services once they are built (after the window is on screen)."""
        self.connection = connection
        self.bridge = bridge
        connection.status_changed.connect(self.show_status)
        bridge.busy_changed.connect(self.work.set_running)
        self._enable_connection_actions()
        self.show_status(connection.status)

    def attach_catalog(self, catalog: AssetCatalog) -> None:
        """The Assets area's catalogue, once the services are built."""
        self.catalog = catalog
        from desktop.services.thumbnail_store import ThumbnailStore, thumbnail_dir

        self.thumbnail_loader().start(catalog.bridge, ThumbnailStore(thumbnail_dir(catalog.data_dir)))
        catalog.snapshot_changed.connect(self._show_quota_alerts)
        catalog.snapshot_changed.connect(self._show_live_avatars)
        self._live_service()
        if "live" in self._built:
            self._attach_live()
        if "assets" in self._built:
            from desktop.ui.assets.page import AssetsPage

            cast(AssetsPage, self._built["assets"]).attach(catalog)

    def thumbnail_loader(self) -> ThumbnailLoader:
        """The pictures of avatars and anchors, for every view and picker of the window (one memory cache)."""
        if self._thumbnails is None:
            from desktop.ui.common.thumbnails import ThumbnailLoader

            self._thumbnails = ThumbnailLoader(self)
        return self._thumbnails

    def _enable_connection_actions(self) -> None:
        for action in (self.settings_action, self.test_action):
            if action is not None:
                action.setEnabled(self.connection is not None)

    # --- menus ---
    def _build_menus(self) -> None:
        from desktop.ui.menus import build_menus

        actions = build_menus(self)
        self.settings_action = actions.settings
        self.test_action = actions.test_connection
        self.area_actions = list(actions.areas)
        self._enable_connection_actions()

    def page(self, key: str) -> QWidget:
        """The page of an area, built on first use in place of its empty slot."""
        if key not in self._built:
            index = AREA_KEYS.index(key)
            area = AREAS[index]
            page: QWidget
            if key == "activity":
                from desktop.ui import activity_page

                page = activity_page.ActivityPage(self.activity, self.pages)
            elif key == "assets":
                from desktop.ui.assets.page import AssetsPage

                assets = AssetsPage(self.settings, self.thumbnail_loader(), self.pages)
                if self.catalog is not None:
                    assets.attach(self.catalog)
                assets.handoff_requested.connect(self.route)
                assets.status_message.connect(lambda text: self.statusBar().showMessage(text, 4000))
                page = assets
            elif key == "live":
                from desktop.ui.live.page import LivePage

                live = LivePage(self.pages)
                live.status_message.connect(lambda text: self.statusBar().showMessage(text, 4000))
                live.speak_status.connect(self._show_speak_status)
                page = live
            else:
                planned = PlannedPage(area, self.pages)
                planned.show_health(connection_words.describe(self._status))
                page = planned
            slot = self.pages.widget(index)
            showing = self.pages.currentIndex() == index  # the slot is on screen: the page takes its place there
            self.pages.insertWidget(index, page)
            if slot is not None:
                self.pages.removeWidget(slot)
                slot.deleteLater()
            if showing:
                self.pages.setCurrentIndex(index)
            self._built[key] = page
            if key == "live" and self.catalog is not None:
                self._attach_live()
        return self._built[key]

    def _attach_live(self) -> None:
        """The Live panel's session service, once the page and the services both exist."""
        from desktop.ui.live.page import LivePage

        page = cast(LivePage, self._built["live"])
        session = self._live_service()
        if session is None or page.session is not None or self.account_sessions is None or self.bridge is None:
            return
        page.attach(session, self.account_sessions, self.bridge, self.settings, self.data_dir)
        if self.catalog is not None:
            page.set_catalog(self.catalog.snapshot)
        request = self.handoffs.get("live")
        if isinstance(request, StartLiveWith):
            page.choose_avatar(request.virtualman_key)

    def _live_service(self) -> LiveSession | None:
        """Made with the services (not with the page): sessions left open are looked for at every start."""
        if self.live_session is None and self.connection is not None and self.bridge is not None:
            from desktop.services.account_sessions import AccountSessions
            from desktop.services.live_session import LiveSession
            from desktop.services.session_ledger import SessionLedger, ledger_file

            ledger = SessionLedger(ledger_file(self.data_dir))
            self.live_session = LiveSession(self.connection, self.bridge, ledger, self)
            self.live_session.set_idle_close(self.settings.get(opt.LIVE_IDLE_CLOSE_MIN))
            self.account_sessions = AccountSessions(self.connection, self.bridge, ledger, self)
            self.account_sessions.left_open.connect(self._offer_to_close)
            self.connection.client_changed.connect(self._look_for_left_open)
            self._look_for_left_open()
        return self.live_session

    def _look_for_left_open(self) -> None:
        """Once per profile, when its client is there."""
        connection, session, account = self.connection, self.live_session, self.account_sessions
        if connection is None or session is None or account is None or connection.client is None:
            return
        profile = connection.profile.key
        if profile not in self._left_open_checked:
            self._left_open_checked.add(profile)
            account.find_left_open(lambda: session.status.session_id)

    def _offer_to_close(self, sessions: list[LeftOpen]) -> None:
        """Sessions of the account found open at start: close them, drive one here (when there is one and the panel
        drives none), or leave them."""
        from PySide6.QtWidgets import QMessageBox

        session, account = self.live_session, self.account_sessions
        if session is None or account is None or self.left_open_question is not None:
            return
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Live sessions are open"))
        box.setText(
            self.tr("%n live session(s) of this account are still open, and billed while open.", "", len(sessions))
        )
        lines = [
            args(self.tr("%1 (UserId %2): left open by an earlier run of this app"), s.session_id, s.user_id)
            if s.ours
            else args(self.tr("%1 (UserId %2): opened elsewhere"), s.session_id, s.user_id)
            for s in sessions
        ]
        box.setInformativeText("\n".join(lines))
        close = box.addButton(self.tr("Close them"), QMessageBox.ButtonRole.AcceptRole)
        adoptable = sessions[0].summary if len(sessions) == 1 and not session.status.open else None
        adopt = box.addButton(self.tr("Drive it here"), QMessageBox.ButtonRole.ActionRole) if adoptable else None
        box.addButton(self.tr("Leave them open"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(close)
        self.left_open_question = box

        def answered(_result: int) -> None:
            self.left_open_question = None
            box.deleteLater()
            if box.clickedButton() is close:
                account.close(
                    [s.session_id for s in sessions],
                    lambda closed: self.statusBar().showMessage(
                        self.tr("Closed %n live session(s).", "", closed), 6000
                    ),
                )
            elif adopt is not None and box.clickedButton() is adopt and adoptable is not None:
                self.show_area("live")
                session.adopt(adoptable)

        box.finished.connect(answered)
        box.open()

    def _show_speak_status(self, status: str) -> None:
        self.speak_label.setText(args(self.tr("Avatar: %1"), status))
        self.speak_label.setVisible(bool(status))

    def _show_live_avatars(self, snapshot: CatalogSnapshot) -> None:
        if "live" in self._built:
            from desktop.ui.live.page import LivePage

            cast(LivePage, self._built["live"]).set_catalog(snapshot)

    @property
    def activity_page(self) -> ActivityPage:
        return cast("ActivityPage", self.page("activity"))

    @property
    def planned(self) -> dict[str, PlannedPage]:
        return {key: page for key, page in self._built.items() if isinstance(page, PlannedPage)}

    def present(self) -> None:
        """Show the window, say so, and finish it (menus, icons, cursors) on the next turn of the event loop."""
        self.show()
        if not self._shown_once:
            self._shown_once = True
            self.shown.emit()
            QTimer.singleShot(0, self._finish)

    def _finish(self) -> None:
        from PySide6.QtGui import QIcon
        from PySide6.QtWidgets import QStyle

        self._build_menus()
        self.health.finish()
        if APP_ICON.is_file():
            self.setWindowIcon(QIcon(str(APP_ICON)))
        for row, area in enumerate(AREAS):
            self.navigation.item(row).setIcon(self.style().standardIcon(getattr(QStyle.StandardPixmap, area.icon)))
        first, self._first_area = self._first_area, ""
        if first and first not in self._built and self.current_area() == first:  # not left for another area since
            self._page_changed(AREA_KEYS.index(first))

    # --- navigation ---
    def show_area(self, key: str) -> None:
        self.navigation.setCurrentRow(AREA_KEYS.index(key))

    def current_area(self) -> str:
        return AREA_KEYS[max(0, self.pages.currentIndex())]

    def _page_changed(self, row: int) -> None:
        if row >= 0:
            self.page(AREA_KEYS[row])
            self.pages.setCurrentIndex(row)
            self.settings.set(opt.LAST_PAGE, AREA_KEYS[row])

    # --- hand-offs between areas ---
    def route(self, request: Handoff) -> None:
        """Show the area that serves `request` and give it the request (the latest per area is kept)."""
        self.handoffs[request.target] = request
        self.show_area(request.target)
        page = self.page(request.target)
        if isinstance(page, PlannedPage):
            page.show_handoff(handoff_words.describe(request))
        elif request.target == "live" and isinstance(request, StartLiveWith):
            from desktop.ui.live.page import LivePage

            cast(LivePage, page).choose_avatar(request.virtualman_key)

    # --- status ---
    def show_status(self, status: ConnectionStatus) -> None:
        self._status = status
        text = connection_words.describe(status)
        self.health.show_health(status.health, text)
        for page in self.planned.values():
            page.show_health(text)

    def _show_quota_alerts(self, snapshot: CatalogSnapshot) -> None:
        from datetime import datetime

        from desktop.services.quota_watch import alerts
        from desktop.ui.assets.quota_words import alert_text

        found = alerts(snapshot.quotas, datetime.now())
        self.quota_label.setVisible(bool(found))
        if found:
            more = args(self.tr(" (+%1 more)"), str(len(found) - 1)) if len(found) > 1 else ""
            self.quota_label.setText(alert_text(found[0]) + more)
            self.quota_label.setToolTip("\n".join(alert_text(alert) for alert in found))

    def _show_profile(self) -> None:
        self.profile_label.setText(profile_names.short_name(self.settings.get(opt.PROFILE)))

    def _settings_changed(self, key: str) -> None:
        if key == opt.LIVE_IDLE_CLOSE_MIN.key and self.live_session is not None:
            self.live_session.set_idle_close(self.settings.get(opt.LIVE_IDLE_CLOSE_MIN))
        if key == opt.PROFILE.key:
            self._show_profile()

    # --- dialogs ---
    def open_settings(self) -> None:
        if self.connection is None:
            return
        from desktop.ui.settings.dialog import SettingsDialog

        before = self._connection_settings()
        dialog = SettingsDialog(self.connection, self)
        dialog.saved.connect(self.connection.reconnect)  # once the tokens are stored
        dialog.saved.connect(dialog.deleteLater)
        if dialog.exec():
            changed = before != self._connection_settings()
            detail = self.tr("the connection changed") if changed else ""
            self.activity.add("settings", self.tr("Settings saved"), detail)
        else:
            dialog.deleteLater()

    def _connection_settings(self) -> tuple[str, str, str]:
        profile = self.settings.get(opt.PROFILE)
        return profile, self.settings.get(opt.CUSTOM_API_URL), self.settings.get(opt.CUSTOM_WS_URL)

    def test_connection(self) -> None:
        if self.connection is None:
            return
        self.activity.add("connection", self.tr("Testing the connection"))
        self.connection.test(self, self.show_status)

    def open_about(self) -> None:
        from desktop.ui.about import AboutDialog

        AboutDialog(self.data_dir, self.log_file, self).exec()

    def open_data_folder(self) -> None:
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.data_dir)))

    # --- state ---
    def restore_state(self) -> None:
        geometry = self.settings.get(opt.WINDOW_GEOMETRY)
        if not geometry or not self.restoreGeometry(QByteArray(geometry)):
            self.resize(1180, 760)
        state = self.settings.get(opt.WINDOW_STATE)
        if state:
            self.restoreState(QByteArray(state))
        last = self.settings.get(opt.LAST_PAGE)
        key = last if last in AREA_KEYS else AREA_KEYS[0]
        if self._shown_once:
            self.show_area(key)
            return
        # Before the first show the area is selected and its page built a tick after (in _finish): the Assets page
        # alone brings ~0.25 s of imports and building, and the window should be on screen first (bench/startup.py).
        row = AREA_KEYS.index(key)
        self.navigation.blockSignals(True)
        self.navigation.setCurrentRow(row)
        self.navigation.blockSignals(False)
        self.pages.setCurrentIndex(row)
        self._first_area = key

    def save_state(self) -> None:
        if "assets" in self._built:
            from desktop.ui.assets.page import AssetsPage

            cast(AssetsPage, self._built["assets"]).save_state()
        if "live" in self._built:
            from desktop.ui.live.page import LivePage

            cast(LivePage, self._built["live"]).save_state()
        self.settings.set(opt.WINDOW_GEOMETRY, bytes(self.saveGeometry().data()))
        self.settings.set(opt.WINDOW_STATE, bytes(self.saveState().data()))
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        session = self.live_session
        if session is not None and session.status.open and not self._quit_anyway:
            event.ignore()  # asked first, without a nested event loop: the answer closes the window again
            self._ask_about_live_session(session)
            return
        self.save_state()
        if "live" in self._built:
            from desktop.ui.live.page import LivePage

            cast(LivePage, self._built["live"]).release()
        super().closeEvent(event)

    def _ask_about_live_session(self, session: LiveSession) -> None:
        """A billed stream is open: close it and quit, leave it running and quit, or stay."""
        from PySide6.QtWidgets import QMessageBox

        if self.live_question is not None:
            self.live_question.raise_()
            return
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("A live session is open"))
        streaming = self.tr("Session %1 is still streaming, and billed while it is open.")
        box.setText(args(streaming, session.status.session_id))
        box.setInformativeText(self.tr("Close it before quitting?"))
        close = box.addButton(self.tr("Close it and quit"), QMessageBox.ButtonRole.AcceptRole)
        keep = box.addButton(self.tr("Leave it running"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(close)
        self.live_question = box

        def answered(_result: int) -> None:
            self.live_question = None
            box.deleteLater()
            if box.clickedButton() is keep:
                self._quit_anyway = True
                self.close()
            elif box.clickedButton() is close:
                self.show_area("live")

                def closed(status: LiveStatus) -> None:
                    if status.phase in ("closed", "failed"):
                        session.status_changed.disconnect(closed)
                        self._quit_anyway = True
                        self.close()

                session.status_changed.connect(closed)
                session.close()

        box.finished.connect(answered)
        box.open()
