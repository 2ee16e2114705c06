"""The Live panel's second part against the sandbox (real nginx-rtmp, libvlc in a real X window): the whole session
form (a lightweight avatar's text said through tts as audio; a project session; a UserId already streaming is
named), streaming text, the picture editor's one update per 5 s, the idle guard, the account's sessions (adopted,
closed all), a channel dropped by the sandbox and the next drive, and status 4 in words."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QTableWidget, QTableWidgetItem

from desktop.app import App
from desktop.services.live_session import LiveSession
from desktop.ui.live.page import LivePage
from tests.fixtures.app import AppFactory
from tests.gui.test_live_page import live_page, picture

pytestmark = pytest.mark.vlc


def cell(table: QTableWidget, row: int, column: int) -> QTableWidgetItem:
    item = table.item(row, column)
    assert item is not None
    return item


def go_live(qtbot: QtBot, page: LivePage) -> LiveSession:
    session = page.session
    assert session is not None
    if page.avatar.current is None:
        page.avatar.set_current(page.avatar.records[0])
    qtbot.waitUntil(page.create_button.isEnabled, timeout=5000)
    page.create_button.click()
    qtbot.waitUntil(lambda: session.status.phase == "live" and session.channel_state.state == "open", timeout=30000)
    return session


def close(qtbot: QtBot, page: LivePage) -> None:
    session = page.session
    assert session is not None
    page.close_button.click()
    qtbot.waitUntil(lambda: session.status.phase == "closed", timeout=15000)


def sandbox_fault(app: App, **request: Any) -> None:
    assert app.connection is not None
    info = app.connection.sandbox.info
    assert info is not None
    httpx.post(f"{info.api}/_sandbox/faults", json=request, timeout=10).raise_for_status()


def test_a_lightweight_avatar_speaks_texts_as_audio_with_its_chosen_voice(
    qtbot: QtBot, make_app: AppFactory, data_dir: Path
) -> None:
    app, page = live_page(qtbot, make_app, data_dir)
    form = page.form
    form.driver.setCurrentIndex(form.driver.findData(3))
    form.lightweight.setChecked(True)
    form.timbre.set_current(form.timbre.records[0])
    form.speed.setValue(120)
    avatar = page.avatar.records[0]
    form.layers.add_button.click()
    cell(form.layers.table, 0, 1).setText(avatar.header_image)  # a picture the platform can reach
    for column, value in ((4, 64), (5, 64)):
        cell(form.layers.table, 0, column).setText(str(value))
    for _ in range(5):
        form.layers.add_button.click()
    assert form.layers.table.rowCount() == 5 and not form.layers.add_button.isEnabled()  # at most 5 layers
    for _ in range(4):
        form.layers.remove_selected()
    session = go_live(qtbot, page)
    assert session.status.speak_text_as_audio and session.status.driver_type == 3
    assert not page.details.isHidden() and page.details.session_id.text() == session.status.session_id

    page.text.setPlainText("Spoken through the text to speech service.")
    qtbot.keyClick(page.text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(page.drives) == 1, timeout=5000)
    drive = next(iter(page.drives.values()))
    qtbot.waitUntil(lambda: "AudioOver" in drive.seen, timeout=30000)
    assert "AudioStart" in drive.seen and "TextStart" not in drive.seen
    assert page.pacer.latest is not None and page.pacer.latest.audio_ms > 1000
    assert app.connection is not None and app.engine is not None and app.connection.client is not None
    listed = app.engine.submit(app.connection.client.sessions.list_all()).result(10)
    assert [s.driver_type for s in listed if s.session_id == session.status.session_id] == [3]
    close(qtbot, page)


def test_a_project_session_and_a_userid_already_streaming(qtbot: QtBot, make_app: AppFactory, data_dir: Path) -> None:
    app, page = live_page(qtbot, make_app, data_dir)
    account, engine, connection = page.account, app.engine, app.connection
    assert account is not None and engine is not None and connection is not None and connection.client is not None
    key = page.avatar.records[0].virtualman_key
    other = engine.submit(connection.client.sessions.create_by_asset(key, "shared-viewer")).result(20)
    with qtbot.waitSignal(account.listed, timeout=10000):
        account.refresh()
    form = page.form
    form.by_project.setChecked(True)
    form.project.setText(key)  # the sandbox's projects are its avatars ("the same as the previous VirtualmanKey")
    form.timbre.set_current(form.timbre.records[0])
    assert form.request().timbre_key == ""  # a project's voice is the project's
    form.user_id.setText("shared-viewer")
    session = page.session
    assert session is not None
    page.create_button.click()
    question = page.clash_question  # asked before the platform closes the other stream
    assert question is not None and other.session_id in question.text()
    next(b for b in question.buttons() if question.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole).click()
    qtbot.waitUntil(lambda: session.status.phase == "live", timeout=30000)
    status = engine.submit(connection.client.sessions.status(other.session_id)).result(10)
    assert status.status == 2  # the cloud's rule: the same UserId closed the older stream
    close(qtbot, page)


def test_a_session_closed_here_is_no_clash_for_the_next_with_its_userid(
    qtbot: QtBot, make_app: AppFactory, data_dir: Path
) -> None:
    """The account's listing (the Sessions tab) still shows the session open until it is asked again; closing it
    here is enough to know it no longer streams, so the same UserId goes live again without a warning."""
    _app, page = live_page(qtbot, make_app, data_dir)
    account = page.account
    assert account is not None
    first = go_live(qtbot, page)
    user_id, closed_id = page.form.user_id.text(), first.status.session_id
    with qtbot.waitSignal(account.listed, timeout=10000):
        account.refresh()
    assert account.open_with_user(user_id) is not None  # listed while it streamed
    close(qtbot, page)
    assert account.open_with_user(user_id) is None
    assert page.form.user_id.text() == user_id
    page.create_button.click()
    assert page.clash_question is None
    qtbot.waitUntil(lambda: page.session is not None and page.session.status.phase == "live", timeout=30000)
    assert page.session is not None and page.session.status.session_id != closed_id
    close(qtbot, page)


def test_streaming_text_is_sent_as_it_is_typed(qtbot: QtBot, make_app: AppFactory, data_dir: Path) -> None:
    _app, page = live_page(qtbot, make_app, data_dir)
    session = go_live(qtbot, page)
    sent: list[tuple[str, bool]] = []
    page.drive.stream_fragment.connect(lambda text, final: sent.append((text, final)))
    page.drive.streaming.setChecked(True)
    qtbot.keyClicks(page.text, "Streaming text, typed by hand. Then")
    assert [text for text, _ in sent] == ["Streaming text,", " typed by hand."]
    qtbot.waitUntil(lambda: len(page.drives) == 1, timeout=5000)
    drive = next(iter(page.drives.values()))
    qtbot.waitUntil(lambda: "TextStart" in drive.seen, timeout=10000)  # speaking before the text is finished
    qtbot.keyClicks(page.text, " the end.")
    qtbot.keyClick(page.text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert sent[-1] == ("", True) and page.text.toPlainText() == ""  # the last clause went as it was typed
    assert "".join(text for text, _ in sent) == "Streaming text, typed by hand. Then the end."
    qtbot.waitUntil(lambda: "TextOver" in drive.seen, timeout=30000)
    assert len(page.drives) == 1 and not [row for row in page.drives.values() if "Error" in row.seen]
    assert session.status.phase == "live"
    close(qtbot, page)


def test_the_picture_editor_applies_the_latest_change_once_per_five_seconds(
    qtbot: QtBot, make_app: AppFactory, data_dir: Path
) -> None:
    _app, page = live_page(qtbot, make_app, data_dir)
    go_live(qtbot, page)
    updates = page.pictures
    assert updates is not None and page.picture.isEnabled()
    applied: list[Any] = []
    updates.applied.connect(applied.append)
    with qtbot.waitSignal(updates.applied, timeout=10000):
        page.picture.zoom.setValue(0.8)
    page.picture.zoom.setValue(0.7)  # within the 5 s: waits
    page.picture.position.setValue(0.2)  # overtakes it
    assert "5 s" in page.picture.state.text()
    qtbot.waitUntil(lambda: len(applied) == 2, timeout=12000)
    assert applied[1].space["ImageZoom"] == 0.7 and applied[1].space["ImagePosition"] == 0.2
    assert applied[0].space["ImageZoom"] == 0.8
    close(qtbot, page)


def test_an_idle_session_is_warned_about_then_closed(qtbot: QtBot, make_app: AppFactory, data_dir: Path) -> None:
    _app, page = live_page(qtbot, make_app, data_dir)
    session = page.session
    assert session is not None
    session.idle_close_s = 4.0  # warned in the last 2 s
    session = go_live(qtbot, page)
    qtbot.waitUntil(page.idle_banner.isVisible, timeout=10000)
    assert "closes in" in page.idle_words.text()
    page.keep_button.click()
    assert not page.idle_banner.isVisible()
    qtbot.waitUntil(page.idle_banner.isVisible, timeout=10000)
    qtbot.waitUntil(lambda: session.status.phase == "closed", timeout=15000)
    assert "without a drive" in page.state_label.text() or not page.idle_banner.isVisible()


def test_sessions_of_the_account_are_adopted_and_closed(qtbot: QtBot, make_app: AppFactory, data_dir: Path) -> None:
    app, page = live_page(qtbot, make_app, data_dir)
    engine, connection = app.engine, app.connection
    assert engine is not None and connection is not None and connection.client is not None
    client = connection.client
    key = page.avatar.records[0].virtualman_key
    ids = [engine.submit(client.sessions.create_by_asset(key, f"elsewhere-{n}")).result(20).session_id for n in (1, 2)]
    panel = page.sessions
    page.tabs.setCurrentWidget(panel)
    qtbot.waitUntil(lambda: {s.session_id for s in panel.sessions} >= set(ids), timeout=15000)
    row = next(r for r in range(panel.table.rowCount()) if cell(panel.table, r, 0).text() == ids[0])
    panel.table.selectRow(row)
    assert panel.adopt_button.isEnabled()
    panel.adopt_button.click()
    session = page.session
    assert session is not None
    qtbot.waitUntil(lambda: session.status.phase == "live" and session.status.session_id == ids[0], timeout=30000)
    qtbot.waitUntil(lambda: page.stream.state == "playing", timeout=20000)
    qtbot.waitUntil(lambda: float(picture(page).mean()) > 20, timeout=10000)  # the adopted stream plays here
    panel.refresh()
    qtbot.waitUntil(lambda: panel.driven == ids[0] and panel.close_all_button.isEnabled(), timeout=10000)
    panel.close_all_button.click()
    question = panel._question
    assert question is not None and ids[1] in question.informativeText() and ids[0] not in question.informativeText()
    next(b for b in question.buttons() if question.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole).click()
    qtbot.waitUntil(lambda: not panel.close_all_button.isEnabled() and bool(panel.sessions), timeout=15000)
    statuses = {s.session_id: s.status for s in engine.submit(client.sessions.list_all()).result(10)}
    assert statuses.get(ids[1], 2) == 2 and statuses[ids[0]] == 1  # the one driven here is left to its Close button
    close(qtbot, page)


def test_a_dropped_channel_comes_back_and_the_next_drive_works(
    qtbot: QtBot, make_app: AppFactory, data_dir: Path
) -> None:
    app, page = live_page(qtbot, make_app, data_dir)
    session = go_live(qtbot, page)
    sandbox_fault(app, fault="drop_channel", session_id=session.status.session_id)
    page.text.setPlainText("This drops the channel.")  # the sandbox drops it at the next message
    page.send_button.click()
    qtbot.waitUntil(
        lambda: session.channel_state.reconnects >= 1 and session.channel_state.state == "open", timeout=10000
    )
    assert "reconnected 1 time" in page.channel_label.full_text()
    page.text.setPlainText("And this is said after the reconnect.")
    page.send_button.click()
    qtbot.waitUntil(lambda: any(row.item.text(1).startswith("And this") for row in page.drives.values()))
    after = next(row for row in page.drives.values() if row.item.text(1).startswith("And this"))
    qtbot.waitUntil(lambda: "TextOver" in after.seen, timeout=30000)
    assert "TextStart" in after.seen
    close(qtbot, page)


@pytest.mark.allow_logs("desktop.services.live_session")
def test_a_stream_that_cannot_be_made_is_said_in_words(qtbot: QtBot, make_app: AppFactory, data_dir: Path) -> None:
    app, page = live_page(qtbot, make_app, data_dir)
    session = page.session
    assert session is not None
    sandbox_fault(app, fault="fail_session", count=1)
    page.avatar.set_current(page.avatar.records[0])
    page.create_button.click()
    qtbot.waitUntil(lambda: session.status.phase == "failed", timeout=30000)
    words = page.state_label.text()
    assert words.startswith("The stream could not be made:") and f"(code {session.status.error_code})" in words
    assert session.status.error_code != 0 and session.status.error_message in words
    assert page.create_button.isEnabled()  # a new attempt is one click away
