"""The connection to the platform, on the GUI thread: which profile, its client, its health, Test connection.

The work happens on the engine (`connector.py`): this service reads the settings on the GUI thread into a
`ConnectPlan` of plain values, hands it over, and takes the answer back through the bridge. `client` is assigned
here only, on the GUI thread; engine code receives it as an argument.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from desktop.api import Client, Credentials
from desktop.api.transport import Exchange
from desktop.services import profiles
from desktop.services import settings as opt
from desktop.services.connection_status import ConnectionStatus, Health
from desktop.services.connector import Connector, ConnectPlan, Opened
from desktop.services.engine import Bridge
from desktop.services.profiles import Profile
from desktop.services.sandbox_process import SandboxProcess
from desktop.services.secrets import SecretStore
from desktop.services.settings import Settings

log = logging.getLogger("desktop.services.connection")


class ConnectionService(QObject):
    """Owns the current Client and reports the connection's status. GUI thread only."""

    status_changed = Signal(object)  # ConnectionStatus
    exchange = Signal(object)  # Exchange, for the activity log
    client_changed = Signal()

    def __init__(
        self,
        settings: Settings,
        secrets: SecretStore,
        bridge: Bridge,
        data_dir: Path,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.secrets = secrets
        self.bridge = bridge
        self.data_dir = data_dir
        self.client: Client | None = None
        self.status = ConnectionStatus("starting")
        sandbox = SandboxProcess(data_dir / "sandbox", settings.get(opt.SANDBOX_TIME_SCALE))
        self.connector = Connector(secrets, sandbox, self._on_exchange)
        self._generation = 0

    @property
    def sandbox(self) -> SandboxProcess:
        """The sandbox child (engine side: its coroutines run on the engine)."""
        return self.connector.sandbox

    @property
    def profile(self) -> Profile:
        return profiles.profile(self.settings.get(opt.PROFILE))

    @property
    def health(self) -> Health:
        return self.status.health

    def _set_status(self, status: ConnectionStatus) -> None:
        self.status = status
        self.status_changed.emit(status)

    def plan(
        self, profile: Profile, *, appkey: str | None = None, api_url: str | None = None, ws_url: str | None = None
    ) -> ConnectPlan:
        """A connect's inputs from the saved settings, or from the values given (a dialog's unsaved fields)."""
        saved_appkey = self.settings.get(profile.appkey) if profile.appkey is not None else ""
        return ConnectPlan(
            profile,
            timeout_s=self.settings.get(opt.REQUEST_TIMEOUT_S),
            appkey=saved_appkey if appkey is None else appkey,
            api_url=self.settings.get(opt.CUSTOM_API_URL) if api_url is None else api_url,
            ws_url=self.settings.get(opt.CUSTOM_WS_URL) if ws_url is None else ws_url,
        )

    # --- secrets, off the GUI thread (a keyring may block while it waits to be unlocked) ---
    def load_secret(self, name: str, context: QObject, on_done: Callable[[str], None]) -> None:
        self.bridge.call(asyncio.to_thread(self.secrets.get, name), context, on_done, lambda _error: on_done(""))

    def save_secrets(self, values: dict[str, str], on_done: Callable[[], None]) -> None:
        """Write keyring entries, then call `on_done` (tied to this service: it runs after a dialog has closed)."""

        async def save() -> None:
            for name, value in values.items():
                await asyncio.to_thread(self.secrets.set, name, value)

        def failed(error: BaseException) -> None:
            log.error("saving a token failed: %s", type(error).__name__)
            on_done()

        self.bridge.call(save(), self, lambda _result: on_done(), failed)

    # --- connecting ---
    def reconnect(self, on_done: Callable[[ConnectionStatus], None] | None = None) -> None:
        """(Re)build the client for the current profile, then probe it; the status follows."""
        self._generation += 1
        generation = self._generation
        plan = self.plan(self.profile)
        replacing, self.client = self.client, None
        self._set_status(ConnectionStatus("connecting", plan.profile.key))

        def done(opened: Opened) -> None:
            if generation != self._generation:  # a newer reconnect superseded this one
                if opened.client is not None:
                    self.bridge.call(opened.client.aclose(), self)
                return
            self.client = opened.client
            self._set_status(opened.status)
            self.client_changed.emit()
            if on_done is not None:
                on_done(opened.status)

        def failed(error: BaseException) -> None:
            log.error("connecting failed unexpectedly: %s", error)
            done(Opened(None, ConnectionStatus("config", plan.profile.key, detail=str(error))))

        self.bridge.call(self.connector.reconnect(plan, replacing), self, done, failed)

    def test(self, context: QObject, on_done: Callable[[ConnectionStatus], None]) -> None:
        """Probe the current client without rebuilding it (the menu's Test connection)."""
        client = self.client
        if client is None:
            self.reconnect(on_done)
            return
        from desktop.services.connector import probe

        def failed(error: BaseException) -> None:
            on_done(ConnectionStatus("config", self.profile.key, detail=str(error)))

        self.bridge.call(probe(client, self.profile.key), context, on_done, failed)

    def test_candidate(
        self,
        profile: Profile,
        api_url: str,
        ws_url: str,
        credentials: Credentials,
        context: QObject,
        on_done: Callable[[ConnectionStatus], None],
    ) -> None:
        """Probe settings that are not saved yet (the Settings dialog's Test connection)."""
        plan = self.plan(profile, appkey=credentials.appkey, api_url=api_url, ws_url=ws_url)
        plan = dataclasses.replace(plan, token=credentials.access_token)

        def failed(error: BaseException) -> None:
            on_done(ConnectionStatus("config", profile.key, detail=str(error)))

        self.bridge.call(self.connector.test(plan), context, on_done, failed)

    def _on_exchange(self, exchange: Exchange) -> None:
        # Called on the engine thread: only the bridge's thread-safe post is touched here.
        self.bridge.post(lambda: self.exchange.emit(exchange), self)

    def shutdown(self) -> concurrent.futures.Future[None] | None:
        """GUI thread, at quit: hand the client to the engine to close, with the sandbox. Returns nothing to wait
        on when the engine is gone."""
        client, self.client = self.client, None
        self._generation += 1  # an answer still on its way is stale
        if not self.bridge.engine.running:
            return None
        return self.bridge.engine.submit(self.connector.shutdown(client))
