"""The platform client. No Qt: `from desktop.api import Client, Credentials, INTERNATIONAL` works in any script."""

from desktop.api.client import Client
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

# httpx logs every request's URL at INFO, signature included; websockets logs the signed handshake at DEBUG.
install_log_redaction()
