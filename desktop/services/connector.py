"""The engine side of the connection: builds a client for a plan and probes it. Plain Python that runs only on the
engine loop; what it needs from the GUI thread (the profile, its settings, a token typed into a dialog) comes in a
`ConnectPlan` of plain values, and its answers go back through the bridge."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from desktop.api import (
    ApiError,
    AuthError,
    Client,
    ClockSkewError,
    Credentials,
    CredentialsMissingError,
    Environment,
    PlatformError,
    TransportError,
    custom,
)
from desktop.api.transport import ExchangeHook
from desktop.logs import redact
from desktop.services.connection_status import ConnectionStatus
from desktop.services.profiles import Profile
from desktop.services.sandbox_process import SandboxProcess, SandboxUnavailableError
from desktop.services.secrets import SecretStore, token_name

CLOCK_WARNING_S = 60  # beyond this, an answered probe still warns about the clock


@dataclass(frozen=True)
class ConnectPlan:
    """Everything a connect needs, read on the GUI thread."""

    profile: Profile
    timeout_s: float
    appkey: str = ""
    api_url: str = ""  # the Custom profile's
    ws_url: str = ""
    token: str | None = field(default=None, repr=False)  # None: read it from the keyring (off the GUI thread)

    def environment(self) -> Environment:
        """ValueError names a missing or malformed address."""
        if self.profile.kind == "cloud":
            return self.profile.cloud_environment()
        if not self.api_url:
            raise ValueError("The Custom profile needs the private deployment's address (Settings).")
        return custom(self.api_url, self.ws_url)


@dataclass(frozen=True)
class Opened:
    """A connect's outcome: the client when one was built, and what the probe found."""

    client: Client | None
    status: ConnectionStatus


async def probe(client: Client, profile: str = "") -> ConnectionStatus:
    """One cheap signed query (the first service asset), and what its outcome says about the connection."""
    started = time.monotonic()
    where = client.environment.api_url
    try:
        await client.assets.service_assets(page_index=1, page_size=1)
    except CredentialsMissingError:
        return ConnectionStatus("credentials", profile, where)
    except ClockSkewError as exc:
        return ConnectionStatus("skewed", profile, where, str(exc), offset_s=exc.offset_seconds)
    except AuthError as exc:
        return ConnectionStatus("auth", profile, where, exc.server_message or exc.meaning, exc.code)
    except TransportError as exc:
        return ConnectionStatus("network", profile, where, str(exc))
    except PlatformError as exc:
        return ConnectionStatus("server", profile, where, f"{exc.meaning}. {exc.remedy}", exc.code)
    except ApiError as exc:
        return ConnectionStatus("config", profile, where, str(exc))
    elapsed = (time.monotonic() - started) * 1000
    offset = client.transport.clock.offset
    if abs(offset) > CLOCK_WARNING_S:
        return ConnectionStatus("clock", profile, where, elapsed_ms=elapsed, offset_s=offset)
    return ConnectionStatus("ok", profile, where, elapsed_ms=elapsed, offset_s=offset)


class Connector:
    def __init__(self, secrets: SecretStore, sandbox: SandboxProcess, on_exchange: ExchangeHook) -> None:
        self.secrets = secrets
        self.sandbox = sandbox
        self.on_exchange = on_exchange
        self._connecting: asyncio.Task[object] | None = None

    async def reconnect(self, plan: ConnectPlan, replacing: Client | None) -> Opened:
        """Close the old client, stop the sandbox when leaving it, then open and probe the plan's client."""
        self._connecting = asyncio.current_task()
        if replacing is not None:
            await replacing.aclose()
        if plan.profile.kind != "sandbox":
            await self.sandbox.stop()
        return await self.open(plan)

    async def open(self, plan: ConnectPlan) -> Opened:
        """A probed client for the plan; the client is None when there was nothing to connect with."""
        key = plan.profile.key
        if plan.profile.kind == "sandbox":
            try:
                info = await self.sandbox.start()
            except SandboxUnavailableError as exc:
                return Opened(None, ConnectionStatus("sandbox", key, detail=str(exc)))
            environment = custom(info.api, info.ws)
            credentials = Credentials(info.appkey, info.accesstoken)
            redact.register(info.accesstoken)
        else:
            token = plan.token
            if token is None:
                token = await asyncio.to_thread(self.secrets.get, token_name(key))
            try:
                environment = plan.environment()
            except ValueError as exc:
                return Opened(None, ConnectionStatus("config", key, detail=str(exc)))
            credentials = Credentials(plan.appkey, token)
            if not credentials.complete:
                return Opened(None, ConnectionStatus("credentials", key, environment.api_url))
        client = Client(environment, credentials, timeout=plan.timeout_s, on_exchange=self.on_exchange)
        try:
            return Opened(client, await probe(client, key))
        except BaseException:  # cancelled (a newer connect, or the app quits): nobody else will close it
            await client.aclose()
            raise

    async def test(self, plan: ConnectPlan) -> ConnectionStatus:
        """Probe a plan with a client of its own, closed afterwards (Settings' Test connection)."""
        opened = await self.open(plan)
        if opened.client is not None:
            await opened.client.aclose()
        return opened.status

    async def shutdown(self, client: Client | None) -> None:
        """End a connect in progress, close the client and stop the sandbox."""
        connecting, self._connecting = self._connecting, None
        if connecting is not None and not connecting.done() and connecting is not asyncio.current_task():
            connecting.cancel()
            await asyncio.wait([connecting], timeout=2.0)
        if client is not None:
            await client.aclose()
        await self.sandbox.stop()
