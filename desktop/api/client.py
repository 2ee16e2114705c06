"""The platform client: one transport, one namespace per service family. No Qt; usable from a plain script:

async with Client(INTERNATIONAL, Credentials(appkey, token)) as client:
    page = await client.assets.timbres(page_size=50)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from desktop.api.assets import AssetsApi
from desktop.api.channel import ChannelState, DriveChannel
from desktop.api.customization import CustomizationApi
from desktop.api.drive import Downstream, channel_url
from desktop.api.environments import Credentials, Environment
from desktop.api.sessions import SessionsApi
from desktop.api.transport import Transport
from desktop.api.video import VideoApi


class Client:
    def __init__(self, environment: Environment, credentials: Credentials, **transport_options: Any) -> None:
        self.transport = Transport(environment, credentials, **transport_options)
        self.assets = AssetsApi(self.transport)
        self.customization = CustomizationApi(self.transport)
        self.video = VideoApi(self.transport)
        self.sessions = SessionsApi(self.transport)

    @property
    def environment(self) -> Environment:
        return self.transport.environment

    def drive_channel(
        self,
        session_id: str,
        on_message: Callable[[Downstream], None],
        on_state: Callable[[ChannelState], None] = lambda _state: None,
    ) -> DriveChannel:
        """The session's WebSocket drive channel (not yet connected: run it on the loop). Each connection is signed
        afresh, with the clock the HTTP calls corrected."""
        environment, credentials, clock = self.environment, self.transport.credentials, self.transport.clock

        def address() -> str:
            return channel_url(
                environment.ws_url, credentials.appkey, credentials.access_token, session_id, clock.timestamp()
            )

        return DriveChannel(session_id, address, on_message, on_state)

    async def __aenter__(self) -> Client:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.transport.aclose()
