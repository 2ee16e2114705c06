"""Live sessions and their drive channel against the sandbox, over HTTP and a real WebSocket (websockets)."""

from __future__ import annotations

import asyncio
import base64
import json
import time
import uuid
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from desktop.api import Client, NotFoundError, ParameterError, QuotaError, RateLimitError, SessionStateError
from desktop.api import drive as messages
from desktop.api.sessions import CreatedSession, SessionStatus
from tests.fixtures.sandbox import Ready, fault, sandbox_process, start_sandbox, stop_sandbox

T = TypeVar("T")
PACKET = b"\x10\x00" * 2560  # 160 ms of 16 kHz 16-bit mono


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ready]:
    """A sandbox at a tenth of real time: models load in 0.5 s; protocol timeouts at a fifth (an audio drive left
    silent ends in 0.6 s), idle limits stay far beyond a test (2 minutes without a drive)."""
    yield from sandbox_process(
        tmp_path_factory.mktemp("live"), "--time-scale", "0.1", "--protocol-timeout-scale", "0.2"
    )


async def avatar(client: Client) -> str:
    return (await client.assets.avatars(page_size=1)).items[0].virtualman_key


async def ready_session(client: Client, driver_type: int = 1, protocol: str = "rtmp", start: bool = True) -> str:
    created = await client.sessions.create_by_asset(await avatar(client), uuid.uuid4().hex, driver_type=driver_type,
                                                    protocol=protocol)  # fmt: skip
    try:
        await wait_status(client, created.session_id, lambda s: s.status != 3)
        if start:
            await client.sessions.start(created.session_id)
    except BaseException:
        await client.sessions.close(created.session_id)  # a failure here must not hold the concurrency of the next
        raise
    return created.session_id


async def wait_status(client: Client, session_id: str, done: Any, timeout: float = 10) -> SessionStatus:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = await client.sessions.status(session_id)
        if done(status):
            return status
        await asyncio.sleep(0.02)
    raise AssertionError(f"session {session_id} never reached the state; last: {status}")


async def channel(ready: Ready, session_id: str) -> ClientConnection:
    url = messages.channel_url(ready.ws, ready.appkey, ready.accesstoken, session_id, int(time.time()))
    return await connect(url)


async def until(ws: ClientConnection, status: str, req_id: str | None = None, timeout: float = 10) -> list[dict]:
    """Downstream payloads up to the one with this SpeakStatus (for this ReqId)."""
    got: list[dict] = []
    deadline = time.monotonic() + timeout
    while True:
        raw = await asyncio.wait_for(ws.recv(), max(0.01, deadline - time.monotonic()))
        payload = json.loads(raw)["Payload"]
        got.append(payload)
        if payload["SpeakStatus"] == status and (req_id is None or payload["ReqId"] == req_id):
            return got


def test_a_session_from_creation_to_close(live: Ready) -> None:
    async def flow() -> tuple[Any, ...]:
        async with Client(live.environment, live.credentials) as client:
            key = await avatar(client)
            created = await client.sessions.create_by_asset(key, "user-a")
            preparing = await client.sessions.status(created.session_id)
            with pytest.raises(SessionStateError, match="110014"):
                await client.sessions.start(created.session_id)
            ready = await wait_status(client, created.session_id, lambda s: s.status == 1)
            await client.sessions.start(created.session_id)
            started = await client.sessions.status(created.session_id)
            listed = ([s.session_id for s in await client.sessions.list_all()],
                      [s.session_id for s in await client.sessions.list_of_asset(key)])  # fmt: skip
            await client.sessions.close(created.session_id)
            closed = await client.sessions.status(created.session_id)
            with pytest.raises(SessionStateError, match="110013"):
                await client.sessions.start(created.session_id)
            with pytest.raises(NotFoundError, match="110018"):
                await client.sessions.status("no-such-session")
            return created, preparing, ready, started, listed, closed

    created, preparing, ready, started, listed, closed = run(flow())
    assert created.status == 3 and created.play_url.endswith("/" + created.session_id)
    assert preparing.status == 3 and not preparing.started
    assert ready.status == 1 and ready.speak_status == "Initial"
    assert started.started
    assert all(created.session_id in ids for ids in listed)
    assert closed.status == 2 and not closed.started


def test_the_same_user_closes_the_previous_session(live: Ready) -> None:
    async def flow() -> tuple[CreatedSession, SessionStatus]:
        async with Client(live.environment, live.credentials) as client:
            key = await avatar(client)
            first = await client.sessions.create(key, "same-user")
            second = await client.sessions.create(key, "same-user")
            projects = [s.session_id for s in await client.sessions.list_of_project(key)]
            assert first.session_id not in projects and second.session_id in projects
            await client.sessions.close(second.session_id)
            return first, await client.sessions.status(first.session_id)

    _, status = run(flow())
    assert status.status == 2 and status.error_code == 110022


def test_a_failing_model_load_is_status_4(live: Ready) -> None:
    fault(live, fault="fail_session", count=1)

    async def flow() -> SessionStatus:
        async with Client(live.environment, live.credentials) as client:
            created = await client.sessions.create_by_asset(await avatar(client), "doomed")
            status = await wait_status(client, created.session_id, lambda s: s.status != 3)
            with pytest.raises(SessionStateError, match="110014"):
                await client.sessions.start(created.session_id)
            return status

    status = run(flow())
    assert (status.status, status.error_code) == (4, -111003)


def test_visual_updates_are_limited_to_one_every_five_seconds(live: Ready) -> None:
    space = {"ImagePosition": 0.1, "ImagePositionVertical": 0.0, "ImageZoom": 1.2}

    async def flow() -> None:
        async with Client(live.environment, live.credentials) as client:
            session = await ready_session(client)
            await client.sessions.update_config(session, space=space)
            with pytest.raises(RateLimitError, match="100012"):
                await client.sessions.update_config(session, space=space)
            await client.sessions.close(session)

    run(flow())


def test_trtc_keys_for_the_session_room(live: Ready) -> None:
    async def flow() -> tuple[str, str]:
        async with Client(live.environment, live.credentials) as client:
            session = await ready_session(client, protocol="trtc")
            room = (await client.sessions.status(session)).play_url.split("/")[-1].split("?")[0]
            user_sig, private_map_key = await client.sessions.trtc_sign(session, room, "viewer-1")
            with pytest.raises(ParameterError, match="is not the session's room"):
                await client.sessions.trtc_sign(session, "1", "viewer-1")
            await client.sessions.close(session)
            return user_sig, private_map_key

    user_sig, private_map_key = run(flow())
    assert user_sig and private_map_key and user_sig != private_map_key


def test_the_http_text_command(live: Ready) -> None:
    async def flow() -> SessionStatus:
        async with Client(live.environment, live.credentials) as client:
            session = await ready_session(client, start=False)
            with pytest.raises(SessionStateError, match="110016"):
                await client.sessions.send_text(session, "Hello")
            await client.sessions.start(session)
            await client.sessions.send_text(session, "Hello there")
            with pytest.raises(RateLimitError, match="more than 1 second apart"):
                await client.sessions.send_text(session, "Too soon")
            status = await client.sessions.status(session)
            await client.sessions.close(session)
            return status

    assert run(flow()).speak_status == "Error"  # "only denotes the failure of the most recent drive command"


def test_interactive_concurrency_is_limited(tmp_path: Path) -> None:
    ready = start_sandbox(tmp_path / "concurrency", "--time-scale", "0.1")

    async def flow() -> None:
        async with Client(ready.environment, ready.credentials) as client:
            key = await avatar(client)
            await client.sessions.create_by_asset(key, "one")
            await client.sessions.create_by_asset(key, "two")
            with pytest.raises(QuotaError, match="100008"):
                await client.sessions.create_by_asset(key, "three")

    try:
        run(flow())
    finally:
        stop_sandbox(ready)


# --- the drive channel ---


def test_the_channel_is_refused_before_start_and_with_a_bad_signature(live: Ready) -> None:
    async def flow() -> tuple[int, dict, int]:
        async with Client(live.environment, live.credentials) as client:
            session = await ready_session(client, start=False)
            with pytest.raises(InvalidStatus) as not_started:
                await channel(live, session)
            bad = messages.channel_url(live.ws, live.appkey, "wrong-token", session, int(time.time()))
            with pytest.raises(InvalidStatus) as unsigned:
                await connect(bad)
            await client.sessions.close(session)
            body = json.loads(not_started.value.response.body)
            return not_started.value.response.status_code, body, unsigned.value.response.status_code

    status, body, unsigned = run(flow())
    assert status == 409 and body["Header"]["Code"] == 110016
    assert unsigned == 401


def test_text_drive_start_over_interrupt_and_one_channel(live: Ready) -> None:
    async def flow() -> tuple[list[dict], list[dict], int]:
        async with Client(live.environment, live.credentials) as client:
            session = await ready_session(client)
            async with await channel(live, session) as ws:
                with pytest.raises(InvalidStatus) as second:
                    await channel(live, session)
                first = messages.send_text(session, "Hello, this is the sandbox speaking.")
                await ws.send(json.dumps(first))
                spoken = await until(ws, "TextOver", first["Payload"]["ReqId"])
                await asyncio.sleep(1.05)  # the protocol's own minimum interval between texts
                long = messages.send_text(session, "A long text " * 20)
                await ws.send(json.dumps(long))
                await until(ws, "TextStart", long["Payload"]["ReqId"])
                await ws.send(json.dumps(messages.send_text(session, "", interrupt=True)))
                interrupted = await until(ws, "TextOver", long["Payload"]["ReqId"], timeout=2)
            await client.sessions.close(session)
            return spoken, interrupted, second.value.response.status_code

    spoken, interrupted, second = run(flow())
    assert [m["SpeakStatus"] for m in spoken] == ["TextStart", "TextOver"]
    assert all(m["Type"] == 3 and m["ErrorCode"] == 0 for m in spoken)
    assert interrupted[-1]["SpeakStatus"] == "TextOver"
    assert second == 409


def test_streaming_text_in_order_and_in_clauses(live: Ready) -> None:
    async def flow() -> tuple[list[dict], list[dict], dict]:
        async with Client(live.environment, live.credentials) as client:
            session = await ready_session(client)
            async with await channel(live, session) as ws:
                req = uuid.uuid4().hex
                await ws.send(json.dumps(messages.send_stream_text(session, req, "Streaming text, ", 1)))
                await ws.send(json.dumps(messages.send_stream_text(session, req, "has ended.", 2, final=True)))
                plain = await until(ws, "TextOver", req)
                clauses_req = uuid.uuid4().hex
                for seq, text in enumerate(("First clause.", "Second clause."), start=1):
                    payload = messages.send_stream_text(session, clauses_req, text, seq, sentence=True, final=seq == 2)
                    await ws.send(json.dumps(payload))
                clauses = await until(ws, "TextOver", clauses_req)
                wrong = messages.send_stream_text(session, uuid.uuid4().hex, "Out of order", 1)
                wrong["Payload"]["Data"]["Seq"] = 2
                await ws.send(json.dumps(wrong))
                error = (await until(ws, "Error"))[-1]
            await client.sessions.close(session)
            return plain, clauses, error

    plain, clauses, error = run(flow())
    assert [m["SpeakStatus"] for m in plain] == ["TextStart", "TextOver"]
    statuses = [(m["SpeakStatus"], m["Seq"]) for m in clauses]
    assert statuses[0] == ("SentenceNext", 1) and ("SentenceNext", 2) in statuses
    assert ("SentenceStart", 1) in statuses and ("SentenceOver", 2) in statuses and statuses[-1][0] == "TextOver"
    assert (error["Type"], error["ErrorCode"]) == (9, 100001)  # the interactive table's parameter error
    assert "must start from 1 (got 2)" in error["ErrorMessage"]


async def send_audio(ws: ClientConnection, session: str, req: str, packets: int, gap: float) -> None:
    for seq in range(1, packets + 1):
        await ws.send(json.dumps(messages.send_audio(session, req, PACKET, seq)))
        if gap:
            await asyncio.sleep(gap)  # the pacing itself is under test
    await ws.send(json.dumps(messages.send_audio(session, req, b"", packets + 1, final=True)))


def test_audio_drive_paced_final_and_the_ordering_rules(live: Ready) -> None:
    async def flow() -> tuple[list[dict], list[dict], dict, dict]:
        async with Client(live.environment, live.credentials) as client:
            text_only = await ready_session(client, driver_type=1)
            async with await channel(live, text_only) as ws:
                await ws.send(json.dumps(messages.send_audio(text_only, uuid.uuid4().hex, PACKET, 1)))
                not_allowed = (await until(ws, "Error"))[-1]
            session = await ready_session(client, driver_type=3)
            async with await channel(live, session) as ws:
                req = uuid.uuid4().hex
                await send_audio(ws, session, req, 6, 0.14)
                paced = await until(ws, "AudioOver", req)
                talking = messages.send_text(session, "Now a sentence of text to speak.")
                await ws.send(json.dumps(talking))
                await until(ws, "TextStart", talking["Payload"]["ReqId"])
                await ws.send(json.dumps(messages.send_audio(session, uuid.uuid4().hex, PACKET, 1)))
                refused = (await until(ws, "Error"))[-1]
            for closing in (text_only, session):
                await client.sessions.close(closing)
            return paced, [], not_allowed, refused

    paced, _, not_allowed, refused = run(flow())
    assert [m["SpeakStatus"] for m in paced] == ["AudioStart", "AudioOver"]
    assert paced[-1]["FinalType"] == 1
    assert (not_allowed["ErrorCode"], not_allowed["Type"]) == (100005, 9)
    assert refused["ErrorCode"] == 110015 and "interrupt it with an empty text" in refused["ErrorMessage"]


def test_audio_sent_too_fast_or_left_silent(live: Ready) -> None:
    async def flow() -> tuple[dict, list[dict]]:
        async with Client(live.environment, live.credentials) as client:
            session = await ready_session(client, driver_type=3)
            async with await channel(live, session) as ws:
                fast = uuid.uuid4().hex
                for seq in range(1, 21):  # 3.2 s of sound at once: more than the 2.5 s burst allowed
                    await ws.send(json.dumps(messages.send_audio(session, fast, PACKET, seq)))
                too_fast = (await until(ws, "Error", fast))[-1]
                await until(ws, "AudioOver", fast, timeout=5)  # silence ended it
                silent = uuid.uuid4().hex
                await ws.send(json.dumps(messages.send_audio(session, silent, PACKET, 1)))
                abandoned = await until(ws, "AudioOver", silent, timeout=5)
            await client.sessions.close(session)
            return too_fast, abandoned

    too_fast, abandoned = run(flow())
    assert too_fast["ErrorCode"] == 100012 and "too fast" in too_fast["ErrorMessage"]
    assert abandoned[-1]["FinalType"] == 2


def test_reconnect_replays_the_last_drives_and_close_ends_the_channel(live: Ready) -> None:
    async def flow() -> tuple[list[dict], dict]:
        async with Client(live.environment, live.credentials) as client:
            session = await ready_session(client)
            async with await channel(live, session) as ws:
                sent = messages.send_text(session, "Remember me.")
                await ws.send(json.dumps(sent))
                await until(ws, "TextOver", sent["Payload"]["ReqId"])
                await ws.send(json.dumps(messages.send_heartbeat(session)))
            async with await channel(live, session) as again:
                replayed = [json.loads(await asyncio.wait_for(again.recv(), 5))["Payload"]]
                await client.sessions.close(session)
                last = (await until(again, "Error"))[-1]
                with pytest.raises(ConnectionClosed):
                    await asyncio.wait_for(again.recv(), 5)
            return replayed, last

    replayed, last = run(flow())
    assert replayed[0]["SpeakStatus"] == "TextOver"
    assert last["ErrorCode"] == 110013


def test_idle_sessions_close_and_quiet_channels_drop(tmp_path: Path) -> None:
    # 3 min -> 0.36 s, 10 min -> 1.2 s
    ready = start_sandbox(tmp_path / "idle", "--time-scale", "0.002", "--protocol-timeout-scale", "0.002")

    async def flow() -> tuple[SessionStatus, float]:
        async with Client(ready.environment, ready.credentials) as client:
            session = await ready_session(client)
            ws = await channel(ready, session)
            opened = time.monotonic()
            with pytest.raises(ConnectionClosed):
                while True:
                    await asyncio.wait_for(ws.recv(), 10)
            dropped_after = time.monotonic() - opened
            return await wait_status(client, session, lambda s: s.status == 2), dropped_after

    try:
        closed, dropped_after = run(flow())
    finally:
        stop_sandbox(ready)
    assert dropped_after < 5
    assert closed.error_code == 110013 and "no drive command for 10 minutes" in closed.error_message


def test_downstream_messages_are_read_by_the_client_parser(live: Ready) -> None:
    async def flow() -> list[messages.Downstream]:
        async with Client(live.environment, live.credentials) as client:
            session = await ready_session(client)
            async with await channel(live, session) as ws:
                await ws.send(json.dumps(messages.send_text(session, "Parse me.")))
                raw = [await asyncio.wait_for(ws.recv(), 5) for _ in range(2)]
            await client.sessions.close(session)
            return [messages.read_downstream(r) for r in raw]

    start, over = run(flow())
    assert (start.type, start.speak_status, over.speak_status) == (3, "TextStart", "TextOver")
    assert start.req_id == over.req_id and not start.failed
    assert base64.b64encode(PACKET)  # the packet helper is real PCM-sized


def test_oversized_packets_slow_audio_and_a_dropped_channel(live: Ready) -> None:
    async def flow() -> tuple[dict, dict, bool]:
        async with Client(live.environment, live.credentials) as client:
            session = await ready_session(client, driver_type=3)
            async with await channel(live, session) as ws:
                big = messages.send_audio(session, uuid.uuid4().hex, PACKET, 1)
                big["Payload"]["Data"]["Audio"] = base64.b64encode(PACKET + b"\x00\x00").decode()
                await ws.send(json.dumps(big))
                oversized = (await until(ws, "Error"))[-1]
                slow = uuid.uuid4().hex
                for seq in range(1, 8):
                    await ws.send(json.dumps(messages.send_audio(session, slow, PACKET, seq)))
                    await asyncio.sleep(0.25)  # the pacing itself is under test: slower than real time
                too_slow = (await until(ws, "Error", slow))[-1]
                fault(live, fault="drop_channel", session_id=session)
                await ws.send(json.dumps(messages.send_heartbeat(session)))
                dropped = False
                try:
                    while True:
                        await asyncio.wait_for(ws.recv(), 5)
                except ConnectionClosed:
                    dropped = True
            await client.sessions.close(session)
            return oversized, too_slow, dropped

    oversized, too_slow, dropped = run(flow())
    assert oversized["ErrorCode"] == 100001 and "at most 5120 bytes" in oversized["ErrorMessage"]
    assert too_slow["ErrorCode"] == 110015 and "too slowly" in too_slow["ErrorMessage"]
    assert dropped
