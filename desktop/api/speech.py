"""Text made into sound by the platform's tts API, for a session that can only be driven by audio (the lightweight
avatar, seed 004: "add a text-to-audio feature in the pre-processing stage of audio-driven").

`synthesize` submits the text (16 kHz WAV, the drive's own rate, so nothing is resampled), follows the task until it
succeeds or fails, and downloads the sound, bounded in size and time. The result address is signed: it is never
logged, and failures name the task, not the address. Qt-free.
"""

from __future__ import annotations

import asyncio
import time
from xml.sax.saxutils import escape

import httpx

from desktop.api.errors import ApiError
from desktop.api.video import VideoApi

POLL_S = 0.25
DEADLINE_S = 60.0
MAX_BYTES = 64 * 1024 * 1024  # 30 minutes of 16 kHz mono; a text drive is seconds


class SpeechError(ApiError):
    """The text could not be made into sound."""


def tts_payload(text: str, *, virtualman_key: str = "", timbre_key: str = "", speed: float | None = None) -> dict:
    """The tts Payload: the avatar's own voice (VirtualmanKey) unless a timbre is chosen; Speed is the live session's
    percentage turned into the tts ratio, within its [0.5, 1.5]."""
    payload: dict[str, object] = {"InputSsml": escape(text), "SampleRate": 16000, "Codec": "wav"}
    if timbre_key:
        payload["TimbreKey"] = timbre_key
    else:
        payload["VirtualmanKey"] = virtualman_key
    if speed is not None:
        payload["Speed"] = round(min(1.5, max(0.5, speed / 100)), 2)
    return payload


async def synthesize(video: VideoApi, payload: dict, *, deadline_s: float = DEADLINE_S) -> bytes:
    task_id = await video.tts(payload)
    give_up = time.monotonic() + deadline_s
    while True:
        progress = await video.progress(task_id)
        if progress.status == "SUCCESS" and progress.media_url:
            break
        if progress.status == "FAIL":
            why = progress.fail_meaning or progress.fail_message or f"code {progress.fail_code}"
            raise SpeechError(f"the speech of task {task_id} could not be made: {why}")
        if time.monotonic() > give_up:
            raise SpeechError(f"the speech of task {task_id} was not ready within {deadline_s:.0f} s")
        await asyncio.sleep(POLL_S)
    return await _download(progress.media_url, task_id, give_up)


async def _download(url: str, task_id: str, give_up: float) -> bytes:
    timeout = max(1.0, give_up - time.monotonic())
    try:
        async with (
            httpx.AsyncClient(timeout=timeout, follow_redirects=True) as http,
            http.stream("GET", url) as answer,
        ):
            if answer.status_code != 200:
                raise SpeechError(f"the speech of task {task_id} could not be fetched: HTTP {answer.status_code}")
            body = bytearray()
            async for chunk in answer.aiter_bytes():
                body += chunk
                if len(body) > MAX_BYTES:
                    raise SpeechError(f"the speech of task {task_id} is larger than {MAX_BYTES >> 20} MB")
            return bytes(body)
    except httpx.HTTPError as error:
        raise SpeechError(f"the speech of task {task_id} could not be fetched: {type(error).__name__}") from None


__all__ = ["SpeechError", "synthesize", "tts_payload"]
