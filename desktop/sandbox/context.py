"""What every handler works with: the catalog, the state, the clock, the configuration and the public URLs."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.sandbox.catalog import Catalog
from desktop.sandbox.config import SandboxConfig, SimClock
from desktop.sandbox.faults import Faults


@dataclass
class Context:
    config: SandboxConfig
    clock: SimClock
    catalog: Catalog
    faults: Faults
    files_dir: Path
    api_url: str = ""  # http://127.0.0.1:P, known once the server listens
    ws_url: str = ""
    cos_url: str = ""
    state: dict[str, Any] = field(default_factory=dict)  # per-family state objects, by family name
    # When each result under /files/ stops being served (the 7-day retention), by relative path.
    expiry: dict[str, float] = field(default_factory=dict)

    def file_url(self, relative: str) -> str:
        return f"{self.api_url}/files/{relative}"

    def file_expired(self, relative: str) -> bool:
        """Whether a result's retention is over: then it is neither served nor usable as an input."""
        expires = self.expiry.get(relative)
        return expires is not None and self.clock.now() > expires
