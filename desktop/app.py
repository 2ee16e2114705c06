"""The composition root: builds the services, hands them to the windows, and owns the shutdown order."""

from __future__ import annotations

import concurrent.futures
import logging
from pathlib import Path

from PySide6.QtWidgets import QApplication

from desktop.services import settings as opt
from desktop.services.activity import ActivityLog, Level
from desktop.services.connection import PROFILES, ConnectionService
from desktop.services.engine import Bridge, Engine
from desktop.services.secrets import SecretStore
from desktop.services.settings import Settings
from desktop.ui.main_window import MainWindow
from desktop.ui.style import STYLESHEET

log = logging.getLogger("desktop.app")

SHUTDOWN_TIMEOUT_S = 6.0


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
            if profile not in PROFILES:
                raise ValueError(f"unknown profile {profile!r}; choose one of {', '.join(PROFILES)}")
            self.settings.set(opt.PROFILE, profile)
        self.secrets = secrets or SecretStore()
        self.engine = Engine().start()
        self.bridge = Bridge(self.engine)
        self.activity = ActivityLog()
        self.connection = ConnectionService(self.settings, self.secrets, self.bridge, data_dir)
        self.connection.exchange.connect(self.activity.add_exchange)
        self.connection.health_changed.connect(self._health_to_activity)
        qapp.setStyleSheet(STYLESHEET)
        self.window = MainWindow(self.connection, self.activity, self.bridge, data_dir, log_file)
        self._closed = False
        if not self.secrets.persistent:
            self.activity.add("settings", "No system keyring", self.secrets.description, "warning")

    def _health_to_activity(self, health: str, text: str) -> None:
        level: Level = "error" if health == "error" else "warning" if health == "warning" else "info"
        self.activity.add("connection", text, level=level)

    def start(self) -> None:
        self.window.show()
        self.connection.reconnect()

    def shutdown(self) -> None:
        """Save the window, close the client and the sandbox on the engine (bounded wait), stop the engine."""
        if self._closed:
            return
        self._closed = True
        self.window.save_state()
        self.window.hide()
        self.settings.sync()
        if self.engine.running:
            future = self.engine.submit(self.connection.shutdown())
            try:
                future.result(SHUTDOWN_TIMEOUT_S)
            except (concurrent.futures.TimeoutError, Exception) as exc:
                log.warning("shutdown did not finish cleanly: %s", exc)
            self.engine.stop()
