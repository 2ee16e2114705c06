"""Soak: well over 100,000 Qt signal emissions through the app's own Bridge and QObjects, in a fresh interpreter, then
a report of what moved: `sys.getrefcount(True)` (meaningful before CPython 3.12, where True became immortal) and the
resident memory. Run by tests/soak/test_signal_soak.py as `python -m tests.soak.signal_soak DATA_DIR`; it prints one
JSON line and exits 0, or the interpreter aborts (the defect this exists to catch: docs/architecture.md).
"""

from __future__ import annotations

import asyncio
import functools
import gc
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication

from desktop.services import settings as opt
from desktop.services.activity import ActivityLog
from desktop.services.engine import Bridge, Engine
from desktop.services.settings import Settings
from desktop.ui.activity_page import ActivityPage

BATCH = 500


class Counter(QObject):
    """A QObject of the app's kind: signals with and without arguments."""

    bare = Signal()
    pair = Signal(int, str)


def rss_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def drain(app: QApplication, done: Callable[[], bool]) -> None:
    """Run the event loop until `done()` is true (every queued delivery processed)."""
    while not done():
        app.processEvents()


async def value(number: int) -> int:
    return number


class Soak:
    def __init__(self, app: QApplication, data_dir: Path) -> None:
        self.app = app
        self.engine = Engine().start()
        self.bridge = Bridge(self.engine)
        self.activity = ActivityLog(capacity=2000)
        self.page = ActivityPage(self.activity)  # its model and filter proxy follow every entry
        self.settings = Settings(data_dir / "settings.ini")
        self.counter = Counter()
        self.emitted = 0
        self.received = 0

    def receive(self, *_args: object) -> None:
        self.received += 1

    def bridge_calls(self, count: int) -> None:
        """Each call emits busy_changed twice and the delivery signal twice; one in ten answers a deleted context."""
        living = QObject()
        for start in range(0, count, BATCH):
            doomed = QObject()
            for number in range(start, min(count, start + BATCH)):
                context = doomed if number % 10 == 0 else living
                self.bridge.call(value(number), context, self.receive)
            shiboken6.delete(doomed)  # as a closed dialog is, while its answers are on their way
            drain(self.app, lambda: self.bridge.in_flight == 0)
        self.emitted += 4 * count

    def posts_from_the_engine(self, count: int) -> None:
        async def post_all() -> None:
            for number in range(count):
                self.bridge.post(functools.partial(self.receive, number))

        self.engine.submit(post_all()).result(60)
        target = self.received + count
        drain(self.app, lambda: self.received >= target)
        self.emitted += count

    def activity_entries(self, count: int) -> None:
        for number in range(count):
            self.activity.add("event", f"entry {number}", "detail", "info", float(number))
        self.emitted += count

    def settings_changes(self, count: int) -> None:
        for number in range(count):
            self.settings.set(opt.REQUEST_TIMEOUT_S, float(10 + number % 2))
        self.emitted += count

    def own_signals(self, count: int) -> None:
        self.counter.bare.connect(self.receive)
        self.counter.pair.connect(self.receive)
        for number in range(count):
            self.counter.bare.emit()
            self.counter.pair.emit(number, "text")
        self.counter.bare.disconnect(self.receive)
        self.counter.pair.disconnect(self.receive)
        self.emitted += 2 * count

    def churn(self, count: int) -> None:
        """Connect and disconnect, as windows that open and close do."""
        for _ in range(count):
            self.activity.added.connect(self.receive)
            self.bridge.busy_changed.connect(self.receive)
            self.activity.added.disconnect(self.receive)
            self.bridge.busy_changed.disconnect(self.receive)

    def round(self, scale: float) -> None:
        def times(base: int) -> int:
            return int(base * scale)

        self.bridge_calls(times(10_000))
        self.posts_from_the_engine(times(10_000))
        self.activity_entries(times(25_000))
        self.settings_changes(times(10_000))
        self.own_signals(times(10_000))
        self.churn(times(10_000))

    def close(self) -> None:
        self.engine.stop()
        self.page.deleteLater()


def main() -> int:
    data_dir = Path(sys.argv[1])
    app = QApplication(["soak"])
    soak = Soak(app, data_dir)
    # A tenth of the work first, so that caches, interned strings and allocator pools are in place before measuring.
    soak.round(scale=0.1)
    rss_mb()  # its first file read caches codec state that holds a reference to True
    gc.collect()
    true_before, rss_before, emitted_before = sys.getrefcount(True), rss_mb(), soak.emitted
    soak.round(scale=1)
    gc.collect()
    report = {
        "python": ".".join(str(part) for part in sys.version_info[:3]),
        "emitted": soak.emitted - emitted_before,
        "dropped": soak.bridge.dropped,
        "true_refs_before": true_before,
        "true_refs_after": sys.getrefcount(True),
        "rss_before_mb": round(rss_before, 1),
        "rss_after_mb": round(rss_mb(), 1),
        "activity_rows": soak.page.model.rowCount(),
    }
    soak.close()
    asyncio.set_event_loop(None)
    print(json.dumps(report), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
