"""updatesessionconfig allows one call per 5 s per session (seed 002): the picture editor offers every change, the
throttle sends the first at once and keeps only the latest of those that come within the interval, sent as soon as
it is allowed. So dragging a slider costs one call per 5 s and always ends at where the operator let go.

Pure: the caller gives the time and schedules the next `due()`; a refused call (the platform's own rate limit, with
its clock not quite ours) is offered again with `refused()`, which restarts the interval.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

INTERVAL_S = 5.0
MARGIN_S = 0.1  # our clock and the platform's are not the same clock


@dataclass(frozen=True)
class PictureChange:
    """SpaceParam (position, vertical position, zoom, background) and ImageParam (offsets), as the call takes them."""

    space: dict[str, Any] | None = None
    image: dict[str, Any] | None = None


class UpdateThrottle:
    def __init__(self, interval_s: float = INTERVAL_S + MARGIN_S) -> None:
        self.interval_s = interval_s
        self.last_sent = -float("inf")
        self.pending: PictureChange | None = None
        self.in_flight = False

    def offer(self, change: PictureChange, now: float) -> float:
        """Keep `change` as the next one to send; returns in how many seconds it may go (0: now)."""
        self.pending = change
        return self.wait(now)

    def wait(self, now: float) -> float:
        if self.in_flight:
            return max(self.interval_s, self.last_sent + self.interval_s - now)
        return max(0.0, self.last_sent + self.interval_s - now)

    def due(self, now: float) -> PictureChange | None:
        """The change to send now, if one waits and it is allowed; it then counts as sent."""
        if self.pending is None or self.wait(now) > 0:
            return None
        change, self.pending = self.pending, None
        self.last_sent, self.in_flight = now, True
        return change

    def answered(self) -> None:
        self.in_flight = False

    def refused(self, change: PictureChange, now: float) -> float:
        """The call was refused as too soon: kept (unless a newer one came), tried again after an interval."""
        self.in_flight = False
        self.last_sent = now
        if self.pending is None:
            self.pending = change
        return self.wait(now)


__all__ = ["PictureChange", "UpdateThrottle"]
