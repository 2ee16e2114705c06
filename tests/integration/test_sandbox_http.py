"""The sandbox's HTTP API over real sockets: its contract, its strictness (signature, timestamp, envelope, fields),
its answers in the documented shapes, fault injection, and the files it serves."""

from __future__ import annotations

import asyncio
import io
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from PIL import Image

from desktop import spec
from desktop.api import Client, NotFoundError
from desktop.api.transport import RetryPolicy
from desktop.spec.validate import check_response
from tests.fixtures.sandbox import Ready, fault, raw_call, start_sandbox, stop_sandbox

ASSET_QUERIES = {
    "assets.describesmallsampleimage": {"PageIndex": 1, "PageSize": 5},
    "assets.getserviceasset": {"PageIndex": 1, "PageSize": 100},
    "assets.describetimbre": {"PageIndex": 1, "PageSize": 50},
    "assets.getanchor": {"VirtualmanTypeCode": "real_man_3d", "PageIndex": 1, "PageSize": 10},
    "assets.getimagebyanchor": {"VirtualmanTypeCode": "small_sample_2d", "PageIndex": 1, "PageSize": 10},
    "video.getanchor": {"GetAllResource": True},
}


def test_the_ready_line_and_a_clean_exit(tmp_path: Path) -> None:
    ready = start_sandbox(tmp_path / "a", "--appkey", "my-key", "--accesstoken", "my-token")
    try:
        assert ready.api.startswith("http://127.0.0.1:") and ready.ws == ready.api.replace("http", "ws")
        assert ready.cos.startswith("http://127.0.0.1:") and ready.cos != ready.api
        assert ready.rtmp is not None and ready.rtmp.startswith("rtmp://127.0.0.1:") and ready.rtmp.endswith("/live")
        assert (ready.appkey, ready.accesstoken) == ("my-key", "my-token")
    finally:
        assert stop_sandbox(ready) == 0


def test_it_binds_loopback_only() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "desktop.sandbox", "--host", "0.0.0.0"],
        check=False, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert "binds loopback only" in result.stderr


@pytest.mark.parametrize("name", sorted(ASSET_QUERIES))
def test_answers_have_the_documented_shape_to_the_letter(sandbox: Ready, name: str) -> None:
    endpoint = spec.endpoint(name)
    answer = raw_call(sandbox, endpoint.path, ASSET_QUERIES[name])
    assert answer["Header"]["Code"] == 0, answer["Header"]
    assert set(answer["Header"]) >= {"Code", "Message", "RequestID"}
    assert check_response(endpoint, answer["Payload"], tolerant=False) == []


@pytest.mark.parametrize("endpoint", [e for e in spec.ENDPOINTS if e.alt_paths], ids=lambda e: e.name)
def test_both_spellings_of_the_asset_service_answer(sandbox: Ready, endpoint: spec.Endpoint) -> None:
    payload = ASSET_QUERIES.get(endpoint.name, {})
    if endpoint.operation in ("getimagetimbre", "getaction"):
        payload = {"VirtualmanKey": sandbox_first_avatar(sandbox)}
    for path in (endpoint.path, *endpoint.alt_paths):
        assert raw_call(sandbox, path, payload)["Header"]["Code"] == 0, path


def sandbox_first_avatar(sandbox: Ready) -> str:
    endpoint = spec.endpoint("assets.getimagebyanchor")
    answer = raw_call(sandbox, endpoint.path, {"VirtualmanTypeCode": "real_man_3d", "PageIndex": 1, "PageSize": 1})
    return str(answer["Payload"]["Virtualmans"][0]["VirtualmanKey"])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"token": "not-the-token"}, "authentication failed: the signature does not match"),
        ({"timestamp": -900}, "authentication failed: timestamp expired (+9"),
        ({"timestamp": +400}, "authentication failed: timestamp expired (-"),
        ({"appkey": "someone-else"}, "authentication failed: unknown appkey"),
    ],
)
def test_signature_and_timestamp_are_checked(sandbox: Ready, change: dict, message: str) -> None:
    if "timestamp" in change:  # an offset from now, taken when the test runs
        change = {"timestamp": int(time.time()) + change["timestamp"]}
    answer = raw_call(sandbox, spec.endpoint("assets.describetimbre").path, {"PageIndex": 1, "PageSize": 1}, **change)
    assert answer["Header"]["Code"] == 100005
    assert answer["Header"]["Message"].startswith(message)
    assert "Payload" not in answer


def test_an_unsigned_request_is_refused(sandbox: Ready) -> None:
    path = spec.endpoint("assets.describetimbre").path
    answer = httpx.post(f"{sandbox.api}{path}?appkey={sandbox.appkey}", json={"Header": {}, "Payload": {}}).json()
    assert answer["Header"]["Code"] == 100005
    assert "the query has no timestamp, signature" in answer["Header"]["Message"]


@pytest.mark.parametrize(
    ("endpoint", "body"),
    [
        ("assets.describetimbre", {"Payload": {"PageIndex": 1, "PageSize": 1}}),  # no Header, as clients send
        ("assets.describetimbre", {"Header": None, "Payload": {"PageIndex": 1, "PageSize": 1}}),
        ("customization.getuploadcredentials", {}),  # the cloud answers Code 0 to `{}` here
        ("customization.getuploadcredentials", {"Header": {}}),
    ],
)
def test_a_body_without_header_or_empty_payload_is_accepted(sandbox: Ready, endpoint: str, body: object) -> None:
    answer = raw_call(sandbox, spec.endpoint(endpoint).path, body=body)
    assert answer["Header"]["Code"] == 0, answer["Header"]["Message"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"not json", "The request body is not valid JSON"),
        (b"", "The request body is empty"),
        ([], "The request body must be a JSON object, not an array"),
        ({"Header": {}, "Payload": [1]}, "Payload must be a JSON object, not an array"),
        ({"Header": "x", "Payload": {}}, "Header must be a JSON object, not a string"),
        ({"Header": {}}, "PageIndex: "),  # no Payload where the endpoint has required fields
    ],
)
def test_what_is_not_an_envelope_is_refused(sandbox: Ready, body: object, message: str) -> None:
    answer = raw_call(sandbox, spec.endpoint("assets.describetimbre").path, body=body)
    assert answer["Header"]["Code"] == 100001
    assert answer["Header"]["Message"].startswith(message)


@pytest.mark.parametrize(
    ("payload", "code", "message"),
    [
        ({"PageIndex": 1, "PageSize": 101}, 100002, "PageSize: must be within [1, 100] (got 101)"),
        ({"PageSize": 10}, 100001, "PageIndex: is required"),
        ({"PageIndex": "1", "PageSize": 10}, 100001, "PageIndex: must be an integer (got a string)"),
        ({"pageIndex": 1, "PageSize": 10}, 0, ""),  # a spelling the docs' samples use (E07)
    ],
)
def test_fields_are_checked_with_the_documented_codes(sandbox: Ready, payload: dict, code: int, message: str) -> None:
    answer = raw_call(sandbox, spec.endpoint("assets.describetimbre").path, payload)
    assert (answer["Header"]["Code"], answer["Header"]["Message"]) == (code, message)


def test_the_request_id_is_echoed(sandbox: Ready) -> None:
    body = {"Header": {"RequestID": "my-request-1"}, "Payload": {"PageIndex": 1, "PageSize": 1}}
    answer = raw_call(sandbox, spec.endpoint("assets.describetimbre").path, body=body)
    assert answer["Header"]["RequestID"] == "my-request-1"


def test_the_client_reads_the_catalog(sandbox: Ready) -> None:
    async def read() -> tuple:
        async with Client(sandbox.environment, sandbox.credentials) as client:
            avatars = await client.assets.avatars(page_size=100)
            timbres = await client.assets.timbres(page_size=100)
            assets = await client.assets.service_assets(page_size=100)
            three_d = await client.assets.images_by_anchor("real_man_3d")
            actions = await client.assets.actions(three_d.items[0].virtualman_key)
            two_d = await client.assets.actions(avatars.items[0].virtualman_key)
            with pytest.raises(NotFoundError, match="100016"):
                await client.assets.actions("no-such-key")
            return avatars, timbres, assets, actions, two_d

    avatars, timbres, assets, actions, two_d = asyncio.run(read())
    assert avatars.total >= 4 and all(a.virtualman_type_code == "" for a in avatars.items)
    assert {t.gender for t in timbres.items} == {1, 2}
    assert {t.timbre_type for t in timbres.items} == {"Boutique", "SampleBasic", "SampleFast"}
    assert any(t.emotions for t in timbres.items) and any(len(t.languages) > 1 for t in timbres.items)
    assert {a.service_type for a in assets.items} == set(spec.enums.SERVICE_ASSET_TYPES)
    assert len(actions) >= 10 and two_d == []


def test_every_digital_human_type_has_anchors_and_avatars(sandbox: Ready) -> None:
    for type_code in spec.enums.VIRTUALMAN_TYPES:
        payload = {"VirtualmanTypeCode": type_code, "PageIndex": 1, "PageSize": 10}
        anchors = raw_call(sandbox, spec.endpoint("assets.getanchor").path, payload)["Payload"]
        images = raw_call(sandbox, spec.endpoint("assets.getimagebyanchor").path, payload)["Payload"]
        assert anchors["Total"] >= 1 and images["Total"] >= 1, type_code


def test_injected_failures_are_retried_by_the_client(clean_faults: Ready) -> None:
    fault(clean_faults, fault="fail", endpoint="assets.getserviceasset", code=-101000, count=2)
    attempts: list[int] = []

    async def query() -> int:
        retry = RetryPolicy(attempts=4, base_delay=0.001, max_delay=0.01)
        async with Client(clean_faults.environment, clean_faults.credentials, retry=retry,
                          on_exchange=lambda e: attempts.append(e.attempt)) as client:  # fmt: skip
            return (await client.assets.service_assets(page_size=5)).total

    assert asyncio.run(query()) == len(spec.enums.SERVICE_ASSET_TYPES)
    assert attempts == [1, 2, 3]


def test_an_injected_code_reaches_the_caller(clean_faults: Ready) -> None:
    fault(clean_faults, fault="fail", endpoint="assets.describetimbre", code=100005, message="no project")
    answer = raw_call(clean_faults, spec.endpoint("assets.describetimbre").path, {"PageIndex": 1, "PageSize": 1})
    assert (answer["Header"]["Code"], answer["Header"]["Message"]) == (100005, "no project")
    answer = raw_call(clean_faults, spec.endpoint("assets.describetimbre").path, {"PageIndex": 1, "PageSize": 1})
    assert answer["Header"]["Code"] == 0


def test_bad_fault_requests_are_refused(sandbox: Ready) -> None:
    response = httpx.post(f"{sandbox.api}/_sandbox/faults", json={"fault": "explode"})
    assert response.status_code == 400 and "fault must be one of" in response.json()["error"]


def test_catalog_pictures_are_real_images(sandbox: Ready) -> None:
    payload = {"VirtualmanTypeCode": "small_sample_2d", "PageIndex": 1, "PageSize": 10}
    avatars = raw_call(sandbox, spec.endpoint("assets.getimagebyanchor").path, payload)["Payload"]["Virtualmans"]
    for avatar in avatars[:2]:
        picture = Image.open(io.BytesIO(httpx.get(avatar["PoseImage"]).content))
        width, height = (int(n) for n in avatar["Resolution"].split("x"))
        assert picture.format == "PNG"
        assert (picture.width > picture.height) == (width > height)
    timbres = raw_call(sandbox, spec.endpoint("assets.describetimbre").path, {"PageIndex": 1, "PageSize": 1})
    sample = httpx.get(timbres["Payload"]["TimbreAssets"][0]["TimbreSample"])
    assert sample.status_code == 200 and sample.content[:4] == b"RIFF"


def test_files_outside_the_store_are_not_served(sandbox: Ready) -> None:
    assert httpx.get(f"{sandbox.api}/files/catalog/nothing/here.png").status_code == 404
    assert httpx.get(f"{sandbox.api}/files/..%2F..%2Fetc%2Fpasswd").status_code == 404


def test_an_injected_delay_holds_the_answer(clean_faults: Ready) -> None:
    fault(clean_faults, fault="delay", endpoint="assets.describetimbre", seconds=0.4)
    started = time.monotonic()
    answer = raw_call(clean_faults, spec.endpoint("assets.describetimbre").path, {"PageIndex": 1, "PageSize": 1})
    assert answer["Header"]["Code"] == 0
    assert time.monotonic() - started >= 0.4


def test_the_catalog_size_is_configurable(tmp_path: Path) -> None:
    ready = start_sandbox(tmp_path / "big", "--catalog-size", "400")
    try:
        total = 0
        for type_code in spec.enums.VIRTUALMAN_TYPES:
            payload = {"VirtualmanTypeCode": type_code, "PageIndex": 1, "PageSize": 1}
            total += raw_call(ready, spec.endpoint("assets.getimagebyanchor").path, payload)["Payload"]["Total"]
        assert total >= 400
    finally:
        stop_sandbox(ready)
    too_small = subprocess.run(
        [sys.executable, "-m", "desktop.sandbox", "--catalog-size", "3"], check=False, capture_output=True, text=True
    )
    assert too_small.returncode == 2 and "--catalog-size must be at least 8" in too_small.stderr
