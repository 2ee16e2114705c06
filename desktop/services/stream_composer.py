"""Streaming text as it is typed or pasted (SEND_STREAMTEXT): the text box's new words go out a clause at a time,
so the avatar starts speaking while the operator is still writing; Ctrl+Enter sends what is left with IsFinal.

`typed(text)` is called with the box's whole text at every change and returns the fragments that are complete now:
everything up to the last clause mark (。，！？；：.,!?;: or a line break) not sent yet, cut so that no fragment passes
the documented 1000 bytes (whole characters). `finish(text)` returns the rest, to send with IsFinal, and starts
over. Text already sent cannot be taken back: when the box is cut shorter than what was sent, the count follows it,
so what is typed next is sent, not lost. Pure; the panel numbers the fragments (Seq from 1) under one ReqId.
"""

from __future__ import annotations

import re

from desktop.spec.drive import STREAM_TEXT_MAX_BYTES

CLAUSE_END = re.compile(r"[。，！？；：、.,!?;:\n]\s*")


def cut(text: str, max_bytes: int = STREAM_TEXT_MAX_BYTES) -> list[str]:
    """`text` in pieces of at most `max_bytes` of UTF-8, never splitting a character."""
    pieces: list[str] = []
    piece: list[str] = []
    size = 0
    for char in text:
        width = len(char.encode("utf-8"))
        if size + width > max_bytes:
            pieces.append("".join(piece))
            piece, size = [], 0
        piece.append(char)
        size += width
    if piece:
        pieces.append("".join(piece))
    return pieces


class StreamComposer:
    def __init__(self) -> None:
        self.sent = 0  # characters of the box already sent

    @property
    def started(self) -> bool:
        return self.sent > 0

    def typed(self, text: str) -> list[str]:
        self.sent = min(self.sent, len(text))
        new = text[self.sent :]
        ends = [match.end() for match in CLAUSE_END.finditer(new)]
        if not ends:
            return []
        ready = new[: ends[-1]]
        self.sent += len(ready)
        return [piece for piece in cut(ready) if piece.strip()]

    def finish(self, text: str) -> list[str]:
        rest = text[min(self.sent, len(text)) :]
        self.sent = 0
        return [piece for piece in cut(rest) if piece.strip()]


__all__ = ["StreamComposer", "cut"]
