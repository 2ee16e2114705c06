"""The platform client. No Qt: `from desktop.api import Client, Credentials, INTERNATIONAL` works in any script."""

from desktop.api.client import Client
from desktop.api.environments import INTERNATIONAL, MAINLAND, Credentials, Environment, custom
from desktop.api.errors import (
    ApiError,
    AuthError,
    ClockSkewError,
    NotFoundError,
    ParameterError,
    PlatformError,
    ProtocolError,
    QuotaError,
    RateLimitError,
    SessionStateError,
    TransportError,
    ValidationError,
)
from desktop.api.paging import Page

__all__ = [
    "INTERNATIONAL",
    "MAINLAND",
    "ApiError",
    "AuthError",
    "Client",
    "ClockSkewError",
    "Credentials",
    "Environment",
    "NotFoundError",
    "Page",
    "ParameterError",
    "PlatformError",
    "ProtocolError",
    "QuotaError",
    "RateLimitError",
    "SessionStateError",
    "TransportError",
    "ValidationError",
    "custom",
]
