"""One live session as the panel drives it, on the GUI thread: create it (recorded in the ledger before the call is
sent), follow statsession while it prepares, start it, keep its drive channel open, send texts and interrupts, and
close it. Every platform call runs on the engine (`Bridge.call`); answers for a session that was replaced or closed
meanwhile are dropped.

The phases: idle → creating → preparing (status 3, statsession every POLL_MS) → starting → live → closing → closed;
failed when the stream could not be made (status 4, with ErrorCode/ErrorMessage) or a call was refused. A session of
the account that this panel did not create (left by a crash, or opened elsewhere) can be adopted: it joins at the
phase its status says.

While live, an idle guard (desktop/services/idle_guard.py) warns, then closes the session when nobody has driven it
for the configured time: the channel's heartbeats keep a forgotten stream alive, and billed.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.api.channel import ChannelState, DriveChannel
from desktop.api.drive import Downstream
from desktop.api.drive_order import DriveOrder
from desktop.api.errors import ApiError, CredentialsMissingError, PlatformError, ValidationError
from desktop.api.sessions import SessionSummary
from desktop.i18n import args
from desktop.services.engine import Bridge
from desktop.services.idle_guard import Idle, IdleGuard
from desktop.services.live_drives import Drives
from desktop.services.session_ledger import SessionLedger
from desktop.services.session_request import SessionRequest

if TYPE_CHECKING:
    from desktop.api import Client
    from desktop.services.connection import ConnectionService

log = logging.getLogger("desktop.services.live_session")

POLL_MS = 500
PREPARE_TIMEOUT_S = 120.0  # model loading takes seconds at the cloud; longer is reported, not waited for silently
IDLE_CHECK_MS = 1000


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
    protocol: str = "rtmp"
    subject: str = ""  # the avatar key or project id
    alpha: bool = False  # the stream carries the alpha beside the picture
    custom_push: bool = False  # pushed to the operator's CSS: no play address here
    speak_text_as_audio: bool = False  # texts go through tts and drive by audio (a lightweight avatar)
    timbre_key: str = ""
    speed: float | None = None
    adopted: bool = False  # not created by this panel

    @property
    def open(self) -> bool:
        """A session exists at the platform (and may be billed) until closed."""
        return bool(self.session_id) and self.phase not in ("closed", "failed", "idle")


class LiveSession(QObject, Drives):
    status_changed = Signal(object)  # LiveStatus
    downstream = Signal(object)  # Downstream, in arrival order
    channel_changed = Signal(object)  # ChannelState
    problem = Signal(str)  # a refusal or failure, in words (the details went to the log)
    idle_changed = Signal(float)  # seconds before the idle close while warning, -1 when not warning
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
        self.idle_close_s = 0.0  # 0: never (set from the settings by the window)
        self._idle = IdleGuard(0.0, time.monotonic())
        self._idle_warning = False
        self._idle_timer = QTimer(self)
        self._idle_timer.setInterval(IDLE_CHECK_MS)
        self._idle_timer.timeout.connect(self._check_idle)

    # --- the session ---

    def create_by_asset(
        self,
        virtualman_key: str,
        user_id: str,
        *,
        driver_type: int = 1,
        protocol: str = "rtmp",
    ) -> None:
        """A session of an avatar with the defaults (the form's full request goes through `create`)."""
        self.create(SessionRequest(user_id, asset_key=virtualman_key, protocol=protocol, driver_type=driver_type))

    def create(self, request: SessionRequest) -> None:
        """createsessionbyasset (an avatar) or createsession (a project), recorded in the ledger before it is sent.
        The request is checked first (`request.problems()`): a refusal in words, nothing sent."""
        client = self._client()
        if client is None or self.status.open or self.status.phase == "creating":
            return
        if problems := request.problems():
            self.problem.emit(args(self.tr("The session was not created: %1"), "; ".join(map(str, problems))))
            return
        self._generation += 1
        generation = self._generation
        profile, ledger = self.connection.profile.key, self.ledger
        user_id = request.user_id.strip()
        self._set(
            LiveStatus(
                "creating",
                user_id=user_id,
                driver_type=request.driver_type,
                created_at=time.monotonic(),
                protocol=request.protocol,
                subject=request.subject,
                alpha=request.alpha,
                custom_push=bool(request.push_url),
                speak_text_as_audio=request.speak_text_as_audio,
                timbre_key=request.timbre_key,
                speed=request.speed,
            )
        )
        options = request.options()

        async def create() -> tuple[str, int, str]:
            row = await asyncio.to_thread(ledger.asking, profile, user_id, request.subject)
            try:
                if request.by_asset:
                    created = await client.sessions.create_by_asset(request.asset_key, user_id, **options)
                else:
                    created = await client.sessions.create(request.project_id, user_id, **options)
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

    def adopt(self, summary: SessionSummary) -> None:
        """Drive a session of the account that this panel did not create (left open by a crash, or opened
        elsewhere): it is recorded in the ledger, then followed from its status (preparing: polled; ready: started;
        started: its channel opened)."""
        if self.status.open or self.status.phase == "creating" or summary.status not in (1, 3):
            return
        self._generation += 1
        generation = self._generation
        profile, ledger = self.connection.profile.key, self.ledger
        now = time.monotonic()
        status = LiveStatus(
            "preparing",
            session_id=summary.session_id,
            user_id=summary.user_id,
            play_url=summary.play_url,
            driver_type=summary.driver_type or 1,
            created_at=now,
            adopted=True,
        )
        self._set(status)

        def record() -> None:
            if not any(row.session_id == summary.session_id for row in ledger.still_open(profile)):
                ledger.opened(ledger.asking(profile, summary.user_id), summary.session_id)

        self.bridge.call_blocking(record, self, lambda _: None, lambda error: log.warning("ledger: %s", error))
        if summary.status == 3:
            self._poll.start()
        elif summary.started:
            self._went_live(generation, summary.session_id)
        else:
            self._start()

    def close(self) -> None:
        """closesession (and the channel closed first); the ledger row is marked closed when the platform answers."""
        status = self.status
        if not status.open:
            return
        self._generation += 1
        self._poll.stop()
        self._idle_timer.stop()
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
            if generation == self._generation:
                self._went_live(generation, session_id)

        self.bridge.call(client.sessions.start(session_id), self, done, partial(self._failed, generation, "start"))

    def _went_live(self, generation: int, session_id: str) -> None:
        client = self._client()
        if client is None or generation != self._generation:
            return
        self._set(replace(self.status, phase="live", started_at=time.monotonic()))
        self._idle = IdleGuard(self.idle_close_s, time.monotonic())
        self._idle_timer.start()
        self._open_channel(client, session_id)

    def trtc_keys(
        self, room_id: str, user_id: str, on_done: Callable[[tuple[str, str]], None], on_error: Callable[[str], None]
    ) -> None:
        """gettrtcsign: (UserSig, PrivateMapKey) for a viewer entering the session's TRTC room. Secrets: shown masked,
        copied on request, never logged."""
        client = self._client()
        if client is None or not self.status.open:
            return
        call = client.sessions.trtc_sign(self.status.session_id, room_id, user_id)
        self.bridge.call(call, self, on_done, lambda error: on_error(str(error)))

    # --- the idle guard ---

    def keep_open(self) -> None:
        """The operator is there: the idle count starts again."""
        self._touch()

    def set_idle_close(self, minutes: int) -> None:
        self.idle_close_s = max(0, minutes) * 60.0
        self._idle.close_after_s = self.idle_close_s

    def _touch(self) -> None:
        self._idle.touch(time.monotonic())
        if self._idle_warning:
            self._idle_warning = False
            self.idle_changed.emit(-1.0)

    def _check_idle(self) -> None:
        if self.status.phase != "live":
            self._idle_timer.stop()
            return
        now = time.monotonic()
        verdict = self._idle.check(now)
        if verdict is Idle.WARN:
            self._idle_warning = True
            self.idle_changed.emit(self._idle.left(now))
        elif verdict is Idle.CLOSE:
            minutes = round(self.idle_close_s / 60)
            self._idle_warning = False
            self.idle_changed.emit(-1.0)
            self.problem.emit(self.tr("The session was closed after %n minute(s) without a drive.", "", minutes))
            log.info("live session %s closed: idle for %d min", self.status.session_id, minutes)
            self.close()

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
        self._idle_timer.stop()
        self._close_channel()


async def _closed(channel: DriveChannel, order: DriveOrder | None) -> None:
    if order is not None:
        order.close()
    await channel.close()


__all__ = ["LiveSession", "LiveStatus"]
