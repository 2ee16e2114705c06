"""Video generation: tts, basic and advanced videos, photo-to-video, progress, and the legacy resource queries."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from desktop.api.assets import Action, Anchor, Avatar, Timbre
from desktop.api.reading import Reader
from desktop.api.transport import Transport
from desktop.spec import codes
from desktop.spec import video as spec

TIMESTAMP_UNITS_PER_MS = 10_000  # Word timestamps are in 0.1 microsecond


@dataclass(frozen=True)
class Word:
    word: str
    start_ms: float
    end_ms: float


@dataclass(frozen=True)
class Sentence:
    text: str
    words: tuple[Word, ...]


@dataclass(frozen=True)
class VideoProgress:
    status: str  # COMMIT, MAKING, SUCCESS, FAIL
    progress: int
    media_url: str
    subtitles_url: str
    queue_position: int  # ArrayCount: tasks queued before this one
    duration_ms: int
    fail_code: int = 0
    fail_message: str = ""
    sentences: tuple[Sentence, ...] = ()

    @property
    def finished(self) -> bool:
        return self.status in ("SUCCESS", "FAIL")

    @property
    def fail_meaning(self) -> str:
        documented = codes.production_failure(self.fail_code) if self.fail_code else None
        return documented.meaning if documented else ""


def read_progress(payload: Mapping[str, Any]) -> VideoProgress:
    r = Reader(spec.GET_PROGRESS.response, payload)
    sentences = tuple(
        Sentence(
            s.text("Sentence"),
            tuple(
                Word(
                    w.text("Word"),
                    w.integer("StartTimestamp") / TIMESTAMP_UNITS_PER_MS,
                    w.integer("EndTimestamp") / TIMESTAMP_UNITS_PER_MS,
                )
                for w in s.items("Words")
            ),
        )
        for s in r.items("TextTimestampResult")
    )
    return VideoProgress(
        status=r.text("Status"),
        progress=r.integer("Progress"),
        media_url=r.text("MediaUrl"),
        subtitles_url=r.text("SubtitlesUrl"),
        queue_position=r.integer("ArrayCount"),
        duration_ms=r.integer("Duration"),
        fail_code=r.integer("FailCode"),
        fail_message=r.text("FailMessage"),
        sentences=sentences,
    )


class VideoApi:
    """Submissions take the documented Payload as a mapping; the spec validates every field before sending."""

    def __init__(self, transport: Transport) -> None:
        self._t = transport

    async def _submit(self, endpoint: Any, payload: Mapping[str, Any]) -> str:
        return Reader(endpoint.response, await self._t.call(endpoint, payload)).text("TaskId")

    async def tts(self, payload: Mapping[str, Any]) -> str:
        return await self._submit(spec.TTS, payload)

    async def videomake(self, payload: Mapping[str, Any]) -> str:
        return await self._submit(spec.VIDEOMAKE, payload)

    async def videomake_advanced(self, payload: Mapping[str, Any]) -> str:
        return await self._submit(spec.VIDEOMAKE_ADVANCED, payload)

    async def photo_to_video(self, payload: Mapping[str, Any]) -> str:
        return await self._submit(spec.PHOTO_TO_VIDEO, payload)

    async def progress(self, task_id: str) -> VideoProgress:
        return read_progress(await self._t.call(spec.GET_PROGRESS, {"TaskId": task_id}))

    # --- deprecated resource queries (broadcastservice) ---

    async def legacy_anchors(self, all_resources: bool = True, type_code: str = "") -> dict[str, list[Anchor]]:
        """Anchors per AppKey."""
        payload: dict[str, Any] = {"GetAllResource": all_resources}
        if type_code:
            payload["VirtualmanTypeCode"] = type_code
        r = Reader(spec.GET_ANCHOR.response, await self._t.call(spec.GET_ANCHOR, payload))
        return {
            res.text("AppKey"): [Anchor.read(a) for a in res.items("Virtualmans")]
            for res in r.items("VirtualmanResources")
        }

    async def legacy_images(self, anchor_code: str, all_resources: bool = True) -> dict[str, list[Avatar]]:
        payload = {"GetAllResource": all_resources, "AnchorCode": anchor_code}
        endpoint = spec.GET_RESOURCE_BY_ANCHOR
        r = Reader(endpoint.response, await self._t.call(endpoint, payload))
        return {
            res.text("AppKey"): [Avatar.read(a) for a in res.items("Virtualmans")]
            for res in r.items("VirtualmanResources")
        }

    async def legacy_timbres(self, virtualman_key: str) -> list[Timbre]:
        r = Reader(spec.GET_TIMBRE.response, await self._t.call(spec.GET_TIMBRE, {"VirtualmanKey": virtualman_key}))
        return [Timbre.read(t) for t in r.items("Timbres")]

    async def legacy_actions(self, virtualman_key: str) -> list[Action]:
        r = Reader(spec.GET_ACTION.response, await self._t.call(spec.GET_ACTION, {"VirtualmanKey": virtualman_key}))
        return [Action.read(a) for a in r.items("Actions")]
