"""What a live session's avatar is saying (Speaker): the drive commands' effects and the status messages they cause,
by the rules of "Instruction Sending Requirements" (seed 002); drive.py brings the commands in.

Speaking lasts as long as the text would take to say, or the audio sent; with a live stream, the events follow what
the stream really plays (live.py).

Audio pacing is judged as a throttle would, not from the first packet on (an early burst would never be forgiven):
- too fast: a token bucket. A sender may run ahead of the fastest allowed pace (real-time rate 0.75, 120 ms per
  160 ms packet, less the tolerance) by at most AUDIO_BURST_MS of audio; the allowance refills at that pace. A packet
  beyond it is refused (100012) and not played. A burst of a few packets followed by a steady sender is accepted; a
  sustained too-fast sender is refused once its burst allowance is spent.
- too slow: the rate over the packets of the last PACING_WINDOW_S seconds (at least PACING_MIN_PACKETS of them); above
  1 (plus the tolerance) the stream stutters and an error comes down (110015), the packet still plays.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import logging
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from desktop.sandbox.context import Context
from desktop.sandbox.live import LiveRenderer, Segment, pcm16k
from desktop.sandbox.sessions import PARAMETER_ERROR, Session
from desktop.sandbox.speech import synthesizer
from desktop.sandbox.video_tasks import plain_text
from desktop.spec import drive as spec

log = logging.getLogger("desktop.sandbox.speaker")

CHARS_PER_SECOND = 15.0
AUDIO_SILENCE_TIMEOUT_S = 3.0  # a protocol timeout (SimClock.protocol), never below the longest allowed gap
AUDIO_SILENCE_FLOOR_S = 0.5
PACING_TOLERANCE = 0.08
AUDIO_BURST_MS = 2500.0  # how far ahead of the fastest allowed pace a sender may run
PACING_WINDOW_S = 2.5  # the stretch over which a too-slow rate is judged
PACING_MIN_PACKETS = 5
BYTES_PER_MS = spec.AUDIO_SAMPLE_RATE * spec.AUDIO_SAMPLE_BYTES // 1000


def text_seconds(text: str) -> float:
    return max(0.5, len(plain_text(text)) / CHARS_PER_SECOND)


@dataclass
class Pacing:
    """The throttle of one audio drive (see the module's docstring)."""

    credit_ms: float = AUDIO_BURST_MS
    last_at: float | None = None
    recent: deque[tuple[float, float]] = field(default_factory=deque)  # (arrival, audio ms) in the window

    def too_fast(self, now: float, packet_ms: float) -> float | None:
        """The rate this packet would bring (below the floor) if it exceeds the allowance; else None, and it counts."""
        fastest = spec.AUDIO_REALTIME_RATE[0] - PACING_TOLERANCE
        if self.last_at is not None:
            self.credit_ms = min(AUDIO_BURST_MS, self.credit_ms + (now - self.last_at) * 1000 / fastest)
        self.last_at = now
        if packet_ms > self.credit_ms:
            span_ms = sum(ms for _, ms in self.recent) + packet_ms
            return (now - self.recent[0][0]) * 1000 / span_ms if self.recent else 0.0
        self.credit_ms -= packet_ms
        return None

    def too_slow(self, now: float, packet_ms: float) -> float | None:
        """The rate over the window if the sender falls behind real time; the packet is recorded either way."""
        while self.recent and now - self.recent[0][0] > PACING_WINDOW_S:
            self.recent.popleft()
        rate = None
        if len(self.recent) >= PACING_MIN_PACKETS:
            sent_ms = sum(ms for _, ms in self.recent)  # all due to have played by now
            measured = (now - self.recent[0][0]) * 1000 / sent_ms
            if measured > spec.AUDIO_REALTIME_RATE[1] + PACING_TOLERANCE:
                rate = measured
        self.recent.append((now, packet_ms))
        return rate


@dataclass
class AudioDrive:
    req_id: str
    final_type: int = 1
    next_seq: int = 1
    first_at: float = 0.0
    audio_ms: float = 0.0
    pacing: Pacing = field(default_factory=Pacing)
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
            self.refuse(
                req_id, PARAMETER_ERROR, "Data.Text: an empty text drives nothing (use Interrupt to stop the speech)"
            )
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
        text = str(data.get("Text", ""))
        if self.kind == "audio":
            self.refuse(
                req_id, 110015, "An audio drive is playing: send the IsFinal audio packet and wait for AudioOver"
            )
            return
        if data.get("Interrupt") is True and not text:  # Text and Seq may be left out here (docs/api-notes.md)
            self._stop("TextOver")
            self.streams.pop(req_id, None)
            return
        seq = int(data["Seq"])
        drive = self.streams.get(req_id)
        if drive is None:
            if seq != 1:
                self.refuse(req_id, PARAMETER_ERROR, f"Data.Seq: a streaming text must start from 1 (got {seq})")
                return
            drive = StreamDrive(req_id, bool(data.get("IsSentence")), started_at=now)
            self.streams[req_id] = drive
            self._stop("TextOver")
            self.kind, self.req_id, self.stream = "stream", req_id, drive
            if not drive.sentences and self.live is None:  # live: when the sound starts
                self.emit(req_id, "TextStart", seq)
        elif seq != drive.next_seq:
            self.refuse(req_id, PARAMETER_ERROR, f"Data.Seq: expected {drive.next_seq} (got {seq})")
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
            self.refuse(
                req_id, PARAMETER_ERROR, f"Data.Audio: packets hold at most 5120 bytes of 16-bit PCM (got {len(pcm)})"
            )
            return
        drive = self.audio if self.kind == "audio" and self.req_id == req_id else None
        if drive is None:
            if self.kind == "audio":
                self.refuse(req_id, 110015, "Another audio drive is playing: end it with its IsFinal packet first")
                return
            if seq != 1:
                self.refuse(req_id, PARAMETER_ERROR, f"Data.Seq: an audio drive must start from 1 (got {seq})")
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
            self.refuse(req_id, PARAMETER_ERROR, f"Data.Seq: expected {drive.next_seq} (got {seq})")
            return
        drive.next_seq = seq + 1
        packet_ms = len(pcm) / BYTES_PER_MS
        if packet_ms:
            if (fast := drive.pacing.too_fast(now, packet_ms)) is not None:
                fast_text = f"Audio sent too fast: real-time rate {fast:.2f} is below 0.75 (160 ms packets at least"
                self.refuse(
                    req_id, 100012, fast_text + " 120 ms apart, after a burst of at most 2.5 s); packet dropped"
                )
                return
            if (slow := drive.pacing.too_slow(now, packet_ms)) is not None:
                slow_text = f"Audio sent too slowly: real-time rate {slow:.2f} is above 1 over the last 2.5 s (160 ms"
                self.refuse(req_id, 110015, slow_text + " packets at most 160 ms apart); the stream stutters")
        drive.audio_ms += packet_ms
        if drive.silence is not None:
            drive.silence.cancel()
        if self.live is not None:
            self.live.feed(req_id, pcm16k(pcm, spec.AUDIO_SAMPLE_RATE), final=bool(data.get("IsFinal")))
            if not data.get("IsFinal"):
                timeout = max(AUDIO_SILENCE_FLOOR_S, self.ctx.clock.protocol(AUDIO_SILENCE_TIMEOUT_S))
                drive.silence = self._later(timeout, lambda: self._silent(req_id))
            return
        if data.get("IsFinal"):
            drive.final = True
            end = drive.first_at + drive.audio_ms / 1000 - now
            self.timer = self._later(end, lambda: self._end_audio(req_id, 1))
        else:
            timeout = max(AUDIO_SILENCE_FLOOR_S, self.ctx.clock.protocol(AUDIO_SILENCE_TIMEOUT_S))
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
