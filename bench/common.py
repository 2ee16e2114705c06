"""What the benches share: the display their app processes draw on (Xvfb started when there is none), percentiles
and the process's memory, and a wait on Qt's event loop with a deadline."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

SCREEN = "1600x1000x24"


@contextlib.contextmanager
def display(offscreen_means: str, *, x11: bool = False) -> Iterator[tuple[dict[str, str], str]]:
    """The environment for the app processes, and in words what they draw on. With no display this starts Xvfb;
    without Xvfb it falls back to Qt's offscreen platform, and `offscreen_means` says what that costs the figures.
    `x11`: the app must draw through X (libvlc needs an X window to draw into), not Wayland."""
    env = dict(os.environ)
    if env.get("QT_QPA_PLATFORM"):
        yield env, f"{env['QT_QPA_PLATFORM']} (QT_QPA_PLATFORM)"
        return
    if env.get("DISPLAY") and x11:
        env["QT_QPA_PLATFORM"] = "xcb"
        yield env, f"xcb on display {env['DISPLAY']} (keep the window unobscured: the picture is grabbed from it)"
        return
    if (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")) and not x11:
        yield env, f"display {env.get('DISPLAY') or env.get('WAYLAND_DISPLAY')}"
        return
    read, write = os.pipe()
    try:
        xvfb = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write), "-screen", "0", SCREEN, "-nolisten", "tcp"],
            pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
    except OSError:
        os.close(read)
        os.close(write)
        env["QT_QPA_PLATFORM"] = "offscreen"
        yield env, f"offscreen (no DISPLAY and no Xvfb: {offscreen_means})"
        return
    os.close(write)
    try:
        with os.fdopen(read) as announced:
            number = announced.readline().strip()  # written once Xvfb accepts clients
        if not number:
            raise SystemExit("Xvfb did not start")
        env["DISPLAY"] = f":{number}"
        env["QT_QPA_PLATFORM"] = "xcb"
        yield env, f"xcb on Xvfb :{number} (started by the bench, {SCREEN})"
    finally:
        stop(xvfb, 15)


def stop(process: subprocess.Popen[Any], timeout_s: float) -> None:
    """Ask a child to end (SIGTERM), and kill it when it has not within `timeout_s`."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] if ordered else float("nan")


def rss_mb() -> float:
    """This process's resident memory."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _never() -> bool:
    return False


def run_until(condition: Callable[[], bool], timeout_s: float, poll_ms: int, stop: Callable[[], bool] = _never) -> bool:
    """Run Qt's event loop until `condition` holds or `stop()` is true (both looked at every `poll_ms`; the loop
    sleeps in between, so the engine thread is not starved of the GIL), or the deadline; whether `condition` held."""
    from PySide6.QtCore import QEventLoop, QTimer

    if condition():
        return True
    loop = QEventLoop()
    poll, deadline = QTimer(), QTimer()
    poll.setInterval(poll_ms)
    poll.timeout.connect(lambda: loop.quit() if condition() or stop() else None)
    deadline.setSingleShot(True)
    deadline.timeout.connect(loop.quit)
    poll.start()
    deadline.start(int(timeout_s * 1000))
    loop.exec()
    poll.stop()
    deadline.stop()
    return condition()
