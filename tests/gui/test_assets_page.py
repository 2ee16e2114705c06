"""The Assets area against the sandbox: the pages fill from the platform, search narrows them word by word, the
detail pane shows the chosen record, Ctrl+C copies its key; offline, the cached catalogue is shown and marked so."""

from __future__ import annotations

import socket
from datetime import datetime, timedelta
from pathlib import Path

from pytestqt.qtbot import QtBot

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QGuiApplication

from desktop.api.assets import Avatar, ServiceAsset, Timbre
from desktop.services import catalog_cache
from desktop.services import settings as opt
from desktop.services.catalog_cache import CatalogSnapshot
from desktop.services.secrets import SERVICE
from desktop.services.settings import Settings
from desktop.ui.assets.page import AssetsPage, RecordBrowser
from desktop.ui.common.handoff import MakeVideoWith, StartLiveWith, UseTimbre
from desktop.ui.common.word_filter import ITEM_ROLE
from desktop.ui.main_window import MainWindow
from desktop.ui.pages import PlannedPage
from tests.fixtures.app import AppFactory, started
from tests.fixtures.memory_keyring import MemoryKeyring


def assets_page(qtbot: QtBot, make_app: AppFactory) -> AssetsPage:
    app = started(qtbot, make_app())
    app.window.show_area("assets")
    page = app.window.page("assets")
    assert isinstance(page, AssetsPage)
    return page


def shown(browser: RecordBrowser) -> list[object]:
    proxy = browser.proxy
    return [proxy.index(row, 0).data(ITEM_ROLE) for row in range(proxy.rowCount(QModelIndex()))]


def test_every_page_fills_from_the_sandbox(qtbot: QtBot, make_app: AppFactory) -> None:
    page = assets_page(qtbot, make_app)
    qtbot.waitUntil(lambda: page.snapshot.fetched_at > 0 and not page.snapshot.cached and page.filled, timeout=30000)
    assert len(shown(page.avatars)) == len(page.snapshot.avatars) > 0
    assert len(shown(page.timbres)) == len(page.snapshot.timbres) > 0
    assert len(shown(page.quotas)) == len(page.snapshot.quotas) > 0
    assert all(isinstance(a, Avatar) for a in shown(page.avatars))
    assert "As of" in page.state.text()


def test_search_keeps_rows_holding_every_word_in_any_order(qtbot: QtBot, make_app: AppFactory) -> None:
    page = assets_page(qtbot, make_app)
    qtbot.waitUntil(lambda: len(shown(page.avatars)) > 0, timeout=30000)
    first = page.snapshot.avatars[0]
    qtbot.keyClicks(page.search, f"{first.resolution} {first.anchor_name.upper()}")
    found = shown(page.avatars)
    assert first in found and len(found) < len(page.snapshot.avatars)
    assert all(isinstance(a, Avatar) and a.resolution == first.resolution for a in found)
    page.search.clear()
    qtbot.keyClicks(page.search, "no-such-avatar-anywhere")
    assert shown(page.avatars) == [] and page.avatars.stack.currentWidget() is page.avatars.placeholder
    assert "no-such-avatar-anywhere" in page.avatars.placeholder.text()


def test_the_detail_pane_shows_the_chosen_record_and_its_key_is_copied(qtbot: QtBot, make_app: AppFactory) -> None:
    page = assets_page(qtbot, make_app)
    page.tabs.setCurrentWidget(page.timbres)
    qtbot.waitUntil(lambda: len(shown(page.timbres)) > 0, timeout=30000)
    page.timbres.table.selectRow(0)
    chosen = page.timbres.selected()
    assert isinstance(chosen, Timbre)
    text = page.timbres.details.toPlainText()
    assert chosen.name in text and chosen.key in text
    page.timbres.table.setFocus()
    qtbot.keyClick(page.timbres.table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == chosen.key


def use_unreachable_custom_profile(data_dir: Path, keyring: MemoryKeyring) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed once this block ends: nothing answers there
    settings = Settings(data_dir / "settings.ini")
    settings.set(opt.PROFILE, "custom")
    settings.set(opt.CUSTOM_API_URL, f"http://127.0.0.1:{port}")
    settings.set(opt.APPKEY_CUSTOM, "key")
    settings.sync()
    keyring.store[(SERVICE, "access-token/custom")] = "offline-test-access-token"


def test_offline_the_cached_catalogue_is_shown_and_marked(
    qtbot: QtBot, make_app: AppFactory, data_dir: Path, memory_keyring: MemoryKeyring
) -> None:
    use_unreachable_custom_profile(data_dir, memory_keyring)
    avatar = Avatar("vk-cached", "Cached Anna", "anna", "Suit", "Standing", "1920x1080", "", "", "", ("Text",))
    timbre = Timbre("tk-cached", "Cached Voice", "", "A voice from last time")
    soon = (datetime.now() + timedelta(days=3, hours=1)).strftime("%Y-%m-%d %H:%M:%S")
    quota = ServiceAsset("ImageAsset", soon, {"ImageAssetInfoDetail": {"CustomizationNum": 5, "RemainNum": 3}})
    snapshot = CatalogSnapshot((avatar,), (timbre,), (quota,), fetched_at=1_700_000_000.0, profile="custom")
    catalog_cache.save(snapshot, catalog_cache.cache_file(data_dir, "custom"))

    page = assets_page(qtbot, make_app)
    qtbot.waitUntil(lambda: shown(page.avatars) == [avatar], timeout=10000)
    qtbot.waitUntil(lambda: "Could not refresh" in page.state.text(), timeout=30000)
    assert "cached" in page.state.text() and "2023-11-14" in page.state.text()
    assert shown(page.timbres) == [timbre] and shown(page.quotas) == [quota]
    window = page.window()
    assert isinstance(window, MainWindow) and window.quota_label.isVisible()  # the most urgent alert, always in view
    assert window.quota_label.text() == "Studio Avatar Image Customization Quota expires in 3 days"
    left = page.quotas.proxy.index(0, 1).data()
    assert left == "3 of 5"


def test_the_cache_keeps_every_field(tmp_path: Path) -> None:
    avatar = Avatar("vk", "Anna", "anna", "Suit", "Standing", "1920x1080", "h.png", "p.png", "c.png", ("Text",),
                    expire_date="2027-01-01 00:00:00", video_duration_ms=5, video_num=2, origin_zoom=0.8)  # fmt: skip
    timbre = Timbre("tk", "Voice", "s.wav", "desc", ("small_sample_2d",), languages=("zh-CN", "en-US"))
    snapshot = CatalogSnapshot((avatar,), (timbre,), (), 12.5, "sandbox")
    path = catalog_cache.cache_file(tmp_path, "sandbox")
    catalog_cache.save(snapshot, path)
    loaded = catalog_cache.load(path)
    assert loaded == snapshot and loaded is not None and loaded.cached
    path.write_text("{ not json", encoding="utf-8")
    assert catalog_cache.load(path) is None  # a broken cache is no cache, not a crash


def test_the_tab_splitter_and_columns_are_remembered(qtbot: QtBot, data_dir: Path) -> None:
    settings = Settings(data_dir / "settings.ini")
    first = AssetsPage(settings)
    qtbot.addWidget(first)
    first.resize(1000, 600)
    first.show()
    first.tabs.setCurrentWidget(first.quotas)
    first.timbres.splitter.setSizes([700, 300])
    first.timbres.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    first.save_state()
    second = AssetsPage(settings)
    qtbot.addWidget(second)
    assert second.tabs.currentWidget() is second.quotas
    assert second.timbres.splitter.saveState() == first.timbres.splitter.saveState()
    header = second.timbres.table.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (1, Qt.SortOrder.DescendingOrder)


def test_the_cross_area_requests_are_routed_with_the_right_key(qtbot: QtBot, make_app: AppFactory) -> None:
    page = assets_page(qtbot, make_app)
    window = page.window()
    assert isinstance(window, MainWindow)
    qtbot.waitUntil(lambda: len(shown(page.avatars)) > 0 and len(shown(page.timbres)) > 0, timeout=30000)
    page.avatars.table.selectRow(0)
    avatar = page.avatars.selected()
    assert isinstance(avatar, Avatar)
    make_video, start_live = (button for button, _ in page.avatars.action_buttons)
    qtbot.mouseClick(make_video, Qt.MouseButton.LeftButton)
    assert window.current_area() == "studio" and window.handoffs["studio"] == MakeVideoWith(avatar.virtualman_key)
    studio = window.page("studio")
    assert isinstance(studio, PlannedPage) and avatar.virtualman_key in studio.handed.text()

    window.show_area("assets")
    qtbot.mouseClick(start_live, Qt.MouseButton.LeftButton)
    assert window.current_area() == "live" and window.handoffs["live"] == StartLiveWith(avatar.virtualman_key)

    window.show_area("assets")
    page.tabs.setCurrentWidget(page.timbres)
    page.timbres.table.selectRow(0)
    timbre = page.timbres.selected()
    assert isinstance(timbre, Timbre)
    (use_timbre, _), *_ = page.timbres.action_buttons
    qtbot.mouseClick(use_timbre, Qt.MouseButton.LeftButton)
    assert window.handoffs.get("studio") == UseTimbre(timbre.key)


def test_actions_wait_for_a_selection(qtbot: QtBot, data_dir: Path) -> None:
    page = AssetsPage(Settings(data_dir / "settings.ini"))
    qtbot.addWidget(page)
    assert all(not button.isEnabled() for button, _ in page.avatars.action_buttons)
