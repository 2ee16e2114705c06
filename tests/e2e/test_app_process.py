"""The app as a process with its sandbox child: neither is left behind when the app is stopped or killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest


def sandbox_children(data_dir: Path) -> list[int]:
    marker = str(data_dir / "sandbox").encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if b"desktop.sandbox" in command and marker in command:
            found.append(int(entry.name))
    return found


def wait_for(condition: object, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.05)  # polling other processes' state: there is no signal to wait on
    return False


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL], ids=["terminated", "killed"])
def test_no_sandbox_outlives_the_app(tmp_path: Path, how: signal.Signals) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("reads /proc")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    app = subprocess.Popen(
        [sys.executable, "-m", "desktop", "--data-dir", str(tmp_path)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        assert wait_for(lambda: sandbox_children(tmp_path), 30), "the app did not start its sandbox"
        log = tmp_path / "logs" / "avatar-studio.log"
        assert wait_for(lambda: log.is_file() and "sandbox ready at" in log.read_text(), 30)
        app.send_signal(how)
        app.wait(15)
        assert wait_for(lambda: not sandbox_children(tmp_path), 10), "the sandbox outlived the app"
        if how == signal.SIGTERM:
            assert app.returncode == 0
    finally:
        if app.poll() is None:
            app.kill()
        for pid in sandbox_children(tmp_path):
            os.kill(pid, signal.SIGKILL)
