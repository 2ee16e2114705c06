"""The speech queue's order: the script in order; a reply after the current line, before the next cue; an urgent
line at once; a cue cut by an urgent line or an interrupt said again from its start, never out of order; skipped
cues left out; idle filler only in quiet moments; the sheet's text form read and written back."""

from __future__ import annotations

from desktop.services.speech_queue import CueState, Sheet, SpeechQueue


class Stage:
    """Says lines as a channel would: each gets a ReqId; `over()` ends the current one."""

    def __init__(self) -> None:
        self.said: list[str] = []
        self.ids: list[str] = []
        self.interrupts = 0
        self.queue = SpeechQueue(self.say, self.interrupt, idle_after_s=10)
        self.now = 0.0

    def say(self, text: str) -> str:
        self.said.append(text)
        self.ids.append(f"r{len(self.ids)}")
        return self.ids[-1]

    def interrupt(self) -> None:
        self.interrupts += 1

    def over(self) -> None:
        self.now += 1
        self.queue.status(self.ids[-1], "TextOver", self.now)


def staged(*cues: str, fillers: tuple[str, ...] = ()) -> Stage:
    stage = Stage()
    stage.queue.load(Sheet(list(cues), list(fillers)))
    return stage


def test_the_script_plays_in_order_and_stops_at_its_end() -> None:
    stage = staged("one", "two", "three")
    stage.queue.play()
    for _ in range(3):
        stage.over()
    assert stage.said == ["one", "two", "three"]
    assert not stage.queue.playing and all(cue.state is CueState.DONE for cue in stage.queue.cues)


def test_a_reply_waits_for_the_line_then_goes_before_the_next_cue() -> None:
    stage = staged("one", "two")
    stage.queue.play()
    stage.queue.reply("a reply")
    assert stage.said == ["one"]  # not cut
    stage.over()
    stage.over()
    stage.over()
    assert stage.said == ["one", "a reply", "two"]


def test_a_cut_cue_is_said_again_from_its_start() -> None:
    stage = staged("one", "two", "three")
    stage.queue.play()
    stage.over()  # "one" said
    stage.queue.urgent("urgent!")  # cuts "two"
    assert stage.queue.cues[1].state is CueState.CUT
    stage.queue.status(stage.ids[1], "TextOver", 5)  # the cut line's TextOver is not its end
    assert stage.said == ["one", "two", "urgent!"]
    stage.over()  # the urgent line ends: the script resumes at the cut cue
    stage.over()
    stage.over()
    assert stage.said == ["one", "two", "urgent!", "two", "three"]


def test_the_operators_interrupt_pauses_at_the_cut_cue() -> None:
    stage = staged("one", "two", "three")
    stage.queue.play()
    stage.over()
    stage.queue.interrupted()  # during "two"
    assert not stage.queue.playing and stage.queue.position == 1
    stage.queue.status(stage.ids[-1], "TextOver", 3)
    assert stage.said == ["one", "two"]
    stage.queue.play()
    assert stage.said[-1] == "two"


def test_skipped_cues_hotkeys_and_queued_cues() -> None:
    stage = staged("one", "two", "three", "four")
    stage.queue.skip(1)
    stage.queue.play()
    stage.over()
    assert stage.said == ["one", "three"]
    stage.queue.queue_cue(0)  # said again after "three"
    stage.over()
    assert stage.said[-1] == "one"
    stage.over()
    assert stage.said[-1] == "four"
    stage.queue.send_now(1)  # a hotkey: said now, even when skipped
    assert stage.said[-1] == "two"


def test_idle_filler_only_when_quiet_and_in_turn() -> None:
    stage = staged("one", fillers=("filler a", "filler b"))
    stage.queue.play()
    stage.queue.tick(100)
    assert stage.said == ["one"]  # speaking: no filler
    stage.over()  # the script ended at t=1
    stage.queue.tick(5)
    assert stage.said == ["one"]  # quiet for 4 s only
    stage.queue.tick(11)
    stage.over()
    stage.queue.tick(stage.now + 10)
    assert stage.said == ["one", "filler a", "filler b"]


def test_a_filler_waits_a_whole_quiet_while_after_the_sheet_is_loaded_or_a_cut() -> None:
    stage = Stage()
    stage.queue.tick(500)  # the panel's clock has run for a while before any sheet
    stage.queue.load(Sheet(["one"], ["filler"]))
    stage.queue.tick(501)
    assert stage.said == []  # not at once: nothing was said, but the quiet starts now
    stage.queue.tick(511)
    assert stage.said == ["filler"]
    stage.over()
    stage.queue.interrupted()
    stage.queue.tick(600)
    stage.queue.tick(605)
    assert stage.said == ["filler"]  # the quiet after the cut counts from it
    stage.queue.restart_quiet()
    stage.queue.tick(700)
    assert stage.said == ["filler"]
    stage.queue.tick(710)
    assert stage.said == ["filler", "filler"]


def test_nothing_is_queued_as_said_when_not_live() -> None:
    queue = SpeechQueue(lambda _text: "", lambda: None)
    queue.load(Sheet(["one"]))
    queue.play()
    assert queue.current is None and queue.cues[0].state is CueState.WAITING


def test_the_sheets_text_form() -> None:
    sheet = Sheet.parse("# a show\nWelcome!\n\n  Today: shoes.  \n~ Any questions?\n~\n")
    assert sheet.cues == ["Welcome!", "Today: shoes."] and sheet.fillers == ["Any questions?"]
    assert Sheet.parse(sheet.dump()) == sheet


def test_a_drive_from_outside_the_queue_cuts_the_cue_and_is_waited_for() -> None:
    stage = staged("one", "two")
    stage.queue.play()
    stage.queue.spoken_elsewhere("stream-1")  # streaming text, a sound file or the microphone
    assert stage.queue.cues[0].state is CueState.CUT and stage.said == ["one"]
    stage.queue.status("stream-1", "AudioOver", 1)  # its end (a lightweight avatar's lines end in AudioOver too)
    assert stage.said == ["one", "one"]
