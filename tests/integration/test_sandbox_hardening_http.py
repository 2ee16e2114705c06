"""The sandbox's HTTP door under hostile input: a signed URL replayed with a second, fresh timestamp is refused
(HTTP and the drive handshake); malformed JSON of every kind is a 100001 and the sandbox keeps answering; unknown
paths and oversized bodies get the envelope; unsigned file requests make only what the catalog lists; and what the
catalog serves works as an input before anyone has fetched it."""

from __future__ import annotations

import asyncio
import time
import uuid

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from desktop import spec
from desktop.api import Client
from desktop.api.signing import signed_query
from desktop.spec import drive as drive_spec
from tests.fixtures.sandbox import Ready, raw_call

YEAR_S = 365 * 24 * 3600
LIST_ALL = spec.endpoint("sessions.listsessionofuin").path


def post(sandbox: Ready, path: str, query: str, content: bytes = b'{"Header": {}, "Payload": {}}') -> httpx.Response:
    return httpx.post(f"{sandbox.api}{path}?{query}", content=content, timeout=30)


@pytest.mark.parametrize("repeated", ["timestamp", "signature", "appkey"])
def test_a_repeated_query_parameter_is_refused(sandbox: Ready, repeated: str) -> None:
    old = signed_query(sandbox.appkey, sandbox.accesstoken, int(time.time()) - YEAR_S)  # a year-old signed URL
    fresh = dict(
        part.split("=", 1) for part in signed_query(sandbox.appkey, sandbox.accesstoken, int(time.time())).split("&")
    )
    for query in (f"{old}&{repeated}={fresh[repeated]}", f"{repeated}={fresh[repeated]}&{old}"):
        header = post(sandbox, LIST_ALL, query).json()["Header"]
        assert header["Code"] == 100005
        assert f"{repeated} more than once" in header["Message"]


def test_a_repeated_parameter_is_refused_at_the_drive_handshake(sandbox: Ready) -> None:
    now = int(time.time())
    old = signed_query(sandbox.appkey, sandbox.accesstoken, now - YEAR_S, requestid="any-session")
    url = f"{sandbox.ws}{drive_spec.CHANNEL_PATH}?{old}&timestamp={now}"

    async def handshake() -> InvalidStatus:
        with pytest.raises(InvalidStatus) as refused:
            async with connect(url):
                pass
        return refused.value

    refused = asyncio.run(handshake())
    assert refused.response.status_code == 401
    assert b"timestamp more than once" in refused.response.body


MALFORMED = {
    "a lone surrogate": b'{"Header": {}, "Payload": {"UserId": "\\ud800"}}',
    "deep nesting": b'{"Header": {}, "Payload": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "1e400": b'{"Header": {}, "Payload": {"PageIndex": 1e400, "PageSize": 1}}',
    "NaN": b'{"Header": {}, "Payload": {"PageIndex": NaN, "PageSize": 1}}',
    "a 5000-digit int": b'{"Header": {}, "Payload": {"PageIndex": ' + b"9" * 5000 + b', "PageSize": 1}}',
    "invalid UTF-8": b'{"Header": {}, "Payload": {"UserId": "\xff"}}',
}


@pytest.mark.parametrize("name", MALFORMED)
def test_malformed_json_is_a_parameter_error_and_the_sandbox_keeps_answering(sandbox: Ready, name: str) -> None:
    query = signed_query(sandbox.appkey, sandbox.accesstoken, int(time.time()))
    for path in (spec.endpoint("sessions.createsessionbyasset").path, spec.endpoint("assets.describetimbre").path):
        answer = post(sandbox, path, query, MALFORMED[name])
        assert answer.status_code == 200 and answer.json()["Header"]["Code"] == 100001
        assert "Traceback" not in answer.text
    listed = raw_call(sandbox, LIST_ALL, {"ReqId": uuid.uuid4().hex})
    assert listed["Header"]["Code"] == 0  # nothing stored that breaks a later answer


def test_unknown_paths_and_oversized_bodies_get_the_envelope(sandbox: Ready) -> None:
    query = signed_query(sandbox.appkey, sandbox.accesstoken, int(time.time()))
    unknown = post(sandbox, "/v2/ivh/nosuch/endpoint", query)
    assert unknown.status_code == 404 and unknown.json()["Header"]["Code"] == 100001
    oversized = post(sandbox, LIST_ALL, query, b'{"Header": {}, "Payload": {"X": "' + b"x" * (9 << 20) + b'"}}')
    assert oversized.status_code == 413 and "too large" in oversized.json()["Header"]["Message"]


def test_unsigned_file_requests_make_only_catalog_files(sandbox: Ready) -> None:
    files = sandbox.data_dir / "files"
    for name in ("catalog/avatar/nosuch/pose.png", "catalog/action/invented.mp4", "catalog/anchor/x.png"):
        answer = httpx.get(f"{sandbox.api}/files/{name}", timeout=30)
        assert answer.status_code == 404
        assert not (files / name).exists()


def test_a_catalog_picture_works_as_an_input_before_anyone_fetched_it(sandbox: Ready) -> None:
    async def flow() -> dict:
        async with Client(sandbox.environment, sandbox.credentials) as client:
            avatars = (await client.assets.avatars(page_size=100)).items
            files = sandbox.data_dir / "files"
            unfetched = next(a for a in avatars if not (files / f"catalog/avatar/{a.virtualman_key}/pose.png").exists())
            timbre = (await client.assets.timbres(page_size=1)).items[0].key
            submitted = raw_call(sandbox, spec.endpoint("video.phototovideonotrain").path, {
                "RefPhotoUrl": unfetched.pose_image, "DriverType": "Text", "InputSsml": "Hello from a pose.",
                "SpeechParam": {"Speed": 1.0, "TimbreKey": timbre},
            })  # fmt: skip
            assert submitted["Header"]["Code"] == 0, submitted["Header"]
            progress = raw_call(sandbox, spec.endpoint("video.getprogress").path,
                                {"TaskId": submitted["Payload"]["TaskId"]})  # fmt: skip
            result: dict = progress["Payload"]
            return result

    progress = asyncio.run(flow())
    assert progress.get("FailCode") != 801010, progress  # "could not be downloaded" until someone fetched it
    assert progress["Status"] != "FAIL", progress
