"""One live session as the panel drives it, on the GUI thread: create it (recorded in the ledger before the call is
sent), follow statsession while it prepares, start it, keep its drive channel open, send texts and interrupts, and
close it. Every platform call runs on the engine (`Bridge.call`); answers for a session that was replaced or closed
meanwhile are dropped.

The phases: idle → creating → preparing (status 3, statsession every POLL_MS) → starting → live → closing → closed;
failed when the stream could not be made (status 4, with ErrorCode/ErrorMessage) or a call was refused.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.api import drive
from desktop.api.audio_pacer import PacerFigures, PacerReport
from desktop.api.channel import ChannelState, DriveChannel
from desktop.api.drive import Downstream
from desktop.api.drive_order import DriveOrder
from desktop.api.errors import ApiError, CredentialsMissingError, PlatformError, ValidationError
from desktop.media import pcm
from desktop.services.engine import Bridge
from desktop.services.session_ledger import SessionLedger

if TYPE_CHECKING:
    from desktop.api import Client
    from desktop.services.connection import ConnectionService

log = logging.getLogger("desktop.services.live_session")

POLL_MS = 500
PREPARE_TIMEOUT_S = 120.0  # model loading takes seconds at the cloud; longer is reported, not waited for silently


@dataclass(frozen=True)
class LiveStatus:
    phase: str  # idle, creating, preparing, starting, live, closing, closed, failed
    session_id: str = ""
    user_id: str = ""
    play_url: str = ""
    driver_type: int = 1
    created_at: float = 0.0  # time.monotonic() when createsession was sent
    started_at: float = 0.0  # when startsession was answered: the cost meter runs from here
    error_code: int = 0
    error_message: str = ""

    @property
    def open(self) -> bool:
        """A session exists at the platform (and may be billed) until closed."""
        return bool(self.session_id) and self.phase not in ("closed", "failed", "idle")


@dataclass(frozen=True)
class LeftOpen:
    """A session of the account found open at start: ours (in the ledger: a crash) or another machine's."""

    session_id: str
    user_id: str
    status: int  # 1 in progress, 3 preparing
    ours: bool


class LiveSession(QObject):
    status_changed = Signal(object)  # LiveStatus
    downstream = Signal(object)  # Downstream, in arrival order
    channel_changed = Signal(object)  # ChannelState
    problem = Signal(str)  # a refusal or failure, in words (the details went to the log)
    left_open = Signal(object)  # list[LeftOpen]: sessions of the account still open when the app started
    audio_progress = Signal(object)  # PacerFigures, after every packet of an audio drive
    audio_finished = Signal(object)  # PacerReport, when an audio drive has sent its IsFinal packet

    def __init__(
        self,
        connection: ConnectionService,
        bridge: Bridge,
        ledger: SessionLedger,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.connection = connection
        self.bridge = bridge
        self.ledger = ledger
        self.status = LiveStatus("idle")
        self.channel: DriveChannel | None = None
        self.order: DriveOrder | None = None  # engine side: keeps text and audio in the documented order
        self._talk: asyncio.Event | None = None  # set (on the engine) to end the push-to-talk capture
        self.channel_state = ChannelState("closed", 0)
        self._generation = 0
        self._polling = False
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._ask_status)

    # --- the session ---

    def create_by_asset(
        self,
        virtualman_key: str,
        user_id: str,
        *,
        driver_type: int = 1,
        protocol: str = "rtmp",
        speech: dict[str, Any] | None = None,
    ) -> None:
        client = self._client()
        if client is None or self.status.open or self.status.phase == "creating":
            return
        self._generation += 1
        generation = self._generation
        profile, ledger = self.connection.profile.key, self.ledger
        self._set(LiveStatus("creating", user_id=user_id, driver_type=driver_type, created_at=time.monotonic()))

        async def create() -> tuple[str, int, str]:
            row = await asyncio.to_thread(ledger.asking, profile, user_id, virtualman_key)
            try:
                created = await client.sessions.create_by_asset(
                    virtualman_key, user_id, protocol=protocol, driver_type=driver_type, speech=speech
                )
            except (PlatformError, ValidationError, CredentialsMissingError):
                await asyncio.to_thread(ledger.refused, row)  # answered (or not sent): no session was made
                raise
            # Any other failure (a timeout, a lost answer, cancelled) may have made one: the row stays, and the next
            # start looks for its UserId in listsessionofuin.
            await asyncio.to_thread(ledger.opened, row, created.session_id)
            return created.session_id, created.status, created.play_url

        def done(answer: tuple[str, int, str]) -> None:
            if generation != self._generation:
                return
            session_id, status, play_url = answer
            self._set(replace(self.status, phase="preparing", session_id=session_id, play_url=play_url))
            self._status_seen(status, play_url, 0, "")
            if self.status.phase == "preparing":
                self._poll.start()

        self.bridge.call(create(), self, done, partial(self._failed, generation, "create"))

    def close(self) -> None:
        """closesession (and the channel closed first); the ledger row is marked closed when the platform answers."""
        status = self.status
        if not status.open:
            return
        self._generation += 1
        self._poll.stop()
        self._close_channel()
        client = self._client()
        self._set(replace(status, phase="closing"))
        if client is None:
            self.problem.emit(self.tr("Not connected: the session could not be closed. Close it from the list."))
            return
        generation, session_id = self._generation, status.session_id
        profile, ledger = self.connection.profile.key, self.ledger

        async def close() -> None:
            await client.sessions.close(session_id)
            await asyncio.to_thread(ledger.closed, profile, session_id)

        def done(_: object) -> None:
            if generation == self._generation:
                self._set(replace(self.status, phase="closed"))

        self.bridge.call(close(), self, done, partial(self._failed, generation, "close"))

    # --- sessions left open ---

    def find_left_open(self) -> None:
        """listsessionofuin against the ledger: emits left_open with the account's open sessions (none: nothing);
        ledger rows whose session is gone (or was never made) are marked closed."""
        client = self._client()
        if client is None:
            return
        profile, ledger = self.connection.profile.key, self.ledger

        async def find() -> list[LeftOpen]:
            rows = await asyncio.to_thread(ledger.still_open, profile)
            listed = await client.sessions.list_all()
            open_now = {s.session_id: s for s in listed if s.status in (1, 3)}
            users = {s.user_id: s for s in open_now.values()}
            ours: set[str] = set()
            for row in rows:
                found = open_now.get(row.session_id) if row.session_id else users.get(row.user_id)
                if found is None:
                    await asyncio.to_thread(ledger.closed_user, profile, row.user_id)
                else:
                    if not row.session_id:
                        await asyncio.to_thread(ledger.opened, row.row, found.session_id)
                    ours.add(found.session_id)
            return [LeftOpen(s.session_id, s.user_id, s.status, s.session_id in ours) for s in open_now.values()]

        def found(sessions: list[LeftOpen]) -> None:
            current = self.status.session_id
            sessions = [s for s in sessions if s.session_id != current]
            if sessions:
                self.left_open.emit(sessions)

        self.bridge.call(find(), self, found, lambda error: log.info("listsessionofuin at start failed: %s", error))

    def close_sessions(self, session_ids: list[str], on_done: Callable[[int], None]) -> None:
        """closesession for each (not the one this panel drives); `on_done(closed)` with how many were closed."""
        client = self._client()
        if client is None:
            return
        profile, ledger = self.connection.profile.key, self.ledger

        async def close_all() -> int:
            closed = 0
            for session_id in session_ids:
                try:
                    await client.sessions.close(session_id)
                except ApiError as error:
                    log.warning("closesession of a session left open failed: %s", error)
                    continue
                await asyncio.to_thread(ledger.closed, profile, session_id)
                closed += 1
            return closed

        self.bridge.call(close_all(), self, on_done, lambda error: self.problem.emit(str(error)))

    # --- driving ---

    def send_text(self, text: str, *, interrupt: bool = False) -> str:
        """Queue a SEND_TEXT (kept 1 s after the previous text by the channel); returns its ReqId ("" if not live)."""
        channel = self.channel
        if channel is None or self.status.phase != "live":
            return ""
        message = drive.send_text(self.status.session_id, text, interrupt=interrupt)
        order = self.order
        assert order is not None
        self._send(order.text(message), "send")
        return str(message["Payload"]["ReqId"])

    def interrupt(self) -> None:
        """Stop the speech now: a running audio drive sends its IsFinal at once; a text gets an empty-text
        Interrupt, which the 1 s interval does not hold back."""
        order = self.order
        if order is not None and self.status.phase == "live":
            self._send(order.interrupt(), "interrupt")

    @property
    def audio_allowed(self) -> bool:
        """Audio drives need a session created with DriverType 3 (audio and text)."""
        return self.status.phase == "live" and self.status.driver_type == 3

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

        def figures(figures: PacerFigures) -> None:  # engine thread
            self.bridge.post(partial(self._audio_progress, generation, figures), self)

        def done(report: PacerReport) -> None:
            if finish is not None and self._talk is finish:
                self._talk = None
            if generation == self._generation:
                self.audio_finished.emit(report)

        def failed(error: BaseException) -> None:
            if finish is not None and self._talk is finish:
                self._talk = None
            if isinstance(error, pcm.PcmError):
                error = ApiError(self.tr("The sound could not be read: %1").replace("%1", str(error)))
            self._failed(generation, "audio", error)

        chunks = pcm.pcm_chunks(command, finish=finish)
        self.bridge.call(order.audio(req_id, chunks, live=live, on_figures=figures), self, done, failed)
        return req_id

    def _audio_progress(self, generation: int, figures: PacerFigures) -> None:
        if generation == self._generation:
            self.audio_progress.emit(figures)

    def _send(self, coro: Any, what: str) -> None:
        generation = self._generation
        self.bridge.call(coro, self, lambda _: None, partial(self._failed, generation, what))

    # --- inside ---

    def _client(self) -> Client | None:
        return self.connection.client

    def _set(self, status: LiveStatus) -> None:
        self.status = status
        self.status_changed.emit(status)

    def _ask_status(self) -> None:
        client, status = self._client(), self.status
        if client is None or self._polling or status.phase != "preparing":
            return
        if time.monotonic() - status.created_at > PREPARE_TIMEOUT_S:
            self._poll.stop()
            self.problem.emit(self.tr("The session is still preparing after two minutes. Close it and try again."))
            return
        self._polling = True
        generation = self._generation

        def done(answer: Any) -> None:
            self._polling = False
            if generation == self._generation:
                self._status_seen(answer.status, answer.play_url, answer.error_code, answer.error_message)

        def failed(error: BaseException) -> None:
            self._polling = False
            log.info("statsession of the live session failed: %s", error)  # asked again at the next tick

        self.bridge.call(client.sessions.status(status.session_id), self, done, failed)

    def _status_seen(self, status: int, play_url: str, error_code: int, error_message: str) -> None:
        if status == 1 and self.status.phase == "preparing":
            self._poll.stop()
            self._set(replace(self.status, play_url=play_url or self.status.play_url))
            self._start()
        elif status == 4:
            self._poll.stop()
            self._set(replace(self.status, phase="failed", error_code=error_code, error_message=error_message))
            self.ledger_closed(self.status.session_id)
        elif status == 2:
            self._poll.stop()
            self._set(replace(self.status, phase="closed"))
            self.ledger_closed(self.status.session_id)

    def ledger_closed(self, session_id: str) -> None:
        profile, ledger = self.connection.profile.key, self.ledger
        self.bridge.call_blocking(lambda: ledger.closed(profile, session_id), self, lambda _: None, log.warning)

    def _start(self) -> None:
        client = self._client()
        if client is None:
            return
        self._set(replace(self.status, phase="starting"))
        generation, session_id = self._generation, self.status.session_id

        def done(_: object) -> None:
            if generation != self._generation:
                return
            self._set(replace(self.status, phase="live", started_at=time.monotonic()))
            self._open_channel(client, session_id)

        self.bridge.call(client.sessions.start(session_id), self, done, partial(self._failed, generation, "start"))

    def _open_channel(self, client: Client, session_id: str) -> None:
        generation = self._generation
        post: Callable[[Callable[[], None]], None] = lambda callback: self.bridge.post(callback, self)  # noqa: E731

        order: DriveOrder | None = None

        def message(downstream: Downstream) -> None:  # on the engine thread
            if order is not None:
                order.observe(downstream)
            post(partial(self._message, generation, downstream))

        def state(state: ChannelState) -> None:  # on the engine thread
            if order is not None:
                order.channel_state(state)
            post(partial(self._channel_state, generation, state))

        self.channel = client.drive_channel(session_id, message, state)
        self.order = order = DriveOrder(self.channel)
        self.bridge.engine.submit(self.channel.run())

    def _close_channel(self) -> None:
        channel, self.channel = self.channel, None
        order, self.order = self.order, None
        self._talk = None
        if channel is not None and self.bridge.engine.running:
            self.bridge.engine.submit(_closed(channel, order))

    def _message(self, generation: int, message: Downstream) -> None:
        if generation == self._generation:
            self.downstream.emit(message)

    def _channel_state(self, generation: int, state: ChannelState) -> None:
        if generation == self._generation:
            self.channel_state = state
            self.channel_changed.emit(state)

    def _failed(self, generation: int, what: str, error: BaseException) -> None:
        if generation != self._generation:
            return
        words = str(error) + (f" {error.remedy}" if isinstance(error, ApiError) and error.remedy else "")
        log.info("live session: %s failed: %s", what, words)
        if what in ("create", "start"):
            self._poll.stop()
            failed = replace(self.status, phase="failed" if what == "create" else self.status.phase)
            self._set(failed)
        self.problem.emit(words)

    def shutdown(self) -> None:
        """The window is closing: stop polling and close the channel (the session itself is the window's choice)."""
        self._generation += 1
        self._poll.stop()
        self._close_channel()


async def _set(event: asyncio.Event) -> None:
    event.set()


async def _closed(channel: DriveChannel, order: DriveOrder | None) -> None:
    if order is not None:
        order.close()
    await channel.close()


__all__ = ["LiveSession", "LiveStatus"]
