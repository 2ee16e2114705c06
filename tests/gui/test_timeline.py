"""The drive timeline shows every documented drive error in words (the interactive table's meaning, not a bare
number), AudioOver's FinalType, and the time from an interrupt to the silence of the drive that was playing."""

from __future__ import annotations

import json

from pytestqt.qtbot import QtBot

from desktop.api.drive import read_downstream
from desktop.spec import codes
from desktop.ui.live.timeline import Timeline


def message(req_id: str, status: str, **extra: object) -> str:
    body = {"Type": 3, "SessionId": "s1", "ReqId": req_id, "Seq": 1, "SpeakStatus": status, "ErrorCode": 0, **extra}
    return json.dumps({"Header": {}, "Payload": body})


def note(timeline: Timeline, req_id: str, index: int) -> str:
    child = timeline.drives[req_id].item.child(index)
    assert child is not None
    return child.text(1)


def test_each_documented_drive_error_is_shown_in_words(qtbot: QtBot) -> None:
    timeline = Timeline()
    qtbot.addWidget(timeline)
    for code, documented in codes.INTERACTIVE.items():
        if code == 0:
            continue
        req_id = f"r{code}"
        timeline.add_drive(req_id, "a text")
        raw = message(req_id, "Error", Type=9, ErrorCode=code, ErrorMessage="")
        assert timeline.message(read_downstream(raw)) == "Error"
        words = note(timeline, req_id, 0)
        assert documented.meaning.rstrip(".") in words, (code, words)


def test_final_type_and_the_silence_after_an_interrupt(qtbot: QtBot) -> None:
    timeline = Timeline()
    qtbot.addWidget(timeline)
    timeline.add_drive("a1", "sound")
    timeline.message(read_downstream(message("a1", "AudioStart")))
    timeline.interrupted()
    timeline.message(read_downstream(message("a1", "AudioOver", FinalType=1)))
    assert "after the interrupt" in note(timeline, "a1", 1) and len(timeline.silence_ms) == 1
    timeline.add_drive("a2", "sound")
    timeline.message(read_downstream(message("a2", "AudioStart")))
    timeline.message(read_downstream(message("a2", "AudioOver", FinalType=2)))
    assert "no sound came" in note(timeline, "a2", 1)
    assert timeline.message(read_downstream(message("a2", "AudioOver"))) == ""  # a repeat (a resync) adds nothing
