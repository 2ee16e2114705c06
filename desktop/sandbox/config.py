"""The sandbox's settings (from its command line) and its clock: simulated work and protocol timeouts scale apart."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

# Fixed demo credentials, printed in the ready line, so a fresh machine needs no account.
DEMO_APPKEY = "sandbox-demo-appkey"
DEMO_ACCESS_TOKEN = "sandbox-demo-accesstoken"
DEFAULT_CATALOG_SIZE = 32  # avatars
DEFAULT_TIMBRE_COUNT = 24  # the seeded timbres the tests know (catalog.py makes any count; the first 24 are these)


@dataclass(frozen=True)
class SandboxConfig:
    host: str = "127.0.0.1"
    port: int = 0
    data_dir: Path = Path("sandbox-data")
    time_scale: float = 1.0
    protocol_timeout_scale: float = 1.0
    appkey: str = DEMO_APPKEY
    access_token: str = DEMO_ACCESS_TOKEN
    catalog_size: int = DEFAULT_CATALOG_SIZE
    cos_port: int = 0
    timbre_count: int = DEFAULT_TIMBRE_COUNT


class SimClock:
    """Wall time for timestamps and expiries, and two scales for waits.

    `scaled(seconds)` shortens simulated work (model loading, training stages, queues, rendering) by the time scale:
    that only makes the sandbox quicker. `protocol(seconds)` scales the timeouts a client must respect (a channel
    dropped after 3 minutes without traffic, a session closed after 10 without a drive), by their own scale, 1 unless
    a test shortens them: at a time scale of 0.01 a session must not die between a client's calls.
    """

    def __init__(self, time_scale: float = 1.0, protocol_timeout_scale: float = 1.0) -> None:
        if time_scale <= 0:
            raise ValueError(f"--time-scale must be positive (got {time_scale})")
        if protocol_timeout_scale <= 0:
            raise ValueError(f"--protocol-timeout-scale must be positive (got {protocol_timeout_scale})")
        self.time_scale = time_scale
        self.protocol_timeout_scale = protocol_timeout_scale

    @staticmethod
    def now() -> float:
        return time.time()

    def scaled(self, seconds: float) -> float:
        return seconds * self.time_scale

    def protocol(self, seconds: float) -> float:
        return seconds * self.protocol_timeout_scale
