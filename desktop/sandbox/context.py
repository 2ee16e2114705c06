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

    def file_url(self, relative: str) -> str:
        return f"{self.api_url}/files/{relative}"
