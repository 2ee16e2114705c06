"""A billed stream that nobody drives: the app's channel sends heartbeats, so the platform's own 10-minute idle close
never comes, and a session forgotten over lunch bills all afternoon. The guard counts the time since the last drive;
past `close_after_s - warn_before_s` it warns (every tick, with the seconds left, so the panel can count down), and
at `close_after_s` it says close. Any drive, or the operator's "keep it open", starts the count again.

Pure: the session's timer gives it the time. `close_after_s <= 0` turns it off.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

WARN_BEFORE_S = 120.0


class Idle(Enum):
    OK = "ok"
    WARN = "warn"
    CLOSE = "close"


@dataclass
class IdleGuard:
    close_after_s: float
    last_activity: float
    warn_before_s: float = WARN_BEFORE_S

    def touch(self, now: float) -> None:
        self.last_activity = now

    def left(self, now: float) -> float:
        """Seconds until the close."""
        return self.close_after_s - (now - self.last_activity)

    def check(self, now: float) -> Idle:
        if self.close_after_s <= 0:
            return Idle.OK
        left = self.left(now)
        if left <= 0:
            return Idle.CLOSE
        if left <= min(self.warn_before_s, self.close_after_s / 2):
            return Idle.WARN
        return Idle.OK


__all__ = ["Idle", "IdleGuard"]
