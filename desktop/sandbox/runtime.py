"""Builds the sandbox from its configuration, starts its servers on loopback, and stops them."""

from __future__ import annotations

import ipaddress
import logging
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from desktop.sandbox import catalog as catalog_module
from desktop.sandbox import custom_tasks, customization_handlers, drive, quality_tasks, sessions, video_tasks
from desktop.sandbox.config import SandboxConfig, SimClock
from desktop.sandbox.context import Context
from desktop.sandbox.cos import CosServer
from desktop.sandbox.faults import Faults
from desktop.sandbox.rtmp import RtmpServer
from desktop.sandbox.server import ApiServer

log = logging.getLogger("desktop.sandbox")


def _check_loopback(host: str) -> None:
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback:
        raise ValueError(f"the sandbox binds loopback only (127.0.0.0/8, ::1, localhost), not {host!r}")


SHUTDOWN_TIMEOUT_S = 1.0


@dataclass
class Sandbox:
    config: SandboxConfig
    ctx: Context = field(init=False)
    api: ApiServer = field(init=False)
    cos: CosServer = field(init=False)
    rtmp: RtmpServer = field(init=False)
    _runners: list[web.AppRunner] = field(default_factory=list)

    def __post_init__(self) -> None:
        _check_loopback(self.config.host)
        self.config.data_dir.mkdir(parents=True, exist_ok=True)
        self.ctx = Context(
            config=self.config,
            clock=SimClock(self.config.time_scale, self.config.protocol_timeout_scale),
            catalog=catalog_module.build(self.config.catalog_size, self.config.timbre_count),
            faults=Faults(),
            files_dir=self.config.data_dir / "files",
        )
        self.cos = CosServer(self.ctx, self.config.data_dir / "cos")
        self.rtmp = RtmpServer(
            self.config.data_dir / "nginx", self.config.host if self.config.host != "localhost" else "127.0.0.1"
        )
        self.ctx.state["cos"] = self.cos
        handlers = {
            **customization_handlers.HANDLERS,
            **custom_tasks.HANDLERS,
            **quality_tasks.HANDLERS,
            **video_tasks.HANDLERS,
            **sessions.HANDLERS,
            **drive.HANDLERS,
        }
        self.api = ApiServer(self.ctx, handlers)
        self.api.extra_routes.append(web.post(sessions.PUBLISH_PATH + "/{event}", sessions.publish_event))

    async def _serve(self, app: web.Application, port: int) -> str:
        # A stopped sandbox stops: requests still running after a second are cancelled (aiohttp would wait 60 s
        # for each, and the app waits 5 s before it kills the sandbox and logs that it had to).
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=SHUTDOWN_TIMEOUT_S)
        await runner.setup()
        site = web.TCPSite(runner, self.config.host, port)
        await site.start()
        self._runners.append(runner)
        host, bound = runner.addresses[0][:2]
        host = f"[{host}]" if ":" in host else host
        return f"{host}:{bound}"

    async def start(self) -> dict[str, Any]:
        """Listen, and return the ready announcement."""
        api = await self._serve(self.api.app(), self.config.port)
        cos = await self._serve(self.cos.app(), self.config.cos_port)
        self.ctx.api_url = f"http://{api}"
        self.ctx.ws_url = f"ws://{api}"
        self.ctx.cos_url = f"http://{cos}"
        rtmp: str | None = None
        try:
            rtmp = await self.rtmp.start(f"{self.ctx.api_url}{sessions.PUBLISH_PATH}")
            self.ctx.state["rtmp_base"] = rtmp
        except RuntimeError as exc:
            log.warning("no live streams: %s", exc)
        return {
            "api": self.ctx.api_url,
            "ws": self.ctx.ws_url,
            "cos": self.ctx.cos_url,
            "rtmp": rtmp,
            "appkey": self.config.appkey,
            "accesstoken": self.config.access_token,
        }

    async def stop(self) -> None:
        await sessions.stop_streams(self.ctx)
        await self.rtmp.stop()
        for runner in reversed(self._runners):
            await runner.cleanup()
        self._runners.clear()
