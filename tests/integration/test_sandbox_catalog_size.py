"""A sandbox seeded as a large account (`--catalog-size`, `--timbre-count`): every avatar and timbre pages out once,
under a unique key, with the default 24 timbres first and the same spread of genders, types, languages and emotions;
lookups by key follow what customization appends."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop import spec
from desktop.sandbox import catalog
from desktop.sandbox.config import DEFAULT_CATALOG_SIZE, DEFAULT_TIMBRE_COUNT
from tests.fixtures.sandbox import Ready, raw_call, sandbox_process

AVATARS = 10_000
TIMBRES = 2_000


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ready]:
    yield from sandbox_process(
        tmp_path_factory.mktemp("large"), "--catalog-size", str(AVATARS), "--timbre-count", str(TIMBRES)
    )


def every_page(ready: Ready, name: str, items: str, **payload: Any) -> tuple[list[dict[str, Any]], int]:
    """Every item of a paged query, 100 at a time, and the Total the first page announced."""
    path = spec.endpoint(name).path
    found: list[dict[str, Any]] = []
    total = -1
    index = 1
    while total < 0 or len(found) < total:
        answer = raw_call(ready, path, {**payload, "PageIndex": index, "PageSize": 100})
        assert answer["Header"]["Code"] == 0, answer["Header"]
        page = answer["Payload"][items]
        total = answer["Payload"]["Total"] if total < 0 else total
        assert page, f"page {index} of {name} is empty before Total ({total}) was reached"
        found += page
        index += 1
    return found, total


def test_every_timbre_pages_out_once_with_the_default_ones_first(large: Ready, sandbox: Ready) -> None:
    timbres, total = every_page(large, "assets.describetimbre", "TimbreAssets")
    keys = [t["TimbreKey"] for t in timbres]
    assert total == TIMBRES and len(keys) == len(set(keys)) == TIMBRES
    default, default_total = every_page(sandbox, "assets.describetimbre", "TimbreAssets")
    assert default_total == DEFAULT_TIMBRE_COUNT == 24
    assert timbres[:24] == [{**t, "TimbreSample": t["TimbreSample"].replace(sandbox.api, large.api)} for t in default]
    assert {t["TimbreGender"] for t in timbres} == {1, 2}
    assert {t["TimbreType"] for t in timbres} == {"Boutique", "SampleBasic", "SampleFast"}
    spoken = {language for t in timbres for language in t.get("TimbreLanguages", ())}
    assert {"en-US", "zh-CN", "en-GB", "ja-JP", "fr-FR", "de-DE"} <= spoken  # among the multilingual ones
    with_emotions = sum(1 for t in timbres if t.get("EmotionalCategories"))
    assert TIMBRES // 4 < with_emotions < TIMBRES // 2  # a third, as among the first 24


def test_every_small_sample_avatar_pages_out_once(large: Ready) -> None:
    avatars, total = every_page(large, "assets.describesmallsampleimage", "Virtualmans")
    keys = {a["VirtualmanKey"] for a in avatars}
    assert len(keys) == total == len(avatars) > AVATARS // 3


def test_a_large_catalogue_is_the_same_every_time() -> None:
    first, second = catalog.build(AVATARS, TIMBRES), catalog.build(AVATARS, TIMBRES)
    assert [a.key for a in first.avatars] == [a.key for a in second.avatars]
    assert first.timbres == second.timbres and first.files() == second.files()
    assert len({a.key for a in first.avatars}) == len(first.avatars) == AVATARS + len(catalog.DOC_AVATARS)


def test_lookups_and_files_follow_what_is_appended() -> None:
    seeded = catalog.build(DEFAULT_CATALOG_SIZE)
    first = seeded.avatars[0]
    assert seeded.avatar(first.key) is first and seeded.avatar("not-yet") is None
    assert seeded.files()[first.pose_path] == first.anchor.name
    # What a successful customization does (custom_tasks.py): append to the lists, after the indexes were made.
    anchor = catalog.Anchor("custom_anchor", "Custom Anna", "small_sample_2d", "Basic", "FEMALE")
    avatar = catalog.Avatar("not-yet", anchor, "Custom", "Standing", "1080x1920", 1.0, ("Text",))
    timbre = catalog.Timbre("custom_voice", "Cloned", "Cloned voice", 2, "SampleFast", "Custom", ("en-US",), (), ())
    seeded.anchors.append(anchor)
    seeded.avatars.append(avatar)
    seeded.timbres.append(timbre)
    assert seeded.avatar("not-yet") is avatar and seeded.anchor("custom_anchor") is anchor
    assert seeded.timbre("custom_voice") is timbre
    assert "catalog/avatar/not-yet/pose.png" in seeded.files()
    assert "catalog/timbre/custom_voice.wav" in seeded.files()
    # The first of two records with one code is found, as a scan finds it.
    seeded.anchors.append(catalog.Anchor("custom_anchor", "Another", "small_sample_2d", "Basic", "MALE"))
    assert seeded.anchor("custom_anchor") is anchor


def test_no_timbre_at_all_is_a_valid_account(tmp_path: Path) -> None:
    empty = catalog.build(DEFAULT_CATALOG_SIZE, 0)
    assert empty.timbres == [] and empty.avatars
    refused = subprocess.run(
        [sys.executable, "-m", "desktop.sandbox", "--data-dir", str(tmp_path), "--timbre-count", "-1"],
        check=False, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert refused.returncode == 2 and "--timbre-count must be at least 0" in refused.stderr
