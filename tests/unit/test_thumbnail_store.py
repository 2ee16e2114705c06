"""The thumbnail store on disk: keyed by the address without its query, written whole, and capped in bytes, the
least recently used forgotten first."""

from __future__ import annotations

import os
from pathlib import Path

from desktop.services.thumbnail_store import ThumbnailStore, address_key


def test_a_signed_link_signed_again_finds_the_same_thumbnail(tmp_path: Path) -> None:
    store = ThumbnailStore(tmp_path)
    store.put("https://b.cos.ap.myqcloud.com/a/pose.png?q-signature=one&x=1", b"picture")
    assert store.get("https://B.cos.ap.myqcloud.com/a/pose.png?q-signature=two") == b"picture"
    assert store.get("https://b.cos.ap.myqcloud.com/a/other.png") is None
    assert address_key("http://h/p.png?sig=s#frag") == "http://h/p.png"


def test_no_address_or_signature_reaches_a_file_name_and_nothing_half_written_stays(tmp_path: Path) -> None:
    store = ThumbnailStore(tmp_path)
    store.put("https://host/pose.png?q-signature=secret", b"x" * 10)
    names = [p.name for p in tmp_path.rglob("*") if p.is_file()]
    assert len(names) == 1 and names[0].endswith(".thumb")
    assert not any("secret" in n or "pose" in n or n.endswith(".part") for n in names)


def test_the_cap_forgets_the_least_recently_used_first(tmp_path: Path) -> None:
    store = ThumbnailStore(tmp_path, cap_bytes=1000)
    for number in range(4):
        store.put(f"http://h/{number}.png", bytes(300))
        path = store.path_for(f"http://h/{number}.png")
        os.utime(path, (1000 + number, 1000 + number))  # distinct ages without waiting
    assert store.total_bytes() == 900  # over the cap at the fourth: trimmed to 90% of it
    # 0 was the oldest and went when 3 came in; reading 1 makes it the most recent
    assert store.get("http://h/0.png") is None
    assert store.get("http://h/1.png") == bytes(300)
    store.put("http://h/4.png", bytes(300))
    assert store.get("http://h/1.png") == bytes(300)  # just used: kept
    assert store.get("http://h/2.png") is None  # least recently used: forgotten
    assert store.total_bytes() <= 1000


def test_the_byte_count_survives_a_restart(tmp_path: Path) -> None:
    ThumbnailStore(tmp_path).put("http://h/a.png", bytes(123))
    again = ThumbnailStore(tmp_path)
    assert again.total_bytes() == 123
    again.put("http://h/a.png", bytes(100))  # replaced, not added
    assert again.total_bytes() == 100
