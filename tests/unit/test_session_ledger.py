"""The ledger of opened live sessions: a row exists from before createsession is sent, gets its SessionId from the
answer, and leaves the open list when closed; a refusal removes it; rows of another profile are apart; a second
ledger on the same file (the next start) sees what the first wrote."""

from __future__ import annotations

from pathlib import Path

from desktop.services.session_ledger import SessionLedger, ledger_file


def test_a_session_is_tracked_from_before_the_call_to_its_close(tmp_path: Path) -> None:
    ledger = SessionLedger(ledger_file(tmp_path))
    row = ledger.asking("sandbox", "viewer-1", "vk-anna")
    (pending,) = ledger.still_open("sandbox")
    assert (pending.row, pending.user_id, pending.session_id, pending.avatar) == (row, "viewer-1", "", "vk-anna")
    assert pending.opened_at is None
    ledger.opened(row, "s-1")
    after_crash = SessionLedger(ledger_file(tmp_path))  # the next start reads the same file
    (opened,) = after_crash.still_open("sandbox")
    assert opened.session_id == "s-1" and opened.opened_at is not None
    assert after_crash.still_open("cloud") == []
    after_crash.closed("sandbox", "s-1")
    assert ledger.still_open("sandbox") == []


def test_a_refused_create_leaves_no_row_and_a_lost_answer_is_closed_by_user_id(tmp_path: Path) -> None:
    ledger = SessionLedger(tmp_path / "deep" / "sessions.sqlite3")
    refused = ledger.asking("sandbox", "viewer-2")
    lost = ledger.asking("sandbox", "viewer-3")
    ledger.refused(refused)
    assert [entry.user_id for entry in ledger.still_open("sandbox")] == ["viewer-3"]
    ledger.refused(lost + 100)  # no such row: nothing happens
    ledger.closed_user("sandbox", "viewer-3")
    assert ledger.still_open("sandbox") == []
