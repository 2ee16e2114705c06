"""Signed URLs never reach a log, whoever configures logging.

httpx logs `HTTP Request: POST https://…?appkey=…&signature=… "HTTP/1.1 200 OK"` at INFO, and websockets the
handshake's request line (the drive channel's signed URL) at DEBUG. A script that uses desktop.api with
`logging.basicConfig(level=logging.INFO)` would print them. The app's own formatter redacts too (desktop/logs.py),
but a library cannot count on its user's formatter: the records are masked at the source, by a filter on the loggers
that write them, installed when desktop.api is imported.
"""

from __future__ import annotations

import logging
import re
from typing import Any

MASK = "***"
# Query parameters and header-like fields that carry a credential in this platform's URLs and requests.
_SECRET = re.compile(
    r"(?i)(?<![\w-])(signature|q-signature|accesstoken|access_token|txSecret|x-cos-security-token|token|usersig)"
    r"([=:]\s*)([^&\s\"',;]+)"
)
# Loggers that write request URLs or request lines; a logger's filters see only its own records, not its children's.
LOGGERS = ("httpx", "httpcore", "websockets", "websockets.client", "websockets.server", "websockets.protocol")


def redact(text: str) -> str:
    return _SECRET.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}", text)


def _masked(value: Any) -> Any:
    """Strings and URL-like objects (httpx.URL) with their secrets masked; anything else as it is."""
    if isinstance(value, (str, bytes)) or type(value).__name__ in ("URL", "Request", "Headers"):
        text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
        masked = redact(text)
        return masked if masked != text else value
    return value


class SignedUrlFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_masked(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _masked(arg) for key, arg in record.args.items()}
        return True


_FILTER = SignedUrlFilter()


def install_log_redaction() -> None:
    """Idempotent: add the filter to every logger that writes signed URLs."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
