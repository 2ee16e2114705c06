"""The seeded assets: anchors and avatars of every digital-human type (Appendix 3), timbres across the languages,
emotions, genders and types of the appendices, 3D actions, and a service asset of every type (Appendix 1).

Deterministic for a given size (avatars) and timbre count. Pictures and samples are URLs under the sandbox's own
/files/ route.

Sized for a large account (10,000 avatars, 2,000 timbres): lookups by key and the list of files are indexes, rebuilt
only when a list has grown or been replaced, since customization appends to the lists directly.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from desktop.sandbox.config import DEFAULT_TIMBRE_COUNT
from desktop.spec import assets as asset_spec
from desktop.spec.enums import EMOTIONS, LANGUAGES, SERVICE_ASSET_TYPES, VIRTUALMAN_TYPES

_FIRST_NAMES = (
    "Yani", "Misty", "Wuji", "Xiaowei", "Lena", "Kai", "Mira", "Tao", "Iris", "Omar", "Suki", "Noah", "Ava",
    "Ren", "Lina", "Bo", "Cleo", "Dev", "Eli", "Fay",
)  # fmt: skip
_CLOTHES = ("Blue Suit", "Pink Skirt Suit", "Polo Shirt", "Yellow Suit", "Grey Blazer", "White Shirt")
_POSES = ("Standing", "Sitting", "Full body standing pose", "Half body")
_RESOLUTIONS = ("1920x1080", "1080x1920")
_TAGS = ("Basic", "Standard", "Advanced")
_THREE_D = ("real_man_3d", "half_realistic_3d", "cartoon_3d")
_SMALL_SAMPLE = ("small_sample_2d", "small_sample_general_2d", "small_sample_4k_2d", "small_sample_photo_2d")
T = TypeVar("T")

# The actions the docs' getaction sample lists (3D avatars only; 2D ones have none).
ACTIONS: tuple[tuple[str, str], ...] = (
    ("2hands_forward1", "Both hands pointing forward 1"),
    ("admission", "Entering the stage"),
    ("appearance", "Exiting the stage"),
    ("bow", "Bowing"),
    ("waving_hand1", "Waving one hand"),
    ("welcome", "Welcome"),
    ("left_across_waist", "Left hand side slide"),
    ("left_side1", "Left hand pointing to the left 1"),
    ("right_side1", "Right hand pointing to the right 1"),
    ("applaud", "Applauding"),
    ("ok2", "OK gesture at the side"),
    ("show_love3", "Finger heart"),
    ("support", "Come on"),
    ("turn_around", "Turning around"),
)


# The docs' own example identifiers, so that their samples find what they name (tests/integration/
# test_sandbox_samples.py): anchors (code, name, type) and avatar keys (key, anchor code).
DOC_ANCHORS = (
    ("yani", "Yani", "real_man_2d"),
    ("xiaowei", "Xiaowei", "real_man_3d"),
    ("wuji_teacher_v3", "Teacher Wuji", "small_sample_2d"),
    ("wl_pink_skirt_suit_stand", "Misty Pink Skirt Suit", "small_sample_2d"),
)
DOC_AVATARS = (
    ("123", "yani"),
    ("abddd", "yani"),
    ("1b2c9f1c268a4edfbf6c6274da31bc5d", "wuji_teacher_v3"),
    ("2803ca3b5ec64260a2c11e396eaac519", "xiaowei"),
    ("963a2a7d4c734a6ca2984835d9eae765", "wuji_teacher_v3"),
    ("6d266ff720f04df39b8e0a17553382d1", "wuji_teacher_v3"),
    ("d7aa08da33dd4a662ad5be508c5b77cf", "wl_pink_skirt_suit_stand"),
    ("xxxx", "wl_pink_skirt_suit_stand"),
)


@dataclass
class Anchor:
    code: str
    name: str
    type_code: str
    tag: str
    gender: str  # MALE / FEMALE

    @property
    def header_path(self) -> str:
        return f"catalog/anchor/{self.code}.png"


@dataclass
class Avatar:
    key: str
    anchor: Anchor
    clothes: str
    pose: str
    resolution: str
    origin_zoom: float
    driver_types: tuple[str, ...]
    expire_date: str = "2027-12-31 23:59:59"
    video_duration_ms: int = 0
    video_num: int = 0
    extra_params: tuple[dict[str, object], ...] = ()
    custom: bool = False  # added by a successful customization

    @property
    def pose_path(self) -> str:
        return f"catalog/avatar/{self.key}/pose.png"


@dataclass
class Timbre:
    key: str
    name: str
    description: str
    gender: int  # 1 male, 2 female
    timbre_type: str
    purchase_type: str
    languages: tuple[str, ...]
    emotions: tuple[str, ...]
    type_codes: tuple[str, ...]
    driver_types: tuple[str, ...] = ("Text", "ModulatedVoice")
    expire_date: str = "2027-12-31 23:59:59"
    audio_duration_ms: int = 0
    audio_num: int = 0
    voice: str = "en"  # the espeak-ng voice that speaks it
    sample_text: str = "Hello, I am a digital human voice from the sandbox."


@dataclass
class ServiceAsset:
    service_type: str
    detail: str
    numbers: dict[str, int]
    expire_date: str = "2027-12-31 23:59:59"


def _first_by(items: list[T], key: Callable[[T], str]) -> dict[str, T]:
    # The first record of a key wins, as a scan would find it (two customizations may name the same anchor).
    found: dict[str, T] = {}
    for item in items:
        found.setdefault(key(item), item)
    return found


@dataclass
class Catalog:
    anchors: list[Anchor] = field(default_factory=list)
    avatars: list[Avatar] = field(default_factory=list)
    timbres: list[Timbre] = field(default_factory=list)
    service_assets: list[ServiceAsset] = field(default_factory=list)
    # Indexes over the lists as they were when built (`_shape`: each list's identity and length), each made on
    # first use. At 10,000 avatars a scan per key, or the file list rebuilt per /files/ request, costs milliseconds.
    _shape: tuple[tuple[int, int], ...] = field(default=(), init=False, repr=False, compare=False)
    _indexes: dict[str, dict[str, Any]] = field(default_factory=dict, init=False, repr=False, compare=False)

    def _index(self, name: str, make: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """The index `name`, made again when a list has grown or been replaced: the lists are only ever appended to
        (a customization's result, by custom_tasks.py) or swapped whole, never edited in place."""
        shape = tuple((id(items), len(items)) for items in (self.anchors, self.avatars, self.timbres))
        if shape != self._shape:
            self._shape, self._indexes = shape, {}
        if name not in self._indexes:
            self._indexes[name] = make()
        return self._indexes[name]

    def avatar(self, key: str) -> Avatar | None:
        found: Avatar | None = self._index("avatars", lambda: _first_by(self.avatars, lambda a: a.key)).get(key)
        return found

    def anchor(self, code: str) -> Anchor | None:
        found: Anchor | None = self._index("anchors", lambda: _first_by(self.anchors, lambda a: a.code)).get(code)
        return found

    def timbre(self, key: str) -> Timbre | None:
        found: Timbre | None = self._index("timbres", lambda: _first_by(self.timbres, lambda t: t.key)).get(key)
        return found

    def actions_for(self, avatar: Avatar) -> tuple[tuple[str, str], ...]:
        return ACTIONS if avatar.anchor.type_code in _THREE_D else ()

    def service(self, service_type: str) -> ServiceAsset | None:
        return next((s for s in self.service_assets if s.service_type == service_type), None)

    def files(self) -> dict[str, str]:
        """Every file the catalog's answers link to (relative to /files/), with what to draw or say in it; keys
        with a "#" carry a file's options (a portrait pose, a timbre's voice). Shared: do not modify it."""
        return self._index("files", self._list_files)

    def _list_files(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for anchor in self.anchors:
            found[anchor.header_path] = anchor.name
        for avatar in self.avatars:
            found[avatar.pose_path] = avatar.anchor.name
            found[f"catalog/avatar/{avatar.key}/clothes.png"] = avatar.clothes
            found[f"catalog/avatar/{avatar.key}/reference.mp4"] = avatar.anchor.name
            if avatar.resolution == "1080x1920":
                found[avatar.pose_path + "#portrait"] = "1"
            for code, name in self.actions_for(avatar):
                found[f"catalog/action/{code}.mp4"] = name
        for timbre in self.timbres:
            found[f"catalog/timbre/{timbre.key}.wav"] = timbre.sample_text
            found[f"catalog/timbre/{timbre.key}.wav#voice"] = timbre.voice
        return found


def _detail_for(service_type: str) -> str:
    """The detail object that carries a service type's numbers (E29: not every type has its own)."""
    own = f"{service_type}InfoDetail"
    if own in asset_spec.SERVICE_ASSET_DETAILS:
        return own
    if service_type.endswith("Concurrency"):
        return "UniversalConcurrencyInfoDetail"
    if service_type.endswith("Hour"):
        return "UniversalHourInfoDetail"
    return "UniversalAssetInfoDetail"


def _numbers(service_type: str, detail: str) -> dict[str, int]:
    fields = {f.name for f in asset_spec.SERVICE_ASSET_DETAILS[detail]}
    if "Concurrency" in fields:
        # Five video productions per user by default (FAQ); two live sessions.
        return {"Concurrency": 5 if "Broadcast" in service_type else 2}
    if "OrderMilliseconds" in fields:
        return {"OrderMilliseconds": 36_000_000, "RemainMilliseconds": 36_000_000}
    return {"CustomizationNum": 10, "RemainNum": 10}


def _timbres(count: int) -> list[Timbre]:
    """`count` timbres; the same formula for any count, so the first 24 (the default) never change and a larger
    catalogue keeps their spread of genders, types, spoken languages, multilingual ones and emotions."""
    languages = list(LANGUAGES)
    tc_emotions = [e for e in EMOTIONS if e.startswith("tc_")]
    timbres: list[Timbre] = []
    voices = {"en-US": "en-us", "en-GB": "en-gb", "zh-CN": "cmn", "ja-JP": "ja", "fr-FR": "fr", "de-DE": "de"}
    for index in range(count):
        female = index % 2 == 0
        number = index // 2 + 1
        key = f"{'female' if female else 'male'}_{number}"
        kind = ("Boutique", "SampleBasic", "SampleFast")[index % 3]
        spoken = ("en-US", "zh-CN", "en-GB", "ja-JP", "fr-FR", "de-DE")[index % 6]
        multilingual = index % 4 == 0
        langs = (spoken, *languages[index % len(languages) : index % len(languages) + 3]) if multilingual else (spoken,)
        emotions = tuple(tc_emotions[index % 5 : index % 5 + 4]) if index % 3 == 0 else ()
        timbres.append(
            Timbre(
                key=key,
                name=f"{'Female' if female else 'Male'} voice {number}",
                description=("Natural and graceful", "Warm and steady", "Bright and lively", "Calm narrator")[
                    index % 4
                ],
                gender=2 if female else 1,
                timbre_type=kind,
                purchase_type="Lease",
                languages=tuple(dict.fromkeys(langs)),
                emotions=emotions,
                type_codes=tuple(VIRTUALMAN_TYPES),
                voice=voices[spoken] + ("+f3" if female else "+m3"),
            )
        )
    return timbres


def build(size: int = 32, timbre_count: int = DEFAULT_TIMBRE_COUNT) -> Catalog:
    """A catalog with `size` avatars spread over anchors of every digital-human type, and `timbre_count` timbres."""
    if size < len(VIRTUALMAN_TYPES):
        raise ValueError(f"--catalog-size must be at least {len(VIRTUALMAN_TYPES)} (one avatar per type)")
    if timbre_count < 0:
        raise ValueError(f"--timbre-count must be at least 0 (got {timbre_count})")
    catalog = Catalog()
    type_codes = list(VIRTUALMAN_TYPES)
    anchors_needed = max(len(type_codes), size // 2)
    names = itertools.cycle(_FIRST_NAMES)
    for index in range(anchors_needed):
        type_code = type_codes[index % len(type_codes)]
        name = next(names)
        suffix = index // len(_FIRST_NAMES)
        code = f"{name.lower()}_{type_code}" + (f"_{suffix}" if suffix else "")
        gender = "FEMALE" if index % 3 != 1 else "MALE"
        catalog.anchors.append(
            Anchor(code, name + (f" {suffix}" if suffix else ""), type_code, _TAGS[index % 3], gender)
        )
    for index in range(size):
        anchor = catalog.anchors[index % len(catalog.anchors)]
        three_d = anchor.type_code in _THREE_D
        drivers = ("Text", "OriginalVoice", "ModulatedVoice") if anchor.type_code in _SMALL_SAMPLE else ("Text",)
        extra: tuple[dict[str, object], ...] = ()
        if three_d:
            extra = (
                {"Key": "shirtColor", "Description": "Shirt Color", "Type": 1, "Value": ["colorValue"]},
                {"Key": "clotheColor", "Description": "Suit Color", "Type": 1, "Value": ["colorValue"]},
            )
        catalog.avatars.append(
            Avatar(
                key=hashlib.sha1(f"{anchor.code}/{index}".encode()).hexdigest()[:32],
                anchor=anchor,
                clothes=_CLOTHES[index % len(_CLOTHES)],
                pose=_POSES[index % len(_POSES)],
                resolution=_RESOLUTIONS[(index // len(catalog.anchors)) % 2],
                origin_zoom=round(0.5 + (index % 6) * 0.1, 3),
                driver_types=drivers,
                video_duration_ms=(index * 37_813) % 400_000,
                video_num=index % 20,
                extra_params=extra,
            )
        )
    doc_anchors = {code: Anchor(code, name, type_code, "Basic", "FEMALE") for code, name, type_code in DOC_ANCHORS}
    catalog.anchors += doc_anchors.values()
    for key, code in DOC_AVATARS:
        example = doc_anchors[code]
        drivers = ("Text", "OriginalVoice", "ModulatedVoice") if example.type_code in _SMALL_SAMPLE else ("Text",)
        catalog.avatars.append(Avatar(key, example, "Pink Skirt Suit", "Standing", "1080x1920", 1.0, drivers))
    catalog.timbres = _timbres(timbre_count)
    for service_type in SERVICE_ASSET_TYPES:
        detail = _detail_for(service_type)
        catalog.service_assets.append(ServiceAsset(service_type, detail, _numbers(service_type, detail)))
    return catalog
