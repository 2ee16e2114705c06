"""The transport over real loopback HTTP: envelope, signing, typed errors, retry policy, timeouts, clock skew."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Coroutine
from typing import Any, TypeVar

import pytest

from desktop import spec
from desktop.api import (
    AuthError,
    Client,
    ClockSkewError,
    Credentials,
    NotFoundError,
    PlatformError,
    ProtocolError,
    QuotaError,
    TransportError,
    ValidationError,
    custom,
)
from desktop.api.signing import verify
from desktop.api.transport import Exchange, RetryPolicy, Transport
from tests.fixtures.scripted_server import Reply, ScriptedServer

T = TypeVar("T")
FAST_RETRY = RetryPolicy(attempts=4, base_delay=0.001, max_delay=0.002)
STAT = spec.endpoint("sessions.statsession")
TTS = spec.endpoint("video.tts")
CLOSE = spec.endpoint("sessions.closesession")
STAT_PAYLOAD = {"ReqId": "a" * 32, "SessionId": "m1"}
TTS_PAYLOAD = {"InputSsml": "Hello there", "Speed": 1.0, "TimbreKey": "female_1"}


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def transport(server: ScriptedServer, exchanges: list[Exchange] | None = None, **options: Any) -> Transport:
    hook = exchanges.append if exchanges is not None else None
    options.setdefault("retry", FAST_RETRY)
    return Transport(custom(server.url), Credentials(server.appkey, server.access_token), on_exchange=hook, **options)


async def call(t: Transport, endpoint: spec.Endpoint, payload: dict[str, Any] | None = None) -> dict[str, Any]:
    async with t:
        return await t.call(endpoint, payload)


def test_a_query_is_signed_enveloped_and_answered(scripted_server: ScriptedServer) -> None:
    scripted_server.script(Reply({"ReqId": "r", "SessionStatus": 1, "IsSessionStarted": True, "ErrorCode": 0}))
    payload = run(call(transport(scripted_server), STAT, STAT_PAYLOAD))
    assert payload["SessionStatus"] == 1
    (request,) = scripted_server.received
    assert request.path == STAT.path
    assert verify(request.query, scripted_server.access_token)
    assert abs(int(request.query["timestamp"]) - time.time()) < 5
    assert request.body["Payload"] == STAT_PAYLOAD
    assert set(request.body) == {"Header", "Payload"}
    assert request.headers["Content-Type"].startswith("application/json")


def test_an_invalid_request_is_not_sent_and_the_message_names_field_and_limit(scripted_server: ScriptedServer) -> None:
    with pytest.raises(ValidationError) as caught:
        run(call(transport(scripted_server), TTS, {**TTS_PAYLOAD, "Speed": 3}))
    assert "Speed: must be within [0.5, 1.5] (got 3)" in str(caught.value)
    assert scripted_server.received == []


def test_queries_are_retried_on_transient_failures(scripted_server: ScriptedServer) -> None:
    scripted_server.script(Reply(status=503, raw=b"busy"), Reply(code=-101000, message="internal"))
    scripted_server.script(Reply({"ReqId": "r", "SessionStatus": 1, "IsSessionStarted": True, "ErrorCode": 0}))
    exchanges: list[Exchange] = []
    payload = run(call(transport(scripted_server, exchanges), STAT, STAT_PAYLOAD))
    assert payload["SessionStatus"] == 1
    assert [e.attempt for e in exchanges] == [1, 2, 3]
    assert [e.outcome == "ok" for e in exchanges] == [False, False, True]


def test_queries_give_up_after_the_last_attempt(scripted_server: ScriptedServer) -> None:
    scripted_server.default = Reply(code=100000, message="internal")
    with pytest.raises(PlatformError) as caught:
        run(call(transport(scripted_server), STAT, STAT_PAYLOAD))
    assert caught.value.code == 100000
    assert len(scripted_server.received) == FAST_RETRY.attempts


def test_a_non_transient_code_is_not_retried(scripted_server: ScriptedServer) -> None:
    scripted_server.script(Reply(code=110018, message="session does not exist"))
    with pytest.raises(NotFoundError):
        run(call(transport(scripted_server), STAT, STAT_PAYLOAD))
    assert len(scripted_server.received) == 1


@pytest.mark.parametrize(
    "reply", [Reply(status=503, raw=b"busy"), Reply(code=-101000), Reply(code=801004, message="too frequent")]
)
@pytest.mark.parametrize(("endpoint", "payload"), [(TTS, TTS_PAYLOAD), (CLOSE, STAT_PAYLOAD)])
def test_submissions_and_actions_are_never_resent(
    scripted_server: ScriptedServer, reply: Reply, endpoint: spec.Endpoint, payload: dict[str, Any]
) -> None:
    scripted_server.script(reply)
    with pytest.raises((TransportError, PlatformError)):
        run(call(transport(scripted_server), endpoint, payload))
    assert len(scripted_server.received) == 1


def test_a_timeout_is_a_transport_error_and_a_submission_is_sent_once(scripted_server: ScriptedServer) -> None:
    scripted_server.script(Reply(delay=5))
    started = time.monotonic()
    with pytest.raises(TransportError, match="no answer"):
        run(call(transport(scripted_server, timeout=0.3), TTS, TTS_PAYLOAD))
    assert time.monotonic() - started < 4
    assert len(scripted_server.received) == 1


def test_refused_connection_is_retried_for_queries_and_says_so() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    exchanges: list[Exchange] = []
    t = Transport(
        custom(f"http://127.0.0.1:{port}"), Credentials("k", "t"), retry=FAST_RETRY, on_exchange=exchanges.append
    )
    with pytest.raises(TransportError, match="cannot connect") as caught:
        run(call(t, STAT, STAT_PAYLOAD))
    assert caught.value.sent is False
    assert len(exchanges) == FAST_RETRY.attempts


def test_codes_map_to_typed_errors_with_the_documented_remedy(scripted_server: ScriptedServer) -> None:
    scripted_server.script(Reply(code=110006, message="no such task"))
    progress = spec.endpoint("customization.getprogress")
    with pytest.raises(NotFoundError) as caught:
        run(call(transport(scripted_server), progress, {"TaskId": "666"}))
    error = caught.value
    assert (error.code, error.request_id) == (110006, "rid-1")
    assert error.remedy == "Check if the taskid is correct."
    assert (
        str(error)
        == "customization.getprogress failed with code 110006, The record does not exist.: no such task (request rid-1)"
    )

    scripted_server.script(Reply(code=100008, message="quota"))
    with pytest.raises(QuotaError) as quota:
        run(call(transport(scripted_server), TTS, TTS_PAYLOAD))
    assert quota.value.meaning == "Exceeded quota limit"

    scripted_server.script(Reply(code=424242, message="?"))
    with pytest.raises(PlatformError) as unknown:
        run(call(transport(scripted_server), TTS, TTS_PAYLOAD))
    assert unknown.value.meaning == "Undocumented error code"


def test_malformed_answers_are_protocol_or_transport_errors(scripted_server: ScriptedServer) -> None:
    scripted_server.script(Reply(raw=b"<html>hello</html>"))
    with pytest.raises(ProtocolError, match="not valid JSON"):
        run(call(transport(scripted_server), TTS, TTS_PAYLOAD))
    scripted_server.script(Reply(raw=b'{"Header": {"Code": 0}}'))
    with pytest.raises(ProtocolError, match="no Payload"):
        run(call(transport(scripted_server), TTS, TTS_PAYLOAD))
    scripted_server.script(Reply(status=502, raw=b"<html>bad gateway</html>"))
    with pytest.raises(TransportError, match="HTTP 502"):
        run(call(transport(scripted_server), TTS, TTS_PAYLOAD))


def test_the_http_command_answer_may_have_no_payload(scripted_server: ScriptedServer) -> None:
    scripted_server.script(Reply(with_payload=False))
    command = spec.endpoint("sessions.command")
    payload = {"ReqId": "r" * 32, "SessionId": "m1", "Command": "SEND_TEXT", "Data": {"Text": "hi"}}
    assert run(call(transport(scripted_server), command, payload)) == {}


def test_clock_skew_is_measured_and_a_query_is_resent_with_the_corrected_time(scripted_server: ScriptedServer) -> None:
    scripted_server.skew = 600.0  # the server is ten minutes ahead
    scripted_server.default = Reply({"ReqId": "r", "SessionStatus": 1, "IsSessionStarted": True, "ErrorCode": 0})
    t = transport(scripted_server)

    async def two_queries() -> None:
        async with t:
            await t.call(STAT, STAT_PAYLOAD)
            await t.call(STAT, STAT_PAYLOAD)

    run(two_queries())
    assert 590 < t.clock.offset < 610
    # the first was refused for its timestamp and sent again corrected; the second was right the first time
    assert len(scripted_server.received) == 3
    assert abs(int(scripted_server.received[-1].query["timestamp"]) - (time.time() + 600)) < 5


def test_a_skewed_submission_is_not_resent_but_explained(scripted_server: ScriptedServer) -> None:
    scripted_server.skew = -900.0
    scripted_server.default = Reply({"TaskId": "t1"})
    t = transport(scripted_server)

    async def submit_twice() -> str:
        async with t:
            with pytest.raises(ClockSkewError) as caught:
                await t.call(TTS, TTS_PAYLOAD)
            assert "15.0 minutes ahead of the server's" in str(caught.value)
            return str((await t.call(TTS, TTS_PAYLOAD))["TaskId"])

    assert run(submit_twice()) == "t1"
    assert len(scripted_server.received) == 2


def test_a_bad_token_is_an_auth_error_not_clock_skew(scripted_server: ScriptedServer) -> None:
    t = Transport(custom(scripted_server.url), Credentials(scripted_server.appkey, "wrong-token"), retry=FAST_RETRY)
    with pytest.raises(AuthError, match="bad signature"):
        run(call(t, STAT, STAT_PAYLOAD))
    assert len(scripted_server.received) == 1


def test_exchanges_carry_no_secret(scripted_server: ScriptedServer) -> None:
    scripted_server.script(Reply(code=100001, message="bad"))
    exchanges: list[Exchange] = []
    with pytest.raises(PlatformError):
        run(call(transport(scripted_server, exchanges), TTS, TTS_PAYLOAD))
    text = repr(exchanges)
    assert scripted_server.access_token not in text
    assert scripted_server.received[0].query["signature"] not in text
    assert "signature" not in text


def test_the_client_reads_every_spelling_the_docs_use(scripted_server: ScriptedServer) -> None:
    scripted_server.script(
        Reply({"TimbreDetails": [{"TimbreKey": "f1", "TimbreName": "F", "TimbreGender": "2"}], "Total": 1}),
        Reply({"TaskID": "advanced-1"}),
        Reply({"Status": "SUCCESS", "Result": {"Snr": {"Value": 40, "QualifiedRange": [30, 99], "Description": ""}}}),
        Reply({"Virtualmans": [{"VirtualmanKey": "k", "PoselImage": "pose.png", "OriginZoom": "0.567"}], "Total": 1}),
    )
    advanced = {"VirtualmanKey": "k", "InputSsml": "Hello", "SpeechParam": {"Speed": 1.0}}

    async def reads() -> tuple[Any, ...]:
        async with Client(
            custom(scripted_server.url), Credentials(scripted_server.appkey, scripted_server.access_token)
        ) as c:
            return (
                await c.assets.timbres(),
                await c.video.videomake_advanced(advanced),
                await c.customization.audio_evaluation_state("7"),
                await c.assets.images_by_anchor("small_sample_2d", ["a1"]),
            )

    timbres, task_id, evaluation, images = run(reads())
    assert timbres.items[0].key == "f1" and timbres.items[0].gender == 2
    assert task_id == "advanced-1"
    assert evaluation.state == "SUCCESS" and evaluation.metrics["Snr"].passed
    assert images.items[0].pose_image == "pose.png" and images.items[0].origin_zoom == pytest.approx(0.567)
    # what was sent follows the tables: taskId for the evaluation state, AnchorCode (an array) for images
    assert scripted_server.received[2].body["Payload"] == {"taskId": "7"}
    assert scripted_server.received[3].body["Payload"]["AnchorCode"] == ["a1"]
