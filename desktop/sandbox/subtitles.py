"""Subtitles from speech: the text cut into pages as SubtitlesParam says, each page timed by its spoken words.

SplitPunctuation lists (space-separated) the marks that end a page, by default ". ; ? ! ... !?" (and their
full-width forms); MaxWords caps a page's characters (0: no cap); DisplayPunctuation "1" keeps every mark, "0"
none, anything else only the marks it lists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from desktop.sandbox.speech import Speech, Word

DEFAULT_SPLIT = (".", ";", "?", "!", "...", "!?", "。", "；", "？", "！")
_WORD = re.compile(r"[\w'’-]+")
_MARK = re.compile(r"[^\w\s'’-]")


@dataclass(frozen=True)
class Cue:
    text: str
    start_ms: float
    end_ms: float


@dataclass(frozen=True)
class Rules:
    max_chars: int = 0
    split: tuple[str, ...] = DEFAULT_SPLIT
    display: str = "1"

    @classmethod
    def of(cls, params: dict[str, Any] | None) -> Rules:
        params = params or {}
        split = tuple(str(params["SplitPunctuation"]).split()) if params.get("SplitPunctuation") else DEFAULT_SPLIT
        return cls(int(params.get("MaxWords") or 0), split, str(params.get("DisplayPunctuation", "1")))

    def shown(self, text: str) -> str:
        if self.display == "1":
            return text
        keep = "" if self.display == "0" else self.display
        return re.sub(r"\s+", " ", _MARK.sub(lambda m: m.group() if m.group() in keep else "", text)).strip()


def _pages(text: str, rules: Rules) -> list[str]:
    pages: list[str] = []
    current: list[str] = []
    for token in re.sub(r"([。；？！])", r"\1 ", text).split():
        if rules.max_chars and current and len(rules.shown(" ".join([*current, token]))) > rules.max_chars:
            pages.append(" ".join(current))
            current = []
        current.append(token)
        if any(token.endswith(mark) for mark in rules.split):
            pages.append(" ".join(current))
            current = []
    if current:
        pages.append(" ".join(current))
    return pages


def grouped(speech: Speech, text: str, rules: Rules = Rules()) -> list[tuple[str, list[Word]]]:
    """The pages of `text` (plain, no tags) with the spoken words of each, in order."""
    result: list[tuple[str, list[Word]]] = []
    words = iter(speech.words)
    for page in _pages(text or " ".join(w.text for w in speech.words), rules):
        taken = [word for _, word in zip(range(len(_WORD.findall(page))), words, strict=False)]
        if taken:
            result.append((page, taken))
    return result


def cues(speech: Speech, text: str, rules: Rules = Rules()) -> list[Cue]:
    return [Cue(rules.shown(page), ws[0].start_ms, ws[-1].end_ms) for page, ws in grouped(speech, text, rules)]


def srt(found: list[Cue]) -> str:
    def stamp(ms: float) -> str:
        whole = int(ms)
        return f"{whole // 3_600_000:02d}:{whole // 60_000 % 60:02d}:{whole // 1000 % 60:02d},{whole % 1000:03d}"

    return "\n".join(
        f"{number}\n{stamp(cue.start_ms)} --> {stamp(cue.end_ms)}\n{cue.text}\n" for number, cue in enumerate(found, 1)
    )
