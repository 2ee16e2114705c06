"""The catalogue's disk cache: every field kept, nested extra parameters rebuilt, and any file of another shape read
as no cache (never a crash, never a half-built record)."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import pytest

from desktop.api.assets import Anchor, Avatar, ExtraParam, ServiceAsset, Timbre
from desktop.services import catalog_cache, heap
from desktop.services.catalog_cache import CatalogSnapshot


def snapshot() -> CatalogSnapshot:
    colour = ExtraParam("shirtColor", "Shirt Color", 1, ("colorValue",))
    avatar = Avatar("vk", "Anna", "anna", "Suit", "Standing", "1920x1080", "h.png", "p.png", "c.png", ("Text", "Audio"),
                    expire_date="2027-01-01 00:00:00", video_duration_ms=5, video_num=2, origin_zoom=0.8,
                    virtualman_type_code="real_man_3d", extra_params=(colour,))  # fmt: skip
    timbre = Timbre("tk", "Voice", "s.wav", "desc", ("small_sample_2d",), languages=("zh-CN", "en-US"))
    anchor = Anchor("Anna", "anna", "3D Realistic", "real_man_3d", "h.png", "tag")
    quota = ServiceAsset("Live", "2027-01-01 00:00:00", {"ConcurrencyDetail": {"Concurrency": 3}})
    return CatalogSnapshot((avatar,), (timbre,), (quota,), 12.5, "sandbox", (anchor,), (anchor,), ("x: refused",))


def saved(tmp_path: Path) -> tuple[Path, dict[str, object]]:
    path = catalog_cache.cache_file(tmp_path, "sandbox")
    catalog_cache.save(snapshot(), path)
    return path, json.loads(path.read_text(encoding="utf-8"))


def test_every_field_and_nested_parameter_comes_back(tmp_path: Path) -> None:
    path, _ = saved(tmp_path)
    loaded = catalog_cache.load(path)
    assert loaded == snapshot() and loaded is not None and loaded.cached
    avatar = loaded.avatars[0]
    assert avatar.extra_params == (ExtraParam("shirtColor", "Shirt Color", 1, ("colorValue",)),)
    assert type(avatar.driver_types) is tuple and type(avatar.extra_params[0].values) is tuple
    assert hash(avatar) == hash(snapshot().avatars[0])  # records made without __init__ still hash as equal ones
    with pytest.raises(AttributeError):
        avatar.anchor_name = "changed"  # type: ignore[misc]  # still frozen


def test_a_field_added_since_takes_its_default_and_one_dropped_is_ignored(tmp_path: Path) -> None:
    path, document = saved(tmp_path)
    table = document["avatars"]
    assert isinstance(table, dict)
    at = table["fields"].index("video_num")
    table["fields"][at] = "a_field_no_longer_known"  # as if the record had lost it: ignored; video_num defaults
    path.write_text(json.dumps(document), encoding="utf-8")
    loaded = catalog_cache.load(path)
    assert loaded is not None and loaded.avatars[0].video_num == 0 and loaded.avatars[0].anchor_name == "Anna"


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d["avatars"]["rows"][0].pop(),  # a short row
        lambda d: d["avatars"]["rows"][0].append("more"),  # a long one
        lambda d: d["avatars"]["fields"].remove("virtualman_key"),  # a field with no default missing
        lambda d: d["avatars"]["fields"].__setitem__(1, "virtualman_key"),  # a field named twice
        lambda d: d["avatars"]["rows"][0].__setitem__(9, "Text"),  # a tuple field that is not a list
        lambda d: d["avatars"]["rows"][0].__setitem__(9, [["nested"]]),  # a list of something other than text
        lambda d: d["avatars"]["rows"][0][17][0].pop("values"),  # an extra parameter of another shape
        lambda d: d["avatars"]["rows"].__setitem__(0, "not a row"),
        lambda d: d.__setitem__("format", 2),  # an older format
    ],
)
def test_a_file_of_another_shape_is_no_cache(tmp_path: Path, damage: object) -> None:
    path, document = saved(tmp_path)
    assert callable(damage)
    damage(document)
    path.write_text(json.dumps(document), encoding="utf-8")
    assert catalog_cache.load(path) is None


def test_reading_leaves_the_collector_on_and_the_records_frozen(tmp_path: Path) -> None:
    path, _ = saved(tmp_path)
    before = gc.get_freeze_count()
    try:
        loaded = catalog_cache.load(path)
        assert loaded is not None and gc.isenabled()
        assert gc.get_freeze_count() > before  # out of the collector's generations: no full collection walks them
        gc.disable()
        with heap.bulk_allocation():
            assert not gc.isenabled()
        assert not gc.isenabled()  # a collector that was off stays off
    finally:
        gc.enable()
        gc.unfreeze()
