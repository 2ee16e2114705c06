"""One HTTP transport for every endpoint: validation, signing, the envelope, typed errors, retries, clock skew.

Retries: transport failures, 5xx/429 and the codes the tables call transient are retried with capped, jittered
exponential backoff, for read-only queries only. Anything that changes state (kind "action" or "submission") is sent
exactly once; the caller decides what to do after an unknown outcome.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from desktop.api.environments import Credentials, Environment
from desktop.api.errors import (
    ApiError,
    AuthError,
    ClockSkewError,
    PlatformError,
    ProtocolError,
    TransportError,
    ValidationError,
    platform_error,
)
from desktop.api.signing import signed_url
from desktop.spec.model import Endpoint
from desktop.spec.validate import check_request

log = logging.getLogger("desktop.api.transport")

TIMESTAMP_TOLERANCE_S = 300  # "cannot differ from the current time by more than five minutes"
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0, pool=5.0)


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
        retry: RetryPolicy = RetryPolicy(),
        clock: Clock | None = None,
        on_exchange: ExchangeHook | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.environment = environment
        self.credentials = credentials
        self.retry = retry
        self.clock = clock or Clock()
        self.on_exchange = on_exchange
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._http = httpx.AsyncClient(timeout=timeout, headers={"Content-Type": "application/json;charset=utf-8"})

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
            raise ApiError("No appkey or access token is set; enter them in Settings.")
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
                response = await self._http.post(url, content=json.dumps(body, ensure_ascii=False).encode())
            except httpx.ConnectError as exc:
                message = f"{endpoint.name}: cannot connect to {self.environment.api_url}"
                raise TransportError(message, sent=False) from exc
            except httpx.TimeoutException as exc:
                raise TransportError(f"{endpoint.name}: no answer from {self.environment.api_url} in time") from exc
            except httpx.HTTPError as exc:
                raise TransportError(f"{endpoint.name}: {type(exc).__name__} talking to the server") from exc
            self.clock.observe(response.headers.get("Date"), sent_at, time.time())
            status = response.status_code
            result, code = self._unwrap(endpoint, response)
            self._report(endpoint, attempt, status, code, request_id, sent_at, "ok")
            return result
        except ApiError as exc:
            self._report(endpoint, attempt, status, code or getattr(exc, "code", None), request_id, sent_at, str(exc))
            raise

    def _unwrap(self, endpoint: Endpoint, response: httpx.Response) -> tuple[dict[str, Any], int]:
        try:
            data = response.json()
        except ValueError:
            if response.status_code >= 400:
                raise TransportError(
                    f"{endpoint.name}: HTTP {response.status_code} from the server", status=response.status_code
                ) from None
            raise ProtocolError(f"{endpoint.name}: the answer is not JSON") from None
        header = data.get("Header") if isinstance(data, dict) else None
        if not isinstance(header, dict) or not isinstance(header.get("Code"), int):
            if response.status_code >= 400:
                raise TransportError(
                    f"{endpoint.name}: HTTP {response.status_code} from the server", status=response.status_code
                )
            raise ProtocolError(f"{endpoint.name}: the answer has no Header with a Code")
        code = header["Code"]
        if code != 0:
            raise platform_error(
                code, str(header.get("Message", "")), str(header.get("RequestID", "")), endpoint.name, endpoint.family
            )
        payload = data.get("Payload")
        if payload is None and endpoint.response_payload_optional:
            return {}, code
        if not isinstance(payload, dict):
            raise ProtocolError(f"{endpoint.name}: the answer has no Payload object")
        return payload, code

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


__all__ = ["Clock", "Exchange", "PlatformError", "RetryPolicy", "Transport"]
