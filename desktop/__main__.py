"""`python -m desktop` / `avatar-studio`: parse the arguments, set up logging, start Qt and the app."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import time
from pathlib import Path

from desktop.version import APP_NAME, ORGANIZATION, VERSION

STARTED = time.perf_counter()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="avatar-studio", description=f"{APP_NAME} {VERSION}")
    from desktop.services import profiles

    parser.add_argument("--profile", choices=profiles.KEYS, help="connect with this profile (and remember it)")
    parser.add_argument("--data-dir", type=Path, help="where settings, logs and work are kept")
    parser.add_argument("--log-level", default="INFO", choices=("DEBUG", "INFO", "WARNING", "ERROR"))
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {VERSION}")
    # For bench/startup.py: print the seconds to the main window shown, then quit.
    parser.add_argument("--exit-when-shown", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def default_data_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path(ORGANIZATION, appauthor=False)


def has_display() -> bool:
    if sys.platform != "linux" or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not has_display():
        print(
            f"{APP_NAME} needs a display: neither DISPLAY nor WAYLAND_DISPLAY is set.\n"
            "Run it from a desktop session, or on a headless machine try: xvfb-run -a make run",
            file=sys.stderr,
        )
        return 2
    data_dir = (args.data_dir or default_data_dir()).expanduser().resolve()
    data_dir.mkdir(parents=True, exist_ok=True)

    from desktop import logs

    log_file = logs.setup(data_dir / "logs", level=getattr(logging, args.log_level))
    logging.getLogger("desktop").info("%s %s starting, data in %s", APP_NAME, VERSION, data_dir)

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from desktop.services import qtlog

    qtlog.install()
    qapp = QApplication(["avatar-studio"])  # argv[0] names the X11 WM_CLASS
    qapp.setApplicationName(APP_NAME)
    qapp.setOrganizationName(ORGANIZATION)
    qapp.setApplicationVersion(VERSION)
    qapp.setDesktopFileName("io.github.avatarstudio.AvatarStudio")

    from desktop.services.qt_runtime import signal_refcount_defect

    if defect := signal_refcount_defect():
        logging.getLogger("desktop").error("%s", defect)
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(None, APP_NAME, defect)
        return 2

    from desktop.app import App

    app = App(qapp, data_dir, profile=args.profile, log_file=log_file)
    qapp.aboutToQuit.connect(app.shutdown)
    # SIGTERM and Ctrl+C quit the normal way, so the sandbox child is stopped; Python runs signal handlers only
    # between bytecodes, so a timer lets it look while Qt's loop runs.
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: qapp.quit())
    wake = QTimer()
    wake.timeout.connect(lambda: None)
    wake.start(250)
    if args.exit_when_shown:

        def report() -> None:
            print(f"shown {time.perf_counter() - STARTED:.3f}", flush=True)
            QTimer.singleShot(0, qapp.quit)

        app.window.shown.connect(report)
    app.start()
    return qapp.exec()


if __name__ == "__main__":
    sys.exit(main())
