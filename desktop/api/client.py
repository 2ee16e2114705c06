"""The platform client: one transport, one namespace per service family. No Qt; usable from a plain script:

async with Client(INTERNATIONAL, Credentials(appkey, token)) as client:
    page = await client.assets.timbres(page_size=50)
"""

from __future__ import annotations

from typing import Any

from desktop.api.assets import AssetsApi
from desktop.api.customization import CustomizationApi
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

    async def __aenter__(self) -> Client:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.transport.aclose()
