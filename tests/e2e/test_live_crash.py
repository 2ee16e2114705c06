"""An app killed with a live session open finds it at the next start and closes it: the first run (a process of its
own, live_crash_child.py) creates a session from the Live panel and is killed with SIGKILL; the sandbox, which stands
for the cloud, outlives it; the next start of the app on the same data directory asks about the session, says it
was left open by an earlier run of this app, and closes it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop.services import settings as opt
from desktop.services.secrets import SERVICE, token_name
from desktop.services.settings import Settings
from tests.fixtures.app import AppFactory, started
from tests.fixtures.memory_keyring import MemoryKeyring
from tests.fixtures.sandbox import Ready, raw_call, sandbox_process

CHILD = Path(__file__).with_name("live_crash_child.py")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cloud(tmp_path: Path) -> Iterator[Ready]:
    """A sandbox that is not the app's child: it lives on when the app is killed, as the cloud does."""
    yield from sandbox_process(tmp_path / "cloud", "--time-scale", "0.1")


def test_a_session_left_by_a_killed_app_is_closed_at_the_next_start(
    qtbot: QtBot, make_app: AppFactory, data_dir: Path, cloud: Ready, memory_keyring: MemoryKeyring
) -> None:
    settings = Settings(data_dir / "settings.ini")
    for option, value in ((opt.PROFILE, "custom"), (opt.CUSTOM_API_URL, cloud.api), (opt.CUSTOM_WS_URL, cloud.ws),
                          (opt.APPKEY_CUSTOM, cloud.appkey)):  # fmt: skip
        settings.set(option, value)
    settings.sync()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "AVATAR_STUDIO_VLC_AOUT": "adummy", "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, str(CHILD), str(data_dir)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=ROOT,
    )  # fmt: skip
    try:
        assert child.stdin is not None and child.stdout is not None
        child.stdin.write(cloud.accesstoken + "\n")
        child.stdin.close()
        line = child.stdout.readline()  # blocks until the session is live (or the child dies: "")
        assert line.startswith("LIVE "), f"the first run did not go live: {line!r}"
        session_id = line.split()[1]
        child.send_signal(signal.SIGKILL)
        child.wait(15)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(15)
        if child.stdout is not None:
            child.stdout.close()

    def status() -> int:
        answer = raw_call(cloud, "/v2/ivh/sessionmanager/sessionmanagerservice/statsession",
                          {"ReqId": "0" * 32, "SessionId": session_id})  # fmt: skip
        return int(answer["Payload"]["SessionStatus"])

    assert status() == 1  # still streaming, and billed, after the kill

    memory_keyring.store[(SERVICE, token_name("custom"))] = cloud.accesstoken
    app = started(qtbot, make_app())
    app.window.show_area("live")
    qtbot.waitUntil(lambda: app.window.left_open_question is not None, timeout=20000)
    question = app.window.left_open_question
    assert question is not None
    assert session_id in question.informativeText() and "earlier run of this app" in question.informativeText()
    next(button for button in question.buttons() if button.text() == "Close them").click()
    qtbot.waitUntil(lambda: status() == 2, timeout=15000)
