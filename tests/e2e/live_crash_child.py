"""The first run of the crash test (tests/e2e/test_live_crash.py): the real app, on the Custom profile pointed at a
sandbox that outlives it, creates a live session from the Live panel, prints its SessionId once it is live, and is
then killed by the test (SIGKILL: no shutdown, no closesession). The sandbox's token comes on stdin and is kept in
a keyring of this process only."""

from __future__ import annotations

import sys
from pathlib import Path

import keyring.backends.null

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from desktop.app import App
from desktop.services.secrets import SecretStore, token_name
from desktop.ui.live.page import LivePage


def main() -> None:
    data_dir = Path(sys.argv[1])
    secrets = SecretStore(keyring.backends.null.Keyring())
    secrets.set(token_name("custom"), sys.stdin.readline().strip())
    qapp = QApplication(sys.argv[:1])
    app = App(qapp, data_dir, secrets=secrets)
    app.start()
    said = False

    def step() -> None:
        nonlocal said
        if not app.ready:
            return
        app.window.show_area("live")
        page = app.window.page("live")
        assert isinstance(page, LivePage)
        session = page.session
        if session is None or not page.avatar.records:
            return
        if session.status.phase == "idle":
            page.avatar.set_current(page.avatar.records[0])
            page.create_button.click()
        elif session.status.phase == "live" and not said:
            print(f"LIVE {session.status.session_id}", flush=True)  # the test kills this process now
            said = True

    timer = QTimer()
    timer.timeout.connect(step)
    timer.start(50)
    qapp.exec()


if __name__ == "__main__":
    main()
