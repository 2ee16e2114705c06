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
from dataclasses import MISSING, asdict, dataclass, field, fields, is_dataclass, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from desktop.api.assets import Anchor, Avatar, ExtraParam, ServiceAsset, Timbre
from desktop.api.errors import PlatformError
from desktop.api.paging import Page, collect
from desktop.services import heap
from desktop.spec.enums import VIRTUALMAN_TYPES

if TYPE_CHECKING:
    from desktop.api import Client  # httpx and websockets: not while the first page is built

FORMAT = 3  # 3: records as tables (2, one object per record, is read as no cache)
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
    for typed in by_type:
        if typed.virtualman_key in seen:
            continue
        seen.add(typed.virtualman_key)
        other = extra.get(typed.virtualman_key)
        filled = (
            {}
            if other is None
            else {
                member.name: getattr(other, member.name)
                for member in fields(Avatar)
                if not getattr(typed, member.name) and getattr(other, member.name)
            }
        )
        merged.append(replace(typed, **filled) if filled else typed)
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
        "avatars": _table(Avatar, snapshot.avatars),
        "timbres": _table(Timbre, snapshot.timbres),
        "quotas": _table(ServiceAsset, snapshot.quotas),
        "anchors": _table(Anchor, snapshot.anchors),
        "legacy_anchors": _table(Anchor, snapshot.legacy_anchors),
        "problems": list(snapshot.problems),
    }
    temporary = path.with_name(f".{path.name}.{os.getpid()}.part")
    temporary.write_text(json.dumps(document, ensure_ascii=False, default=_plain), encoding="utf-8")
    temporary.replace(path)


def load(path: Path) -> CatalogSnapshot | None:
    """Blocking: the cached snapshot, or None when there is none or it cannot be read (it is only a cache)."""
    try:
        with heap.bulk_allocation():  # at 10,000 avatars: 90 ms instead of 160-200, and no collection after
            return _read(path)
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None


def _read(path: Path) -> CatalogSnapshot | None:
    document = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        return None
    return CatalogSnapshot(
        avatars=_records(Avatar, document["avatars"]),
        timbres=_records(Timbre, document["timbres"]),
        quotas=_records(ServiceAsset, document["quotas"]),
        fetched_at=float(document["fetched_at"]),
        profile=str(document["profile"]),
        anchors=_records(Anchor, document["anchors"]),
        legacy_anchors=_records(Anchor, document["legacy_anchors"]),
        problems=tuple(str(p) for p in document["problems"]),
        cached=True,
    )


# Records are kept as tables, {"fields": [names], "rows": [[values]]}, rather than one object per record: at 10,000
# avatars the field names repeated in every object made the file 60% larger and parsing it three times slower, and
# the disk cache is what the Assets window waits for at start.


def _table(kind: type[Any], records: tuple[Any, ...]) -> dict[str, Any]:
    names = [member.name for member in fields(kind)]
    return {"fields": names, "rows": [[getattr(record, name) for name in names] for record in records]}


def _plain(value: object) -> object:
    """json.dumps' fallback: a nested record (an avatar's ExtraParam) as its fields."""
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    raise TypeError(f"{type(value).__name__} is not kept in the catalogue cache")


def _records(kind: type[T], table: dict[str, Any]) -> tuple[T, ...]:
    """The records of a table; a field the record no longer has is dropped, one it has since gained defaults.

    Records are made without their __init__ (the instance's dict filled in one update): a frozen dataclass's
    __init__ sets each field through object.__setattr__, and at 10,000 avatars that was half of the load, which is
    what the window's first page waits for. The values are the ones save() wrote; only JSON's lists need turning
    back into tuples, and only in the columns whose type is a tuple."""
    members = fields(kind)  # type: ignore[arg-type]
    known = {member.name for member in members}
    names: list[str] = list(table["fields"])
    if len(set(names)) != len(names):
        raise ValueError("a field is named twice")
    kept = [position for position, name in enumerate(names) if name in known]
    defaults = {}
    for member in members:
        if member.name in names:
            continue
        if member.default is MISSING:
            raise KeyError(member.name)  # a field that has no default and that the file lacks: read as no cache
        defaults[member.name] = member.default
    tuples = [name for name in names if name in known and str(members_type(kind, name)).startswith("tuple")]
    width = len(names)
    make = object.__new__
    records = []
    for row in table["rows"]:
        if type(row) is not list or len(row) != width:
            raise ValueError("a row of the wrong width")
        record = make(kind)
        values = record.__dict__
        values.update(defaults)
        values.update(zip(names, row, strict=True) if len(kept) == width else ((names[p], row[p]) for p in kept))
        for name in tuples:
            values[name] = _value(name, values[name])
        records.append(record)
    return tuple(records)


def members_type(kind: type[Any], name: str) -> object:
    """A field's declared type, as written (a string under `from __future__ import annotations`)."""
    return kind.__dataclass_fields__[name].type


def _value(name: str, value: Any) -> Any:
    """A tuple field's value as the record holds it: JSON's lists back to tuples, nested ExtraParams rebuilt."""
    if type(value) is not list:
        raise ValueError(f"{name} is not a list")
    if name == "extra_params":
        return tuple([_extra_param(p) for p in value])
    if any(type(v) is not str for v in value):
        raise ValueError(f"{name} holds something other than text")
    return tuple(value)


EXTRA_PARAM_FIELDS = frozenset(member.name for member in fields(ExtraParam))


def _extra_param(data: Any) -> ExtraParam:
    """An ExtraParam from its asdict() form, made as the records are (without __init__)."""
    if type(data) is not dict or data.keys() != EXTRA_PARAM_FIELDS or type(data["values"]) is not list:
        raise ValueError("an extra parameter of another shape")
    param = object.__new__(ExtraParam)
    param.__dict__.update(data)
    param.__dict__["values"] = tuple(data["values"])
    return param
