"""The Assets pages beyond the first three: anchors (current and legacy), actions per 3D avatar (crm and legacy),
the deprecated per-avatar timbres, the facets that narrow each page, the initial size and colour swatches of the
detail pane, and the reusable avatar picker. All against the sandbox, over real sockets."""

from __future__ import annotations

from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QUrl
from PySide6.QtGui import QGuiApplication

from desktop.api.assets import Avatar, Timbre
from desktop.ui.assets import facets
from desktop.ui.assets.browser import RecordBrowser
from desktop.ui.assets.models import ActionEntry, AnchorEntry
from desktop.ui.assets.page import THREE_D, AssetsPage
from desktop.ui.common.facet_bar import Facet
from desktop.ui.common.pickers import avatar_button
from desktop.ui.common.sample_player import SampleState
from tests.fixtures.app import AppFactory
from tests.gui.test_assets_page import assets_page, shown
from tests.gui.test_sample_player import silent  # noqa: F401 - a fixture


def loaded(qtbot: QtBot, make_app: AppFactory) -> AssetsPage:
    page = assets_page(qtbot, make_app)
    qtbot.waitUntil(lambda: page.snapshot.fetched_at > 0 and not page.snapshot.cached and page.filled, timeout=30000)
    return page


def test_anchors_list_every_type_and_the_legacy_ones_apart(qtbot: QtBot, make_app: AppFactory) -> None:
    page = loaded(qtbot, make_app)
    entries = shown(page.anchors)
    assert all(isinstance(e, AnchorEntry) for e in entries)
    current = {e.anchor.virtualman_type_code for e in entries if isinstance(e, AnchorEntry) and not e.legacy}
    assert current >= {"real_man_2d", "real_man_3d", "small_sample_2d"}
    assert any(isinstance(e, AnchorEntry) and e.legacy for e in entries)
    assert page.anchors.facet_bar.choose("source", "1")
    assert shown(page.anchors) and all(isinstance(e, AnchorEntry) and e.legacy for e in shown(page.anchors))
    # a legacy anchor's images are looked up with getresourcebyanchor when it is chosen
    page.tabs.setCurrentWidget(page.anchors)
    page.anchors.table.selectRow(0)
    chosen = page.anchors.selected()
    assert isinstance(chosen, AnchorEntry)
    mine = [a for a in page.snapshot.avatars if a.anchor_code == chosen.anchor.anchor_code]
    qtbot.waitUntil(lambda: "Looking them up" not in page.anchors.details.toPlainText(), timeout=15000)
    text = page.anchors.details.toPlainText()
    assert "legacy getresourcebyanchor" in text and "Legacy (broadcastservice)" in text
    assert all(a.virtualman_key in text for a in mine)


def test_an_anchor_leads_to_its_avatars(qtbot: QtBot, make_app: AppFactory) -> None:
    page = loaded(qtbot, make_app)
    page.anchors.facet_bar.choose("source", "0")
    page.anchors.table.selectRow(0)
    chosen = page.anchors.selected()
    assert isinstance(chosen, AnchorEntry)
    page.anchors._link_clicked(QUrl(f"avatars:{chosen.anchor.anchor_code}"))
    assert page.tabs.currentWidget() is page.avatars
    found = shown(page.avatars)
    assert found and all(isinstance(a, Avatar) and a.anchor_code == chosen.anchor.anchor_code for a in found)


def test_each_facet_narrows_to_the_records_that_have_it(qtbot: QtBot, make_app: AppFactory) -> None:
    page = loaded(qtbot, make_app)
    pages: tuple[tuple[RecordBrowser, tuple[Facet[Any], ...]], ...] = (
        (page.avatars, facets.AVATAR_FACETS),
        (page.timbres, facets.TIMBRE_FACETS),
        (page.anchors, facets.ANCHOR_FACETS),
        (page.quotas, facets.QUOTA_FACETS),
    )
    for browser, declared in pages:
        everything = shown(browser)
        for facet in declared:
            combo = browser.facet_bar.combos[facet.key]
            if combo.count() < 3:
                continue  # one value only: hidden, it narrows nothing
            value = combo.itemData(1)
            browser.facet_bar.choose(facet.key, value)
            narrowed = shown(browser)
            assert narrowed and len(narrowed) < len(everything), (facet.key, value)
            assert all(value in facet.values(r) for r in narrowed), (facet.key, value)
            assert len(narrowed) == sum(1 for r in everything if value in facet.values(r))
            browser.facet_bar.choose(facet.key, None)
        assert sorted(map(repr, shown(browser))) == sorted(map(repr, everything))  # ties may come back reordered
    # the sandbox's timbres spread over languages, genders and emotions: those facets are offered
    for key in ("gender", "language", "emotion", "type"):
        assert page.timbres.facet_bar.combos[key].count() >= 3, key
    assert page.avatars.facet_bar.combos["type"].count() >= 3


def test_facets_and_search_combine_and_say_when_nothing_matches(qtbot: QtBot, make_app: AppFactory) -> None:
    page = loaded(qtbot, make_app)
    page.avatars.facet_bar.choose("type", "real_man_3d")
    qtbot.keyClicks(page.search, "small_sample")
    assert shown(page.avatars) == []
    assert "small_sample" in page.avatars.placeholder.text()


def test_actions_of_a_3d_avatar_in_both_queries(qtbot: QtBot, make_app: AppFactory) -> None:
    page = loaded(qtbot, make_app)
    chosen = page.action_avatar.current
    assert isinstance(chosen, Avatar) and chosen.virtualman_type_code in THREE_D
    qtbot.waitUntil(lambda: len(shown(page.action_browser)) > 0, timeout=15000)
    entries = shown(page.action_browser)
    assert all(
        isinstance(e, ActionEntry) and not e.legacy and e.virtualman_key == chosen.virtualman_key for e in entries
    )
    assert any(isinstance(e, ActionEntry) and e.action.code == "bow" for e in entries)
    page.action_source.setCurrentIndex(1)
    qtbot.waitUntil(
        lambda: any(isinstance(e, ActionEntry) and e.legacy for e in shown(page.action_browser)), timeout=15000
    )
    page.action_browser.table.selectRow(0)
    assert "Legacy (broadcastservice)" in page.action_browser.details.toPlainText()


def test_deprecated_timbres_bound_to_an_avatar(qtbot: QtBot, make_app: AppFactory) -> None:
    page = loaded(qtbot, make_app)
    page.tabs.setCurrentWidget(page.timbres)
    page.timbre_source.setCurrentIndex(1)  # getimagetimbre
    assert page.timbre_avatar.isVisible()
    assert "Choose an avatar" in page.timbres.placeholder.text()
    page.timbre_avatar.set_current(page.snapshot.avatars[0])
    qtbot.waitUntil(lambda: len(shown(page.timbres)) > 0, timeout=15000)
    assert all(isinstance(t, Timbre) for t in shown(page.timbres))
    page.timbre_source.setCurrentIndex(2)  # gettimbre
    qtbot.waitUntil(lambda: len(shown(page.timbres)) > 0, timeout=15000)
    page.timbre_source.setCurrentIndex(0)
    assert len(shown(page.timbres)) == len(page.snapshot.timbres)


def test_initial_size_and_colour_swatches(qtbot: QtBot, make_app: AppFactory) -> None:
    page = loaded(qtbot, make_app)
    page.avatars.facet_bar.choose("type", "real_man_3d")
    page.avatars.table.selectRow(0)
    avatar = page.avatars.selected()
    assert isinstance(avatar, Avatar) and avatar.extra_params
    qtbot.waitUntil(lambda: avatar.pose_image in page.pose_sizes, timeout=15000)
    width, height = page.pose_sizes[avatar.pose_image]
    assert width > 0 and height > 0
    expected = f"{round(width * avatar.origin_zoom)} × {round(height * avatar.origin_zoom)} px"
    assert expected in page.avatars.details.toPlainText()
    html = page.avatars.details.toHtml()
    key = avatar.extra_params[0].key
    assert f"swatch:{key}:" in html
    page.avatars._link_clicked(QUrl(f"swatch:{key}:10491928"))
    assert QGuiApplication.clipboard().text() == f'{{"{key}": {{"colorValue": 10491928}}}}'


def test_the_avatar_picker_finds_by_words_and_chooses_with_enter(qtbot: QtBot, make_app: AppFactory) -> None:
    page = loaded(qtbot, make_app)
    button = avatar_button("Choose…")
    qtbot.addWidget(button)
    button.set_records(page.snapshot.avatars)
    target = page.snapshot.avatars[-1]
    with qtbot.waitSignal(button.changed, timeout=5000) as chosen:
        picker = button.open_picker()
        qtbot.keyClicks(picker.search, f"{target.virtualman_key[:10]} {target.anchor_name}")
        assert picker.proxy.rowCount() == 1
        qtbot.keyClick(picker.search, "\r")
    assert chosen.args == [target]
    assert button.current == target and target.anchor_name in button.text()


@pytest.mark.usefixtures("silent")
def test_a_timbre_sample_plays_from_the_details_and_choosing_another_stops_it(
    qtbot: QtBot, make_app: AppFactory
) -> None:
    page = loaded(qtbot, make_app)
    page.tabs.setCurrentWidget(page.timbres)
    player = page.timbres.player
    assert player is not None
    page.timbres.table.selectRow(0)
    chosen = page.timbres.selected()
    assert isinstance(chosen, Timbre) and player.url == chosen.sample_url
    with qtbot.waitSignal(player.finished, timeout=30000):
        player.play()
    assert player.state is SampleState.ENDED
    player.play()
    qtbot.waitUntil(lambda: player.state in (SampleState.OPENING, SampleState.PLAYING), timeout=5000)
    page.timbres.table.selectRow(1)
    second = page.timbres.selected()
    assert isinstance(second, Timbre) and player.url == second.sample_url and player.state.name == "IDLE"
