"""Every request sample of the seed documents, sent signed to the sandbox as printed: accepted, or refused only for
its documented reason (an erratum of docs/api-notes.md, or a record the example names that does not exist)."""

from __future__ import annotations

import asyncio
import json
import time
import uuid

import pytest
from websockets.asyncio.client import connect

from desktop import spec
from desktop.api import Client
from desktop.api import drive as messages
from tests.fixtures.sandbox import Ready, raw_call
from tests.fixtures.seed_samples import Sample, all_samples

MISSING_RECORD = {110006, 110018}  # the example's task or session id is not one the sandbox made
EXPECTED: dict[str, tuple[int, str]] = {
    # code, the start of the message (the erratum behind it)
    "002:981": (100002, "AnchorName: must be Chinese characters"),  # E15
    "002:1533": (100002, "AnchorName: must be Chinese characters"),  # E15
    "002:2038": (100002, "AnchorName: must be Chinese characters"),  # E15
    "002:2739": (100001, "VideoParam.AnchorParam.AnchorExtraParam: must be a JSON string"),  # E24
    "002:3862": (100001, "VirtualmanProjectId: is required"),  # E23
    "002:4429": (100001, "ImageParam.ImageExtraParam: must be a JSON string"),  # E24
    "002:4508": (100001, "ReqId: is required"),  # E23
    "002:4520": (100001, "ReqId: is required"),  # E23
    # E24: its Payload is cut loose; the envelope left has no Payload, so the required fields are missing
    "002:5149": (100001, "PageIndex: is required; PageSize: is required"),
}

HTTP_SAMPLES = [
    s for s in all_samples()
    if s.direction == "request" and s.data is not None and s.endpoint != "callback"
    and not s.endpoint.startswith("drive.")
]  # fmt: skip
DRIVE_SAMPLES = [s for s in all_samples() if s.endpoint.startswith("drive.") and s.data is not None]


@pytest.mark.parametrize("sample", HTTP_SAMPLES, ids=lambda s: f"{s.id}-{s.endpoint}")
def test_every_http_request_sample(sandbox: Ready, sample: Sample) -> None:
    reply = raw_call(sandbox, spec.endpoint(sample.endpoint).path, body=sample.data)
    answer = reply["Header"]
    created = reply.get("Payload", {}).get("SessionId") if sample.endpoint.startswith("sessions.create") else None
    if created:  # a session the sample made: close it, sessions are limited
        close = {"ReqId": uuid.uuid4().hex, "SessionId": created}
        raw_call(sandbox, spec.endpoint("sessions.closesession").path, close)
    if sample.id in EXPECTED:
        code, message = EXPECTED[sample.id]
        assert (answer["Code"], answer["Message"][: len(message)]) == (code, message)
    elif answer["Code"] in MISSING_RECORD:
        assert "does not exist" in answer["Message"]
    else:
        assert answer["Code"] == 0, answer


def test_every_drive_channel_sample(sandbox: Ready) -> None:
    """The WebSocket samples, with the sample's SessionId replaced by a real session's (theirs cannot be made)."""

    async def flow() -> dict[str, dict]:
        async with Client(sandbox.environment, sandbox.credentials) as client:
            key = (await client.assets.avatars(page_size=1)).items[0].virtualman_key
            session = (await client.sessions.create_by_asset(key, uuid.uuid4().hex, driver_type=3)).session_id
            while (await client.sessions.status(session)).status != 1:
                await asyncio.sleep(0.02)
            await client.sessions.start(session)
            url = messages.channel_url(sandbox.ws, sandbox.appkey, sandbox.accesstoken, session, int(time.time()))
            first: dict[str, dict] = {}
            async with connect(url) as ws:
                for sample in DRIVE_SAMPLES:
                    message = json.loads(json.dumps(sample.data))
                    message["Payload"]["SessionId"] = session
                    message["Payload"]["ReqId"] = sample.id
                    await ws.send(json.dumps(message))
                    if sample.endpoint == "drive.SEND_HEARTBEAT":
                        continue  # no answer comes down for a heartbeat
                    while sample.id not in first:
                        payload = json.loads(await asyncio.wait_for(ws.recv(), 10))["Payload"]
                        first.setdefault(payload["ReqId"], payload)
            await client.sessions.close(session)
            return first

    first = asyncio.run(flow())
    by_command = {s.id: s.endpoint for s in DRIVE_SAMPLES}
    for sample_id, payload in first.items():
        command = by_command[sample_id]
        seq = next(x.data for x in DRIVE_SAMPLES if x.id == sample_id)["Payload"]["Data"].get("Seq", 1)
        if command == "drive.SEND_STREAMTEXT" and seq != 1:  # the final packet's Seq 59 skips 2 to 58
            assert (payload["Type"], payload["ErrorCode"]) == (9, 100001)
            assert payload["ErrorMessage"] == f"Data.Seq: a streaming text must start from 1 (got {seq})"
        elif command == "drive.SEND_AUDIO":  # E13: its Seq is 0; refused, saying why
            assert (payload["Type"], payload["ErrorCode"]) == (9, 100001)
            assert payload["ErrorMessage"] == "Data.Seq: must be at least 1 (got 0)"
        else:
            assert payload["Type"] == 3 and payload["SpeakStatus"] == "TextStart", (sample_id, payload)
    assert {by_command[s] for s in first} == {"drive.SEND_TEXT", "drive.SEND_STREAMTEXT", "drive.SEND_AUDIO"}
