"""The sandbox's HTTP API: every endpoint of the spec at its documented paths (both spellings of the asset
service), checked the way the cloud checks, in this order:

1. the signed query string and its timestamp (100005, E25);
2. the body: one strict JSON object (spec/strict_json.py: no NaN, out-of-range numbers, deep nesting or lone
   surrogates, so nothing stored can break a later answer); a missing Header reads as {}, a missing Payload as {}
   (then refused for the endpoint's required fields), a null member as an absent one, and a Header or Payload that
   is not an object is refused (100001);
3. the request table, with every spelling and type the docs show (100001 format, 100002 values), and the rules;
4. the family handler: existence, quotas, call order (their documented codes).

Fault injection (faults.py) can answer before 3 with a chosen code, or delay the answer.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiohttp import web

from desktop import spec
from desktop.sandbox import assets_handlers, drive
from desktop.sandbox.auth import authentication_error
from desktop.sandbox.context import Context
from desktop.sandbox.files import FileStore
from desktop.sandbox.replies import SandboxError, envelope, request_id, violation_error
from desktop.spec import drive as drive_spec
from desktop.spec.model import Endpoint
from desktop.spec.strict_json import JsonFormatError, loads_strict
from desktop.spec.validate import check_request, json_type_name

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

    def app(self) -> web.Application:
        app = web.Application(client_max_size=8 * 1024 * 1024, middlewares=[envelope_errors])
        for path in spec.BY_PATH:
            app.router.add_post(path, self.handle_api)
        app["ctx"] = self.ctx
        app.router.add_get(drive_spec.CHANNEL_PATH, drive.channel)
        app.router.add_get("/files/{tail:.+}", self.handle_file)
        app.router.add_post("/_sandbox/faults", self.handle_faults)
        app.router.add_get("/_sandbox/health", self.handle_health)
        app.router.add_get("/_sandbox/arrivals", self.handle_arrivals)
        app.add_routes(self.extra_routes)
        return app

    async def handle_api(self, request: web.Request) -> web.Response:
        endpoint = spec.BY_PATH[request.path]
        denial = authentication_error(
            request.query, self.ctx.config.appkey, self.ctx.config.access_token, self.ctx.clock.now()
        )
        raw = await request.read()
        try:
            body: Any = loads_strict(raw) if raw.strip() else _NO_BODY
        except JsonFormatError as error:
            body = error
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
        """The request's Payload. Clients written against the cloud send no Header, or `{}` for an endpoint without
        parameters, and the cloud answers them (docs/api-notes.md): only what is not an object is refused."""
        if isinstance(body, JsonFormatError):
            raise SandboxError(100001, f"The request body is not valid JSON: {body}")
        if body is _NO_BODY:
            raise SandboxError(
                100001, 'The request body is empty: send a JSON object, {"Header": {}, "Payload": {...}}'
            )
        if not isinstance(body, dict):
            raise SandboxError(100001, f"The request body must be a JSON object, not {json_type_name(body)}")
        header = body.get("Header")
        if header is not None and not isinstance(header, dict):
            raise SandboxError(100001, f"Header must be a JSON object, not {json_type_name(header)}")
        payload = body.get("Payload")
        if payload is None:
            return {}
        if not isinstance(payload, dict):
            raise SandboxError(100001, f"Payload must be a JSON object, not {json_type_name(payload)}")
        return _without_nulls(payload)

    async def _dispatch(self, endpoint: Endpoint, payload: dict[str, Any]) -> dict[str, Any]:
        # Every spelling and type the docs show is accepted (docs/api-notes.md); anything else is refused.
        violations = [v for v in check_request(endpoint, payload, tolerant=True) if v.kind != "unknown"]
        if violations:
            raise violation_error(violations, endpoint.family)
        handler = self.handlers.get(endpoint.name)
        if handler is None:
            raise SandboxError(100000, f"Internal system error: {endpoint.name} is not emulated by this sandbox yet")
        return await handler(payload, self.ctx)

    async def handle_file(self, request: web.Request) -> web.StreamResponse:
        """A file the answers link to. Unsigned, as the cloud's result and sample URLs are; what is not there is a
        404 in the envelope with 100009, "The resource does not exist" (docs/api-notes.md E50)."""
        relative = request.match_info["tail"]
        if self.ctx.file_expired(relative):
            return envelope(100009, f"The resource does not exist: {relative} has expired (results are kept for "
                            "7 days)", status=404)  # fmt: skip
        path = await self.files.get(relative, self.ctx.catalog.files())
        if path is None:
            return envelope(100009, f"The resource does not exist: no file {relative}", status=404)
        return web.FileResponse(path)

    async def handle_faults(self, request: web.Request) -> web.Response:
        if not _loopback(request):
            raise web.HTTPForbidden(text="fault injection is for loopback callers only")
        try:
            body = loads_strict(await request.read())
            if not isinstance(body, dict):
                raise ValueError("the body must be a JSON object")
            state = self.ctx.faults.apply(body)
        except (ValueError, KeyError) as exc:
            return web.json_response({"error": str(exc)}, status=400)
        return web.json_response(state)

    async def handle_arrivals(self, request: web.Request) -> web.Response:
        """When each drive command of a session came in (ms, a monotonic clock), for tests and benches."""
        if not _loopback(request):
            raise web.HTTPForbidden(text="the arrivals log is for loopback callers only")
        return web.json_response({"Arrivals": drive.arrivals(self.ctx, request.query.get("session_id", ""))})

    async def handle_health(self, request: web.Request) -> web.Response:
        return web.json_response({"ok": True, "endpoints": len(spec.ENDPOINTS), "emulated": len(self.handlers)})


_NO_BODY = object()


def _without_nulls(value: dict[str, Any]) -> dict[str, Any]:
    """The object with its null members left out, at every level: a null field reads as an absent one, as in the
    cloud's JSON binding (so an optional null is accepted and a required null is "required"; docs/api-notes.md
    E45). Recursion is bounded: strict JSON nests at most 64 levels."""
    return {key: _nulls_dropped(item) for key, item in value.items() if item is not None}


def _nulls_dropped(value: Any) -> Any:
    if isinstance(value, dict):
        return _without_nulls(value)
    if isinstance(value, list):
        return [_nulls_dropped(item) for item in value]
    return value


@web.middleware
async def envelope_errors(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """An unknown path, a wrong method or a body over the limit gets the documented envelope too, never aiohttp's
    plain text; and nothing unexpected ever answers with a traceback."""
    try:
        return await handler(request)
    except web.HTTPException as error:
        # The drive channel's handshake answers its own refusals (drive.py); a redirect is not an error.
        if error.status < 400 or request.path == drive_spec.CHANNEL_PATH:
            raise
        files = request.path.startswith("/files/")
        messages = {
            404: f"No such API: {request.method} {request.path} (the endpoints are those of the platform's docs)",
            405: f"{request.method} is not allowed here: "
            + ("files are fetched with GET" if files else "the API takes POST with a JSON body"),
            413: "The request body is too large (at most 8 MB)",
        }
        message = messages.get(error.status) or error.text or error.reason
        return envelope(100001, message, status=error.status)
    except Exception:
        log.exception("%s %s failed inside the sandbox", request.method, request.path)
        return envelope(100000, "Internal system error", status=500)


def _loopback(request: web.Request) -> bool:
    try:
        return ipaddress.ip_address(request.remote or "").is_loopback
    except ValueError:
        return False
