"""DriveChannel against the sandbox: a text drive is told TextStart and TextOver; two texts sent at once leave more
than the documented second between them; a channel the sandbox drops comes back within 2 s with a fresh signature,
counted, and the next drive works; a heartbeat goes out when the channel is idle; close() ends run()."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Coroutine, Iterator
from typing import Any, TypeVar

import pytest

from desktop.api import Client
from desktop.api import drive as messages
from desktop.api.channel import ChannelState, DriveChannel
from desktop.api.drive import Downstream
from tests.fixtures.sandbox import Ready, fault, sandbox_process
from tests.integration.test_sandbox_drive_hardening import ready_session

T = TypeVar("T")


@pytest.fixture(scope="module")
def quick(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ready]:
    """Model loading scaled down, the protocol's timeouts not (the shared sandbox drops a channel idle 0.36 s)."""
    yield from sandbox_process(tmp_path_factory.mktemp("channel"), "--time-scale", "0.002")


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


class Recorder:
    def __init__(self) -> None:
        self.messages: list[tuple[float, Downstream]] = []
        self.states: list[ChannelState] = []
        self.changed = asyncio.Event()

    def message(self, message: Downstream) -> None:
        self.messages.append((time.monotonic(), message))
        self.changed.set()

    def state(self, state: ChannelState) -> None:
        self.states.append(state)
        self.changed.set()

    async def until(self, condition: Any, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            left = deadline - time.monotonic()
            assert left > 0, f"timed out; states {self.states}, messages {[m.speak_status for _, m in self.messages]}"
            self.changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), left)

    def said(self, req_id: str, status: str) -> float | None:
        return next((t for t, m in self.messages if m.req_id == req_id and m.speak_status == status), None)


def channel_for(ready: Ready, session: str, recorder: Recorder, **options: Any) -> tuple[DriveChannel, list[int]]:
    signed: list[int] = []

    def address() -> str:
        stamp = int(time.time())
        signed.append(stamp)
        return messages.channel_url(ready.ws, ready.appkey, ready.accesstoken, session, stamp)

    return DriveChannel(session, address, recorder.message, recorder.state, **options), signed


def test_texts_are_spoken_kept_a_second_apart_and_survive_a_dropped_channel(quick: Ready) -> None:
    ready = quick

    async def flow() -> None:
        async with Client(ready.environment, ready.credentials) as client:
            session = await ready_session(client)
            recorder = Recorder()
            channel, signed = channel_for(ready, session, recorder)
            running = asyncio.create_task(channel.run())
            first = messages.send_text(session, "Hello there.")
            second = messages.send_text(session, "And hello again.")
            sent_at: dict[str, float] = {}

            async def send(message: dict[str, Any]) -> None:
                await channel.send_text(message)
                sent_at[message["Payload"]["ReqId"]] = time.monotonic()

            await asyncio.gather(send(first), send(second))
            a, b = (m["Payload"]["ReqId"] for m in (first, second))
            assert sent_at[b] - sent_at[a] > 1.0  # queued, not refused
            await recorder.until(lambda: recorder.said(b, "TextOver") is not None)
            assert recorder.said(a, "TextStart") is not None
            assert not [m for _, m in recorder.messages if m.failed]

            # the sandbox drops the channel at the next message; it comes back by itself
            fault(ready, fault="drop_channel", session_id=session)
            await channel.send(messages.send_heartbeat(session))
            dropped_at = time.monotonic()
            await recorder.until(lambda: channel.reconnects == 1 and recorder.states[-1].state == "open")
            assert time.monotonic() - dropped_at < 2.0
            assert [s.state for s in recorder.states].count("reconnecting") >= 1
            assert len(signed) >= 2  # signed again for the new connection
            third = messages.send_text(session, "Still here.")
            await channel.send_text(third)
            c = third["Payload"]["ReqId"]
            await recorder.until(lambda: recorder.said(c, "TextOver") is not None)

            await channel.close()
            await asyncio.wait_for(running, 5)
            assert recorder.states[-1].state == "closed"
            await client.sessions.close(session)

    run(flow())


def test_an_idle_channel_sends_heartbeats(quick: Ready) -> None:
    ready = quick

    async def flow() -> None:
        async with Client(ready.environment, ready.credentials) as client:
            session = await ready_session(client)
            recorder = Recorder()
            channel, _ = channel_for(ready, session, recorder, heartbeat_idle_s=0.2)
            running = asyncio.create_task(channel.run())
            await recorder.until(lambda: bool(recorder.states) and recorder.states[-1].state == "open")
            began = time.monotonic()
            while channel.sent < 2:
                assert time.monotonic() - began < 5, "no heartbeat was sent"
                await asyncio.sleep(0.05)
            assert channel.reconnects == 0 and not [m for _, m in recorder.messages if m.failed]
            await channel.close()
            await asyncio.wait_for(running, 5)
            await client.sessions.close(session)

    run(flow())
