"""Driving the live session, as a part of LiveSession (desktop/services/live_session.py): texts, streaming text,
a lightweight avatar's texts made into sound, sound files and push-to-talk, and the interrupt. Every drive goes
through the session's DriveOrder on the engine, which keeps the documented order between text and audio; the ReqId
is returned at once so the panel can follow the drive in its timeline. A drive counts as activity for the idle
guard.

A mixin rather than an object of its own: the drives share the session's generation (answers for a session
replaced meanwhile are dropped), its channel and its signals.
"""

from __future__ import annotations

import asyncio
import tempfile
import uuid
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from desktop.api import drive, speech
from desktop.api.audio_pacer import PacerFigures, PacerReport
from desktop.api.errors import ApiError
from desktop.i18n import args
from desktop.media import pcm
from desktop.services.session_request import AUDIO_AND_TEXT

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance

    from desktop.api import Client
    from desktop.api.channel import DriveChannel
    from desktop.api.drive_order import DriveOrder
    from desktop.services.engine import Bridge
    from desktop.services.live_session import LiveStatus


class Drives:
    def _context(self) -> QObject:
        """The session itself, the context its answers are delivered to (dropped once it is gone)."""
        assert isinstance(self, QObject)
        return self

    # What the session provides (declared for the type checker).
    if TYPE_CHECKING:
        status: LiveStatus
        bridge: Bridge
        channel: DriveChannel | None
        order: DriveOrder | None
        audio_progress: SignalInstance
        audio_finished: SignalInstance
        _generation: int
        _talk: asyncio.Event | None

        def _client(self) -> Client | None: ...
        def _touch(self) -> None: ...
        def _failed(self, generation: int, what: str, error: BaseException) -> None: ...
        def tr(self, text: str, disambiguation: str | None = None, n: int = -1) -> str: ...

    def say(self, text: str, *, chat: bool = False) -> str:
        """Speak a line the way this session speaks: a SEND_TEXT, or (a lightweight avatar) the text made into sound
        by tts and driven as audio. Returns the drive's ReqId ("" if not live)."""
        if self.status.speak_text_as_audio:
            return self.speak_as_audio(text)
        return self.send_text(text, chat=chat)

    def send_text(self, text: str, *, interrupt: bool = False, chat: bool = False) -> str:
        """Queue a SEND_TEXT (kept 1 s after the previous text by the channel); returns its ReqId ("" if not live).
        `chat`: let a bound customer-service bot answer from its knowledge base (ChatCommand left empty); by default
        the text is said as written (NotUseChat)."""
        channel = self.channel
        if channel is None or self.status.phase != "live":
            return ""
        message = drive.send_text(self.status.session_id, text, interrupt=interrupt)
        if not chat:
            message["Payload"]["Data"]["ChatCommand"] = "NotUseChat"
        order = self.order
        assert order is not None
        self._touch()
        self._send(order.text(message), "send")
        return str(message["Payload"]["ReqId"])

    def stream_text(self, req_id: str, text: str, seq: int, *, final: bool = False, sentence: bool = False) -> str:
        """One fragment of a streaming text (SEND_STREAMTEXT): `req_id` "" starts a new one (Seq 1); returns the
        ReqId to pass with the next fragments. Fragments of one ReqId keep their order on the engine's loop."""
        if self.channel is None or self.status.phase != "live" or self.order is None:
            return ""
        req_id = req_id or uuid.uuid4().hex
        message = drive.send_stream_text(self.status.session_id, req_id, text, seq, final=final, sentence=sentence)
        self._touch()
        self._send(self.order.text(message), "stream")
        return req_id

    def speak_as_audio(self, text: str) -> str:
        """The lightweight avatar's text drive: tts (the avatar's voice, or the session's timbre) to 16 kHz sound,
        then an audio drive of it, in the documented order. Returns the ReqId of the audio drive."""
        client, order = self._client(), self.order
        if client is None or order is None or not self.audio_allowed:
            return ""
        status = self.status
        payload = speech.tts_payload(
            text, virtualman_key=status.subject, timbre_key=status.timbre_key, speed=status.speed
        )
        req_id = uuid.uuid4().hex
        generation = self._generation
        self._touch()

        async def speak() -> PacerReport:
            sound = await speech.synthesize(client.video, payload)
            path = await asyncio.to_thread(_spill, sound)
            try:
                chunks = pcm.pcm_chunks(pcm.file_command(path))
                return await order.audio(req_id, chunks, on_figures=self._figures_poster(generation))
            finally:
                await asyncio.to_thread(path.unlink, True)

        done, failed = partial(self._audio_done, generation, None), partial(self._audio_failed, generation, None)
        self.bridge.call(speak(), self._context(), done, failed)
        return req_id

    def interrupt(self) -> None:
        """Stop the speech now: a running audio drive sends its IsFinal at once; a text gets an empty-text
        Interrupt, which the 1 s interval does not hold back."""
        order = self.order
        if order is not None and self.status.phase == "live":
            self._touch()
            self._send(order.interrupt(), "interrupt")

    @property
    def audio_allowed(self) -> bool:
        """Audio drives need a session created with DriverType 3 (audio and text)."""
        return self.status.phase == "live" and self.status.driver_type == AUDIO_AND_TEXT

    def send_audio_file(self, path: Path) -> str:
        """Drive by a sound file (any format ffmpeg reads), paced on the engine; returns its ReqId."""
        return self._drive_audio(pcm.file_command(path), live=False)

    def talk(self, microphone: str) -> str:
        """Push-to-talk pressed: capture `microphone` (a PulseAudio source) into an audio drive until `stop_talking`."""
        if self._talk is not None:
            return ""
        finish = asyncio.Event()
        req_id = self._drive_audio(pcm.microphone_command(microphone), live=True, finish=finish)
        if req_id:
            self._talk = finish
        return req_id

    def stop_talking(self) -> None:
        """Push-to-talk released: the capture ends (its last fragment still sent), then the IsFinal packet."""
        finish, self._talk = self._talk, None
        if finish is not None and self.bridge.engine.running:
            self.bridge.engine.submit(_set(finish))

    def _drive_audio(self, command: list[str], *, live: bool, finish: asyncio.Event | None = None) -> str:
        order = self.order
        if order is None or not self.audio_allowed:
            return ""
        req_id = uuid.uuid4().hex
        generation = self._generation
        self._touch()
        chunks = pcm.pcm_chunks(command, finish=finish)
        drive_audio = order.audio(req_id, chunks, live=live, on_figures=self._figures_poster(generation))
        done, failed = partial(self._audio_done, generation, finish), partial(self._audio_failed, generation, finish)
        self.bridge.call(drive_audio, self._context(), done, failed)
        return req_id

    def _figures_poster(self, generation: int) -> Callable[[PacerFigures], None]:
        def figures(figures: PacerFigures) -> None:  # engine thread
            self.bridge.post(partial(self._audio_progress, generation, figures), self._context())

        return figures

    def _audio_done(self, generation: int, finish: asyncio.Event | None, report: PacerReport) -> None:
        if finish is not None and self._talk is finish:
            self._talk = None
        self._touch()
        if generation == self._generation:
            self.audio_finished.emit(report)

    def _audio_failed(self, generation: int, finish: asyncio.Event | None, error: BaseException) -> None:
        if finish is not None and self._talk is finish:
            self._talk = None
        if isinstance(error, pcm.PcmError):
            error = ApiError(args(self.tr("The sound could not be read: %1"), str(error)))
        self._failed(generation, "audio", error)

    def _audio_progress(self, generation: int, figures: PacerFigures) -> None:
        if generation == self._generation:
            self.audio_progress.emit(figures)

    def _send(self, coro: Any, what: str) -> None:
        generation = self._generation
        self.bridge.call(coro, self._context(), lambda _: None, partial(self._failed, generation, what))


def _spill(sound: bytes) -> Path:
    """The synthesized sound in a temporary file for ffmpeg to read (deleted after the drive)."""
    with tempfile.NamedTemporaryFile(prefix="avatar-studio-tts-", suffix=".wav", delete=False) as file:
        file.write(sound)
    return Path(file.name)


async def _set(event: asyncio.Event) -> None:
    event.set()


__all__ = ["Drives"]
