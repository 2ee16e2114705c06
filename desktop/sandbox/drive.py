"""Driving a live session: the WebSocket command channel and the HTTP text command, over one model of what the
avatar is saying (Speaker), with the rules of "Instruction Sending Requirements":

- the channel opens only for a started session, signed with requestid = SessionId, one at a time; on reconnect the
  latest status of each of the last three drives is pushed again;
- SEND_TEXT: more than 1 s apart (100012); a new text interrupts the current one (TextOver, then TextStart);
  Interrupt with an empty text stops it; refused while audio plays (110015);
- SEND_STREAMTEXT: Seq from 1 in steps of 1; IsFinal ends it; Interrupt with an empty text stops it; IsSentence
  gives SentenceNext/SentenceStart/SentenceOver per clause;
- SEND_AUDIO: DriverType 3 only; base64 16-bit PCM packets of at most 5120 bytes, Seq from 1; sent at a real-time
  rate within [0.75, 1] (120-160 ms per 160 ms packet) or an error comes down; the empty IsFinal packet ends it
  (AudioOver, FinalType 1), silence past a timeout ends it too (FinalType 2); refused while text plays (110015);
- SEND_HEARTBEAT: PING, keeps the session alive.
Downstream: {"Header", "Payload"} with Type 3 (status) or 9 (failure), SessionId, ReqId, Seq, SpeakStatus,
ErrorCode, ErrorMessage, FinalType. Speaking lasts as long as the text would take to say, or the audio sent.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import json
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from aiohttp import WSMsgType, web

from desktop.sandbox.auth import authentication_error
from desktop.sandbox.context import Context
from desktop.sandbox.live import LiveRenderer, Segment, pcm16k
from desktop.sandbox.replies import SandboxError, violation_error
from desktop.sandbox.sessions import Session, find, require_open
from desktop.sandbox.speech import synthesizer
from desktop.sandbox.video_tasks import plain_text
from desktop.spec import drive as spec
from desktop.spec.common import obj
from desktop.spec.validate import check_fields

log = logging.getLogger("desktop.sandbox.drive")

CHARS_PER_SECOND = 15.0
AUDIO_SILENCE_TIMEOUT_S = 3.0  # scaled, but never below the longest allowed gap between packets
AUDIO_SILENCE_FLOOR_S = 0.5
PACING_TOLERANCE = 0.08
PACING_WINDOW = 5  # packets before the rate is judged
BYTES_PER_MS = spec.AUDIO_SAMPLE_RATE * spec.AUDIO_SAMPLE_BYTES // 1000


def text_seconds(text: str) -> float:
    return max(0.5, len(plain_text(text)) / CHARS_PER_SECOND)


@dataclass
class AudioDrive:
    req_id: str
    final_type: int = 1
    next_seq: int = 1
    first_at: float = 0.0
    audio_ms: float = 0.0
    packets: int = 0
    silence: asyncio.TimerHandle | None = None
    final: bool = False


@dataclass
class StreamDrive:
    req_id: str
    sentences: bool
    next_seq: int = 1
    started_at: float = 0.0
    spoken_s: float = 0.0  # seconds of speech received so far
    final: bool = False


@dataclass
class Speaker:
    """What one session's avatar is saying now."""

    session: Session
    ctx: Context
    kind: str = ""  # "", "text", "stream", "audio"
    req_id: str = ""
    timer: asyncio.TimerHandle | None = None
    audio: AudioDrive | None = None
    stream: StreamDrive | None = None
    last_text_at: float = -1e9
    streams: dict[str, StreamDrive] = field(default_factory=dict)
    last_refusal: tuple[str, int, str] | None = None  # (ReqId, code, message), for the HTTP command's answer
    synthesis: asyncio.Lock = field(default_factory=asyncio.Lock)  # keeps spoken drives in order
    pending: set[asyncio.Task[None]] = field(default_factory=set)

    @property
    def live(self) -> LiveRenderer | None:
        """The session's stream: when there is one, events follow what it really plays."""
        renderer = self.session.renderer
        return renderer if isinstance(renderer, LiveRenderer) else None

    def _spawn(self, coro: Any) -> None:
        task = asyncio.create_task(coro)
        self.pending.add(task)
        task.add_done_callback(self.pending.discard)

    def _current(self, req_id: str) -> bool:
        return self.req_id == req_id and bool(self.kind)

    def _emit_if_current(self, req_id: str, status: str) -> None:
        if self._current(req_id):
            self.emit(req_id, status)

    def _ended(self, req_id: str, status: str, final_type: int = 0) -> None:
        """A drive's sound has finished playing in the stream."""
        if self._current(req_id):
            self.kind, self.req_id, self.audio, self.stream = "", "", None, None
            self.emit(req_id, status, final_type=final_type)

    async def _speech(self, text: str) -> np.ndarray:
        async with self.synthesis:
            voice, speed, volume = self.session.voice, self.session.speed, self.session.volume_db
            spoken = await asyncio.to_thread(synthesizer().say, text, voice, speed, volume)
        return pcm16k(spoken.pcm, spoken.rate)

    # --- downstream ---
    def emit(
        self, req_id: str, status: str, seq: int = 1, *, final_type: int = 0, error: tuple[int, str] | None = None
    ) -> None:
        body: dict[str, Any] = {
            "Type": 9 if error else 3, "SessionId": self.session.session_id, "ReqId": req_id, "Seq": seq,
            "SpeakStatus": "Error" if error else status, "ErrorCode": error[0] if error else 0,
            "ErrorMessage": error[1] if error else "",
        }  # fmt: skip
        if final_type:
            body["FinalType"] = final_type
        self.session.speak_status = body["SpeakStatus"]
        recent = self.session.recent
        for old in [m for m in recent if m["ReqId"] == req_id]:
            recent.remove(old)
        recent.append(body)
        if self.session.channel is not None:
            self.session.channel.send_soon(body)

    def refuse(self, req_id: str, code: int, message: str) -> None:
        self.last_refusal = (req_id, code, message)
        self.emit(req_id, "Error", error=(code, message))

    def _later(self, seconds: float, callback: Any) -> asyncio.TimerHandle:
        return asyncio.get_running_loop().call_later(max(0.0, seconds), callback)

    def _stop(self, status_for_current: str | None) -> None:
        """End what is playing now, announcing its end with `status_for_current`."""
        if self.live is not None:
            self.live.interrupt()
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        if self.audio is not None and self.audio.silence is not None:
            self.audio.silence.cancel()
        if self.kind and status_for_current:
            self.emit(self.req_id, status_for_current, final_type=1 if self.kind == "audio" else 0)
        self.kind, self.req_id, self.audio, self.stream = "", "", None, None

    # --- text ---
    def text(self, req_id: str, data: dict[str, Any], now: float) -> None:
        text = str(data.get("Text", ""))
        if self.kind == "audio":
            self.refuse(
                req_id, 110015, "An audio drive is playing: send the IsFinal audio packet and wait for AudioOver"
            )
            return
        if not text and data.get("Interrupt"):
            self._stop("TextOver")
            return
        if now - self.last_text_at < spec.TEXT_MIN_INTERVAL_S:
            self.refuse(req_id, 100012, "Requests are too frequent: texts must be sent more than 1 second apart")
            return
        self.last_text_at = now
        if not text:
            self.refuse(req_id, 100002, "Data.Text: an empty text drives nothing (use Interrupt to stop the speech)")
            return
        self._stop("TextOver")
        self.kind, self.req_id = "text", req_id
        if self.live is not None:
            self._spawn(self._live_text(req_id, text))
            return
        self.emit(req_id, "TextStart")
        self.timer = self._later(text_seconds(text), lambda: self._stop("TextOver"))

    async def _live_text(self, req_id: str, text: str) -> None:
        samples = await self._speech(text)
        if not self._current(req_id) or self.live is None:
            return  # interrupted or replaced while it was being synthesized
        self.live.play(Segment(
            req_id, samples, True,
            on_start=lambda: self._emit_if_current(req_id, "TextStart"),
            on_end=lambda: self._ended(req_id, "TextOver"),
        ))  # fmt: skip

    # --- streaming text ---
    def stream_text(self, req_id: str, data: dict[str, Any], now: float) -> None:
        text, seq = str(data.get("Text", "")), int(data["Seq"])
        if self.kind == "audio":
            self.refuse(
                req_id, 110015, "An audio drive is playing: send the IsFinal audio packet and wait for AudioOver"
            )
            return
        if data.get("Interrupt") and not text:
            self._stop("TextOver")
            self.streams.pop(req_id, None)
            return
        drive = self.streams.get(req_id)
        if drive is None:
            if seq != 1:
                self.refuse(req_id, 100002, f"Data.Seq: a streaming text must start from 1 (got {seq})")
                return
            drive = StreamDrive(req_id, bool(data.get("IsSentence")), started_at=now)
            self.streams[req_id] = drive
            self._stop("TextOver")
            self.kind, self.req_id, self.stream = "stream", req_id, drive
            if not drive.sentences and self.live is None:  # live: when the sound starts
                self.emit(req_id, "TextStart", seq)
        elif seq != drive.next_seq:
            self.refuse(req_id, 100002, f"Data.Seq: expected {drive.next_seq} (got {seq})")
            return
        drive.next_seq = seq + 1
        if self.live is not None:
            if drive.sentences and text:
                self.emit(req_id, "SentenceNext", seq)
            if data.get("IsFinal"):
                drive.final = True
            self._spawn(self._live_fragment(drive, seq, text, bool(data.get("IsFinal"))))
            return
        seconds = text_seconds(text) if text else 0.0
        if drive.sentences and text:
            begin = max(now, drive.started_at + drive.spoken_s)
            self.emit(req_id, "SentenceNext", seq)
            self._later(begin - now, lambda s=seq: self.emit(req_id, "SentenceStart", s))
            self._later(begin - now + seconds, lambda s=seq: self.emit(req_id, "SentenceOver", s))
        drive.spoken_s += seconds
        if data.get("IsFinal"):
            drive.final = True
            end = drive.started_at + drive.spoken_s - now
            if self.timer is not None:
                self.timer.cancel()
            self.timer = self._later(end, lambda: self._finish_stream(req_id))

    async def _live_fragment(self, drive: StreamDrive, seq: int, text: str, final: bool) -> None:
        req_id = drive.req_id
        samples = await self._speech(text) if text else np.zeros(0, dtype=np.float32)
        if not self._current(req_id) or self.live is None:
            return

        def started() -> None:
            if not self._current(req_id):
                return
            if drive.sentences and text:
                self.emit(req_id, "SentenceStart", seq)
            elif seq == 1:
                self.emit(req_id, "TextStart", seq)

        def ended() -> None:
            if drive.sentences and text and self._current(req_id):
                self.emit(req_id, "SentenceOver", seq)
            if final:
                self._ended(req_id, "TextOver")
                self.streams.pop(req_id, None)

        self.live.play(Segment(req_id, samples, True, on_start=started, on_end=ended))

    def _finish_stream(self, req_id: str) -> None:
        if self.kind == "stream" and self.req_id == req_id:
            self._stop("TextOver")
        self.streams.pop(req_id, None)

    # --- audio ---
    def audio_packet(self, req_id: str, data: dict[str, Any], now: float) -> None:
        if self.session.driver_type != 3:
            self.refuse(req_id, 100005, "SEND_AUDIO needs a session created with DriverType 3")
            return
        if self.kind in ("text", "stream"):
            self.refuse(req_id, 110015, "Text is playing: interrupt it with an empty text and wait for TextOver")
            return
        seq = int(data["Seq"])
        try:
            pcm = base64.b64decode(str(data.get("Audio", "")), validate=True)
        except (binascii.Error, ValueError):
            self.refuse(req_id, 100001, "Data.Audio: not valid base64")
            return
        if len(pcm) > spec.AUDIO_PACKET_BYTES or len(pcm) % spec.AUDIO_SAMPLE_BYTES:
            self.refuse(req_id, 100002, f"Data.Audio: packets hold at most 5120 bytes of 16-bit PCM (got {len(pcm)})")
            return
        drive = self.audio if self.kind == "audio" and self.req_id == req_id else None
        if drive is None:
            if self.kind == "audio":
                self.refuse(req_id, 110015, "Another audio drive is playing: end it with its IsFinal packet first")
                return
            if seq != 1:
                self.refuse(req_id, 100002, f"Data.Seq: an audio drive must start from 1 (got {seq})")
                return
            drive = AudioDrive(req_id, first_at=now)
            self.kind, self.req_id, self.audio = "audio", req_id, drive
            if self.live is not None:
                self.live.play(Segment(
                    req_id, final=False,
                    on_start=lambda: self._emit_if_current(req_id, "AudioStart"),
                    on_end=lambda: self._ended(req_id, "AudioOver", drive.final_type),
                ))  # fmt: skip
            else:
                self.emit(req_id, "AudioStart", seq)
        elif seq != drive.next_seq:
            self.refuse(req_id, 100002, f"Data.Seq: expected {drive.next_seq} (got {seq})")
            return
        drive.next_seq = seq + 1
        if drive.packets >= PACING_WINDOW and drive.audio_ms:
            rate = (now - drive.first_at) * 1000 / drive.audio_ms  # wall time per audio time, so far
            low, high = spec.AUDIO_REALTIME_RATE
            if rate < low - PACING_TOLERANCE:
                fast = f"Audio sent too fast: real-time rate {rate:.2f} is below 0.75 (160 ms packets, 120 ms apart)"
                self.refuse(req_id, 100012, fast)
            elif rate > high + PACING_TOLERANCE:
                slow = f"Audio sent too slowly: real-time rate {rate:.2f} is above 1 (160 ms packets, 160 ms apart)"
                self.refuse(req_id, 110015, slow + "; the stream stutters")
        drive.packets += 1
        drive.audio_ms += len(pcm) / BYTES_PER_MS
        if drive.silence is not None:
            drive.silence.cancel()
        if self.live is not None:
            self.live.feed(req_id, pcm16k(pcm, spec.AUDIO_SAMPLE_RATE), final=bool(data.get("IsFinal")))
            if not data.get("IsFinal"):
                timeout = max(AUDIO_SILENCE_FLOOR_S, self.ctx.clock.scaled(AUDIO_SILENCE_TIMEOUT_S))
                drive.silence = self._later(timeout, lambda: self._silent(req_id))
            return
        if data.get("IsFinal"):
            drive.final = True
            end = drive.first_at + drive.audio_ms / 1000 - now
            self.timer = self._later(end, lambda: self._end_audio(req_id, 1))
        else:
            timeout = max(AUDIO_SILENCE_FLOOR_S, self.ctx.clock.scaled(AUDIO_SILENCE_TIMEOUT_S))
            drive.silence = self._later(timeout, lambda: self._end_audio(req_id, 2))

    def _silent(self, req_id: str) -> None:
        """Live: no packet for too long; the audio drive ends once what was sent has played (FinalType 2)."""
        if self.audio is not None and self.audio.req_id == req_id and self.live is not None:
            self.audio.final_type = 2
            self.live.feed(req_id, np.zeros(0, dtype=np.float32), final=True)

    def _end_audio(self, req_id: str, final_type: int) -> None:
        if self.kind != "audio" or self.req_id != req_id:
            return
        if self.timer is not None:
            self.timer.cancel()
        self.emit(req_id, "AudioOver", final_type=final_type)
        self.kind, self.req_id, self.audio, self.timer = "", "", None, None


def speaker(ctx: Context, session: Session) -> Speaker:
    speakers: dict[str, Speaker] = ctx.state.setdefault("speakers", {})
    if session.session_id not in speakers:
        speakers[session.session_id] = Speaker(session, ctx)
    return speakers[session.session_id]


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
    def __init__(self, ws: web.WebSocketResponse, session: Session) -> None:
        self.ws = ws
        self.session = session
        self.outbox: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()

    def send_soon(self, body: dict[str, Any]) -> None:
        self.outbox.put_nowait(body)

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


def _check(message: Any, session: Session) -> dict[str, Any]:
    if not isinstance(message, dict) or not isinstance(message.get("Payload"), dict):
        raise SandboxError(100001, "Header and Payload must both be included in every message")
    payload: dict[str, Any] = message["Payload"]
    command = payload.get("Command")
    if command not in spec.COMMANDS:
        raise SandboxError(100002, f"Command: must be one of {', '.join(spec.COMMANDS)} (got {command!r})")
    violations = [v for v in check_fields(_PAYLOAD_FIELDS[command], payload, tolerant=True) if v.kind != "unknown"]
    if violations:
        raise violation_error(violations)
    if payload["SessionId"] != session.session_id:
        raise SandboxError(100002, "SessionId: the channel belongs to another session")
    return payload


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
        return _refusal(409, 100002, "Only one long connection channel is allowed per session")
    ws = web.WebSocketResponse(heartbeat=None, max_msg_size=1 << 20)
    await ws.prepare(request)
    link = Channel(ws, session)
    session.channel = link
    session.last_traffic = ctx.clock.now()
    pump = asyncio.create_task(link.pump())
    for body in list(session.recent):  # a reconnect: the last three drives' status again
        link.send_soon(body)
    try:
        async for message in ws:
            if message.type != WSMsgType.TEXT:
                continue
            session.last_traffic = ctx.clock.now()
            if session.session_id in ctx.faults.drop_channels:
                ctx.faults.drop_channels.discard(session.session_id)
                break
            try:
                decoded = json.loads(message.data)
            except ValueError:
                decoded = None
            req_id = decoded.get("Payload", {}).get("ReqId", "") if isinstance(decoded, dict) else ""
            try:
                payload = _check(decoded, session)
                require_open(ctx, session)
                if payload["Command"] == "SEND_HEARTBEAT":
                    session.last_drive = ctx.clock.now()
                else:
                    dispatch(ctx, session, payload)
            except SandboxError as exc:
                speaker(ctx, session).refuse(str(req_id), exc.code, exc.message)
    finally:
        if session.channel is link:
            session.channel = None
        link.outbox.put_nowait(None)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(pump, 5)
    return ws


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
