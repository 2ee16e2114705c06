"""Driving a live session: the WebSocket command channel and the HTTP text command, brought to the session's
Speaker (speaker.py), by the rules of "Instruction Sending Requirements":

- the channel opens only for a started session, signed with requestid = SessionId, one at a time; on reconnect the
  latest status of each of the last three drives is pushed again;
- SEND_TEXT: more than 1 s apart (100012); a new text interrupts the current one (TextOver, then TextStart);
  Interrupt with an empty text stops it; refused while audio plays (110015);
- SEND_STREAMTEXT: Seq from 1 in steps of 1; IsFinal ends it; Interrupt with an empty (or no) text stops it;
  IsSentence gives SentenceNext/SentenceStart/SentenceOver per clause;
- SEND_AUDIO: DriverType 3 only; base64 16-bit PCM packets of at most 5120 bytes, Seq from 1; paced at a real-time
  rate within [0.75, 1] (speaker.py says how it is judged); the empty IsFinal packet ends it (AudioOver, FinalType
  1), silence past a timeout ends it too (FinalType 2); refused while text plays (110015);
- SEND_HEARTBEAT: PING, keeps the session alive.
Downstream: {"Header", "Payload"} with Type 3 (status) or 9 (failure), SessionId, ReqId, Seq, SpeakStatus,
ErrorCode, ErrorMessage, FinalType.

A message that is not what the protocol says (not JSON, a Payload that is not an object, NaN, lone surrogates...)
is refused with a Type 9 message and code 100001, the interactive table's parameter error; the channel stays open.
A client that sends but does not read is dropped once MAX_BACKLOG messages wait for it: the server's memory stays
bounded whatever a client does.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
from collections import deque
from typing import Any

from aiohttp import WSMsgType, web

from desktop.sandbox.auth import authentication_error
from desktop.sandbox.context import Context
from desktop.sandbox.replies import SandboxError
from desktop.sandbox.sessions import PARAMETER_ERROR, Session, find, require_open
from desktop.sandbox.speaker import speaker
from desktop.spec import drive as spec
from desktop.spec.common import obj
from desktop.spec.strict_json import JsonFormatError, loads_strict
from desktop.spec.validate import check_fields

log = logging.getLogger("desktop.sandbox.drive")

# Downstream messages waiting for a client that does not read (the kernel's socket buffers, a few MB, fill first).
MAX_BACKLOG = 256
MAX_ARRIVALS = 4096  # per session: 10 minutes of audio packets


def dispatch(ctx: Context, session: Session, payload: dict[str, Any]) -> None:
    """Apply one drive command (already checked against the spec) to the session."""
    now = ctx.clock.now()
    session.last_drive = session.last_traffic = now
    command, data, req_id = payload["Command"], payload["Data"], str(payload["ReqId"])
    voice = speaker(ctx, session)
    if command == "SEND_TEXT":
        voice.text(req_id, data, now)
    elif command == "SEND_STREAMTEXT":
        voice.stream_text(req_id, data, now)
    elif command == "SEND_AUDIO":
        voice.audio_packet(req_id, data, now)


# --- the WebSocket channel ---


class Channel:
    def __init__(self, ws: web.WebSocketResponse, request: web.Request, session: Session) -> None:
        self.ws = ws
        self.request = request
        self.session = session
        self.outbox: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
        self.dropped = False

    def send_soon(self, body: dict[str, Any]) -> None:
        if self.dropped:
            return
        if self.outbox.qsize() >= MAX_BACKLOG:
            self.drop(f"the client read none of the last {MAX_BACKLOG} messages")
            return
        self.outbox.put_nowait(body)

    def drop(self, reason: str) -> None:
        """Cut the connection at once: a close frame would wait behind what the client is not reading."""
        self.dropped = True
        log.info("drive channel of %s dropped: %s", self.session.session_id, reason)
        if self.request.transport is not None:
            self.request.transport.abort()

    def close_soon(self, code: int, message: str) -> None:
        self.send_soon({"Type": 9, "SessionId": self.session.session_id, "ReqId": "", "Seq": 0,
                        "SpeakStatus": "Error", "ErrorCode": code, "ErrorMessage": message})  # fmt: skip
        self.outbox.put_nowait(None)

    async def pump(self) -> None:
        while (body := await self.outbox.get()) is not None:
            header = {"Code": 0, "Message": "", "RequestID": uuid.uuid4().hex}
            await self.ws.send_str(json.dumps({"Header": header, "Payload": body}, ensure_ascii=False))
        await self.ws.close()


def _refusal(status: int, code: int, message: str) -> web.Response:
    body = {"Header": {"Code": code, "Message": message, "RequestID": uuid.uuid4().hex}}
    return web.json_response(body, status=status)


_PAYLOAD_FIELDS = {
    name: (*spec.UPSTREAM_PAYLOAD, obj("Data", *command.data, required=True)) for name, command in spec.COMMANDS.items()
}


def _loose(command: str, payload: dict[str, Any]) -> set[str]:
    """Required fields that may be left out of this message: an interrupting SEND_STREAMTEXT carries no fragment, so
    its Text and Seq may be missing (the docs' own sample of it is cut off; clients send it bare; api-notes)."""
    data = payload.get("Data")
    if command == "SEND_STREAMTEXT" and isinstance(data, dict) and data.get("Interrupt") is True:
        return {"Data.Text", "Data.Seq"}
    return set()


def _check(text: str, session: Session) -> dict[str, Any]:
    try:
        message = loads_strict(text)
    except JsonFormatError as error:
        raise SandboxError(PARAMETER_ERROR, f"The message is not valid JSON: {error}") from None
    if not isinstance(message, dict) or not isinstance(message.get("Payload"), dict):
        raise SandboxError(PARAMETER_ERROR, "Payload: every message is a JSON object with a Payload object")
    if not isinstance(message.get("Header", {}), dict):
        raise SandboxError(PARAMETER_ERROR, "Header: must be an object when given")
    payload: dict[str, Any] = message["Payload"]
    command = payload.get("Command")
    if command not in spec.COMMANDS:
        shown = command if isinstance(command, str) and len(command) <= 40 else type(command).__name__
        raise SandboxError(PARAMETER_ERROR, f"Command: must be one of {', '.join(spec.COMMANDS)} (got {shown!r})")
    loose = _loose(command, payload)
    violations = [
        v
        for v in check_fields(_PAYLOAD_FIELDS[command], payload, tolerant=True)
        if v.kind != "unknown" and not (v.kind == "missing" and v.path in loose)
    ]
    if violations:
        raise SandboxError(PARAMETER_ERROR, "; ".join(str(v) for v in violations))
    if payload["SessionId"] != session.session_id:
        raise SandboxError(PARAMETER_ERROR, "SessionId: the channel belongs to another session")
    return payload


def _req_id(text: str) -> str:
    """The ReqId of a message, to address its refusal; "" when it has none worth echoing."""
    with contextlib.suppress(JsonFormatError):
        message = loads_strict(text)
        payload = message.get("Payload") if isinstance(message, dict) else None
        req_id = payload.get("ReqId") if isinstance(payload, dict) else None
        if isinstance(req_id, str) and len(req_id) <= 128:
            return req_id
    return ""


async def channel(request: web.Request) -> web.StreamResponse:
    ctx: Context = request.app["ctx"]
    denial = authentication_error(
        request.query, ctx.config.appkey, ctx.config.access_token, ctx.clock.now(), need_requestid=True
    )
    if denial:
        return _refusal(401, 100005, denial)
    try:
        session = find(ctx, request.query["requestid"])
        require_open(ctx, session)
    except SandboxError as exc:
        return _refusal(404 if exc.code == 110018 else 409, exc.code, exc.message)
    if not session.started:
        return _refusal(409, 110016, "A drive command channel needs a started session: call startsession first")
    if session.channel is not None:
        return _refusal(409, 100008, "Only one long connection channel is allowed per session")
    ws = web.WebSocketResponse(heartbeat=None, max_msg_size=1 << 20)
    await ws.prepare(request)
    link = Channel(ws, request, session)
    session.channel = link
    session.last_traffic = ctx.clock.now()
    pump = asyncio.create_task(link.pump())
    for body in list(session.recent):  # a reconnect: the last three drives' status again
        link.send_soon(body)
    try:
        async for message in ws:
            if message.type != WSMsgType.TEXT or link.dropped:
                continue
            session.last_traffic = ctx.clock.now()
            if session.session_id in ctx.faults.drop_channels:
                ctx.faults.drop_channels.discard(session.session_id)
                break
            try:
                payload = _check(message.data, session)
                arrived(ctx, session, payload)
                require_open(ctx, session)
                if payload["Command"] == "SEND_HEARTBEAT":
                    session.last_drive = ctx.clock.now()
                else:
                    dispatch(ctx, session, payload)
            except SandboxError as exc:
                speaker(ctx, session).refuse(_req_id(message.data), exc.code, exc.message)
    finally:
        if session.channel is link:
            session.channel = None
        link.outbox.put_nowait(None)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(pump, 5)
    return ws


def arrived(ctx: Context, session: Session, payload: dict[str, Any]) -> None:
    """Note when a command came in, in real time (not the scaled clock): GET /_sandbox/arrivals shows tests and
    benches how a client paced its audio, as the cloud sees it."""
    book: dict[str, deque[dict[str, Any]]] = ctx.state.setdefault("arrivals", {})
    kept = book.setdefault(session.session_id, deque(maxlen=MAX_ARRIVALS))
    data = payload["Data"]
    kept.append({
        "At": time.monotonic() * 1000,
        "ReqId": str(payload["ReqId"]),
        "Command": payload["Command"],
        "Seq": data.get("Seq", 0),
        "IsFinal": bool(data.get("IsFinal", False)),
    })  # fmt: skip


def arrivals(ctx: Context, session_id: str) -> list[dict[str, Any]]:
    return list(ctx.state.get("arrivals", {}).get(session_id, ()))


# --- the HTTP text command ---


async def command(payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    session = find(ctx, str(payload["SessionId"]))
    require_open(ctx, session)
    if not session.started:
        raise SandboxError(110016, "A drive command was sent to an inactive session: call startsession first")
    voice = speaker(ctx, session)
    voice.last_refusal = None
    dispatch(ctx, session, payload)
    if voice.last_refusal is not None and voice.last_refusal[0] == payload["ReqId"]:
        raise SandboxError(*voice.last_refusal[1:])
    return {}


HANDLERS = {"sessions.command": command}
