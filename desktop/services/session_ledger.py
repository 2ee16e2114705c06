"""The live sessions this machine opened, in sqlite under the data dir, so that a crash never loses track of a billed
stream: a row is written before createsession is sent (the UserId, which listsessionofuin also shows, finds it
when the answer never came back), given its SessionId when the answer arrives, and marked closed after closesession.

Blocking and Qt-free: called on an engine worker thread (`Engine.run_blocking`), never on the GUI thread. Each call
opens its own connection (sqlite connections are not to be shared between threads), with WAL so a reader never waits
for a writer.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id INTEGER PRIMARY KEY,
    profile TEXT NOT NULL,
    user_id TEXT NOT NULL,
    session_id TEXT NOT NULL DEFAULT '',
    avatar TEXT NOT NULL DEFAULT '',
    asked_at REAL NOT NULL,
    opened_at REAL,
    closed_at REAL
);
CREATE INDEX IF NOT EXISTS sessions_open ON sessions (profile, closed_at);
"""


@dataclass(frozen=True)
class LedgerEntry:
    row: int
    profile: str
    user_id: str
    session_id: str  # "" while the createsession answer has not been seen
    avatar: str
    asked_at: float
    opened_at: float | None


def ledger_file(data_dir: Path) -> Path:
    return data_dir / "sessions.sqlite3"


class SessionLedger:
    def __init__(self, path: Path) -> None:
        self.path = path

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=5.0)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)
            with db:  # one transaction, committed (or rolled back) here
                yield db
        finally:
            db.close()

    def asking(self, profile: str, user_id: str, avatar: str = "") -> int:
        """Before createsession is sent: the row that will hold its SessionId."""
        with self._db() as db:
            cursor = db.execute(
                "INSERT INTO sessions (profile, user_id, avatar, asked_at) VALUES (?, ?, ?, ?)",
                (profile, user_id, avatar, time.time()),
            )
            return int(cursor.lastrowid or 0)

    def opened(self, row: int, session_id: str) -> None:
        with self._db() as db:
            db.execute("UPDATE sessions SET session_id = ?, opened_at = ? WHERE id = ?", (session_id, time.time(), row))

    def refused(self, row: int) -> None:
        """createsession answered with an error: no session was made."""
        with self._db() as db:
            db.execute("DELETE FROM sessions WHERE id = ? AND session_id = ''", (row,))

    def closed(self, profile: str, session_id: str) -> None:
        with self._db() as db:
            db.execute(
                "UPDATE sessions SET closed_at = ? WHERE profile = ? AND session_id = ? AND closed_at IS NULL",
                (time.time(), profile, session_id),
            )

    def closed_user(self, profile: str, user_id: str) -> None:
        """A row whose answer never came back, found closed (or never made) at the platform."""
        with self._db() as db:
            db.execute(
                "UPDATE sessions SET closed_at = ? WHERE profile = ? AND user_id = ? AND closed_at IS NULL",
                (time.time(), profile, user_id),
            )

    def still_open(self, profile: str) -> list[LedgerEntry]:
        """Rows of the profile not known to be closed, oldest first."""
        with self._db() as db:
            rows = db.execute(
                "SELECT id, profile, user_id, session_id, avatar, asked_at, opened_at FROM sessions "
                "WHERE profile = ? AND closed_at IS NULL ORDER BY id",
                (profile,),
            ).fetchall()
        return [LedgerEntry(*row) for row in rows]


__all__ = ["LedgerEntry", "SessionLedger", "ledger_file"]
