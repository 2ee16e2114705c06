"""Fault injection for client tests: fail the next N calls of an endpoint with a code, delay answers, drop a drive
channel, make a session fail, expire COS credentials early. Set from the command line or POST /_sandbox/faults."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any


@dataclass
class _Failure:
    code: int
    message: str
    remaining: int


@dataclass
class Faults:
    failures: dict[str, list[_Failure]] = field(default_factory=dict)  # endpoint name ("*" for any) -> queue
    delays: dict[str, float] = field(default_factory=dict)  # endpoint name ("*" for any) -> seconds
    drop_channels: set[str] = field(default_factory=set)  # session ids whose WebSocket is to be dropped
    fail_sessions: int = 0  # the next N sessions end in status 4
    cos_credentials_valid_s: float | None = None  # overrides the credentials' lifetime
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def fail(self, endpoint: str, code: int, count: int = 1, message: str = "injected failure") -> None:
        with self._lock:
            self.failures.setdefault(endpoint, []).append(_Failure(code, message, count))

    def take_failure(self, endpoint: str) -> tuple[int, str] | None:
        """The injected failure for this call, if any (counted down)."""
        with self._lock:
            for key in (endpoint, "*"):
                queue = self.failures.get(key)
                if queue:
                    failure = queue[0]
                    failure.remaining -= 1
                    if failure.remaining <= 0:
                        queue.pop(0)
                    return failure.code, failure.message
        return None

    def delay_for(self, endpoint: str) -> float:
        return self.delays.get(endpoint, self.delays.get("*", 0.0))

    def apply(self, request: dict[str, Any]) -> dict[str, Any]:
        """Apply an admin request; returns what is now in force. Raises ValueError naming a bad field."""
        kind = request.get("fault")
        if kind == "fail":
            self.fail(str(request.get("endpoint", "*")), _int(request, "code"), _int(request, "count", 1),
                      str(request.get("message", "injected failure")))  # fmt: skip
        elif kind == "delay":
            self.delays[str(request.get("endpoint", "*"))] = float(request.get("seconds", 0))
        elif kind == "drop_channel":
            self.drop_channels.add(str(request["session_id"]))
        elif kind == "fail_session":
            self.fail_sessions += _int(request, "count", 1)
        elif kind == "expire_cos_credentials":
            self.cos_credentials_valid_s = float(request.get("after_s", 0))
        elif kind == "clear":
            self.failures.clear()
            self.delays.clear()
            self.drop_channels.clear()
            self.fail_sessions = 0
            self.cos_credentials_valid_s = None
        else:
            raise ValueError(
                "fault must be one of fail, delay, drop_channel, fail_session, expire_cos_credentials, clear"
            )
        return {"failures": {k: len(v) for k, v in self.failures.items()}, "delays": dict(self.delays)}


def _int(request: dict[str, Any], name: str, default: int | None = None) -> int:
    value = request.get(name, default)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"{name} must be an integer")
    return value
