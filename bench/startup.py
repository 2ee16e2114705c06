"""Cold start to the main window on screen: the app against a bare PySide6 window (goal: ratio <= 1.5).

Each run is a new process, timed from spawn until it prints that its window was shown. Prints `name: value unit`.
Without a display it uses Qt's offscreen platform. The app runs with a throwaway data directory each time.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 5
ROOT = Path(__file__).resolve().parents[1]

BARE_WINDOW = """
import sys
from PySide6.QtWidgets import QApplication, QMainWindow
from PySide6.QtCore import QTimer

class Window(QMainWindow):
    def showEvent(self, event):
        super().showEvent(event)
        print("shown", flush=True)
        QTimer.singleShot(0, app.quit)

app = QApplication(sys.argv[:1])
window = Window()
window.resize(1180, 760)
window.show()
app.exec()
"""


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=ROOT)
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("shown"):
            elapsed = time.perf_counter() - started
            break
    else:
        raise RuntimeError(f"{command[:3]} exited without showing a window")
    process.wait(timeout=30)
    return elapsed


def median_of(make_command: object, env: dict[str, str]) -> float:
    times = []
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory() as data_dir:
            times.append(timed(make_command(data_dir), env))  # type: ignore[operator]
    return statistics.median(times)


def main() -> None:
    env = dict(os.environ)
    if not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = median_of(lambda d: [sys.executable, "-m", "desktop", "--data-dir", d, "--exit-when-shown"], env)
    bare = median_of(lambda d: [sys.executable, "-c", BARE_WINDOW], env)
    print(f"startup_app_median: {app:.3f} s")
    print(f"startup_bare_pyside6_median: {bare:.3f} s")
    print(f"startup_ratio: {app / bare:.2f} (goal <= 1.5)")
    print(f"platform: {env.get('QT_QPA_PLATFORM') or 'display ' + env.get('DISPLAY', env.get('WAYLAND_DISPLAY', ''))}")


if __name__ == "__main__":
    main()
