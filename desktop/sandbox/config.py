"""The sandbox's settings (from its command line) and its clock, whose simulated durations scale together."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

# Fixed demo credentials, printed in the ready line, so a fresh machine needs no account.
DEMO_APPKEY = "sandbox-demo-appkey"
DEMO_ACCESS_TOKEN = "sandbox-demo-accesstoken"
DEFAULT_CATALOG_SIZE = 32  # avatars


@dataclass(frozen=True)
class SandboxConfig:
    host: str = "127.0.0.1"
    port: int = 0
    data_dir: Path = Path("sandbox-data")
    time_scale: float = 1.0
    appkey: str = DEMO_APPKEY
    access_token: str = DEMO_ACCESS_TOKEN
    catalog_size: int = DEFAULT_CATALOG_SIZE
    cos_port: int = 0


class SimClock:
    """Wall time for timestamps and expiries; `scaled(seconds)` shortens every simulated wait by the time scale."""

    def __init__(self, time_scale: float = 1.0) -> None:
        if time_scale <= 0:
            raise ValueError(f"--time-scale must be positive (got {time_scale})")
        self.time_scale = time_scale

    @staticmethod
    def now() -> float:
        return time.time()

    def scaled(self, seconds: float) -> float:
        return seconds * self.time_scale
