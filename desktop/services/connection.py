"""The connection to the platform: which profile, its environment and credentials, the client on the engine,
its health, and "Test connection" reported in words."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from PySide6.QtCore import QObject, Signal

from desktop.api import (
    INTERNATIONAL,
    MAINLAND,
    ApiError,
    AuthError,
    Client,
    ClockSkewError,
    Credentials,
    Environment,
    PlatformError,
    TransportError,
    custom,
)
from desktop.api.transport import Exchange
from desktop.logs import redact
from desktop.services import settings as opt
from desktop.services.engine import Bridge
from desktop.services.sandbox_process import SandboxProcess, SandboxUnavailableError
from desktop.services.secrets import SecretStore, token_name
from desktop.services.settings import Settings

log = logging.getLogger("desktop.services.connection")

PROFILES: dict[str, str] = {
    "sandbox": "Sandbox (local, free)",
    "international": "International (gw-sg.tvs.qq.com)",
    "mainland": "Mainland (gw.tvs.qq.com)",
    "custom": "Custom (private deployment)",
}

CLOUD_HINT = "A cloud profile can be chosen in File → Settings (Ctrl+,)."

Health = Literal["unknown", "connecting", "ok", "warning", "error"]
ProbeKind = Literal["ok", "credentials", "auth", "clock", "network", "server", "sandbox", "config"]


@dataclass(frozen=True)
class ProbeResult:
    kind: ProbeKind
    text: str

    @property
    def ok(self) -> bool:
        return self.kind in ("ok", "clock")

    @property
    def health(self) -> Health:
        return "ok" if self.kind == "ok" else "warning" if self.ok else "error"


async def probe(client: Client) -> ProbeResult:
    """One cheap signed query (the first service asset), and what its outcome means for the user."""
    started = time.monotonic()
    where = client.environment.api_url
    try:
        await client.assets.service_assets(page_index=1, page_size=1)
    except ClockSkewError as exc:
        return ProbeResult("clock", str(exc))
    except AuthError as exc:
        return ProbeResult(
            "auth",
            f"{where} refused the appkey or access token (code {exc.code}: {exc.server_message or exc.meaning}). "
            "Check both in Settings.",
        )
    except TransportError as exc:
        return ProbeResult("network", f"Cannot reach {where}: {exc}. Check the network and the address.")
    except PlatformError as exc:
        return ProbeResult("server", f"{where} answered with code {exc.code}: {exc.meaning}. {exc.remedy}")
    except ApiError as exc:
        return ProbeResult("config", str(exc))
    elapsed = (time.monotonic() - started) * 1000
    offset = client.transport.clock.offset
    if abs(offset) > 60:
        return ProbeResult(
            "clock",
            f"Connected to {where}, but this computer's clock is {offset / 60:+.1f} minutes off the server's. "
            "Requests are corrected automatically; setting the system clock right is safer.",
        )
    return ProbeResult("ok", f"Connected to {where}: a signed query was answered in {elapsed:.0f} ms.")


class ConnectionService(QObject):
    """Owns the current Client (living on the engine) and reports health. GUI thread only."""

    health_changed = Signal(str, str)  # Health, words
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
        self.health: Health = "unknown"
        self.health_text = "Not connected yet"
        self.sandbox = SandboxProcess(data_dir / "sandbox", settings.get(opt.SANDBOX_TIME_SCALE))
        self._generation = 0
        self._connecting: asyncio.Task[ProbeResult] | None = None  # engine side

    @property
    def profile(self) -> str:
        value = self.settings.get(opt.PROFILE)
        return value if value in PROFILES else "sandbox"

    def _set_health(self, health: Health, text: str) -> None:
        self.health, self.health_text = health, text
        self.health_changed.emit(health, text)

    def load_secret(self, name: str, on_done: Callable[[str], None]) -> None:
        """Read a keyring entry off the GUI thread (a keyring may block, e.g. while it waits to be unlocked)."""
        self.bridge.call(asyncio.to_thread(self.secrets.get, name), on_done, lambda _error: on_done(""))

    def save_secrets(self, values: dict[str, str], on_done: Callable[[], None]) -> None:
        """Write keyring entries off the GUI thread, then call `on_done` on it."""

        async def save() -> None:
            for name, value in values.items():
                await asyncio.to_thread(self.secrets.set, name, value)

        def failed(error: BaseException) -> None:
            log.error("saving a token failed: %s", type(error).__name__)
            on_done()

        self.bridge.call(save(), lambda _result: on_done(), failed)

    def environment_and_credentials(self, profile: str, token: str) -> tuple[Environment, Credentials]:
        """For the cloud profiles (ValueError names a missing or malformed setting)."""
        if profile == "international":
            environment = INTERNATIONAL
        elif profile == "mainland":
            environment = MAINLAND
        elif profile == "custom":
            api_url = self.settings.get(opt.CUSTOM_API_URL)
            if not api_url:
                raise ValueError("The Custom profile needs the private deployment's address (Settings).")
            environment = custom(api_url, self.settings.get(opt.CUSTOM_WS_URL))
        else:
            raise ValueError(f"{profile} is not a cloud profile")
        appkey = self.settings.get(opt.APPKEYS[profile])
        return environment, Credentials(appkey, token)

    def reconnect(self, on_done: Callable[[ProbeResult], None] | None = None) -> None:
        """(Re)build the client for the current profile, then probe it; health follows."""
        self._generation += 1
        generation = self._generation
        profile = self.profile
        self._set_health("connecting", f"Connecting to {PROFILES[profile]}…")

        def done(result: ProbeResult) -> None:
            if generation != self._generation:
                return  # a newer connect() superseded this one
            self._set_health(result.health, result.text)
            self.client_changed.emit()
            if on_done is not None:
                on_done(result)

        def failed(error: BaseException) -> None:
            done(ProbeResult("config", f"Could not connect: {error}"))

        self.bridge.call(self._connect(profile), done, failed)

    async def _connect(self, profile: str) -> ProbeResult:
        self._connecting = asyncio.current_task()
        old, self.client = self.client, None
        if old is not None:
            await old.aclose()
        if profile == "sandbox":
            try:
                info = await self.sandbox.start()
            except SandboxUnavailableError as exc:
                return ProbeResult("sandbox", f"Sandbox not available: {exc}. {CLOUD_HINT}")
            environment = custom(info.api, info.ws)
            credentials = Credentials(info.appkey, info.accesstoken)
            redact.register(info.accesstoken)
        else:
            await self.sandbox.stop()
            token = await asyncio.to_thread(self.secrets.get, token_name(profile))
            try:
                environment, credentials = self.environment_and_credentials(profile, token)
            except ValueError as exc:
                return ProbeResult("config", str(exc))
            if not credentials.complete:
                return ProbeResult("credentials", "Enter the appkey and access token in Settings (Ctrl+,).")
        timeout = self.settings.get(opt.REQUEST_TIMEOUT_S)
        self.client = Client(environment, credentials, timeout=timeout, on_exchange=self._on_exchange)
        return await probe(self.client)

    def test(self, on_done: Callable[[ProbeResult], None]) -> None:
        """Probe the current client without rebuilding it (Settings' Test connection uses reconnect())."""
        client = self.client
        if client is None:
            self.reconnect(on_done)
            return
        self.bridge.call(probe(client), on_done, lambda e: on_done(ProbeResult("config", str(e))))

    def test_candidate(
        self,
        profile: str,
        api_url: str,
        ws_url: str,
        credentials: Credentials,
        on_done: Callable[[ProbeResult], None],
    ) -> None:
        """Probe settings that are not saved yet (the Settings dialog's Test connection)."""

        async def run() -> ProbeResult:
            if profile == "sandbox":
                try:
                    info = await self.sandbox.start()
                except SandboxUnavailableError as exc:
                    return ProbeResult("sandbox", f"Sandbox not available: {exc}.")
                environment, creds = custom(info.api, info.ws), Credentials(info.appkey, info.accesstoken)
            else:
                if profile == "international":
                    environment = INTERNATIONAL
                elif profile == "mainland":
                    environment = MAINLAND
                else:
                    try:
                        environment = custom(api_url, ws_url)
                    except ValueError as exc:
                        return ProbeResult("config", str(exc))
                creds = credentials
                if not creds.complete:
                    return ProbeResult("credentials", "Enter both the appkey and the access token.")
            timeout = self.settings.get(opt.REQUEST_TIMEOUT_S)
            async with Client(environment, creds, timeout=timeout, on_exchange=self._on_exchange) as client:
                return await probe(client)

        self.bridge.call(run(), on_done, lambda e: on_done(ProbeResult("config", f"Could not test: {e}")))

    def _on_exchange(self, exchange: Exchange) -> None:
        # Called on the engine thread: hand it to the GUI thread.
        self.bridge.post(lambda: self.exchange.emit(exchange))

    async def shutdown(self) -> None:
        """On the engine: end a connect in progress, close the client and stop the sandbox."""
        connecting, self._connecting = self._connecting, None
        if connecting is not None and not connecting.done():
            connecting.cancel()
            await asyncio.wait([connecting], timeout=2.0)
        if self.client is not None:
            await self.client.aclose()
            self.client = None
        await self.sandbox.stop()
