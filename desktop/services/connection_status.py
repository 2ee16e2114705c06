"""What the connection is doing, as data: the UI puts it into words (`desktop/ui/common/connection_words.py`).

Kept apart from `connection.py` so that the window can show "starting" before the client (and httpx) is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Health = Literal["unknown", "connecting", "ok", "warning", "error"]
StatusKind = Literal[
    "starting",  # the app's services are loading
    "connecting",  # a profile's client is being built and probed
    "ok",  # a signed query was answered
    "clock",  # answered, but the local clock is minutes off (requests are corrected)
    "skewed",  # refused because of the clock; measured, so the next try is corrected
    "credentials",  # no appkey or access token to try with
    "auth",  # the server refused the appkey or token
    "network",  # no answer: unreachable, refused, timed out
    "server",  # the server answered with another error code
    "sandbox",  # the local sandbox could not be started
    "config",  # a setting is missing or malformed, or something unexpected
]


@dataclass(frozen=True)
class ConnectionStatus:
    kind: StatusKind
    profile: str = ""  # the profile's key
    where: str = ""  # the API address
    detail: str = ""  # the error's own sentence, from desktop.api or the sandbox process
    code: int | None = None  # the platform's code, when it answered with one
    elapsed_ms: float = 0.0  # how long the probe took, when it was answered
    offset_s: float = 0.0  # the server's clock minus this computer's

    @property
    def ok(self) -> bool:
        """Whether requests can be made."""
        return self.kind in ("ok", "clock")

    @property
    def health(self) -> Health:
        if self.kind in ("starting", "connecting"):
            return "connecting"
        return "ok" if self.kind == "ok" else "warning" if self.ok else "error"
