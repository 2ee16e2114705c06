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
        assert answer.json()["Header"]["Code"] == 100009  # in the envelope, not plain text (E50)
        assert answer.json()["Header"]["Message"] == f"The resource does not exist: no file {name}"
        assert not (files / name).exists()
    wrong_method = httpx.post(f"{sandbox.api}/files/catalog/anchor/x.png", timeout=30)
    assert wrong_method.status_code == 405 and "files are fetched with GET" in wrong_method.json()["Header"]["Message"]


def test_a_json_string_field_is_decoded_as_strictly_as_the_body(sandbox: Ready) -> None:
    """AnchorExtraParam holds JSON: nested 100,000 levels deep it once raised RecursionError inside the check
    (100000, a traceback in the log); now it is the field's format error."""
    path = spec.endpoint("video.videomakeadvanced").path
    for extra in ("[" * 100_000, "[" * 100_000 + "]" * 100_000, '{"a": NaN}', '{"a": 1e400}'):
        payload = {"VirtualmanKey": "x", "InputSsml": "Hi.", "SpeechParam": {"Speed": 1.0},
                   "VideoParam": {"AnchorParam": {"AnchorExtraParam": extra}}}  # fmt: skip
        header = raw_call(sandbox, path, payload)["Header"]
        assert header["Code"] == 100001, (extra[:12], header)
        assert header["Message"] == "VideoParam.AnchorParam.AnchorExtraParam: must be a JSON string"
    assert raw_call(sandbox, LIST_ALL, {"ReqId": uuid.uuid4().hex})["Header"]["Code"] == 0


def test_a_null_member_reads_as_an_absent_one(sandbox: Ready) -> None:
    """As in the cloud's JSON binding: an optional null is accepted, a required null is missing (E45)."""
    assets = spec.endpoint("assets.getserviceasset").path
    accepted = raw_call(sandbox, assets, {"ServiceType": None, "PageIndex": 1, "PageSize": 100})
    assert accepted["Header"]["Code"] == 0
    assert accepted["Payload"]["Total"] == len(spec.enums.SERVICE_ASSET_TYPES)  # no filter, as when absent
    refused = raw_call(sandbox, spec.endpoint("assets.describetimbre").path, {"PageIndex": None, "PageSize": 1})
    assert (refused["Header"]["Code"], refused["Header"]["Message"]) == (100001, "PageIndex: is required")


def test_parameter_value_errors_use_the_code_of_the_family_table(sandbox: Ready) -> None:
    """The interactive table has no 100002: a session endpoint answers 100001 for a value too (E48); the video
    table's endpoints answer 100002."""
    session = raw_call(sandbox, LIST_ALL, {"ReqId": "r" * 33})["Header"]
    assert (session["Code"], session["Message"]) == (100001, "ReqId: must be exactly 32 characters (got 33)")
    video = raw_call(sandbox, spec.endpoint("assets.describetimbre").path, {"PageIndex": 1, "PageSize": 101})
    assert video["Header"]["Code"] == 100002


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
