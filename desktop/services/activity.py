"""The activity log: requests and events, newest last, secrets redacted, bounded in memory."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from PySide6.QtCore import QObject, Signal

from desktop.logs import redact

if TYPE_CHECKING:  # the transport pulls in httpx, which the window does not need to appear
    from desktop.api.transport import Exchange

Level = Literal["info", "warning", "error"]
MAX_ENTRIES = 5000


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

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.entries: deque[ActivityEntry] = deque(maxlen=MAX_ENTRIES)

    def add(
        self, kind: str, title: str, detail: str = "", level: Level = "info", duration_ms: float | None = None
    ) -> None:
        entry = ActivityEntry(time.time(), level, kind, redact(title), redact(detail), duration_ms)
        self.entries.append(entry)
        self.added.emit(entry)

    def add_exchange(self, exchange: Exchange) -> None:
        ok = exchange.outcome == "ok"
        retry = f" (attempt {exchange.attempt})" if exchange.attempt > 1 else ""
        title = f"{exchange.endpoint}{retry}"
        status = f"HTTP {exchange.status}" if exchange.status is not None else "no answer"
        code = f", code {exchange.code}" if exchange.code is not None else ""
        detail = f"{status}{code}, request {exchange.request_id}" + ("" if ok else f": {exchange.outcome}")
        self.add("request", title, detail, "info" if ok else "error", exchange.duration_ms)

    def clear(self) -> None:
        self.entries.clear()
        self.cleared.emit()
