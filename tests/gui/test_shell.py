"""The app shell as a user meets it: the window, its areas and shortcuts, the status bar, Settings, Test
connection, the Activity log, and what is remembered between runs."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.app import App
from desktop.services import settings as opt
from desktop.services.secrets import SERVICE
from desktop.services.settings import Settings
from desktop.ui.assets.page import AssetsPage
from desktop.ui.pages import AREA_KEYS, PlannedPage
from desktop.ui.settings.dialog import SettingsDialog
from tests.fixtures.app import AppFactory, started
from tests.fixtures.memory_keyring import MemoryKeyring
from tests.fixtures.scripted_server import Received, Reply, ScriptedServer

ASSETS_REPLY = Reply({"ServiceAssetInfos": [], "Total": 0})


def settings_dialog(qtbot: QtBot, app: App, profile: str) -> SettingsDialog:
    assert app.connection is not None
    dialog = SettingsDialog(app.connection, app.window)
    qtbot.addWidget(dialog)
    dialog.profile.setCurrentIndex(dialog.profile.findData(profile))
    return dialog


def use_custom_profile(data_dir: Path, server: ScriptedServer, keyring: MemoryKeyring, token: str = "") -> None:
    settings = Settings(data_dir / "settings.ini")
    settings.set(opt.PROFILE, "custom")
    settings.set(opt.CUSTOM_API_URL, server.url)
    settings.set(opt.APPKEY_CUSTOM, server.appkey)
    settings.sync()
    keyring.store[(SERVICE, "access-token/custom")] = token or server.access_token


def test_the_window_opens_and_connects_to_the_sandbox(qtbot: QtBot, make_app: AppFactory) -> None:
    app = make_app()
    app.start()
    qtbot.waitExposed(app.window)
    window = app.window
    assert window.health.text.text() == "Starting…"
    qtbot.waitUntil(lambda: app.ready, timeout=10000)
    assert window.settings_action is not None and window.settings_action.isEnabled()
    titles = [window.navigation.item(row).text() for row in range(window.navigation.count())]
    assert titles == ["Assets", "Customize", "Video Studio", "Live", "Activity"]
    assert window.profile_label.text() == "Sandbox"
    qtbot.waitUntil(lambda: window.health.health == "ok", timeout=30000)
    assert window.health.toolTip().startswith("Connected to http://127.0.0.1:")
    assert any(entry.title == "assets.getserviceasset" for entry in app.activity.entries)


def test_a_sandbox_that_cannot_start_is_explained(qtbot: QtBot, make_app: AppFactory) -> None:
    app = started(qtbot, make_app())
    assert app.connection is not None
    qtbot.waitUntil(lambda: app.window.health.health == "ok", timeout=30000)
    assert app.engine is not None
    app.engine.submit(app.connection.sandbox.stop()).result(10)  # a running sandbox would be reused
    app.connection.sandbox.python = "/nonexistent/python3"
    app.connection.reconnect()
    qtbot.waitUntil(lambda: app.window.health.health == "error", timeout=20000)
    tooltip = app.window.health.toolTip()
    assert tooltip.startswith("Sandbox not available: the sandbox could not be started")
    assert tooltip.endswith("A cloud profile can be chosen in File → Settings (Ctrl+,).")
    page = app.window.page("customize")
    assert isinstance(page, PlannedPage) and "Sandbox not available" in page.connection.text()
    assert any("Sandbox not available" in entry.detail for entry in app.activity.entries)


def test_keyboard_shortcuts_move_between_areas(qtbot: QtBot, make_app: AppFactory) -> None:
    app = started(qtbot, make_app())
    window = app.window
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    assert window.current_area() == "activity"
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.current_area() == "studio"
    assert window.settings_action is not None
    assert window.settings_action.shortcut().toString() in ("Ctrl+,", "Ctrl+Comma")


def test_geometry_and_last_page_are_remembered(qtbot: QtBot, make_app: AppFactory) -> None:
    first = make_app()
    first.start()
    qtbot.waitExposed(first.window)
    first.window.resize(900, 640)
    first.window.show_area("live")
    qtbot.waitUntil(lambda: first.window.size().width() == 900)
    first.shutdown()

    second = make_app()
    assert second.window.current_area() == "live"
    assert (second.window.width(), second.window.height()) == (900, 640)


def test_the_first_page_is_built_once_the_window_is_on_screen(qtbot: QtBot, make_app: AppFactory) -> None:
    """The window shows first (bench/startup.py), the remembered area's page right after, in place; a page asked
    for before that takes its slot on screen too."""
    app = make_app()
    window = app.window
    assert window.current_area() == "assets" and not isinstance(window.pages.currentWidget(), AssetsPage)
    app.start()
    qtbot.waitUntil(lambda: isinstance(window.pages.currentWidget(), AssetsPage), timeout=5000)
    assert window.current_area() == "assets" and window.navigation.currentRow() == 0

    early = make_app()
    page = early.window.page("assets")  # asked for before the first show (as bench/assets.py does)
    assert early.window.pages.currentWidget() is page
    early.start()
    qtbot.waitExposed(early.window)
    assert early.window.pages.currentWidget() is page and early.window.page("assets") is page


def test_settings_keep_the_token_in_the_keyring_only(
    qtbot: QtBot, make_app: AppFactory, memory_keyring: MemoryKeyring, data_dir: Path
) -> None:
    app = started(qtbot, make_app())
    memory_keyring.store[(SERVICE, "access-token/international")] = "old-token"
    dialog = settings_dialog(qtbot, app, "international")
    qtbot.waitUntil(dialog.token.isEnabled)  # read off the GUI thread
    assert dialog.token.text() == "old-token"
    dialog.appkey.setText("  my-appkey ")
    dialog.token.setText("my-secret-token")
    assert dialog.token.echoMode() == dialog.token.EchoMode.Password
    with qtbot.waitSignal(dialog.saved):
        dialog.accept()
    assert app.settings.get(opt.PROFILE) == "international"
    assert app.settings.get(opt.APPKEY_INTERNATIONAL) == "my-appkey"
    assert memory_keyring.store[(SERVICE, "access-token/international")] == "my-secret-token"
    assert "my-secret-token" not in (data_dir / "settings.ini").read_text(encoding="utf-8")
    assert app.window.profile_label.text() == "International"


def test_settings_refuse_a_custom_profile_without_an_address(qtbot: QtBot, make_app: AppFactory) -> None:
    app = started(qtbot, make_app())
    dialog = settings_dialog(qtbot, app, "custom")
    dialog.api_url.setText("gw.example.com")
    dialog.accept()
    assert dialog.result() == 0
    assert "must start with http:// or https://" in dialog.problem.text()
    assert app.settings.get(opt.PROFILE) == "sandbox"


@pytest.mark.parametrize(
    ("token", "reachable", "skew", "expected"),
    [
        (None, True, 0.0, "Connected to http://127.0.0.1:"),
        ("wrong-token", True, 0.0, "refused the appkey or access token (code 100005"),
        (None, False, 0.0, "Cannot reach http://127.0.0.1:"),
        (None, True, 600.0, "but this computer's clock is +10.0 minutes off the server's"),
    ],
)
def test_test_connection_reports_the_outcome_in_words(
    qtbot: QtBot,
    make_app: AppFactory,
    scripted_server: ScriptedServer,
    token: str | None,
    reachable: bool,
    skew: float,
    expected: str,
) -> None:
    scripted_server.default = ASSETS_REPLY
    scripted_server.skew = skew
    app = started(qtbot, make_app())
    dialog = settings_dialog(qtbot, app, "custom")
    url = scripted_server.url
    if not reachable:
        scripted_server.stop()
    dialog.api_url.setText(url)
    dialog.appkey.setText(scripted_server.appkey)
    qtbot.waitUntil(dialog.token.isEnabled)
    dialog.token.setText(token or scripted_server.access_token)
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.test_button.isEnabled() and dialog.test_result.text() != "Testing…", timeout=30000)
    assert dialog.test_result.text().startswith(expected) or expected in dialog.test_result.text()


def test_a_settings_dialog_closed_during_its_test_gets_no_answer(
    qtbot: QtBot, make_app: AppFactory, scripted_server: ScriptedServer
) -> None:
    """The dialog is deleted on Cancel while its Test connection is on the wire: the answer is dropped, not
    delivered to a dead widget (which used to log an error)."""
    answer = threading.Event()
    asked = threading.Event()

    def held(_request: Received) -> Reply:
        asked.set()
        answer.wait(20)
        return ASSETS_REPLY

    scripted_server.default = held
    app = started(qtbot, make_app())
    qtbot.waitUntil(lambda: app.window.health.health == "ok", timeout=30000)
    assert app.bridge is not None
    dialog = settings_dialog(qtbot, app, "custom")
    dialog.api_url.setText(scripted_server.url)
    dialog.appkey.setText(scripted_server.appkey)
    qtbot.waitUntil(dialog.token.isEnabled)
    dialog.token.setText(scripted_server.access_token)
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(asked.is_set, timeout=10000)
    with qtbot.waitSignal(dialog.destroyed):
        dialog.reject()
        dialog.deleteLater()
    answer.set()
    qtbot.waitUntil(lambda: app.bridge is not None and app.bridge.in_flight == 0, timeout=10000)
    assert app.bridge.dropped == 1


def test_requests_reach_the_activity_log_without_secrets(
    qtbot: QtBot,
    make_app: AppFactory,
    scripted_server: ScriptedServer,
    memory_keyring: MemoryKeyring,
    data_dir: Path,
) -> None:
    scripted_server.default = ASSETS_REPLY
    use_custom_profile(data_dir, scripted_server, memory_keyring)
    app = started(qtbot, make_app())
    qtbot.waitUntil(lambda: app.window.health.health == "ok", timeout=20000)
    assert app.window.profile_label.text() == "Custom"
    requests = [e for e in app.activity.entries if e.kind == "request"]
    assert requests and requests[0].title == "assets.getserviceasset"
    page = app.window.activity_page
    assert page.model.rowCount() == len(app.activity.entries)
    everything = " ".join(f"{e.title} {e.detail}" for e in app.activity.entries)
    assert scripted_server.access_token not in everything
    assert scripted_server.received[0].query["signature"] not in everything
    page.filter.setText("getserviceasset")
    matching = [e for e in app.activity.entries if "getserviceasset" in f"{e.kind} {e.title} {e.detail}".lower()]
    assert page.proxy.rowCount() == len(matching) >= 1


def test_the_activity_page_filters_copies_and_clears(qtbot: QtBot, make_app: AppFactory) -> None:
    app = make_app()
    app.activity.add("event", "first thing", "detail one")
    app.activity.add("event", "second thing", "detail two", "error")
    page = app.window.activity_page
    page.filter.setText("second")
    assert page.proxy.rowCount() == 1
    page.table.selectAll()
    page.copy_selection()
    assert "second thing\tdetail two" in QApplication.clipboard().text()
    page.clear_button.click()
    assert page.model.rowCount() == 0


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "desktop", *args]
    return subprocess.run(command, check=False, capture_output=True, text=True, env=env, timeout=60)


def test_the_command_line(tmp_path: Path) -> None:
    no_display = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    env = {key: value for key, value in os.environ.items() if key not in no_display}
    helped = run_cli("--help", env=env)
    assert helped.returncode == 0 and "--profile" in helped.stdout and "--data-dir" in helped.stdout
    headless = run_cli("--data-dir", str(tmp_path), env=env)
    assert headless.returncode == 2
    assert "needs a display" in headless.stderr
    wrong = run_cli("--profile", "moon")
    assert wrong.returncode == 2 and "invalid choice: 'moon'" in wrong.stderr


def test_every_area_has_a_page() -> None:
    assert AREA_KEYS == ("assets", "customize", "studio", "live", "activity")
