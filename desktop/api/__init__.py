"""The platform client. No Qt: `from desktop.api import Client, Credentials, INTERNATIONAL` works in any script.

`Client` is imported on first use (PEP 562): it brings httpx, websockets and asyncio (~0.2 s), and the app's window
needs only the records of `desktop.api.assets` to draw its first page.
"""

from typing import TYPE_CHECKING, Any

from desktop.api.environments import INTERNATIONAL, MAINLAND, Credentials, Environment, custom
from desktop.api.errors import (
    ApiError,
    AuthError,
    CallTimeoutError,
    ClockSkewError,
    ConnectionFailedError,
    CredentialsMissingError,
    HttpRateLimitError,
    HttpStatusError,
    NotFoundError,
    ParameterError,
    PlatformError,
    PlatformRateLimitError,
    ProtocolError,
    QuotaError,
    RateLimitError,
    ResponseTooLargeError,
    SessionStateError,
    TransportError,
    ValidationError,
)
from desktop.api.log_filter import install_log_redaction
from desktop.api.paging import Page

__all__ = [
    "INTERNATIONAL",
    "MAINLAND",
    "ApiError",
    "AuthError",
    "CallTimeoutError",
    "Client",
    "ClockSkewError",
    "ConnectionFailedError",
    "Credentials",
    "CredentialsMissingError",
    "Environment",
    "HttpRateLimitError",
    "HttpStatusError",
    "NotFoundError",
    "Page",
    "ParameterError",
    "PlatformError",
    "PlatformRateLimitError",
    "ProtocolError",
    "QuotaError",
    "RateLimitError",
    "ResponseTooLargeError",
    "SessionStateError",
    "TransportError",
    "ValidationError",
    "custom",
]

if TYPE_CHECKING:
    from desktop.api.client import Client


def __getattr__(name: str) -> Any:
    if name == "Client":
        from desktop.api.client import Client

        return Client
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# httpx logs every request's URL at INFO, signature included; websockets logs the signed handshake at DEBUG.
install_log_redaction()
