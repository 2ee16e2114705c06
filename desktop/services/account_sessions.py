"""The account's live sessions, apart from the one the panel drives: listed by UIN, by project or by avatar
(listsessionofuin, listsessionofprojectid, listsessionofassetvk), closed one by one or all at once, and looked for at
every start against the ledger (sessions left open by a crash of this app, or opened elsewhere).

GUI-thread face, QtCore only; every call runs on the engine through the bridge, and an answer for a listing that was
asked again meanwhile is dropped (the newest question wins).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from desktop.api.errors import ApiError
from desktop.api.sessions import SessionSummary
from desktop.services.engine import Bridge
from desktop.services.session_ledger import SessionLedger

if TYPE_CHECKING:
    from desktop.services.connection import ConnectionService

log = logging.getLogger("desktop.services.account_sessions")

SCOPES = ("account", "project", "avatar")  # listsessionofuin, listsessionofprojectid, listsessionofassetvk
OPEN_STATUSES = (1, 3)  # in progress, preparing: billed


@dataclass(frozen=True)
class LeftOpen:
    """A session of the account found open at start: ours (in the ledger: a crash) or another machine's."""

    session_id: str
    user_id: str
    status: int  # 1 in progress, 3 preparing
    ours: bool
    summary: SessionSummary | None = None


@dataclass(frozen=True)
class SessionList:
    scope: str
    key: str  # the project id or avatar key ("" for the account)
    sessions: tuple[SessionSummary, ...]
    at: float = field(default_factory=time.time)

    @property
    def open(self) -> tuple[SessionSummary, ...]:
        return tuple(s for s in self.sessions if s.status in OPEN_STATUSES)


class AccountSessions(QObject):
    listed = Signal(object)  # SessionList
    list_failed = Signal(str)  # why, in words
    left_open = Signal(object)  # list[LeftOpen]: found at start
    closed = Signal(object)  # list[str]: the SessionIds closed by close()

    def __init__(
        self, connection: ConnectionService, bridge: Bridge, ledger: SessionLedger, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.connection = connection
        self.bridge = bridge
        self.ledger = ledger
        self.latest: SessionList | None = None  # the newest answer of any scope
        self.account: SessionList | None = None  # the newest listsessionofuin: the UserId check reads it
        self._question = 0

    def refresh(self, scope: str = "account", key: str = "") -> bool:
        """Ask for a listing; `listed` or `list_failed` answers. False when there is no client to ask."""
        client = self.connection.client
        if client is None or scope not in SCOPES or (scope != "account" and not key.strip()):
            return False
        self._question += 1
        question, key = self._question, key.strip()
        sessions = client.sessions
        asked = {
            "account": sessions.list_all,
            "project": lambda: sessions.list_of_project(key),
            "avatar": lambda: sessions.list_of_asset(key),
        }[scope]

        async def ask() -> SessionList:
            return SessionList(scope, key, tuple(await asked()))

        def done(answer: SessionList) -> None:
            if answer.scope == "account":
                self.account = answer
            if question == self._question:
                self.latest = answer
                self.listed.emit(answer)

        def failed(error: BaseException) -> None:
            if question == self._question:
                self.list_failed.emit(str(error))

        self.bridge.call(ask(), self, done, failed)
        return True

    def forget(self, session_ids: Collection[str]) -> None:
        """Sessions known to be closed (closed from this app) leave the listings kept: until the next listing, a new
        session with the same UserId would otherwise be taken for a clash with one that no longer streams."""
        if not session_ids:
            return
        for name in ("account", "latest"):
            listed: SessionList | None = getattr(self, name)
            if listed is not None:
                kept = tuple(s for s in listed.sessions if s.session_id not in session_ids)
                setattr(self, name, replace(listed, sessions=kept))

    def open_with_user(self, user_id: str) -> SessionSummary | None:
        """An open session of the account with this UserId, as last listed: a new one would close it."""
        listed = self.account
        if listed is None:
            return None
        return next((s for s in listed.open if s.user_id == user_id), None)

    def close(self, session_ids: list[str], on_done: Callable[[int], None] | None = None) -> None:
        """closesession for each; `closed` (and `on_done`) with how many were closed. A failure for one is logged
        and the others still go."""
        client = self.connection.client
        if client is None or not session_ids:
            return
        profile, ledger = self.connection.profile.key, self.ledger

        async def close_all() -> list[str]:
            closed = []
            for session_id in session_ids:
                try:
                    await client.sessions.close(session_id)
                except ApiError as error:
                    log.warning("closesession of %s failed: %s", session_id, error)
                    continue
                await asyncio.to_thread(ledger.closed, profile, session_id)
                closed.append(session_id)
            return closed

        def done(closed: list[str]) -> None:
            self.forget(closed)
            self.closed.emit(closed)
            if on_done is not None:
                on_done(len(closed))

        self.bridge.call(close_all(), self, done, lambda error: self.list_failed.emit(str(error)))

    def find_left_open(self, driven: Callable[[], str] = lambda: "") -> None:
        """listsessionofuin against the ledger: emits left_open with the account's open sessions (none: nothing)
        but the one `driven()` names; ledger rows whose session is gone (or was never made) are marked closed."""
        client = self.connection.client
        if client is None:
            return
        profile, ledger = self.connection.profile.key, self.ledger

        async def find() -> tuple[SessionList, list[LeftOpen]]:
            rows = await asyncio.to_thread(ledger.still_open, profile)
            listed = SessionList("account", "", tuple(await client.sessions.list_all()))
            open_now = {s.session_id: s for s in listed.open}
            users = {s.user_id: s for s in open_now.values()}
            ours: set[str] = set()
            for row in rows:
                found = open_now.get(row.session_id) if row.session_id else users.get(row.user_id)
                if found is None:
                    await asyncio.to_thread(ledger.closed_user, profile, row.user_id)
                else:
                    if not row.session_id:
                        await asyncio.to_thread(ledger.opened, row.row, found.session_id)
                    ours.add(found.session_id)
            left = [LeftOpen(s.session_id, s.user_id, s.status, s.session_id in ours, s) for s in open_now.values()]
            return listed, left

        def found(answer: tuple[SessionList, list[LeftOpen]]) -> None:
            listed, sessions = answer
            self.account = listed
            current = driven()
            sessions = [s for s in sessions if s.session_id != current]
            if sessions:
                self.left_open.emit(sessions)

        self.bridge.call(find(), self, found, lambda error: log.info("listsessionofuin at start failed: %s", error))


__all__ = ["SCOPES", "AccountSessions", "LeftOpen", "SessionList"]
