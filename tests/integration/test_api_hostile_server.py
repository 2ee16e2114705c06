"""The client under a hostile or broken server: every failure is a typed ApiError, within a bounded time and memory.
A gzip bomb stops at the response cap, a dripping server at the call's deadline, malformed JSON and a Header.Code
of the wrong type are protocol errors, HTTP 429 and the rate-limit codes are one RateLimitError that honours
Retry-After, and connection failure, timeout and HTTP status are distinct classes."""

from __future__ import annotations

import asyncio
import socket
import time
import tracemalloc
import zlib
from collections.abc import Coroutine
from email.utils import formatdate
from typing import Any, TypeVar

import pytest

from desktop import spec
from desktop.api import (
    CallTimeoutError,
    Client,
    ConnectionFailedError,
    Credentials,
    CredentialsMissingError,
    HttpRateLimitError,
    HttpStatusError,
    PlatformError,
    PlatformRateLimitError,
    ProtocolError,
    RateLimitError,
    ResponseTooLargeError,
    TransportError,
    custom,
)
from desktop.api.transport import MAX_RETRY_AFTER_S, RetryPolicy, Transport
from tests.fixtures.scripted_server import Reply, ScriptedServer

T = TypeVar("T")
FAST_RETRY = RetryPolicy(attempts=2, base_delay=0.001, max_delay=0.002)
STAT = spec.endpoint("sessions.statsession")
STAT_PAYLOAD = {"ReqId": "a" * 32, "SessionId": "m1"}
TTS = spec.endpoint("video.tts")
TTS_PAYLOAD = {"InputSsml": "Hello there", "Speed": 1.0, "TimbreKey": "female_1"}


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


async def call(server: ScriptedServer, endpoint: spec.Endpoint, payload: dict[str, Any], **options: Any) -> Any:
    options.setdefault("retry", FAST_RETRY)
    async with Transport(custom(server.url), Credentials(server.appkey, server.access_token), **options) as t:
        return await t.call(endpoint, payload)


def gzip_bomb(decompressed: int = 1 << 30) -> bytes:
    """About 1 MB of gzip that inflates to `decompressed` bytes of a JSON string."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"a" * (1 << 20)
    parts = [packer.compress(b'{"Header": {"Code": 0}, "Payload": {"X": "')]
    parts += [packer.compress(block) for _ in range(decompressed // len(block))]
    parts.append(packer.compress(b'"}}') + packer.flush())
    return b"".join(parts)


def test_a_gzip_bomb_stops_at_the_response_cap_in_bounded_memory(scripted_server: ScriptedServer) -> None:
    bomb = gzip_bomb()
    assert len(bomb) < 2 << 20  # a 1 GB answer in about a megabyte
    scripted_server.script(Reply(raw=bomb, headers={"Content-Encoding": "gzip"}))
    tracemalloc.start()
    try:
        with pytest.raises(ResponseTooLargeError) as refused:
            run(call(scripted_server, TTS, TTS_PAYLOAD))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "larger than 4096 KB" in str(refused.value)
    assert peak < 64 << 20  # it peaked at 2 GB when the whole body was inflated at once


def test_a_dripping_server_is_cut_off_at_the_call_deadline(scripted_server: ScriptedServer) -> None:
    scripted_server.script(Reply(payload={"TaskId": "t"}, drip=0.2))  # one byte every 0.2 s: about 15 s in all
    started = time.monotonic()
    with pytest.raises(CallTimeoutError) as late:
        run(call(scripted_server, TTS, TTS_PAYLOAD, deadline_s=1.0))
    assert time.monotonic() - started < 5  # not the minutes a per-read timeout would allow
    assert late.value.deadline_s == 1.0 and "in 1 s" in str(late.value)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b'{"Header": {"Code": NaN}}', "NaN is not a JSON number"),
        (b'{"Header": {"Code": 0}, "Payload": {"Total": 1e999}}', "out of range"),
        (b'{"Header": {"Code": 0}, "Payload": {"Total": ' + b"9" * 5000 + b"}}", "too long"),
        (b'{"Header": {"Code": 0}, "Payload": ' + b"[" * 50_000 + b"]" * 50_000 + b"}", "nests deeper"),
        (b'{"Header": {"Code": false}, "Payload": {}}', "Header.Code is not an integer (a boolean)"),
        (b'{"Header": {"Code": "0"}, "Payload": {}}', "Header.Code is not an integer (a string)"),
        (b'{"Header": {"Code": null}, "Payload": {}}', "Header.Code is not an integer (null)"),
        (b'{"Header": {"Code": 0.0}, "Payload": {}}', "Header.Code is not an integer (a number)"),
        (b'{"Header": {"Code": 0}, "Payload": {"X": "\\ud800"}}', "surrogate"),
    ],
)
def test_malformed_answers_are_protocol_errors(scripted_server: ScriptedServer, raw: bytes, reason: str) -> None:
    scripted_server.script(Reply(raw=raw))
    with pytest.raises(ProtocolError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        run(call(scripted_server, TTS, TTS_PAYLOAD))


def test_http_429_is_a_rate_limit_that_honours_retry_after(scripted_server: ScriptedServer) -> None:
    scripted_server.script(Reply(status=429, raw=b"slow down", headers={"Retry-After": "1"}))
    with pytest.raises(HttpRateLimitError) as limited:  # a submission is sent once: the wait is the caller's
        run(call(scripted_server, TTS, TTS_PAYLOAD))
    assert isinstance(limited.value, RateLimitError) and isinstance(limited.value, TransportError)
    assert limited.value.retry_after == 1.0 and limited.value.status == 429

    date = formatdate(time.time() + 2, usegmt=True)  # whole seconds: between 1 and 2 s from now
    scripted_server.script(Reply(status=429, raw=b"slow down", headers={"Retry-After": date}), Reply(payload={}))
    started = time.monotonic()
    run(call(scripted_server, STAT, STAT_PAYLOAD))  # a query waits as asked (not the 2 ms of its policy), then succeeds
    assert time.monotonic() - started >= 0.9


def test_retry_after_is_capped_and_unreadable_values_are_ignored(scripted_server: ScriptedServer) -> None:
    waits: list[float] = []

    async def record(delay: float) -> None:  # the wait is observed, not slept: 30 s would slow the suite
        waits.append(delay)

    scripted_server.script(Reply(status=429, raw=b"", headers={"Retry-After": "9" * 5000}), Reply(payload={}))
    run(call(scripted_server, STAT, STAT_PAYLOAD, sleep=record))
    assert waits == [MAX_RETRY_AFTER_S]
    for value in ("\u00b2", "-5", "soon", "1e3"):  # "²" passes str.isdigit but not int()
        scripted_server.script(Reply(status=429, raw=b"slow down", headers={"Retry-After": value}))
        with pytest.raises(HttpRateLimitError) as limited:
            run(call(scripted_server, TTS, TTS_PAYLOAD))
        assert limited.value.retry_after is None, value


def test_rate_limit_codes_are_the_same_rate_limit_error(scripted_server: ScriptedServer) -> None:
    scripted_server.script(Reply(code=100012, message="too frequent", headers={"Retry-After": "7"}))
    with pytest.raises(RateLimitError) as limited:
        run(call(scripted_server, spec.endpoint("sessions.closesession"), STAT_PAYLOAD))
    assert isinstance(limited.value, PlatformRateLimitError) and limited.value.code == 100012
    assert limited.value.retry_after == 7.0


def test_a_code_is_typed_by_its_own_table(scripted_server: ScriptedServer) -> None:
    scripted_server.script(Reply(code=110005, message="exists"))  # "the record already exists" for videos
    with pytest.raises(PlatformError) as exists:
        run(call(scripted_server, TTS, TTS_PAYLOAD))
    assert not isinstance(exists.value, RateLimitError)
    assert exists.value.meaning == "The record already exists."


def test_connection_failure_timeout_and_status_are_distinct(scripted_server: ScriptedServer) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens here once closed
    refused = Transport(custom(f"http://127.0.0.1:{port}"), Credentials("k", "t"), retry=FAST_RETRY)

    async def refused_call() -> None:
        async with refused:
            await refused.call(TTS, TTS_PAYLOAD)

    with pytest.raises(ConnectionFailedError) as failed:
        run(refused_call())
    assert failed.value.sent is False

    scripted_server.script(Reply(payload={}, delay=3))
    with pytest.raises(CallTimeoutError):
        run(call(scripted_server, TTS, TTS_PAYLOAD, deadline_s=0.5))
    scripted_server.script(Reply(status=502, raw=b"<html>bad gateway</html>"))
    with pytest.raises(HttpStatusError) as status:
        run(call(scripted_server, TTS, TTS_PAYLOAD))
    assert status.value.status == 502 and not isinstance(status.value, RateLimitError)


def test_missing_credentials_are_their_own_error(scripted_server: ScriptedServer) -> None:
    async def flow() -> None:
        async with Client(custom(scripted_server.url), Credentials("", "")) as client:
            await client.assets.service_assets(page_index=1, page_size=1)

    with pytest.raises(CredentialsMissingError, match="No appkey or access token"):
        run(flow())
    assert scripted_server.received == []  # nothing was sent
