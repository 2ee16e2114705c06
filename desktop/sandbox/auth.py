"""What the cloud checks before anything else: the signed query string and its timestamp.

The docs give no code for these failures (docs/api-notes.md E25): the sandbox answers 100005, Unauthorized
operation, with a message saying which check failed.
"""

from __future__ import annotations

from collections.abc import Mapping

from desktop.api.signing import verify

TIMESTAMP_TOLERANCE_S = 300


def authentication_error(
    query: Mapping[str, str], appkey: str, access_token: str, now: float, need_requestid: bool = False
) -> str | None:
    """None when the query is signed right and on time, else why it is not.

    `query` may be a multi-dict (aiohttp's request.query): a parameter given twice is refused, so that the values
    whose freshness is checked are exactly the values the signature covers (a year-old signed URL with a second,
    fresh timestamp appended must not pass).
    """
    pairs = list(query.items())  # every occurrence, for a multi-dict
    names = [name for name, _ in pairs]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        named = ", ".join(name or "a parameter without a name" for name in repeated)
        return f"authentication failed: the query gives {named} more than once"
    values = dict(pairs)
    required = ("appkey", "timestamp", "signature") + (("requestid",) if need_requestid else ())
    missing = [name for name in required if not values.get(name)]
    if missing:
        return f"authentication failed: the query has no {', '.join(missing)}"
    if values["appkey"] != appkey:
        return "authentication failed: unknown appkey"
    signed = {key: value for key, value in values.items() if key in ("appkey", "timestamp", "requestid", "signature")}
    if not verify(signed, access_token):
        return "authentication failed: the signature does not match (sort the parameters, HMAC-SHA256, base64)"
    try:
        stamp = int(values["timestamp"])
    except ValueError:
        return "authentication failed: timestamp is not a number of seconds"
    drift = now - stamp
    if abs(drift) > TIMESTAMP_TOLERANCE_S:
        return f"authentication failed: timestamp expired ({drift:+.0f} s from the server's clock, 300 s allowed)"
    return None
