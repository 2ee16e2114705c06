"""The COS endpoint lets nobody out of their grant: keys with '.' or '..' segments (raw or percent-encoded) are
refused before anything is written, a key that names a folder is refused instead of breaking the grant, NUL bytes
and overlong keys get COS errors, and an upload can be aborted only through a key its grant may write."""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import time
from urllib.parse import quote

import pytest
from qcloud_cos.cos_exception import CosServiceError

from desktop.api.cos import parse_path_prefix
from desktop.api.customization import UploadCredentials
from desktop.sandbox.cos import BUCKET, BUCKET_HOST, MAX_KEY_BYTES
from tests.fixtures.sandbox import Ready
from tests.integration.test_sandbox_cos import cos_client, credentials

pytestmark = pytest.mark.allow_logs("qcloud_cos")  # the SDK logs a warning for every error answer


Headers = tuple[tuple[str, str], ...]


def raw_put(
    sandbox: Ready, grant: UploadCredentials, raw_path: str, body: bytes = b"x", headers: Headers = ()
) -> tuple[int, str]:
    """PUT exactly `raw_path` (no client normalizes or re-encodes it; a query after it is sent, not signed), signed
    by the grant as COS signs."""
    host, port = sandbox.cos_host_port
    path = raw_path.split("?", 1)[0]
    decoded = path.replace("%2e", ".").replace("%2E", ".")  # what the server percent-decodes it to
    now = int(time.time())
    sign_time = f"{now - 60};{now + 600}"
    http_string = f"put\n{decoded}\n\nhost={quote(BUCKET_HOST, safe='-_.~')}\n"
    to_sign = f"sha1\n{sign_time}\n{hashlib.sha1(http_string.encode()).hexdigest()}\n"
    sign_key = hmac.new(grant.secret_key.encode(), sign_time.encode(), hashlib.sha1).hexdigest()
    signature = hmac.new(sign_key.encode(), to_sign.encode(), hashlib.sha1).hexdigest()
    authorization = (
        f"q-sign-algorithm=sha1&q-ak={grant.secret_id}&q-sign-time={sign_time}&q-key-time={sign_time}"
        f"&q-header-list=host&q-url-param-list=&q-signature={signature}"
    )
    connection = http.client.HTTPConnection(host, port, timeout=10)
    try:
        connection.putrequest("PUT", raw_path, skip_host=True)
        sent = (("Host", BUCKET_HOST), ("Authorization", authorization), ("x-cos-security-token", grant.token),
                ("Content-Length", str(len(body))), *headers)  # fmt: skip
        for name, value in sent:
            connection.putheader(name, value)
        connection.endheaders(body)
        answer = connection.getresponse()
        return answer.status, answer.read().decode()
    finally:
        connection.close()


def stored(sandbox: Ready) -> set[str]:
    """Every file under the bucket's folder, as keys."""
    root = sandbox.data_dir / "cos" / BUCKET
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} if root.is_dir() else set()


@pytest.mark.parametrize("dots", ["..", "%2e%2e", "%2E%2E", "."])
def test_a_key_that_climbs_out_of_the_grant_is_refused_and_nothing_is_written(sandbox: Ready, dots: str) -> None:
    mine, theirs = credentials(sandbox), credentials(sandbox)
    mine_prefix = parse_path_prefix(mine.path_prefix).key_prefix
    their_folder = parse_path_prefix(theirs.path_prefix).key_prefix.rstrip("/").rsplit("/", 1)[-1]
    before = stored(sandbox)
    status, body = raw_put(sandbox, mine, f"/{mine_prefix}{dots}/{their_folder}/planted.mp4")
    assert status == 400 and "<Code>InvalidURI</Code>" in body
    assert stored(sandbox) == before  # nothing written, anywhere


def test_a_key_equal_to_the_prefix_is_refused_and_the_grant_still_uploads(sandbox: Ready) -> None:
    grant = credentials(sandbox)
    client, location = cos_client(sandbox, grant)
    with pytest.raises(CosServiceError) as refused:
        client.put_object(Bucket=location.bucket, Body=b"x", Key=location.key_prefix)
    assert (refused.value.get_status_code(), refused.value.get_error_code()) == (400, "InvalidArgument")
    client.put_object(Bucket=location.bucket, Body=b"fine", Key=location.key("video", "after.mp4"))
    assert location.key("video", "after.mp4") in stored(sandbox)


def test_a_key_through_an_object_is_refused_not_a_server_error(sandbox: Ready) -> None:
    grant = credentials(sandbox)
    client, location = cos_client(sandbox, grant)
    client.put_object(Bucket=location.bucket, Body=b"x", Key=location.key("a.mp4"))
    with pytest.raises(CosServiceError) as refused:
        client.put_object(Bucket=location.bucket, Body=b"x", Key=location.key("a.mp4", "b.mp4"))
    assert refused.value.get_status_code() == 409 and refused.value.get_error_code() == "InvalidArgument"


def test_nul_bytes_and_overlong_keys_get_cos_errors(sandbox: Ready) -> None:
    grant = credentials(sandbox)
    prefix = parse_path_prefix(grant.path_prefix).key_prefix
    assert raw_put(sandbox, grant, f"/{prefix}bad%00name.mp4")[0] == 400
    status, body = raw_put(sandbox, grant, f"/{prefix}{'k' * MAX_KEY_BYTES}.mp4")
    assert status == 400 and "<Code>KeyTooLong</Code>" in body


def test_an_upload_is_aborted_only_through_its_own_key(sandbox: Ready) -> None:
    owner, intruder = credentials(sandbox), credentials(sandbox)
    owner_client, owner_location = cos_client(sandbox, owner)
    intruder_client, intruder_location = cos_client(sandbox, intruder)
    key = owner_location.key("video", "big.mp4")
    upload_id = owner_client.create_multipart_upload(Bucket=owner_location.bucket, Key=key)["UploadId"]
    with pytest.raises(CosServiceError) as refused:  # under the intruder's own prefix, naming the owner's upload
        intruder_client.abort_multipart_upload(
            Bucket=intruder_location.bucket, Key=intruder_location.key("video", "big.mp4"), UploadId=upload_id
        )
    assert refused.value.get_error_code() == "NoSuchUpload"
    parts = owner_client.list_parts(Bucket=owner_location.bucket, Key=key, UploadId=upload_id)
    assert parts["UploadId"] == upload_id  # still there for its owner
    owner_client.abort_multipart_upload(Bucket=owner_location.bucket, Key=key, UploadId=upload_id)


def test_the_bucket_itself_is_out_of_every_grant(sandbox: Ready) -> None:
    """A PUT of the bucket's root, with the grant's prefix as a query parameter, once made a file where the bucket's
    folder is and broke every upload of every grant (500)."""
    grant = credentials(sandbox)
    prefix = parse_path_prefix(grant.path_prefix).key_prefix
    before = stored(sandbox)
    status, body = raw_put(sandbox, grant, f"/?prefix={quote(prefix, safe='')}")
    assert status == 403 and "<Code>AccessDenied</Code>" in body
    assert stored(sandbox) == before and not (sandbox.data_dir / "cos" / BUCKET).is_file()
    client, location = cos_client(sandbox, grant)
    client.put_object(Bucket=location.bucket, Body=b"fine", Key=location.key("video", "after_root.mp4"))
    assert location.key("video", "after_root.mp4") in stored(sandbox)


def test_a_refused_body_leaves_no_partial_file(sandbox: Ready) -> None:
    grant = credentials(sandbox)
    prefix = parse_path_prefix(grant.path_prefix).key_prefix
    before = stored(sandbox)
    wrong_md5 = ("Content-MD5", base64.b64encode(hashlib.md5(b"something else").digest()).decode())
    status, body = raw_put(sandbox, grant, f"/{prefix}video/digest.mp4", b"the body", (wrong_md5,))
    assert status == 400 and "<Code>BadDigest</Code>" in body
    assert stored(sandbox) == before  # neither the object nor its partial file
