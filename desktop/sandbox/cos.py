"""A COS-compatible object store for uploads, strict like the real one, so that cos-python-sdk-v5's put_object and
upload_file work against it unmodified (with CosConfig(IP=..., Port=..., Scheme="http")).

- Credentials come from getuploadcredentials: each grant has a TmpSecretId/TmpSecretKey/Token, an expiry and a key
  prefix; a request must carry a valid COS signature (q-sign-algorithm=sha1...) by that key, the grant's token in
  x-cos-security-token, a sign time covering now, and keys under the prefix.
- Supported: PutObject, GetObject, HeadObject, and multipart uploads (initiate, upload part, list parts, list
  uploads, complete, abort). Objects land under <data dir>/cos/<bucket>/<key>.
- Errors are COS's XML (Code, Message, Resource, RequestId), with its HTTP statuses.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import re
import secrets
import shutil
import time
import uuid
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote
from xml.etree import ElementTree

from aiohttp import web

from desktop.sandbox.context import Context

log = logging.getLogger("desktop.sandbox.cos")

BUCKET = "avatar-sandbox-1250000000"
REGION = "ap-guangzhou"
BUCKET_HOST = f"{BUCKET}.cos.{REGION}.myqcloud.com"
CREDENTIAL_LIFETIME_S = 7200
MIN_PART_BYTES = 1024 * 1024  # every part but the last
_HOST = re.compile(r"^(?P<bucket>[a-z0-9-]+-\d+)\.cos\.(?P<region>[a-z0-9-]+)\.(myqcloud\.com|tencentcos\.cn)$")
_CHUNK = 1024 * 1024


@dataclass
class Grant:
    secret_id: str
    secret_key: str
    token: str
    expires_at: int
    key_prefix: str  # e.g. customer-pipeline/1/<uuid>/

    @property
    def path_prefix(self) -> str:
        return f"https://{BUCKET_HOST}/{self.key_prefix}"


class CosError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class CosServer:
    def __init__(self, ctx: Context, root: Path) -> None:
        self.ctx = ctx
        self.root = root
        self.grants: dict[str, Grant] = {}
        self._account = 0

    # --- grants (used by getuploadcredentials) ---
    def issue(self) -> Grant:
        self._account += 1
        lifetime = self.ctx.faults.cos_credentials_valid_s
        expires = int(time.time() + (CREDENTIAL_LIFETIME_S if lifetime is None else lifetime))
        grant = Grant(
            secret_id="AKIDsandbox" + secrets.token_hex(12),
            secret_key=secrets.token_urlsafe(24),
            token=secrets.token_urlsafe(48),
            expires_at=expires,
            key_prefix=f"customer-pipeline/{self._account}/{uuid.uuid4().hex}/",
        )
        self.grants[grant.secret_id] = grant
        return grant

    def local_path(self, url: str) -> Path | None:
        """The stored file behind a URL under the sandbox bucket (MaterialCosUrl and friends), if it exists. A query
        or fragment (a signed download URL's) is not part of the key, as for any download."""
        match = re.match(rf"^https?://{re.escape(BUCKET_HOST)}/(?P<key>[^?#]+)(?:[?#].*)?$", url.strip())
        if not match:
            return None
        raw = match.group("key")
        for key in dict.fromkeys((raw, unquote(raw))):  # as written, then percent-decoded as a browser would
            try:
                _check_key(key)
                path = self._object(key)
            except CosError:
                return None
            if path.is_file():
                return path
        return None

    # --- HTTP ---
    def app(self) -> web.Application:
        app = web.Application(client_max_size=1024**4)
        app.router.add_route("*", "/{key:.*}", self.handle)
        return app

    def _object(self, key: str) -> Path:
        path = (self.root / BUCKET / key).resolve()
        if not path.is_relative_to((self.root / BUCKET).resolve()):
            raise CosError(400, "InvalidURI", "The key is not a valid object key")
        return path

    def _uploads(self) -> Path:
        return self.root / ".uploads"

    async def handle(self, request: web.Request) -> web.StreamResponse:
        key = request.match_info["key"]  # percent-decoded by aiohttp: "%2e%2e" arrives as ".."
        try:
            _check_query(request)
            if key:
                _check_key(key)
            grant = self._authorize(request, key)
            if key and request.method in ("PUT", "POST"):
                self._check_room(key)
            return await self._route(request, key, grant)
        except CosError as exc:
            return _error(exc, request.path)
        except web.HTTPException as exc:  # aiohttp's own refusals (a body over the limit), in COS's XML too
            return _error(CosError(exc.status, exc.reason.replace(" ", ""), exc.reason), request.path)
        except Exception:
            # Never aiohttp's plain-text 500 nor a traceback: COS's own InternalError, and the cause in the log.
            log.exception("COS %s %s failed inside the sandbox", request.method, request.path)
            return _error(CosError(500, "InternalError", "We encountered an internal error. Please try again."),
                          request.path)  # fmt: skip

    def _check_room(self, key: str) -> None:
        """Objects are files under the bucket's folder: a key whose path is a folder of other keys, or runs through
        an object, cannot be stored (COS itself would; refused here before anything is written, never a 500)."""
        target = self._object(key)
        bucket = (self.root / BUCKET).resolve()
        if target.is_dir():
            raise CosError(409, "InvalidArgument", f"The sandbox cannot store {key}: other keys live under it")
        for parent in target.parents:
            if parent == bucket:
                break
            if parent.is_file():
                raise CosError(409, "InvalidArgument", f"The sandbox cannot store {key}: {parent.name} is an object")

    def _authorize(self, request: web.Request, key: str) -> Grant:
        host = request.headers.get("Host", "")
        hostname = host.split(":")[0]
        match = _HOST.match(hostname)
        if not match or match.group("bucket") != BUCKET:
            raise CosError(404, "NoSuchBucket", f"The specified bucket does not exist: {hostname}")
        auth = _parse_authorization(request.headers.get("Authorization", ""))
        if not auth:
            raise CosError(403, "AccessDenied", "Access Denied: no COS signature in Authorization")
        grant = self.grants.get(auth.get("q-ak", ""))
        if grant is None:
            raise CosError(403, "InvalidAccessKeyId", "The access key Id format you provided is invalid.")
        if request.headers.get("x-cos-security-token") != grant.token:
            raise CosError(403, "InvalidToken", "The provided token is malformed or otherwise invalid.")
        now = time.time()
        if now > grant.expires_at:
            raise CosError(400, "ExpiredToken", "The provided token has expired.")
        try:
            start, end = (int(t) for t in auth["q-sign-time"].split(";"))
        except (KeyError, ValueError):
            raise CosError(403, "AccessDenied", "Access Denied: q-sign-time is malformed") from None
        if not start <= now <= end:
            raise CosError(
                403,
                "RequestTimeTooSkewed",
                "The difference between the request time and the server's time is too large.",
            )
        if not hmac.compare_digest(auth.get("q-signature", ""), _signature(request, auth, grant.secret_key)):
            raise CosError(
                403,
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided.",
            )
        if key == "" and not (request.method == "GET" and "uploads" in request.query):
            # A grant reaches objects under its prefix; the bucket itself (PUT / would make a file where the
            # bucket's folder is, and break every grant) is not the grant's.
            raise CosError(403, "AccessDenied", "Access Denied: the grant reaches objects under its prefix only")
        target = request.query.get("prefix", "") if key == "" else key
        if not target.startswith(grant.key_prefix):
            raise CosError(403, "AccessDenied", f"Access Denied: keys must start with {grant.key_prefix}")
        return grant

    async def _route(self, request: web.Request, key: str, grant: Grant) -> web.StreamResponse:
        method, query = request.method, request.query
        if key == "" and method == "GET" and "uploads" in query:
            return self._list_uploads(query.get("prefix", ""))
        if method == "PUT" and "uploadId" in query:
            return await self._upload_part(request, key)
        if method == "PUT":
            return await self._put(request, key)
        if method == "POST" and "uploads" in query:
            return self._initiate(key)
        if method == "POST" and "uploadId" in query:
            return await self._complete(request, key)
        if method == "GET" and "uploadId" in query:
            return self._list_parts(key, query["uploadId"])
        if method == "DELETE" and "uploadId" in query:
            return self._abort(query["uploadId"], key)
        if method in ("GET", "HEAD"):
            return self._get(key, method == "HEAD")
        raise CosError(405, "MethodNotAllowed", f"{method} is not supported here")

    # --- objects ---
    async def _receive(self, request: web.Request, target: Path) -> str:
        """The body into `target`, whole or not at all: a refused digest or a client gone mid-upload leaves nothing
        behind, and two uploads of one key at once each write their own partial file."""
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.md5()
        partial = _partial(target)
        try:
            with partial.open("wb") as out:
                async for chunk in request.content.iter_chunked(_CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
            expected = request.headers.get("Content-MD5")
            if expected and base64.b64encode(digest.digest()).decode() != expected:
                raise CosError(400, "BadDigest", "The Content-MD5 you specified did not match what we received.")
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)
        return digest.hexdigest()

    async def _put(self, request: web.Request, key: str) -> web.Response:
        md5 = await self._receive(request, self._object(key))
        return web.Response(status=200, headers={"ETag": f'"{md5}"', **_ids()})

    def _get(self, key: str, head: bool) -> web.StreamResponse:
        path = self._object(key)
        if not path.is_file():
            raise CosError(404, "NoSuchKey", "The specified key does not exist.")
        headers = {
            "ETag": f'"{_md5_of(path)}"',
            "Last-Modified": formatdate(path.stat().st_mtime, usegmt=True),
            **_ids(),
        }
        if head:
            return web.Response(status=200, headers={**headers, "Content-Length": str(path.stat().st_size)})
        return web.FileResponse(path, headers=headers)

    # --- multipart ---
    def _initiate(self, key: str) -> web.Response:
        upload_id = uuid.uuid4().hex
        folder = self._uploads() / upload_id
        folder.mkdir(parents=True)
        (folder / "meta.json").write_text(json.dumps({"key": key, "initiated": time.time()}))
        return _xml("InitiateMultipartUploadResult", {"Bucket": BUCKET, "Key": key, "UploadId": upload_id})

    def _upload_folder(self, upload_id: str, key: str | None = None) -> Path:
        folder = self._uploads() / upload_id
        meta = folder / "meta.json"
        if not re.fullmatch(r"[0-9a-f]{32}", upload_id) or not meta.is_file():
            raise CosError(404, "NoSuchUpload", "The specified multipart upload does not exist.")
        if key is not None and json.loads(meta.read_text())["key"] != key:
            raise CosError(404, "NoSuchUpload", "The upload belongs to another key.")
        return folder

    async def _upload_part(self, request: web.Request, key: str) -> web.Response:
        folder = self._upload_folder(request.query["uploadId"], key)
        try:
            number = int(request.query.get("partNumber", ""))
        except ValueError:
            raise CosError(400, "InvalidArgument", "partNumber must be an integer from 1 to 10000") from None
        if not 1 <= number <= 10000:
            raise CosError(400, "InvalidArgument", "partNumber must be an integer from 1 to 10000")
        md5 = await self._receive(request, folder / f"{number:05d}")
        (folder / f"{number:05d}.md5").write_text(md5)
        return web.Response(status=200, headers={"ETag": f'"{md5}"', **_ids()})

    def _parts(self, folder: Path) -> list[tuple[int, str, int, float]]:
        found = []
        for part in sorted(folder.glob("[0-9][0-9][0-9][0-9][0-9]")):
            md5_file = part.with_name(part.name + ".md5")
            md5 = md5_file.read_text() if md5_file.is_file() else _md5_of(part)
            found.append((int(part.name), md5, part.stat().st_size, part.stat().st_mtime))
        return found

    def _list_parts(self, key: str, upload_id: str) -> web.Response:
        folder = self._upload_folder(upload_id, key)
        parts = [
            {"PartNumber": str(n), "LastModified": _iso(mtime), "ETag": f'"{md5}"', "Size": str(size)}
            for n, md5, size, mtime in self._parts(folder)
        ]
        body = {
            "Bucket": BUCKET, "Key": key, "UploadId": upload_id, "EncodingType": "", "PartNumberMarker": "0",
            "NextPartNumberMarker": parts[-1]["PartNumber"] if parts else "0", "MaxParts": "1000",
            "IsTruncated": "false", "Part": parts,
        }  # fmt: skip
        return _xml("ListPartsResult", body)

    def _list_uploads(self, prefix: str) -> web.Response:
        uploads = []
        if self._uploads().is_dir():
            for folder in sorted(self._uploads().iterdir()):
                meta_file = folder / "meta.json"
                if not meta_file.is_file():
                    continue
                meta = json.loads(meta_file.read_text())
                if meta["key"].startswith(prefix):
                    uploads.append({"Key": meta["key"], "UploadId": folder.name, "Initiated": _iso(meta["initiated"])})
        body = {"Bucket": BUCKET, "Prefix": prefix, "MaxUploads": "1000", "IsTruncated": "false", "Upload": uploads}
        return _xml("ListMultipartUploadsResult", body)

    async def _complete(self, request: web.Request, key: str) -> web.Response:
        upload_id = request.query["uploadId"]
        folder = self._upload_folder(upload_id, key)
        try:
            root = ElementTree.fromstring(await request.read())
            wanted = [
                (int(p.findtext("PartNumber", "")), (p.findtext("ETag", "") or "").strip('"'))
                for p in root.iter("Part")
            ]
        except (ElementTree.ParseError, ValueError):
            raise CosError(400, "MalformedXML", "The XML you provided was not well-formed.") from None
        stored = {n: (md5, size) for n, md5, size, _ in self._parts(folder)}
        if not wanted or [n for n, _ in wanted] != sorted(n for n, _ in wanted):
            raise CosError(400, "InvalidPartOrder", "The list of parts was not in ascending order.")
        for index, (number, etag) in enumerate(wanted):
            if number not in stored or stored[number][0] != etag:
                raise CosError(400, "InvalidPart", f"Part {number} was not uploaded or its ETag does not match.")
            if index < len(wanted) - 1 and stored[number][1] < MIN_PART_BYTES:
                raise CosError(400, "EntityTooSmall", f"Part {number} is smaller than the 1 MB minimum.")
        target = self._object(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = _partial(target)
        try:
            with partial.open("wb") as out:
                for number, _ in wanted:
                    with (folder / f"{number:05d}").open("rb") as piece:
                        shutil.copyfileobj(piece, out, _CHUNK)
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)
        shutil.rmtree(folder)
        combined = hashlib.md5(b"".join(bytes.fromhex(etag) for _, etag in wanted)).hexdigest()
        etag = f'"{combined}-{len(wanted)}"'
        body = {"Location": f"{BUCKET_HOST}/{key}", "Bucket": BUCKET, "Key": key, "ETag": etag}
        return _xml("CompleteMultipartUploadResult", body)

    def _abort(self, upload_id: str, key: str) -> web.Response:
        shutil.rmtree(self._upload_folder(upload_id, key))  # only the upload of the key the grant may write
        return web.Response(status=204, headers=_ids())


MAX_KEY_BYTES = 850  # COS's limit on an object key


def _check_query(request: web.Request) -> None:
    """A parameter given twice could be checked in one spelling and signed in another: refused."""
    names = [name.lower() for name in request.query]
    if len(names) != len(set(names)):
        raise CosError(400, "InvalidArgument", "A query parameter is given more than once")


def _check_key(key: str) -> None:
    """Keys the sandbox can store without leaving the bucket or aliasing another key; checked before the grant's
    prefix, so that `prefix/../other-grant/x` (raw or percent-encoded) can never pass as under the prefix."""
    if len(key.encode("utf-8", "surrogatepass")) > MAX_KEY_BYTES:
        raise CosError(400, "KeyTooLong", f"Your key is too long: at most {MAX_KEY_BYTES} bytes")
    if any(ord(char) < 0x20 or 0xD800 <= ord(char) <= 0xDFFF for char in key):
        raise CosError(400, "InvalidArgument", "The object key holds a control character or an invalid code point")
    segments = key.split("/")
    if any(segment in (".", "..") for segment in segments) or "" in segments[:-1]:
        raise CosError(400, "InvalidURI", "The object key may not hold '.' or '..' segments or empty segments")
    if key.endswith("/"):
        raise CosError(400, "InvalidArgument", "A key ending in '/' names a folder: give the file's name")


def _partial(target: Path) -> Path:
    """A name of its own to write `target` under before it is whole (hidden, so no listing shows it)."""
    return target.with_name(f".{target.name}.{uuid.uuid4().hex}.part")


def _parse_authorization(header: str) -> dict[str, str]:
    if "q-sign-algorithm=sha1" not in header:
        return {}
    return dict(part.split("=", 1) for part in header.split("&") if "=" in part)


def _signature(request: web.Request, auth: dict[str, str], secret_key: str) -> str:
    """What the signature must be, computed as the COS SDK does (cos_auth.CosS3Auth)."""
    header_names = [h for h in auth.get("q-header-list", "").split(";") if h]
    param_names = [p for p in auth.get("q-url-param-list", "").split(";") if p]
    lowered = {k.lower(): v for k, v in request.headers.items()}
    headers = []
    for name in header_names:
        value = lowered.get(name, "")
        if name == "host":
            value = value.split(":")[0]  # the SDK signs the host name without the port
        headers.append(f"{name}={quote(value, safe='-_.~')}")
    query_lower = {k.lower(): v for k, v in request.query.items()}
    params = [f"{name}={quote(query_lower.get(name, ''), safe='-_.~')}" for name in param_names]
    http_string = f"{request.method.lower()}\n{request.path}\n{'&'.join(params)}\n{'&'.join(headers)}\n"
    key_time = auth.get("q-key-time", "")
    string_to_sign = f"sha1\n{auth.get('q-sign-time', '')}\n{hashlib.sha1(http_string.encode()).hexdigest()}\n"
    sign_key = hmac.new(secret_key.encode(), key_time.encode(), hashlib.sha1).hexdigest()
    return hmac.new(sign_key.encode(), string_to_sign.encode(), hashlib.sha1).hexdigest()


def _md5_of(path: Path) -> str:
    digest = hashlib.md5()
    with path.open("rb") as source:
        for chunk in iter(lambda: source.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _iso(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(epoch))


def _ids() -> dict[str, str]:
    return {"x-cos-request-id": uuid.uuid4().hex, "Server": "tencent-cos"}


def _to_xml(parent: ElementTree.Element, name: str, value: Any) -> None:
    if isinstance(value, list):
        for item in value:
            _to_xml(parent, name, item)
        return
    child = ElementTree.SubElement(parent, name)
    if isinstance(value, dict):
        for key, inner in value.items():
            _to_xml(child, key, inner)
    else:
        child.text = str(value)


def _xml(root_name: str, body: dict[str, Any], status: int = 200) -> web.Response:
    root = ElementTree.Element(root_name)
    for key, value in body.items():
        _to_xml(root, key, value)
    text = "<?xml version='1.0' encoding='utf-8' ?>\n" + ElementTree.tostring(root, encoding="unicode")
    return web.Response(status=status, text=text, content_type="application/xml", headers=_ids())


def _error(exc: CosError, resource: str) -> web.Response:
    request_id = uuid.uuid4().hex
    body = {
        "Code": exc.code,
        "Message": exc.message,
        "Resource": resource,
        "RequestId": request_id,
        "TraceId": request_id,
    }
    return _xml("Error", body, exc.status)
