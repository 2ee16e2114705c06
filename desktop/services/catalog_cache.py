"""The account's catalogue (avatars, timbres, service quotas) as one snapshot, fetched through the API's paging and
kept on disk, so the Assets window opens at once with the last good results and still shows them offline.

No Qt here: `fetch` runs on the engine, `load`/`save` in an executor (they touch the disk). The file is JSON, one per
profile, written whole to a temporary file and renamed, so a crash never leaves half a catalogue. It holds no secret:
only what the asset queries answered.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, TypeVar

from desktop.api import Client
from desktop.api.assets import Avatar, ExtraParam, ServiceAsset, Timbre
from desktop.api.paging import collect

FORMAT = 1
MAX_ITEMS = 50_000  # per kind: a safety net against a server whose Total never ends

T = TypeVar("T")


@dataclass(frozen=True)
class CatalogSnapshot:
    avatars: tuple[Avatar, ...] = ()
    timbres: tuple[Timbre, ...] = ()
    quotas: tuple[ServiceAsset, ...] = ()
    fetched_at: float = 0.0  # seconds since the epoch; 0 for "never"
    profile: str = ""
    cached: bool = field(default=False, compare=False)  # read from disk rather than just fetched

    @property
    def empty(self) -> bool:
        return not (self.avatars or self.timbres or self.quotas)


async def fetch(client: Client, profile: str) -> CatalogSnapshot:
    """Engine: every page of avatars, timbres and service assets."""
    avatars = await collect(client.assets.avatars, limit=MAX_ITEMS)
    timbres = await collect(client.assets.timbres, limit=MAX_ITEMS)
    quotas = await collect(client.assets.service_assets, limit=MAX_ITEMS)
    return CatalogSnapshot(tuple(avatars), tuple(timbres), tuple(quotas), time.time(), profile)


def cache_file(data_dir: Path, profile: str) -> Path:
    safe = "".join(c for c in profile if c.isalnum() or c in "-_") or "default"
    return data_dir / "cache" / f"catalog-{safe}.json"


def save(snapshot: CatalogSnapshot, path: Path) -> None:
    """Blocking: write the snapshot whole (temporary file, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "format": FORMAT,
        "profile": snapshot.profile,
        "fetched_at": snapshot.fetched_at,
        "avatars": [asdict(a) for a in snapshot.avatars],
        "timbres": [asdict(t) for t in snapshot.timbres],
        "quotas": [asdict(q) for q in snapshot.quotas],
    }
    temporary = path.with_name(f".{path.name}.{os.getpid()}.part")
    temporary.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    temporary.replace(path)


def load(path: Path) -> CatalogSnapshot | None:
    """Blocking: the cached snapshot, or None when there is none or it cannot be read (it is only a cache)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            return None
        return CatalogSnapshot(
            avatars=tuple(_build(Avatar, item) for item in document["avatars"]),
            timbres=tuple(_build(Timbre, item) for item in document["timbres"]),
            quotas=tuple(_build(ServiceAsset, item) for item in document["quotas"]),
            fetched_at=float(document["fetched_at"]),
            profile=str(document["profile"]),
            cached=True,
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _build(kind: type[T], data: dict[str, Any]) -> T:
    """A frozen dataclass from its asdict() form: lists back to tuples, nested ExtraParams rebuilt."""
    assert is_dataclass(kind)
    values: dict[str, Any] = {}
    for member in fields(kind):
        if member.name not in data:
            continue
        value = data[member.name]
        if member.name == "extra_params":
            value = tuple(_build(ExtraParam, p) for p in value)
        elif isinstance(value, list):
            value = tuple(tuple(v) if isinstance(v, list) else v for v in value)
        values[member.name] = value
    return kind(**values)
