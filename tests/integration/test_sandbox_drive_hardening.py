"""The drive channel under clients the cloud would serve and clients that misbehave: bad messages are refused with
the interactive table's parameter code and the channel lives on; a client that never reads is dropped while the
sandbox's memory stays bounded; a burst-then-steady audio sender is accepted, a sustained fast one refused; an
interrupting streaming text may leave out Text and Seq; the time scale does not shorten protocol timeouts."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import socket
import time
import uuid
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidStatus

from desktop.api import Client
from desktop.api import drive as messages
from desktop.sandbox.drive import MAX_BACKLOG
from desktop.spec import sessions as sessions_spec
from tests.fixtures.sandbox import Ready, raw_call, sandbox_process

T = TypeVar("T")
PACKET = b"\x10\x00" * 2560  # 160 ms of 16 kHz 16-bit mono
SCALE = 0.002  # model loading in 10 ms; before the protocol timeouts had their own scale, 10 min became 1.2 s


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


@pytest.fixture(scope="module")
def quick(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ready]:
    yield from sandbox_process(tmp_path_factory.mktemp("drive"), "--time-scale", str(SCALE))


async def ready_session(client: Client, driver_type: int = 1) -> str:
    """A started session on trtc (no stream to render: the channel's rules are the same)."""
    key = (await client.assets.avatars(page_size=1)).items[0].virtualman_key
    created = await client.sessions.create_by_asset(key, uuid.uuid4().hex, driver_type=driver_type, protocol="trtc")
    deadline = time.monotonic() + 10
    while (await client.sessions.status(created.session_id)).status != 1:
        assert time.monotonic() < deadline, "the session never became ready"
        await asyncio.sleep(0.02)
    await client.sessions.start(created.session_id)
    return created.session_id


def channel_url(ready: Ready, session_id: str) -> str:
    return messages.channel_url(ready.ws, ready.appkey, ready.accesstoken, session_id, int(time.time()))


async def collect(ws: ClientConnection, until: Any, timeout: float = 10) -> list[dict[str, Any]]:
    """Downstream payloads, up to and including the first for which `until(payload)` is true."""
    got: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while not got or not until(got[-1]):
        raw = await asyncio.wait_for(ws.recv(), max(0.01, deadline - time.monotonic()))
        got.append(json.loads(raw)["Payload"])
    return got


BAD_MESSAGES = {
    "not JSON": "hello",
    "a JSON list": "[]",
    "Payload a list": json.dumps({"Header": {}, "Payload": [1, 2]}),
    "Payload a string": json.dumps({"Header": {}, "Payload": "SEND_TEXT"}),
    "Header a string": json.dumps({"Header": "x", "Payload": {}}),
    "NaN": '{"Header": {}, "Payload": {"ReqId": "r", "Seq": NaN}}',
    "1e400": '{"Header": {}, "Payload": {"ReqId": "r", "Seq": 1e400}}',
    "a 5000-digit int": '{"Header": {}, "Payload": {"Seq": ' + "9" * 5000 + "}}",
    "deep nesting": "[" * 100_000 + "]" * 100_000,
    "a lone surrogate": '{"Header": {}, "Payload": {"ReqId": "\\ud800", "Command": "SEND_TEXT"}}',
    "Command a number": json.dumps({"Header": {}, "Payload": {"ReqId": "r", "SessionId": "s", "Command": 7}}),
}


def test_bad_messages_are_refused_with_100001_and_the_channel_lives_on(quick: Ready) -> None:
    async def flow() -> tuple[list[dict[str, Any]], list[dict[str, Any]], int]:
        async with Client(quick.environment, quick.credentials) as client:
            session = await ready_session(client)
            async with connect(channel_url(quick, session), max_size=None) as ws:
                refusals = []
                for text in BAD_MESSAGES.values():
                    await ws.send(text)
                    refusals += await collect(ws, lambda p: p["Type"] == 9)
                good = messages.send_text(session, "Still here.")
                await ws.send(json.dumps(good))
                after = await collect(ws, lambda p: p["SpeakStatus"] == "TextStart")
            listed = await client.sessions.list_all()  # the surrogate was not stored to break a reply
            await client.sessions.close(session)
            return refusals, after, len(listed)

    refusals, after, listed = run(flow())
    assert [(r["Type"], r["ErrorCode"]) for r in refusals] == [(9, 100001)] * len(BAD_MESSAGES)
    reasons = dict(zip(BAD_MESSAGES, (r["ErrorMessage"] for r in refusals), strict=True))
    assert "not valid JSON" in reasons["not JSON"] and "NaN" in reasons["NaN"]
    assert "nests deeper" in reasons["deep nesting"] and "surrogate" in reasons["a lone surrogate"]
    assert "Payload" in reasons["Payload a list"] and "Command" in reasons["Command a number"]
    assert after[-1]["SpeakStatus"] == "TextStart" and listed >= 1


def sandbox_rss_kb(ready: Ready) -> int:
    for line in Path(f"/proc/{ready.process.pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def send_without_reading(url: str, message: str, limit: int) -> tuple[int, bool]:
    """A WebSocket client that never reads a byte after the handshake: sends `message` up to `limit` times.
    Returns how many went out and whether the server cut the connection."""
    parts = urlsplit(url)
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connecting: a small window
        sock.settimeout(10)
        sock.connect((parts.hostname, parts.port))
        key = base64.b64encode(os.urandom(16)).decode()
        sock.sendall(
            f"GET {parts.path}?{parts.query} HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode()
        )
        assert sock.recv(4096).startswith(b"HTTP/1.1 101"), "the handshake failed"
        data = message.encode()
        assert 126 <= len(data) < 1 << 16
        frame = bytes([0x81, 0x80 | 126]) + len(data).to_bytes(2, "big") + b"\0\0\0\0" + data  # a zero mask
        for sent in range(limit):
            try:
                sock.sendall(frame)
            except OSError:  # reset by the server
                return sent, True
        return limit, False


def test_a_client_that_sends_but_never_reads_is_dropped_and_memory_stays_bounded(quick: Ready) -> None:
    refused = json.dumps({"Header": {}, "Payload": {"ReqId": "x" * 128, "Command": "NOPE"}})

    async def flow() -> tuple[int, bool, int]:
        async with Client(quick.environment, quick.credentials) as client:
            session = await ready_session(client)
            before = sandbox_rss_kb(quick)
            sent, dropped = await asyncio.to_thread(send_without_reading, channel_url(quick, session), refused, 200_000)
            grown = sandbox_rss_kb(quick) - before
            await client.sessions.status(session)  # the sandbox still answers
            await reconnect(quick, session)  # and let the dropped channel go
            await client.sessions.close(session)
            return sent, dropped, grown

    sent, dropped, grown_kb = run(flow())
    assert dropped, f"{sent} messages sent and the server never dropped the client"
    assert sent > MAX_BACKLOG
    assert grown_kb < 40_000  # the unbounded queue grew by 168 MB in one run


async def reconnect(ready: Ready, session: str, timeout: float = 5) -> None:
    """Open the session's channel again, once the server has let the previous one go (one channel per session)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            async with connect(channel_url(ready, session)) as ws:
                await ws.send(json.dumps(messages.send_heartbeat(session)))
                return
        except InvalidStatus:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.05)


async def send_audio_at(ws: ClientConnection, session: str, req: str, times: list[float]) -> None:
    """One 160 ms packet at each of `times` (seconds from now), then the final packet."""
    start = time.monotonic()
    for seq, due in enumerate(times, start=1):
        await asyncio.sleep(max(0.0, start + due - time.monotonic()))
        await ws.send(json.dumps(messages.send_audio(session, req, PACKET, seq)))
    await ws.send(json.dumps(messages.send_audio(session, req, b"", len(times) + 1, final=True)))


def test_a_burst_then_a_steady_audio_sender_is_accepted(quick: Ready) -> None:
    times = [0.0] * 6 + [0.12 * n for n in range(1, 26)]  # six at once, then one per 120 ms for 3 s

    async def flow() -> list[dict[str, Any]]:
        async with Client(quick.environment, quick.credentials) as client:
            session = await ready_session(client, driver_type=3)
            async with connect(channel_url(quick, session)) as ws:
                req = uuid.uuid4().hex
                reader = asyncio.create_task(collect(ws, lambda p: p["SpeakStatus"] == "AudioOver", timeout=30))
                await send_audio_at(ws, session, req, times)
                got = await reader
            await client.sessions.close(session)
            return got

    got = run(flow())
    assert [p for p in got if p["Type"] == 9] == []
    assert got[0]["SpeakStatus"] == "AudioStart" and got[-1]["FinalType"] == 1


def test_a_sustained_too_fast_audio_sender_is_refused(quick: Ready) -> None:
    times = [0.04 * n for n in range(60)]  # 160 ms of sound every 40 ms: the 2.5 s allowance is spent in 1 s

    async def flow() -> list[dict[str, Any]]:
        async with Client(quick.environment, quick.credentials) as client:
            session = await ready_session(client, driver_type=3)
            async with connect(channel_url(quick, session)) as ws:
                req = uuid.uuid4().hex
                reader = asyncio.create_task(collect(ws, lambda p: p["SpeakStatus"] in ("Error", "AudioOver")))
                sender = asyncio.create_task(send_audio_at(ws, session, req, times))
                got = await reader
                sender.cancel()
            await client.sessions.close(session)
            return got

    refusals = [p for p in run(flow()) if p["Type"] == 9]
    assert refusals and {p["ErrorCode"] for p in refusals} == {100012}
    assert "too fast" in refusals[0]["ErrorMessage"]


def test_a_streaming_text_interrupt_may_leave_out_text_and_seq(quick: Ready) -> None:
    async def flow() -> list[dict[str, Any]]:
        async with Client(quick.environment, quick.credentials) as client:
            session = await ready_session(client)
            async with connect(channel_url(quick, session)) as ws:
                req = uuid.uuid4().hex
                long_text = "A long fragment that would take many seconds to say aloud, " * 4
                await ws.send(json.dumps(messages.send_stream_text(session, req, long_text, 1)))
                started = await collect(ws, lambda p: p["SpeakStatus"] == "TextStart")
                bare = {"ReqId": req, "SessionId": session, "Command": "SEND_STREAMTEXT", "Data": {"Interrupt": True}}
                await ws.send(json.dumps({"Header": {}, "Payload": bare}))
                ended = await collect(ws, lambda p: p["SpeakStatus"] in ("TextOver", "Error"))
            await client.sessions.close(session)
            return started + ended

    got = run(flow())
    assert got[-1]["SpeakStatus"] == "TextOver" and [p for p in got if p["Type"] == 9] == []


def test_the_time_scale_does_not_shorten_protocol_timeouts(quick: Ready) -> None:
    idle = 600 * SCALE * 2  # twice the 10 minutes without a drive, at the time scale

    async def flow() -> tuple[int, dict[str, Any]]:
        async with Client(quick.environment, quick.credentials) as client:
            session = await ready_session(client)
            await asyncio.sleep(idle)  # the time under test, not a synchronisation
            alive = (await client.sessions.status(session)).status
            await client.sessions.close(session)
            answer = raw_call(
                quick, sessions_spec.START_SESSION.path, {"ReqId": uuid.uuid4().hex, "SessionId": session}
            )
            return alive, answer["Header"]

    alive, closed = run(flow())
    assert alive == 1
    assert closed["Code"] == 110013
    assert closed["Message"] == "The session has been closed by closesession."  # the prefix said once
