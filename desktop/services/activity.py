"""The activity log: requests and events, newest last, secrets redacted, bounded in memory."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from PySide6.QtCore import QCoreApplication, QObject, Signal

from desktop.i18n import args
from desktop.logs import redact

if TYPE_CHECKING:  # the transport pulls in httpx, which the window does not need to appear
    from desktop.api.transport import Exchange

Level = Literal["info", "warning", "error"]
MAX_ENTRIES = 5000
translate = QCoreApplication.translate


@dataclass(frozen=True)
class ActivityEntry:
    when: float  # epoch seconds
    level: Level
    kind: str  # "request", "event", "sandbox", ...
    title: str
    detail: str = ""
    duration_ms: float | None = None


class ActivityLog(QObject):
    """GUI-thread store of entries; `added` fires for each new entry, `cleared` when emptied."""

    added = Signal(object)
    cleared = Signal()

    def __init__(self, capacity: int = MAX_ENTRIES, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.capacity = capacity  # the oldest entry is dropped to make room; views drop it too
        self.entries: deque[ActivityEntry] = deque(maxlen=capacity)

    def add(
        self, kind: str, title: str, detail: str = "", level: Level = "info", duration_ms: float | None = None
    ) -> None:
        entry = ActivityEntry(time.time(), level, kind, redact(title), redact(detail), duration_ms)
        self.entries.append(entry)
        self.added.emit(entry)

    def add_exchange(self, exchange: Exchange) -> None:
        ok = exchange.outcome == "ok"
        title = exchange.endpoint
        if exchange.attempt > 1:
            title = args(translate("Activity", "%1 (attempt %2)"), exchange.endpoint, exchange.attempt)
        if exchange.status is None:
            answer = translate("Activity", "no answer")
        elif exchange.code is None:
            answer = args(translate("Activity", "HTTP %1"), exchange.status)
        else:
            answer = args(translate("Activity", "HTTP %1, code %2"), exchange.status, exchange.code)
        detail = args(translate("Activity", "%1, request %2"), answer, exchange.request_id)
        if not ok:
            detail = args(translate("Activity", "%1: %2"), detail, exchange.outcome)
        self.add("request", title, detail, "info" if ok else "error", exchange.duration_ms)

    def clear(self) -> None:
        self.entries.clear()
        self.cleared.emit()
