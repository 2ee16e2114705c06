"""Moves, zooms and re-backgrounds the avatar of the live session (updatesessionconfig), one call per 5 s at most
(desktop/services/update_throttle.py): the editor offers every change, the latest waiting one goes when allowed, and
a call the platform refuses as too soon is sent again after the interval. GUI-thread face; the call runs on the
engine; a change for a session that has since closed is dropped."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.api.errors import RateLimitError
from desktop.services.update_throttle import PictureChange, UpdateThrottle

if TYPE_CHECKING:
    from desktop.services.live_session import LiveSession, LiveStatus

log = logging.getLogger("desktop.services.picture_updates")


class PictureUpdates(QObject):
    applied = Signal(object)  # PictureChange, when the platform took it
    waiting = Signal(float)  # seconds before the waiting change goes (0: none waits)
    failed = Signal(str)

    def __init__(self, session: LiveSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.throttle = UpdateThrottle()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._send_due)
        self._session_id = ""
        session.status_changed.connect(self._status)

    def offer(self, change: PictureChange) -> None:
        if self.session.status.phase != "live":
            return
        wait = self.throttle.offer(change, time.monotonic())
        self._schedule(wait)

    def _schedule(self, wait: float) -> None:
        self.waiting.emit(wait if self.throttle.pending is not None else 0.0)
        if self.throttle.pending is not None and not self._timer.isActive():
            self._timer.start(int(wait * 1000))

    def _send_due(self) -> None:
        client = self.session.connection.client
        status = self.session.status
        change = self.throttle.due(time.monotonic())
        if change is None:
            self._schedule(self.throttle.wait(time.monotonic()))
            return
        if client is None or status.phase != "live":
            self.throttle.answered()
            return
        session_id = status.session_id
        self.waiting.emit(0.0)

        def done(_: object) -> None:
            self.throttle.answered()
            if session_id == self.session.status.session_id:
                self.applied.emit(change)
            self._schedule(self.throttle.wait(time.monotonic()))

        def refused(error: BaseException) -> None:
            if isinstance(error, RateLimitError):
                log.info("updatesessionconfig refused as too soon; sent again after the interval")
                self._schedule(self.throttle.refused(change, time.monotonic()))
                return
            self.throttle.answered()
            self.failed.emit(str(error))
            self._schedule(self.throttle.wait(time.monotonic()))

        call = client.sessions.update_config(session_id, space=change.space, image=change.image)
        self.session.bridge.call(call, self, done, refused)

    def _status(self, status: LiveStatus) -> None:
        if status.session_id != self._session_id:  # another session: its own interval, nothing carried over
            self._session_id = status.session_id
            self.throttle = UpdateThrottle()
            self._timer.stop()
            self.waiting.emit(0.0)


__all__ = ["PictureUpdates"]
