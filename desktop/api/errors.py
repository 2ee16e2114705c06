"""The client's error hierarchy. Every error reads as a sentence a user can act on, and none carries a secret."""

from __future__ import annotations

from collections.abc import Sequence

from desktop.spec import codes
from desktop.spec.model import CodeTable, Family
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


class CredentialsMissingError(ApiError):
    """No appkey or access token is set: nothing was sent."""

    def __init__(self) -> None:
        super().__init__("No appkey or access token is set; nothing was sent.")
        self.remedy = "Enter the appkey and access token in Settings."


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


class ConnectionFailedError(TransportError):
    """The connection to the server could not be made (refused, unreachable, DNS, TLS): nothing was sent."""

    def __init__(self, message: str) -> None:
        super().__init__(message, sent=False)


class CallTimeoutError(TransportError):
    """No complete answer within the call's deadline (connect, send, headers and body together)."""

    def __init__(self, message: str, deadline_s: float) -> None:
        super().__init__(message)
        self.deadline_s = deadline_s
        self.remedy = "The server is slow or unreachable; try again later."


class HttpStatusError(TransportError):
    """The server answered with an HTTP error status and no envelope."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message, status=status)


class RateLimitError(ApiError):
    """Too frequent: HTTP 429 or a rate-limit code of the platform. `retry_after` is the server's wish, if any."""

    retry_after: float | None = None

    @property
    def retryable(self) -> bool:
        return True


class HttpRateLimitError(HttpStatusError, RateLimitError):
    """HTTP 429 without the platform's envelope."""

    def __init__(self, message: str, retry_after: float | None) -> None:
        super().__init__(message, 429)
        self.retry_after = retry_after
        self.remedy = "Too many requests; wait a moment and try again."


class ProtocolError(ApiError):
    """The server answered with something that is not the documented envelope."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.remedy = "The server's answer was malformed; try again, and report it if it persists."


class ResponseTooLargeError(ProtocolError):
    """The answer grew past the transport's cap (measured decompressed); it was not read further."""

    def __init__(self, message: str, limit: int) -> None:
        super().__init__(message)
        self.limit = limit


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


class PlatformRateLimitError(PlatformError, RateLimitError):
    """A rate-limit code of the platform (100012 interactive, 801004 video): wait and send again."""

    @property
    def retryable(self) -> bool:
        return True


class SessionStateError(PlatformError):
    """The live session is closed, not ready, not started, or the command came at the wrong time."""


# The typed class of a code is per code table: the same number means different things in different tables
# (110005 is "the record already exists" for videos; 801004 a crash as a production FailCode).
_PARAMETERS = {(t, c): ParameterError for t in codes.TABLES for c in (100001, 100002, 100003)}
_BY_TABLE_CODE: dict[tuple[CodeTable, int], type[PlatformError]] = {
    **_PARAMETERS,
    **{(t, 100005): AuthError for t in codes.TABLES},
    **{(t, 100008): QuotaError for t in codes.TABLES},
    ("video_api", 100009): NotFoundError,
    ("video_api", 100016): NotFoundError,
    ("video_api", 110006): NotFoundError,
    ("customization", 110006): NotFoundError,
    ("interactive", 110018): NotFoundError,
    ("video_api", 100013): QuotaError,
    ("video_api", 100015): QuotaError,
    ("interactive", 100015): QuotaError,
    ("video_api", 110007): QuotaError,
    ("interactive", 100014): QuotaError,
    ("interactive", 110021): QuotaError,
    ("interactive", 100012): PlatformRateLimitError,
    ("video_api", 801004): PlatformRateLimitError,
    **{("interactive", c): SessionStateError for c in (110013, 110014, 110015, 110016, 110022)},
}


def platform_error(code: int, message: str, request_id: str, endpoint: str, family: Family) -> PlatformError:
    """The typed error for a non-zero Header.Code, by the code table of the endpoint's family."""
    documented = codes.lookup(code, family)
    kind = _BY_TABLE_CODE.get((documented.table, code)) if documented is not None else None
    return (kind or PlatformError)(code, message, request_id, endpoint, family)


def interactive_error(code: int, message: str, session_id: str) -> PlatformError:
    """The typed error for a drive channel's ErrorCode (the interactive table)."""
    return platform_error(code, message, "", f"drive channel of {session_id}", "sessions")
