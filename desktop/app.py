"""The composition root: builds the services, hands them to the windows, and owns the shutdown order.

Start-up shows the window first, built from UI code and settings alone; the network stack and the keyring (a quarter
of a second of imports and backend discovery) are loaded on the engine thread afterwards, then the connection
services are built on the GUI thread and attached to the window.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication

from desktop.services import profiles
from desktop.services import settings as opt
from desktop.services.activity import ActivityLog, Level
from desktop.services.connection_status import ConnectionStatus
from desktop.services.settings import Settings
from desktop.ui.common import connection_words
from desktop.ui.main_window import MainWindow
from desktop.ui.style import STYLESHEET

if TYPE_CHECKING:
    from desktop.services.asset_catalog import AssetCatalog
    from desktop.services.connection import ConnectionService
    from desktop.services.engine import Bridge, Engine
    from desktop.services.secrets import SecretStore

log = logging.getLogger("desktop.app")
translate = QCoreApplication.translate

SHUTDOWN_TIMEOUT_S = 6.0


async def _load_services(secrets: SecretStore | None) -> SecretStore:
    """On the engine thread: import the network stack and let keyring find its backend."""
    import desktop.services.connection  # noqa: F401 - httpx, websockets and the API client
    from desktop.services.secrets import SecretStore

    return secrets or SecretStore()


class App:
    def __init__(
        self,
        qapp: QApplication,
        data_dir: Path,
        *,
        profile: str | None = None,
        secrets: SecretStore | None = None,
        log_file: Path | None = None,
    ) -> None:
        self.qapp = qapp
        self.data_dir = data_dir
        self.settings = Settings(data_dir / "settings.ini")
        if profile is not None:
            if profile not in profiles.BY_KEY:
                raise ValueError(f"unknown profile {profile!r}; choose one of {', '.join(profiles.KEYS)}")
            self.settings.set(opt.PROFILE, profile)
        self.activity = ActivityLog()
        qapp.setStyleSheet(STYLESHEET)
        self.window = MainWindow(self.settings, self.activity, data_dir, log_file)
        self._given_secrets = secrets
        self.secrets: SecretStore | None = None
        self.engine: Engine | None = None
        self.bridge: Bridge | None = None
        self.connection: ConnectionService | None = None
        self.catalog: AssetCatalog | None = None
        self._closed = False

    @property
    def ready(self) -> bool:
        """Whether the services are attached to the window."""
        return self.connection is not None

    def start(self) -> None:
        self.window.present()
        QTimer.singleShot(0, self.start_services)

    def start_services(self) -> None:
        if self.engine is not None or self._closed:
            return
        from desktop.services.engine import Bridge, Engine

        self.engine = Engine().start()
        self.bridge = Bridge(self.engine)
        self.bridge.call(_load_services(self._given_secrets), self.window, self._services_loaded, self._services_failed)

    def _services_loaded(self, secrets: SecretStore) -> None:
        if self._closed or self.bridge is None:
            return
        from desktop.services.connection import ConnectionService

        self.secrets = secrets
        self.connection = ConnectionService(self.settings, secrets, self.bridge, self.data_dir)
        self.connection.exchange.connect(self.activity.add_exchange)
        self.connection.status_changed.connect(self._status_to_activity)
        if not secrets.persistent:
            self.activity.add("settings", translate("App", "No system keyring"), secrets.description, "warning")
        self.window.attach(self.connection, self.bridge)
        from desktop.services.asset_catalog import AssetCatalog

        self.catalog = AssetCatalog(self.connection, self.bridge, self.data_dir, self.connection)
        self.window.attach_catalog(self.catalog)
        self.connection.reconnect()

    def _services_failed(self, error: BaseException) -> None:
        log.error("the services could not start: %s", error)
        self.window.show_status(ConnectionStatus("config", detail=str(error)))
        self.activity.add("app", translate("App", "Services failed to start"), str(error), "error")

    def _status_to_activity(self, status: ConnectionStatus) -> None:
        health = status.health
        level: Level = "error" if health == "error" else "warning" if health == "warning" else "info"
        title = connection_words.health_title(health)
        self.activity.add("connection", title, connection_words.describe(status), level=level)

    def shutdown(self) -> None:
        """Save the window, close the client and the sandbox on the engine (bounded wait), stop the engine."""
        if self._closed:
            return
        self._closed = True
        self.window.save_state()
        self.window.hide()
        self.settings.sync()
        if vlc_instance := sys.modules.get("desktop.media.vlc_instance"):  # loaded only if a sample was played
            vlc_instance.release_shared()
        engine = self.engine
        if engine is None or not engine.running:
            return
        future = self.connection.shutdown() if self.connection is not None else None
        if future is not None:
            # The app is closing and its window is gone: waiting here, bounded, is what keeps no child behind.
            try:
                future.result(SHUTDOWN_TIMEOUT_S)
            except Exception as exc:
                log.warning("shutdown did not finish cleanly: %s", exc)
        engine.stop()
