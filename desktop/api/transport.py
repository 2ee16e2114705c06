"""One HTTP transport for every endpoint: validation, signing, the envelope, typed errors, retries, clock skew.

Retries: transport failures, 5xx/429 and the codes the tables call transient are retried with capped, jittered
exponential backoff (or after the server's Retry-After, capped), for read-only queries only. Anything that changes
state (kind "action" or "submission") is sent exactly once; the caller decides what to do after an unknown outcome.

Bounds, whatever the server does: each attempt has one deadline for connect, send, headers and body together (a
server dripping a byte every few seconds cannot hold a call open); the body is read as a stream and decompressed
here, by at most what is left under `max_response_bytes`, so a gzip bomb costs no more than the cap; the JSON is
decoded strictly (spec/strict_json.py). Every failure is a typed ApiError.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
import uuid
import zlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from desktop.api.environments import Credentials, Environment
from desktop.api.errors import (
    ApiError,
    AuthError,
    CallTimeoutError,
    ClockSkewError,
    ConnectionFailedError,
    CredentialsMissingError,
    HttpRateLimitError,
    HttpStatusError,
    PlatformError,
    ProtocolError,
    RateLimitError,
    ResponseTooLargeError,
    TransportError,
    ValidationError,
    platform_error,
)
from desktop.api.signing import signed_url
from desktop.spec.model import Endpoint
from desktop.spec.strict_json import JsonFormatError, loads_strict
from desktop.spec.validate import check_request, json_type_name

log = logging.getLogger("desktop.api.transport")

TIMESTAMP_TOLERANCE_S = 300  # "cannot differ from the current time by more than five minutes"
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0, pool=5.0)
DEFAULT_DEADLINE_S = 60.0  # one attempt, from connecting to the last byte of the body
# The largest documented answer is a page of 100 assets, about 200 KB of JSON; twenty times that is plenty.
DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024
MAX_RETRY_AFTER_S = 30.0  # a longer wish is cut to this: one call does not hang on the server's say-so
_DECODERS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4  # in all, the first included
    base_delay: float = 0.5
    max_delay: float = 8.0

    def delay(self, retry: int, rng: random.Random) -> float:
        """Full jitter: uniform in [0, min(cap, base * 2**retry)]."""
        return rng.uniform(0, min(self.max_delay, self.base_delay * (2**retry)))


class Clock:
    """Local time corrected by the offset measured from the server's Date header."""

    def __init__(self, now: Callable[[], float] = time.time) -> None:
        self._now = now
        self.offset = 0.0  # server minus local, in seconds
        self.measured = False

    def timestamp(self) -> int:
        return int(self._now() + self.offset)

    def observe(self, date_header: str | None, sent_at: float, received_at: float) -> None:
        if not date_header:
            return
        try:
            server = parsedate_to_datetime(date_header).timestamp()
        except (TypeError, ValueError):
            return
        # The header has one-second resolution and was stamped between send and receive.
        local_mid = (sent_at + received_at) / 2
        offset = server + 0.5 - local_mid
        # Jitter below a second is noise; keep the first measurement unless it really moved.
        if not self.measured or abs(offset - self.offset) > 1.0:
            self.offset = offset
            self.measured = True


@dataclass(frozen=True)
class Exchange:
    """What one call did, for the activity log: no secrets, no payloads."""

    endpoint: str
    path: str
    attempt: int
    status: int | None
    code: int | None
    request_id: str
    duration_ms: float
    outcome: str  # "ok", or the error's one-line message


ExchangeHook = Callable[[Exchange], None]


class Transport:
    """Sends signed calls to one environment. Use as an async context manager, or call aclose()."""

    def __init__(
        self,
        environment: Environment,
        credentials: Credentials,
        *,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        deadline_s: float = DEFAULT_DEADLINE_S,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        retry: RetryPolicy = RetryPolicy(),
        clock: Clock | None = None,
        on_exchange: ExchangeHook | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.environment = environment
        self.credentials = credentials
        self.retry = retry
        self.deadline_s = deadline_s
        self.max_response_bytes = max_response_bytes
        self.clock = clock or Clock()
        self.on_exchange = on_exchange
        self._sleep = sleep
        self._rng = rng or random.Random()
        # Only the encodings this module decodes itself, with its own bound.
        headers = {"Content-Type": "application/json;charset=utf-8", "Accept-Encoding": "gzip, deflate"}
        self._http = httpx.AsyncClient(timeout=timeout, headers=headers)

    async def __aenter__(self) -> Transport:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def call(self, endpoint: Endpoint, payload: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Validate, sign and send one call; return its Payload or raise an ApiError."""
        body_payload = dict(payload or {})
        violations = check_request(endpoint, body_payload)
        if violations:
            raise ValidationError(endpoint.name, violations)
        if not self.credentials.complete:
            raise CredentialsMissingError()
        attempts = self.retry.attempts if endpoint.kind == "query" else 1
        skew_retried = False
        attempt = 0
        while True:
            attempt += 1
            offset_used = self.clock.offset
            try:
                return await self._once(endpoint, body_payload, attempt)
            except AuthError as exc:
                # The answer's Date showed that this request's timestamp was far off: the refusal is the clock's.
                if abs(self.clock.offset - offset_used) <= TIMESTAMP_TOLERANCE_S - 30 or skew_retried:
                    raise
                if endpoint.kind != "query":
                    raise ClockSkewError(self.clock.offset) from exc
                skew_retried = True
                attempt -= 1
            except ApiError as exc:
                if attempt >= attempts or not exc.retryable:
                    raise
                delay = self.retry.delay(attempt - 1, self._rng)
                if isinstance(exc, RateLimitError) and exc.retry_after is not None:
                    delay = min(MAX_RETRY_AFTER_S, max(delay, exc.retry_after))
                log.info("%s: attempt %d failed (%s); retrying in %.2fs", endpoint.name, attempt, exc, delay)
                await self._sleep(delay)

    async def _once(self, endpoint: Endpoint, payload: dict[str, Any], attempt: int) -> dict[str, Any]:
        request_id = uuid.uuid4().hex
        body = {"Header": {"RequestID": request_id}, "Payload": payload}
        url = signed_url(
            self.environment.api_url,
            endpoint.path,
            self.credentials.appkey,
            self.credentials.access_token,
            self.clock.timestamp(),
        )
        sent_at = time.time()
        status: int | None = None
        code: int | None = None
        try:
            try:
                async with asyncio.timeout(self.deadline_s):
                    content = json.dumps(body, ensure_ascii=False).encode()
                    async with self._http.stream("POST", url, content=content) as response:
                        self.clock.observe(response.headers.get("Date"), sent_at, time.time())
                        status = response.status_code
                        raw = await self._read_bounded(endpoint, response)
            except TimeoutError as exc:
                message = (
                    f"{endpoint.name}: no complete answer from {self.environment.api_url} in {self.deadline_s:g} s"
                )
                raise CallTimeoutError(message, self.deadline_s) from exc
            except httpx.ConnectError as exc:
                raise ConnectionFailedError(f"{endpoint.name}: cannot connect to {self.environment.api_url}") from exc
            except httpx.TimeoutException as exc:
                message = f"{endpoint.name}: no answer from {self.environment.api_url} in time"
                raise CallTimeoutError(message, self.deadline_s) from exc
            except httpx.HTTPError as exc:
                raise TransportError(f"{endpoint.name}: {type(exc).__name__} talking to the server") from exc
            result, code = self._unwrap(endpoint, status, response.headers, raw)
            self._report(endpoint, attempt, status, code, request_id, sent_at, "ok")
            return result
        except ApiError as exc:
            self._report(endpoint, attempt, status, code or getattr(exc, "code", None), request_id, sent_at, str(exc))
            raise

    async def _read_bounded(self, endpoint: Endpoint, response: httpx.Response) -> bytes:
        """The body, decompressed here chunk by chunk and never past max_response_bytes."""
        limit = self.max_response_bytes
        encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
        decoder = None
        if encoding not in ("", "identity"):
            if encoding not in _DECODERS:
                raise ProtocolError(f"{endpoint.name}: the answer uses an unsupported Content-Encoding ({encoding})")
            decoder = zlib.decompressobj(_DECODERS[encoding])
        body = bytearray()
        too_large = f"{endpoint.name}: the answer is larger than {limit // 1024} KB; it was not read further"
        try:
            async for received in response.aiter_raw():
                piece = received
                if decoder is not None:
                    piece = decoder.decompress(received, limit + 1 - len(body))
                    if decoder.unconsumed_tail:  # more would come out of this chunk than the cap allows
                        raise ResponseTooLargeError(too_large, limit)
                body += piece
                if len(body) > limit:
                    raise ResponseTooLargeError(too_large, limit)
            if decoder is not None:
                body += decoder.flush()
                if len(body) > limit:
                    raise ResponseTooLargeError(too_large, limit)
        except zlib.error as exc:
            raise ProtocolError(f"{endpoint.name}: the answer's {encoding} body is corrupt ({exc})") from None
        return bytes(body)

    def _unwrap(
        self, endpoint: Endpoint, status: int, headers: httpx.Headers, raw: bytes
    ) -> tuple[dict[str, Any], int]:
        try:
            data = loads_strict(raw)
        except JsonFormatError as exc:
            self._raise_for_status(endpoint, status, headers)
            raise ProtocolError(f"{endpoint.name}: a malformed answer, {exc}") from None
        header = data.get("Header") if isinstance(data, dict) else None
        if not isinstance(header, dict) or "Code" not in header:
            self._raise_for_status(endpoint, status, headers)
            raise ProtocolError(f"{endpoint.name}: the answer has no Header with a Code")
        code = header["Code"]
        if isinstance(code, bool) or not isinstance(code, int):  # bool is an int in Python: false is not 0
            raise ProtocolError(f"{endpoint.name}: the answer's Header.Code is not an integer ({json_type_name(code)})")
        if code != 0:
            error = platform_error(
                code, str(header.get("Message", "")), str(header.get("RequestID", "")), endpoint.name, endpoint.family
            )
            if isinstance(error, RateLimitError):
                error.retry_after = _retry_after(headers)
            raise error
        payload = data.get("Payload")
        if payload is None and endpoint.response_payload_optional:
            return {}, code
        if not isinstance(payload, dict):
            raise ProtocolError(f"{endpoint.name}: the answer has no Payload object")
        return payload, code

    @staticmethod
    def _raise_for_status(endpoint: Endpoint, status: int, headers: httpx.Headers) -> None:
        """An HTTP error status without the envelope: the status is the error."""
        if status == 429:
            raise HttpRateLimitError(f"{endpoint.name}: too many requests (HTTP 429)", _retry_after(headers))
        if status >= 400:
            raise HttpStatusError(f"{endpoint.name}: HTTP {status} from the server", status)

    def _report(
        self,
        endpoint: Endpoint,
        attempt: int,
        status: int | None,
        code: int | None,
        request_id: str,
        sent_at: float,
        outcome: str,
    ) -> None:
        duration = (time.time() - sent_at) * 1000
        log.debug("%s attempt %d: %s (%.0f ms)", endpoint.path, attempt, outcome, duration)
        if self.on_exchange is not None:
            exchange = Exchange(endpoint.name, endpoint.path, attempt, status, code, request_id, duration, outcome)
            try:
                self.on_exchange(exchange)
            except Exception:
                log.exception("activity hook failed")


def _retry_after(headers: httpx.Headers) -> float | None:
    """Retry-After in seconds (a number of seconds or an HTTP date), or None when absent or unreadable."""
    value = headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isascii() and value.isdigit():  # str.isdigit alone takes "²", which int() refuses
        digits = value.lstrip("0") or "0"
        return float(10**6 if len(digits) > 6 else int(digits))  # capped later; no 5000-digit int is parsed
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError, OverflowError):
        return None


__all__ = ["Clock", "Exchange", "PlatformError", "RetryPolicy", "Transport"]
