"""One session's drive channel (the WebSocket of seed 002), kept open for as long as the session is driven.

`DriveChannel.run()` connects, hands every downstream message to `on_message`, sends a heartbeat after
HEARTBEAT_IDLE_S without traffic (the cloud drops a silent socket after 3 minutes, and heartbeats must be more than
30 s apart), and when the socket drops, connects again at once with a freshly signed address (`address()` is asked
each time: a signature's timestamp ages), backing off to at most 2 s between tries. `send()` waits for the socket
when it is down (for at most SEND_WAIT_S). Texts go through `send_text()`, which keeps the documented 1 s between
two texts by waiting, so a user typing fast is queued rather than refused.

Qt-free: it runs on the engine's loop and reports through plain callbacks (which the GUI side turns into queued
signals). The address holds the signature: it is never logged, and a failure says only what happened.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

from desktop.api import drive
from desktop.api.drive import Downstream
from desktop.api.errors import ApiError, ProtocolError
from desktop.spec import drive as spec

log = logging.getLogger("desktop.api.channel")

HEARTBEAT_IDLE_S = 60.0  # within the documented (30 s, 10 min), well inside the 3-minute idle drop
SEND_WAIT_S = 5.0
RETRY_DELAYS_S = (0.0, 0.1, 0.25, 0.5, 1.0, 2.0)  # the first retry at once: the 2 s goal is for the reconnect
OPEN_TIMEOUT_S = 5.0
CLOSE_WAIT_S = 2.0  # for the server's half of the closing handshake


class ChannelError(ApiError):
    """The drive channel could not carry a message (down for too long, or closed)."""


@dataclass(frozen=True)
class ChannelState:
    """What the channel is doing: 'connecting', 'open', 'reconnecting', 'closed'; how many times it came back; and
    why it last dropped (in words, without the address)."""

    state: str
    reconnects: int
    reason: str = ""


class DriveChannel:
    def __init__(
        self,
        session_id: str,
        address: Callable[[], str],
        on_message: Callable[[Downstream], None],
        on_state: Callable[[ChannelState], None] = lambda _state: None,
        *,
        heartbeat_idle_s: float = HEARTBEAT_IDLE_S,
    ) -> None:
        self.session_id = session_id
        self._address = address
        self._on_message = on_message
        self._on_state = on_state
        self._heartbeat_idle_s = heartbeat_idle_s
        self._socket: ClientConnection | None = None
        self._open = asyncio.Event()
        self._closing = False
        self._last_traffic = time.monotonic()
        self._last_text = -float("inf")
        self._text_lock = asyncio.Lock()
        self.reconnects = 0
        self.sent = 0

    # --- sending ---

    async def send(self, message: dict[str, Any]) -> None:
        """Send one upstream message (built by desktop.api.drive), waiting for the socket if it is coming back."""
        body = json.dumps(message, ensure_ascii=False)
        deadline = time.monotonic() + SEND_WAIT_S
        while True:
            if self._closing:
                raise ChannelError(f"drive channel of {self.session_id}: closed")
            socket = self._socket
            if socket is not None and self._open.is_set():
                try:
                    await socket.send(body)
                except ConnectionClosed:
                    pass  # dropped under us: the reader reconnects; wait for it below
                else:
                    self._last_traffic = time.monotonic()
                    self.sent += 1
                    return
            left = deadline - time.monotonic()
            if left <= 0:
                raise ChannelError(f"drive channel of {self.session_id}: not connected for {SEND_WAIT_S:.0f} s")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._open.wait(), left)

    async def send_text(self, message: dict[str, Any]) -> None:
        """Send a SEND_TEXT message at least TEXT_MIN_INTERVAL_S after the previous one (waiting, in order)."""
        async with self._text_lock:
            due = self._last_text + spec.TEXT_MIN_INTERVAL_S + 0.02  # "greater than 1 second": a margin for clocks
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            await self.send(message)
            self._last_text = time.monotonic()

    # --- the connection ---

    async def run(self) -> None:
        """Keep the channel open until close() (or cancellation): connect, read, reconnect."""
        attempt = 0
        reason = ""
        connected_before = False
        self._state("connecting")
        try:
            while not self._closing:
                try:
                    socket = await connect(self._address(), open_timeout=OPEN_TIMEOUT_S, max_size=1 << 20)
                except (OSError, TimeoutError, InvalidHandshake) as error:
                    reason = _why(error)
                    delay = RETRY_DELAYS_S[min(attempt, len(RETRY_DELAYS_S) - 1)]
                    attempt += 1
                    self._state("reconnecting", reason)
                    await asyncio.sleep(max(delay, 0.1))
                    continue
                if connected_before:
                    self.reconnects += 1
                connected_before = True
                attempt = 0
                self._socket = socket
                self._last_traffic = time.monotonic()
                self._open.set()
                self._state("open")
                reason = await self._read(socket)
                self._open.clear()
                self._socket = None
                if not self._closing:
                    log.info("drive channel of %s dropped (%s); connecting again", self.session_id, reason)
                    self._state("reconnecting", reason)
                    await asyncio.sleep(RETRY_DELAYS_S[0])
        finally:
            self._open.clear()
            left_open, self._socket = self._socket, None
            if left_open is not None:
                await _shut(left_open)
            self._state("closed", reason)

    async def close(self) -> None:
        """Stop: the socket is closed and run() returns."""
        self._closing = True
        socket = self._socket
        if socket is not None:
            await _shut(socket)

    async def _read(self, socket: ClientConnection) -> str:
        """Read until the socket drops; returns why, in words."""
        beat = asyncio.create_task(self._heartbeats())
        try:
            async for raw in socket:
                self._last_traffic = time.monotonic()
                try:
                    message = drive.read_downstream(raw)
                except ProtocolError as error:
                    log.warning("%s", error)
                    continue
                self._on_message(message)
        except ConnectionClosed as error:
            return _why(error)
        finally:
            beat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beat
        return _why(socket.close_code)

    async def _heartbeats(self) -> None:
        while True:
            idle = time.monotonic() - self._last_traffic
            if idle < self._heartbeat_idle_s:
                await asyncio.sleep(self._heartbeat_idle_s - idle)
                continue
            with contextlib.suppress(ChannelError):
                await self.send(drive.send_heartbeat(self.session_id))

    def _state(self, state: str, reason: str = "") -> None:
        self._on_state(ChannelState(state, self.reconnects, reason))


async def _shut(socket: ClientConnection) -> None:
    """Close with the closing handshake, but for at most CLOSE_WAIT_S; and when the wait is cut short (cancelled, as
    when the engine stops, or timed out), drop the TCP connection: websockets leaves the transport open then, and an
    open transport outliving the loop is a socket never closed."""
    try:
        async with asyncio.timeout(CLOSE_WAIT_S):
            await socket.close()
    except ConnectionClosed:
        pass
    except Exception:  # timed out, or the socket failed: closed the hard way
        socket.transport.abort()
    except BaseException:
        socket.transport.abort()
        raise


def _why(error: BaseException | int | None) -> str:
    """Why the channel dropped, without the address (an exception's text can name the signed URL)."""
    if isinstance(error, ConnectionClosed):
        received = error.rcvd
        if received is not None:
            return f"closed by the server (code {received.code}{': ' + received.reason if received.reason else ''})"
        return "the connection was lost"
    if isinstance(error, InvalidStatus):
        return f"refused (HTTP {error.response.status_code})"
    if isinstance(error, TimeoutError):
        return "timed out"
    if isinstance(error, OSError):
        return error.strerror or type(error).__name__
    if isinstance(error, int):
        return f"closed (code {error})"
    if error is None:
        return "closed"
    return type(error).__name__


__all__ = ["ChannelError", "ChannelState", "DriveChannel"]
