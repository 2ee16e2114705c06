"""The account's catalogue (avatars, anchors, timbres, service quotas) as one snapshot, fetched through the API's
paging and kept on disk, so the Assets window opens at once with the last good results and still shows them offline.

Avatars come from two queries: describesmallsampleimage (small-sample types only, with OriginZoom as a number and the
reference video) and getimagebyanchor for every type of Appendix 3 (every type, with the type code and the extra
parameters). They are merged by VirtualmanKey. Anchors come from the crm getanchor per type, and the legacy
broadcastservice getanchor is kept apart, labelled legacy: a type or query the account is refused is noted in
`problems`, not fatal, so one disabled type does not hide the rest.

No Qt here: `fetch` runs on the engine, `load`/`save` in an executor (they touch the disk). The file is JSON, one per
profile, written whole to a temporary file and renamed, so a crash never leaves half a catalogue. It holds no secret:
only what the asset queries answered.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, field, fields, is_dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from desktop.api import Client
from desktop.api.assets import Anchor, Avatar, ExtraParam, ServiceAsset, Timbre
from desktop.api.errors import PlatformError
from desktop.api.paging import Page, collect
from desktop.spec.enums import VIRTUALMAN_TYPES

FORMAT = 2
MAX_ITEMS = 50_000  # per kind: a safety net against a server whose Total never ends

T = TypeVar("T")


@dataclass(frozen=True)
class CatalogSnapshot:
    avatars: tuple[Avatar, ...] = ()
    timbres: tuple[Timbre, ...] = ()
    quotas: tuple[ServiceAsset, ...] = ()
    fetched_at: float = 0.0  # seconds since the epoch; 0 for "never"
    profile: str = ""
    anchors: tuple[Anchor, ...] = ()  # crm getanchor, every type
    legacy_anchors: tuple[Anchor, ...] = ()  # broadcastservice getanchor (deprecated)
    problems: tuple[str, ...] = ()  # queries refused while the rest was fetched ("getanchor cartoon_3d: …")
    cached: bool = field(default=False, compare=False)  # read from disk rather than just fetched

    @property
    def empty(self) -> bool:
        return not (self.avatars or self.timbres or self.quotas or self.anchors or self.legacy_anchors)


async def fetch(client: Client, profile: str) -> CatalogSnapshot:
    """Engine: every page of avatars, anchors, timbres and service assets."""
    problems: list[str] = []
    small_sample = await collect(client.assets.avatars, limit=MAX_ITEMS)
    by_type: list[Avatar] = []
    anchors: list[Anchor] = []
    for code in VIRTUALMAN_TYPES:
        try:
            anchors += await collect(partial(client.assets.anchors, code), limit=MAX_ITEMS)
            by_type += await collect(partial(_images_of_type, client, code), limit=MAX_ITEMS)
        except PlatformError as error:  # this type is not open to the account; the others still are
            problems.append(f"{code}: {error}")
    try:
        legacy = [a for found in (await client.video.legacy_anchors()).values() for a in found]
    except PlatformError as error:
        legacy = []
        problems.append(f"broadcastservice getanchor: {error}")
    timbres = await collect(client.assets.timbres, limit=MAX_ITEMS)
    quotas = await collect(client.assets.service_assets, limit=MAX_ITEMS)
    return CatalogSnapshot(
        avatars=tuple(merge_avatars(by_type, small_sample)),
        timbres=tuple(timbres),
        quotas=tuple(quotas),
        fetched_at=time.time(),
        profile=profile,
        anchors=tuple(anchors),
        legacy_anchors=tuple(legacy),
        problems=tuple(problems),
    )


async def _images_of_type(client: Client, type_code: str, page_index: int, page_size: int) -> Page[Avatar]:
    return await client.assets.images_by_anchor(type_code, page_index=page_index, page_size=page_size)


def merge_avatars(by_type: list[Avatar], small_sample: list[Avatar]) -> list[Avatar]:
    """One record per VirtualmanKey: getimagebyanchor's (it has the type and the extra parameters), completed by
    describesmallsampleimage's fields it lacks (the reference video, OriginZoom when given only there)."""
    extra = {a.virtualman_key: a for a in small_sample}
    merged: list[Avatar] = []
    seen: set[str] = set()
    for avatar in by_type:
        if avatar.virtualman_key in seen:
            continue
        seen.add(avatar.virtualman_key)
        other = extra.get(avatar.virtualman_key)
        if other is not None:
            filled = {
                member.name: getattr(other, member.name)
                for member in fields(Avatar)
                if not getattr(avatar, member.name) and getattr(other, member.name)
            }
            avatar = replace(avatar, **filled) if filled else avatar
        merged.append(avatar)
    merged += [a for a in small_sample if a.virtualman_key not in seen]
    return merged


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
        "anchors": [asdict(a) for a in snapshot.anchors],
        "legacy_anchors": [asdict(a) for a in snapshot.legacy_anchors],
        "problems": list(snapshot.problems),
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
            anchors=tuple(_build(Anchor, item) for item in document["anchors"]),
            legacy_anchors=tuple(_build(Anchor, item) for item in document["legacy_anchors"]),
            problems=tuple(str(p) for p in document["problems"]),
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
