"""Answers in the documented envelope, and the error the handlers raise to produce one."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Any

from aiohttp import web

from desktop.spec import codes
from desktop.spec.validate import Violation

# Documented meanings: 100001 format, type, missing or lacking parameters; 100002 parameter value error.
FORMAT_ERROR = 100001
VALUE_ERROR = 100002
_FORMAT_KINDS = {"missing", "type", "json", "unknown"}


class SandboxError(Exception):
    """A documented failure: answered as Header.Code with this message."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def request_id(header: Any) -> str:
    """The caller's Header.RequestID (up to 128 characters), or one generated, as the cloud does."""
    if isinstance(header, dict) and isinstance(header.get("RequestID"), str) and 0 < len(header["RequestID"]) <= 128:
        return str(header["RequestID"])
    return uuid.uuid4().hex


def envelope(
    code: int = 0, message: str = "", rid: str = "", payload: dict[str, Any] | None = None, status: int = 200
) -> web.Response:
    body: dict[str, Any] = {"Header": {"Code": code, "Message": message, "RequestID": rid or uuid.uuid4().hex}}
    if code == 0:
        body["Payload"] = payload if payload is not None else {}
    try:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate got in somewhere: escaped, the answer still encodes
        data = json.dumps(body).encode("ascii")
    return web.Response(body=data, status=status, content_type="application/json", charset="utf-8")


# The code table that speaks for each family's answers (the asset docs have none of their own: the video API's).
_TABLE_OF = {
    "customization": codes.CUSTOMIZATION,
    "video": codes.VIDEO_API,
    "sessions": codes.INTERACTIVE,
    "assets": codes.VIDEO_API,
}


def _value_error_code(family: str) -> int:
    """A parameter value error in the family's own code table: 100002 where the table has it; the interactive
    table (session endpoints) has only 100001, which then covers values too (docs/api-notes.md E48)."""
    table = _TABLE_OF.get(family, codes.VIDEO_API)
    return VALUE_ERROR if VALUE_ERROR in table else FORMAT_ERROR


def violation_error(violations: Sequence[Violation], family: str = "") -> SandboxError:
    """The first violation decides the code; the message lists them all, naming each field and limit."""
    code = FORMAT_ERROR if violations[0].kind in _FORMAT_KINDS else _value_error_code(family)
    return SandboxError(code, "; ".join(str(v) for v in violations))
