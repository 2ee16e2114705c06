"""Request signing, as "Avatar aPaaS API Calling Methods" describes it. Pure functions, no I/O.

signature = base64(HMAC-SHA256(accesstoken, "k1=v1&k2=v2..." over every query parameter except signature, sorted by
name, values as they are)), then URL-encoded into the query. The sandbox verifies with the same functions.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from urllib.parse import quote


def signing_content(params: Mapping[str, str]) -> str:
    """The plaintext to sign: the parameters sorted by name, joined as k=v with &."""
    return "&".join(f"{key}={params[key]}" for key in sorted(params) if key != "signature")


def signature(params: Mapping[str, str], access_token: str) -> str:
    """The base64 signature of the parameters (not yet URL-encoded)."""
    digest = hmac.new(access_token.encode(), signing_content(params).encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def signed_query(appkey: str, access_token: str, timestamp: int, requestid: str | None = None) -> str:
    """The query string for a call: appkey, [requestid,] timestamp and the URL-encoded signature."""
    params = {"appkey": appkey, "timestamp": str(timestamp)}
    if requestid is not None:
        params["requestid"] = requestid
    query = "&".join(f"{key}={quote(params[key], safe='')}" for key in sorted(params))
    return f"{query}&signature={quote(signature(params, access_token), safe='')}"


def signed_url(base: str, path: str, appkey: str, access_token: str, timestamp: int) -> str:
    """The full URL of an HTTP endpoint."""
    return f"{base.rstrip('/')}{path}?{signed_query(appkey, access_token, timestamp)}"


def drive_channel_url(ws_base: str, path: str, appkey: str, access_token: str, session_id: str, timestamp: int) -> str:
    """The WebSocket drive channel URL: requestid is the SessionId, and it is signed with the rest."""
    return f"{ws_base.rstrip('/')}{path}?{signed_query(appkey, access_token, timestamp, requestid=session_id)}"


def verify(params: Mapping[str, str], access_token: str) -> bool:
    """Whether params (decoded query parameters, signature included) carry a valid signature."""
    given = params.get("signature", "")
    return hmac.compare_digest(given.encode(), signature(params, access_token).encode())
