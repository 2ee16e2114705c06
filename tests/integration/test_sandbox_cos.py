"""The sandbox's COS endpoint with the real cos-python-sdk-v5: uploads inside the granted prefix, multipart with
resume, and the refusals a real bucket would answer."""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from qcloud_cos import CosConfig, CosS3Client
from qcloud_cos.cos_exception import CosServiceError

from desktop.api import Client
from desktop.api.cos import UploadLocation, parse_path_prefix
from desktop.api.customization import UploadCredentials
from tests.fixtures.sandbox import Ready, fault

# The COS SDK logs a warning for every error answer, and these tests provoke them on purpose.
pytestmark = pytest.mark.allow_logs("qcloud_cos")


def credentials(sandbox: Ready) -> UploadCredentials:
    async def ask() -> UploadCredentials:
        async with Client(sandbox.environment, sandbox.credentials) as client:
            return await client.customization.upload_credentials()

    return asyncio.run(ask())


def cos_client(sandbox: Ready, grant: UploadCredentials, **overrides: str) -> tuple[CosS3Client, UploadLocation]:
    location = parse_path_prefix(grant.path_prefix)
    host, port = sandbox.cos_host_port
    config = CosConfig(
        Region=location.region,
        SecretId=overrides.get("secret_id", grant.secret_id),
        SecretKey=overrides.get("secret_key", grant.secret_key),
        Token=overrides.get("token", grant.token),
        IP=host,
        Port=port,
        Scheme="http",
    )
    return CosS3Client(config, retry=0), location


@pytest.fixture
def grant(sandbox: Ready) -> UploadCredentials:
    return credentials(sandbox)


@pytest.fixture
def big_file(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "material.bin"
    with path.open("wb") as out:
        for _ in range(25):  # 200 MB
            out.write(os.urandom(8 * 1024 * 1024))
    yield path
    path.unlink()


def md5(path: Path) -> str:
    digest = hashlib.md5()
    with path.open("rb") as source:
        for chunk in iter(lambda: source.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def test_credentials_are_in_the_documented_form(grant: UploadCredentials) -> None:
    location = parse_path_prefix(grant.path_prefix)
    assert grant.path_prefix.startswith("https://")
    assert location.bucket and location.region
    assert location.key_prefix.startswith("customer-pipeline/") and location.key_prefix.endswith("/")
    assert grant.secret_id and grant.secret_key and grant.token and grant.expired_time > 0


def test_put_get_and_head_round_trip(sandbox: Ready, grant: UploadCredentials) -> None:
    client, location = cos_client(sandbox, grant)
    key = location.key("photo", "me.png")
    content = b"\x89PNG fake"
    put = client.put_object(Bucket=location.bucket, Body=content, Key=key)
    assert put["ETag"] == '"' + hashlib.md5(content).hexdigest() + '"'
    assert client.head_object(Bucket=location.bucket, Key=key)["Content-Length"] == "9"
    body = client.get_object(Bucket=location.bucket, Key=key)["Body"].get_raw_stream().read()
    assert body == b"\x89PNG fake"
    with pytest.raises(CosServiceError) as missing:
        client.head_object(Bucket=location.bucket, Key=location.key("photo", "absent.png"))
    assert missing.value.get_status_code() == 404


def test_a_200_mb_multipart_upload(sandbox: Ready, grant: UploadCredentials, big_file: Path) -> None:
    client, location = cos_client(sandbox, grant)
    key = location.key("video", "material.bin")
    progress: list[tuple[int, int]] = []
    client.upload_file(
        Bucket=location.bucket, Key=key, LocalFilePath=str(big_file), PartSize=10, MAXThread=4,
        progress_callback=lambda done, total: progress.append((done, total)),
    )  # fmt: skip
    stored = sandbox.data_dir / "cos" / location.bucket / key
    assert stored.stat().st_size == big_file.stat().st_size == 200 * 1024 * 1024
    assert md5(stored) == md5(big_file)
    assert progress[-1] == (big_file.stat().st_size, big_file.stat().st_size)


def test_an_interrupted_multipart_upload_resumes(sandbox: Ready, grant: UploadCredentials, tmp_path: Path) -> None:
    client, location = cos_client(sandbox, grant)
    key = location.key("video", "resumed.bin")
    source = tmp_path / "resumed.bin"
    source.write_bytes(os.urandom(5 * 1024 * 1024))
    upload_id = client.create_multipart_upload(Bucket=location.bucket, Key=key)["UploadId"]
    with source.open("rb") as data:
        client.upload_part(
            Bucket=location.bucket, Key=key, Body=data.read(1024 * 1024), PartNumber=1, UploadId=upload_id
        )
    listed = client.list_multipart_uploads(Bucket=location.bucket, Prefix=key)
    assert listed["Upload"][0]["UploadId"] == upload_id
    parts = client.list_parts(Bucket=location.bucket, Key=key, UploadId=upload_id)
    assert [p["PartNumber"] for p in parts["Part"]] == ["1"]
    client.upload_file(Bucket=location.bucket, Key=key, LocalFilePath=str(source), PartSize=1, MAXThread=2)
    assert md5(sandbox.data_dir / "cos" / location.bucket / key) == md5(source)


def test_an_aborted_upload_is_gone(sandbox: Ready, grant: UploadCredentials) -> None:
    client, location = cos_client(sandbox, grant)
    key = location.key("audio", "c.zip")
    upload_id = client.create_multipart_upload(Bucket=location.bucket, Key=key)["UploadId"]
    client.abort_multipart_upload(Bucket=location.bucket, Key=key, UploadId=upload_id)
    with pytest.raises(CosServiceError) as gone:
        client.list_parts(Bucket=location.bucket, Key=key, UploadId=upload_id)
    assert gone.value.get_error_code() == "NoSuchUpload"


@pytest.mark.parametrize(
    ("overrides", "status", "code"),
    [
        ({"secret_key": "not-the-key"}, 403, "SignatureDoesNotMatch"),
        ({"secret_id": "AKIDnobody"}, 403, "InvalidAccessKeyId"),
        ({"token": "not-the-token"}, 403, "InvalidToken"),
    ],
)
def test_wrong_credentials_are_refused(
    sandbox: Ready, grant: UploadCredentials, overrides: dict[str, str], status: int, code: str
) -> None:
    client, location = cos_client(sandbox, grant, **overrides)
    with pytest.raises(CosServiceError) as refused:
        client.put_object(Bucket=location.bucket, Body=b"x", Key=location.key("video", "x.mp4"))
    assert (refused.value.get_status_code(), refused.value.get_error_code()) == (status, code)
    assert refused.value.get_error_msg()  # COS answers with a message, not "Unknown"


def test_writes_stay_inside_the_prefix(sandbox: Ready, grant: UploadCredentials) -> None:
    client, location = cos_client(sandbox, grant)
    other = credentials(sandbox)
    for key in ("customer-pipeline/elsewhere.mp4", parse_path_prefix(other.path_prefix).key("video", "x.mp4")):
        with pytest.raises(CosServiceError) as refused:
            client.put_object(Bucket=location.bucket, Body=b"x", Key=key)
        assert refused.value.get_error_code() == "AccessDenied"
        assert "keys must start with" in refused.value.get_error_msg()


def test_expired_credentials_are_refused(clean_faults: Ready) -> None:
    fault(clean_faults, fault="expire_cos_credentials", after_s=-1)
    expired = credentials(clean_faults)
    client, location = cos_client(clean_faults, expired)
    with pytest.raises(CosServiceError) as refused:
        client.put_object(Bucket=location.bucket, Body=b"x", Key=location.key("video", "late.mp4"))
    assert (refused.value.get_status_code(), refused.value.get_error_code()) == (400, "ExpiredToken")
