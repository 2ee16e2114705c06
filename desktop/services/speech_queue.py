"""What the avatar says next, for an operator running a script: the script's cues in order, replies and urgent lines
put in by hand, and idle filler for the quiet moments.

Priorities: urgent > reply > script > idle. An urgent line speaks at once (a new text interrupts the current one,
seed 002 rule 2); a reply waits for the current line to end, then goes before the script's next cue. A script cue
that is cut (by an urgent line, or by the operator's interrupt) is not lost and not skipped: the script resumes at
that cue, from its start, so the script is never said out of order. The operator's interrupt also pauses the
script; an urgent line does not (it resumes by itself once the urgent line has been said).

Idle filler lines are said, in turn, once nothing else has been said for `idle_after_s` while the script is not
playing (paused or finished). Qt-free: the panel tells it what the channel says (`status`) and the time (`tick`);
it speaks through `say(text) -> ReqId` and `interrupt()`.
"""

from __future__ import annotations

import enum
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

PRIORITIES = ("urgent", "reply", "script", "idle")
ENDS = ("TextOver", "AudioOver", "Error")  # a lightweight avatar says its lines as audio


class CueState(enum.Enum):
    WAITING = "waiting"
    QUEUED = "queued"
    SPEAKING = "speaking"
    CUT = "cut"  # interrupted: the script resumes here
    DONE = "done"
    SKIPPED = "skipped"


@dataclass
class Cue:
    text: str
    state: CueState = CueState.WAITING


@dataclass
class Line:
    """Something being said or waiting to be: a script cue (by index) or a line of its own."""

    priority: str
    text: str
    cue: int | None = None  # the script cue it says
    req_id: str = ""


@dataclass
class Sheet:
    """A script as saved: its cues and its idle filler lines. The text form: one cue per line; a line starting with
    "~" is idle filler; "#" starts a comment; blank lines are left out."""

    cues: list[str] = field(default_factory=list)
    fillers: list[str] = field(default_factory=list)

    @classmethod
    def parse(cls, text: str) -> Sheet:
        sheet = cls()
        for raw in text.splitlines():
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("~"):
                if filler := line[1:].strip():
                    sheet.fillers.append(filler)
            else:
                sheet.cues.append(line)
        return sheet

    def dump(self) -> str:
        return "".join(f"{cue}\n" for cue in self.cues) + "".join(f"~ {filler}\n" for filler in self.fillers)


class SpeechQueue:
    def __init__(
        self,
        say: Callable[[str], str],
        interrupt: Callable[[], None],
        changed: Callable[[], None] = lambda: None,
        *,
        idle_after_s: float = 30.0,
    ) -> None:
        self._say = say
        self._interrupt = interrupt
        self._changed = changed
        self.idle_after_s = idle_after_s
        self.cues: list[Cue] = []
        self.fillers: list[str] = []
        self.playing = False  # the script advances by itself
        self.position = 0  # the script's next cue (or the cut one)
        self.current: Line | None = None
        self.waiting: deque[Line] = deque()  # urgent and reply lines, and cues queued by hand
        self._next_filler = 0
        self._quiet_since: float | None = None  # None: the quiet starts at the next tick (a sheet loaded, a cut)

    # --- the sheet ---

    def load(self, sheet: Sheet) -> None:
        self.cues = [Cue(text) for text in sheet.cues]
        self.fillers = list(sheet.fillers)
        self.position, self.playing, self._next_filler = 0, False, 0
        self.waiting.clear()
        self._quiet_since = None  # a filler only after a whole quiet while from now, not at once
        self._changed()

    @property
    def sheet(self) -> Sheet:
        return Sheet([cue.text for cue in self.cues], list(self.fillers))

    # --- the operator ---

    def play(self) -> None:
        """Run the script from its position (the cut cue, if one was cut)."""
        self.playing = True
        self._advance()
        self._changed()

    def pause(self) -> None:
        """Stop after the current line (nothing is interrupted)."""
        self.playing = False
        self._changed()

    def send_now(self, index: int) -> None:
        """Say cue `index` now (a hotkey): the script jumps there and goes on from it when playing."""
        if not 0 <= index < len(self.cues):
            return
        self._cut_current()
        self.position = index
        self._speak(Line("script", self.cues[index].text, index))
        self._changed()

    def queue_cue(self, index: int) -> None:
        """Say cue `index` after the current line, before the script goes on."""
        if 0 <= index < len(self.cues):
            self.cues[index].state = CueState.QUEUED
            self.waiting.append(Line("reply", self.cues[index].text, index))
            self._advance()
            self._changed()

    def skip(self, index: int) -> None:
        """Leave cue `index` out (or put it back, when skipped already)."""
        if not 0 <= index < len(self.cues):
            return
        cue = self.cues[index]
        cue.state = CueState.WAITING if cue.state is CueState.SKIPPED else CueState.SKIPPED
        self._changed()

    def reply(self, text: str) -> None:
        self.waiting.append(Line("reply", text))
        self._advance()
        self._changed()

    def urgent(self, text: str) -> None:
        """Say it now, cutting what is being said (a cut script cue is said again afterwards)."""
        self._cut_current()
        self._speak(Line("urgent", text))
        self._changed()

    def spoken_elsewhere(self, req_id: str) -> None:
        """A drive sent outside the queue (streaming text, a sound file, the microphone) cut what was said: the
        queue waits for that drive's end before it goes on, and a cut cue is said again."""
        self._cut_current()
        self.current = Line("urgent", "", None, req_id)
        self._changed()

    def interrupted(self) -> None:
        """The operator interrupted: what was said is cut, and the script pauses at it."""
        self._cut_current()
        self.current = None
        self.playing = False
        self._quiet_since = None
        self._changed()

    # --- what the channel says ---

    def status(self, req_id: str, status: str, now: float) -> None:
        current = self.current
        if current is None or req_id != current.req_id or status not in ENDS:
            return
        self.current = None
        self._quiet_since = now
        if current.cue is not None and self.cues[current.cue].state is CueState.SPEAKING:
            self.cues[current.cue].state = CueState.DONE
            if current.priority == "script" and current.cue == self.position:
                self.position += 1
        self._advance()
        self._changed()

    def restart_quiet(self) -> None:
        """The quiet counts from the next tick (a session went live: the last one's silence is not this one's)."""
        self._quiet_since = None

    def tick(self, now: float) -> None:
        """Idle filler when nothing has been said for a while and the script is not running."""
        if self._quiet_since is None:
            self._quiet_since = now
        if self.current is not None or self.waiting or not self.fillers:
            return
        if self.playing and self._next_script() is not None:
            return
        if now - self._quiet_since >= self.idle_after_s:
            text = self.fillers[self._next_filler % len(self.fillers)]
            self._next_filler += 1
            self._quiet_since = now
            self._speak(Line("idle", text))
            self._changed()

    # --- inside ---

    def _cut_current(self) -> None:
        current = self.current
        if current is None:
            return
        if current.cue is not None and self.cues[current.cue].state is CueState.SPEAKING:
            self.cues[current.cue].state = CueState.CUT
            if current.priority == "script":
                self.position = current.cue  # resumed from here
        self.current = None  # its TextOver (for the cut) is not an end of a line of ours

    def _next_script(self) -> int | None:
        index = self.position
        while index < len(self.cues) and self.cues[index].state in (CueState.SKIPPED, CueState.DONE):
            index += 1
        self.position = index
        return index if index < len(self.cues) else None

    def _advance(self) -> None:
        if self.current is not None:
            return
        if self.waiting:
            line = min(self.waiting, key=lambda item: PRIORITIES.index(item.priority))
            self.waiting.remove(line)
            self._speak(line)
            return
        if self.playing:
            index = self._next_script()
            if index is None:
                self.playing = False  # the end of the script
                return
            self._speak(Line("script", self.cues[index].text, index))

    def _speak(self, line: Line) -> None:
        req_id = self._say(line.text)
        if not req_id:  # not live: nothing was sent
            if line.cue is not None and self.cues[line.cue].state is CueState.QUEUED:
                self.cues[line.cue].state = CueState.WAITING
            return
        line.req_id = req_id
        self.current = line
        if line.cue is not None:
            self.cues[line.cue].state = CueState.SPEAKING


__all__ = ["Cue", "CueState", "Sheet", "SpeechQueue"]
