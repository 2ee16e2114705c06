"""The sandbox's HTTP API: every endpoint of the spec at its documented paths (both spellings of the asset
service), checked the way the cloud checks, in this order:

1. the signed query string and its timestamp (100005, E25);
2. the body: JSON with both Header and Payload (100001);
3. the request table, with every spelling and type the docs show (100001 format, 100002 values), and the rules;
4. the family handler: existence, quotas, call order (their documented codes).

Fault injection (faults.py) can answer before 3 with a chosen code, or delay the answer.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiohttp import web

from desktop import spec
from desktop.sandbox import assets_handlers, drive, video_tasks
from desktop.sandbox.auth import authentication_error
from desktop.sandbox.context import Context
from desktop.sandbox.files import FileStore
from desktop.sandbox.replies import SandboxError, envelope, request_id, violation_error
from desktop.spec import drive as drive_spec
from desktop.spec.model import Endpoint
from desktop.spec.validate import check_request

log = logging.getLogger("desktop.sandbox.server")

Handler = Callable[[dict[str, Any], Context], Awaitable[dict[str, Any]]]


class ApiServer:
    def __init__(self, ctx: Context, handlers: Mapping[str, Handler] | None = None) -> None:
        self.ctx = ctx
        self.handlers: dict[str, Handler] = dict(assets_handlers.HANDLERS)
        self.handlers.update(handlers or {})
        self.files = FileStore(ctx.files_dir)
        ctx.state["files"] = self.files
        self.extra_routes: list[web.RouteDef] = []

    def labels(self) -> dict[str, str]:
        """Names to draw on the catalog's pictures."""
        found: dict[str, str] = {}
        for anchor in self.ctx.catalog.anchors:
            found[anchor.header_path] = anchor.name
        for avatar in self.ctx.catalog.avatars:
            found[avatar.pose_path] = avatar.anchor.name
            found[f"catalog/avatar/{avatar.key}/clothes.png"] = avatar.clothes
            if avatar.resolution == "1080x1920":
                found[avatar.pose_path + "#portrait"] = "1"
        for timbre in self.ctx.catalog.timbres:
            found[f"catalog/timbre/{timbre.key}.wav"] = timbre.sample_text
            found[f"catalog/timbre/{timbre.key}.wav#voice"] = timbre.voice
        return found

    def app(self) -> web.Application:
        app = web.Application(client_max_size=8 * 1024 * 1024)
        for path in spec.BY_PATH:
            app.router.add_post(path, self.handle_api)
        app["ctx"] = self.ctx
        app.router.add_get(drive_spec.CHANNEL_PATH, drive.channel)
        app.router.add_get("/files/{tail:.+}", self.handle_file)
        app.router.add_post("/_sandbox/faults", self.handle_faults)
        app.router.add_get("/_sandbox/health", self.handle_health)
        app.add_routes(self.extra_routes)
        return app

    async def handle_api(self, request: web.Request) -> web.Response:
        endpoint = spec.BY_PATH[request.path]
        denial = authentication_error(
            request.query, self.ctx.config.appkey, self.ctx.config.access_token, self.ctx.clock.now()
        )
        raw = await request.read()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        rid = request_id(body.get("Header") if isinstance(body, dict) else None)
        if denial:
            return envelope(100005, denial, rid)
        delay = self.ctx.faults.delay_for(endpoint.name)
        if delay:
            await asyncio.sleep(delay)
        try:
            payload = self._payload(body)
            injected = self.ctx.faults.take_failure(endpoint.name)
            if injected is not None:
                raise SandboxError(*injected)
            result = await self._dispatch(endpoint, payload)
        except SandboxError as exc:
            log.info("%s -> %d %s", endpoint.name, exc.code, exc.message)
            return envelope(exc.code, exc.message, rid)
        except Exception:
            log.exception("%s failed inside the sandbox", endpoint.name)
            return envelope(100000, "Internal system error", rid)
        return envelope(0, "", rid, result)

    @staticmethod
    def _payload(body: Any) -> dict[str, Any]:
        if not isinstance(body, dict) or not isinstance(body.get("Header"), dict) or "Payload" not in body:
            raise SandboxError(100001, "Header and Payload must both be included in the request body as JSON objects")
        payload = body["Payload"]
        if payload is None:
            payload = {}
        if not isinstance(payload, dict):
            raise SandboxError(100001, "Payload must be a JSON object")
        return payload

    async def _dispatch(self, endpoint: Endpoint, payload: dict[str, Any]) -> dict[str, Any]:
        # Every spelling and type the docs show is accepted (docs/api-notes.md); anything else is refused.
        violations = [v for v in check_request(endpoint, payload, tolerant=True) if v.kind != "unknown"]
        if violations:
            raise violation_error(violations)
        handler = self.handlers.get(endpoint.name)
        if handler is None:
            raise SandboxError(100000, f"Internal system error: {endpoint.name} is not emulated by this sandbox yet")
        return await handler(payload, self.ctx)

    async def handle_file(self, request: web.Request) -> web.StreamResponse:
        relative = request.match_info["tail"]
        if video_tasks.expired(self.ctx, relative):
            raise web.HTTPNotFound(text=f"{relative} has expired: results are kept for 7 days")
        path = await self.files.get(relative, self.labels())
        if path is None:
            raise web.HTTPNotFound(text=f"no such file: {relative}")
        return web.FileResponse(path)

    async def handle_faults(self, request: web.Request) -> web.Response:
        if not _loopback(request):
            raise web.HTTPForbidden(text="fault injection is for loopback callers only")
        try:
            body = await request.json()
            if not isinstance(body, dict):
                raise ValueError("the body must be a JSON object")
            state = self.ctx.faults.apply(body)
        except (ValueError, KeyError) as exc:
            return web.json_response({"error": str(exc)}, status=400)
        return web.json_response(state)

    async def handle_health(self, request: web.Request) -> web.Response:
        return web.json_response({"ok": True, "endpoints": len(spec.ENDPOINTS), "emulated": len(self.handlers)})


def _loopback(request: web.Request) -> bool:
    try:
        return ipaddress.ip_address(request.remote or "").is_loopback
    except ValueError:
        return False
