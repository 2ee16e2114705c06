"""The client's error hierarchy. Every error reads as a sentence a user can act on, and none carries a secret."""

from __future__ import annotations

from collections.abc import Sequence

from desktop.spec import codes
from desktop.spec.model import Family
from desktop.spec.validate import Violation


class ApiError(Exception):
    """Anything that kept a call from giving an answer."""

    remedy: str = ""

    @property
    def retryable(self) -> bool:
        return False


class ValidationError(ApiError):
    """The request breaks a documented limit; it was not sent."""

    def __init__(self, endpoint: str, violations: Sequence[Violation]) -> None:
        self.endpoint = endpoint
        self.violations = tuple(violations)
        listing = "; ".join(str(v) for v in self.violations)
        super().__init__(f"{endpoint}: not sent, {listing}")
        self.remedy = "Correct the fields named above."


class TransportError(ApiError):
    """The request did not get an answer: connection refused, timeout, TLS, or an HTTP error status."""

    def __init__(self, message: str, *, status: int | None = None, sent: bool = True) -> None:
        super().__init__(message)
        self.status = status
        self.sent = sent  # False when the connection was never made, so the server cannot have acted
        self.remedy = "Check the network and the server address in Settings, then try again."

    @property
    def retryable(self) -> bool:
        return self.status is None or self.status >= 500 or self.status == 429


class ProtocolError(ApiError):
    """The server answered with something that is not the documented envelope."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.remedy = "The server's answer was malformed; try again, and report it if it persists."


class ClockSkewError(ApiError):
    """Local time is too far from the server's for the signature's timestamp to be accepted."""

    def __init__(self, offset_seconds: float) -> None:
        self.offset_seconds = offset_seconds
        minutes = abs(offset_seconds) / 60
        direction = "behind" if offset_seconds > 0 else "ahead of"
        super().__init__(
            f"This computer's clock is {minutes:.1f} minutes {direction} the server's; "
            "signed requests are refused beyond 5 minutes."
        )
        self.remedy = "The offset has been measured and is now corrected for; send the request again."


class PlatformError(ApiError):
    """The platform answered with Header.Code != 0."""

    def __init__(self, code: int, message: str, request_id: str, endpoint: str, family: Family) -> None:
        self.code = code
        self.server_message = message
        self.request_id = request_id
        self.endpoint = endpoint
        self.documented = codes.lookup(code, family)
        self.meaning = self.documented.meaning if self.documented else "Undocumented error code"
        self.remedy = self.documented.remedy if self.documented else "Contact support with the request id."
        detail = f": {message}" if message and message != self.meaning else ""
        request = f" (request {request_id})" if request_id else ""
        super().__init__(f"{endpoint} failed with code {code}, {self.meaning}{detail}{request}")

    @property
    def retryable(self) -> bool:
        return self.documented is not None and self.documented.transient


class ParameterError(PlatformError):
    """100001, 100002, 100003: a parameter the server refused."""


class AuthError(PlatformError):
    """100005: unauthorized, including signature and timestamp failures (docs/api-notes.md E25)."""


class NotFoundError(PlatformError):
    """The task, session, resource or avatar does not exist."""


class QuotaError(PlatformError):
    """Quota, concurrency, hourly package or avatar validity exhausted."""


class RateLimitError(PlatformError):
    """Too frequent; wait and send again."""


class SessionStateError(PlatformError):
    """The live session is closed, not ready, not started, or the command came at the wrong time."""


_BY_CODE: dict[int, type[PlatformError]] = {
    100001: ParameterError,
    100002: ParameterError,
    100003: ParameterError,
    100005: AuthError,
    100009: NotFoundError,
    100016: NotFoundError,
    110006: NotFoundError,
    110018: NotFoundError,
    100008: QuotaError,
    100013: QuotaError,
    100014: QuotaError,
    100015: QuotaError,
    110007: QuotaError,
    110021: QuotaError,
    100012: RateLimitError,
    801004: RateLimitError,
    110005: RateLimitError,
    110013: SessionStateError,
    110014: SessionStateError,
    110015: SessionStateError,
    110016: SessionStateError,
    110022: SessionStateError,
}


def platform_error(code: int, message: str, request_id: str, endpoint: str, family: Family) -> PlatformError:
    """The typed error for a non-zero Header.Code."""
    return _BY_CODE.get(code, PlatformError)(code, message, request_id, endpoint, family)
