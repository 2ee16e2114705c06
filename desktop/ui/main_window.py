"""The main window: navigation between the areas, menus with shortcuts, and a status bar with the profile, the
connection health and the running work. Geometry and the last page are remembered."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import QByteArray, QSize, QUrl, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

from desktop.services import settings as opt
from desktop.services.activity import ActivityLog
from desktop.services.connection import PROFILES, ConnectionService
from desktop.services.engine import Bridge
from desktop.ui.about import AboutDialog
from desktop.ui.activity_page import ActivityPage
from desktop.ui.common.health import HealthIndicator, WorkIndicator
from desktop.ui.pages import AREA_KEYS, AREAS, PlannedPage
from desktop.ui.settings.dialog import SettingsDialog
from desktop.version import APP_NAME


class MainWindow(QMainWindow):
    shown = Signal()  # the first time the window is on screen

    def __init__(
        self,
        connection: ConnectionService,
        activity: ActivityLog,
        bridge: Bridge,
        data_dir: Path,
        log_file: Path | None = None,
    ) -> None:
        super().__init__()
        self.connection = connection
        self.settings = connection.settings
        self.activity = activity
        self.data_dir = data_dir
        self.log_file = log_file
        self._shown_once = False
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
        self.planned: dict[str, PlannedPage] = {}
        for area in AREAS:
            item = QListWidgetItem(self.style().standardIcon(area.icon), area.title)
            item.setToolTip(area.subtitle)
            self.navigation.addItem(item)
            if area.key == "activity":
                self.activity_page = ActivityPage(activity, self.pages)
                self.pages.addWidget(self.activity_page)
            else:
                page = PlannedPage(area, self.pages)
                self.planned[area.key] = page
                self.pages.addWidget(page)
        layout.addWidget(self.navigation)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)
        self.navigation.currentRowChanged.connect(self._page_changed)

        self.health = HealthIndicator(self)
        self.work = WorkIndicator(self)
        self.profile_label = QLabel(self)
        self.statusBar().addWidget(self.health, 1)
        self.statusBar().addPermanentWidget(self.work)
        self.statusBar().addPermanentWidget(self.profile_label)
        self.health.clicked.connect(self.open_settings)
        connection.health_changed.connect(self.show_health)
        bridge.busy_changed.connect(self.work.set_running)
        self.settings.changed.connect(self._settings_changed)

        self._build_menus()
        self._show_profile()
        self.show_health(connection.health, connection.health_text)
        self.restore_state()

    # --- menus ---
    def _action(
        self,
        text: str,
        slot: Callable[[], object],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    def _build_menus(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        self.settings_action = self._action("&Settings…", self.open_settings, QKeySequence.StandardKey.Preferences)
        if self.settings_action.shortcut().isEmpty():
            self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        file_menu.addAction(self.settings_action)
        self.test_action = self._action("&Test connection", self.test_connection, "Ctrl+T")
        file_menu.addAction(self.test_action)
        file_menu.addSeparator()
        file_menu.addAction(self._action("Open &data folder", self.open_data_folder))
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Quit", self.close, QKeySequence.StandardKey.Quit))

        view_menu = menu.addMenu("&View")
        self.area_actions: list[QAction] = []
        for number, area in enumerate(AREAS, start=1):
            action = self._action(area.title, partial(self.show_area, area.key), f"Ctrl+{number}")
            view_menu.addAction(action)
            self.area_actions.append(action)
        help_menu = menu.addMenu("&Help")
        help_menu.addAction(self._action(f"&About {APP_NAME}", self.open_about))

    # --- navigation ---
    def show_area(self, key: str) -> None:
        self.navigation.setCurrentRow(AREA_KEYS.index(key))

    def current_area(self) -> str:
        return AREA_KEYS[max(0, self.pages.currentIndex())]

    def _page_changed(self, row: int) -> None:
        if row >= 0:
            self.pages.setCurrentIndex(row)
            self.settings.set(opt.LAST_PAGE, AREA_KEYS[row])

    # --- status ---
    def show_health(self, health: str, text: str) -> None:
        self.health.show_health(health, text)
        for page in self.planned.values():
            page.show_health(health, text)

    def _show_profile(self) -> None:
        self.profile_label.setText(PROFILES[self.connection.profile].split(" (")[0])

    def _settings_changed(self, key: str) -> None:
        if key == opt.PROFILE.key:
            self._show_profile()

    # --- dialogs ---
    def open_settings(self) -> None:
        before = (self.connection.profile, self.settings.get(opt.CUSTOM_API_URL), self.settings.get(opt.CUSTOM_WS_URL))
        dialog = SettingsDialog(self.connection, self)
        if dialog.exec():
            after = (
                self.connection.profile,
                self.settings.get(opt.CUSTOM_API_URL),
                self.settings.get(opt.CUSTOM_WS_URL),
            )
            self.activity.add("settings", "Settings saved", "profile changed" if before != after else "")
            self.connection.reconnect()

    def _connection_settings(self) -> tuple[str, str, str]:
        return self.connection.profile, self.settings.get(opt.CUSTOM_API_URL), self.settings.get(opt.CUSTOM_WS_URL)

    def test_connection(self) -> None:
        self.activity.add("connection", "Testing the connection")
        self.connection.test(lambda result: self.show_health("ok" if result.kind == "ok" else "error", result.text))

    def open_about(self) -> None:
        AboutDialog(self.data_dir, self.log_file, self).exec()

    def open_data_folder(self) -> None:
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
        self.show_area(last if last in AREA_KEYS else AREA_KEYS[0])

    def save_state(self) -> None:
        self.settings.set(opt.WINDOW_GEOMETRY, bytes(self.saveGeometry().data()))
        self.settings.set(opt.WINDOW_STATE, bytes(self.saveState().data()))
        self.settings.sync()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            self.shown.emit()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        super().closeEvent(event)
