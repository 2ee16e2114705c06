"""Audio and video production: tts, videomake, videomakeadvanced, phototovideonotrain, and their progress.

A queue over scaled time: at most `Concurrency` (BroadcastConcurrency, 5 by default) videos are MAKING at once and
the others wait in COMMIT with ArrayCount = tasks ahead; audio production allows one task at a time and refuses
more with 100008 (FAQ). A task's result files are made before it reports SUCCESS; its CallbackUrl gets the
Appendix II body once, its *StorageS3Url a PUT of the result; results expire after 7 days (scaled) and then 404.

Media is real: speech from espeak-ng (speech.py) with its word timings, and the avatar speaking it (render.py).
Callbacks and uploads go to loopback addresses only: this machine reaches nothing else.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from PIL import Image

from desktop.media import preflight, probe
from desktop.sandbox import subtitles
from desktop.sandbox.assets_handlers import find_avatar
from desktop.sandbox.context import Context
from desktop.sandbox.custom_tasks import local_file
from desktop.sandbox.files import portrait_png
from desktop.sandbox.layers import ProductionError, layers_of
from desktop.sandbox.render import render_video
from desktop.sandbox.replies import SandboxError
from desktop.sandbox.speech import Speech, synthesizer
from desktop.spec import materials
from desktop.spec.validate import url_file_name, url_for_message

log = logging.getLogger("desktop.sandbox.video")

RETENTION_S = 7 * 24 * 3600
CHARS_PER_SECOND = 15.0
TTS_RENDER_S = (2.0, 0.05)  # fixed seconds + seconds per second of audio
VIDEO_RENDER_S = (20.0, 0.5)
TTS_CONCURRENCY = 1


@dataclass
class VideoTask:
    task_id: str
    kind: str  # tts, video, photo
    payload: dict[str, Any]
    created: float
    media_seconds: float
    started: float | None = None
    render_s: float = 0.0
    failure: tuple[int, str] | None = None
    media: str = ""  # relative /files/ path
    subtitles: str = ""
    ready: bool = False  # result files exist
    reported: bool = False  # callback and uploads done
    speech: Speech | None = None  # the synthesized speech of a text-driven task
    audio_path: Path | None = None  # the driving audio of an audio-driven task
    advanced: bool = False  # videomakeadvanced: background, logos, intro/outro, subtitles, anchor placement

    @property
    def finish_at(self) -> float | None:
        return None if self.started is None else self.started + self.render_s


@dataclass
class VideoState:
    tasks: dict[str, VideoTask] = field(default_factory=dict)
    queue: list[str] = field(default_factory=list)  # video task ids in submission order
    work: set[asyncio.Task[None]] = field(default_factory=set)


def _state(ctx: Context) -> VideoState:
    found = ctx.state.setdefault("video", VideoState())
    assert isinstance(found, VideoState)
    return found


def plain_text(ssml: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", ssml)).strip()


def _video_limit(ctx: Context) -> int:
    service = ctx.catalog.service("BroadcastConcurrency")
    return service.numbers.get("Concurrency", 5) if service else 5


def _spawn(ctx: Context, coro: Any) -> None:
    work = asyncio.create_task(coro)
    _state(ctx).work.add(work)
    work.add_done_callback(_state(ctx).work.discard)


def advance(ctx: Context) -> None:
    """Start queued videos, first in first out, each when a slot frees up (at that moment), up to now."""
    state = _state(ctx)
    now = ctx.clock.now()
    limit = _video_limit(ctx)
    tasks = [state.tasks[i] for i in state.queue if state.tasks[i].failure is None]
    previous_start = 0.0
    for task in tasks:
        if task.started is not None:
            previous_start = task.started
            continue
        start = max(task.created, previous_start)
        running = sorted(o.finish_at for o in tasks if o.finish_at is not None and o.finish_at > start)
        if len(running) >= limit:
            start = running[len(running) - limit]  # enough of them have finished for a slot to be free
        if start > now:
            return
        _begin(ctx, task, start)
        previous_start = start


def _begin(ctx: Context, task: VideoTask, start: float) -> None:
    fixed, per_second = TTS_RENDER_S if task.kind == "tts" else VIDEO_RENDER_S
    task.started = start
    task.render_s = ctx.clock.scaled(fixed + per_second * task.media_seconds)
    _spawn(ctx, _produce(ctx, task))


async def _produce(ctx: Context, task: VideoTask) -> None:
    folder = f"results/{task.task_id}"
    target = ctx.files_dir / folder
    target.mkdir(parents=True, exist_ok=True)
    try:
        speech_file = target / "speech.wav"
        if task.speech is not None:
            await asyncio.to_thread(_write_wav, speech_file, task.speech)
        if task.kind == "tts":
            codec = str(task.payload.get("Codec", "mp3"))
            rate = int(task.payload.get("SampleRate", 24000))
            await _ffmpeg("-i", str(speech_file), "-ar", str(rate), "-ac", "1", str(target / f"audio.{codec}"))
            speech_file.unlink()
            task.media = f"{folder}/audio.{codec}"
        else:
            video_format = str(task.payload.get("VideoParam", {}).get("Format", "")).lower()
            output = "webm" if "webm" in video_format else "green" if "green" in video_format else "mp4"
            audio = speech_file if task.speech is not None else task.audio_path
            assert audio is not None
            picture, size = await asyncio.to_thread(_picture, ctx, task, target)
            name = "video.webm" if output == "webm" else "video.mp4"
            if task.speech is not None:
                text = str(task.payload.get("InputSsml", ""))
                rules = subtitles.Rules.of((task.payload.get("VideoParam") or {}).get("SubtitlesParam"))
                found = subtitles.cues(task.speech, plain_text(text), rules)
                (target / "subtitles.srt").write_text(subtitles.srt(found), encoding="utf-8")
                task.subtitles = f"{folder}/subtitles.srt"
            composition = None
            if task.advanced and output != "green":  # the green screen supports no micro-editing
                avatar = find_avatar(ctx, str(task.payload["VirtualmanKey"]))
                video_param = task.payload.get("VideoParam") or {}
                burned = target / "subtitles.srt" if task.subtitles and video_param.get("ShowSubtitles") else None
                composition = await asyncio.to_thread(
                    layers_of, ctx, video_param, avatar, size, output == "webm", burned
                )
            await render_video(target / name, audio, picture, size, task.media_seconds, output, composition)
            task.media = f"{folder}/{name}"
        expires = task.created + ctx.clock.scaled(RETENTION_S)
        for relative in (task.media, task.subtitles):
            if relative:
                ctx.expiry[relative] = expires
        task.ready = True
    except ProductionError as exc:
        task.failure = exc.failure
    except Exception as exc:
        log.exception("production of %s failed", task.task_id)
        task.failure = (801004, f"Task production encountered a crash: {exc}")


async def _ffmpeg(*arguments: str) -> None:
    process = await asyncio.create_subprocess_exec(
        "ffmpeg", "-nostdin", "-loglevel", "error", "-y", *arguments,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, stderr = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(stderr.decode(errors="replace")[-300:])


def _timestamps(speech: Speech, text: str) -> list[dict[str, Any]]:
    """Sentences and their words as spoken; units of 0.1 microsecond (ms x 10,000)."""
    return [
        {
            "Sentence": sentence,
            "Words": [
                {"Word": w.text, "StartTimestamp": int(w.start_ms * 10_000), "EndTimestamp": int(w.end_ms * 10_000)}
                for w in words
            ],
        }
        for sentence, words in subtitles.grouped(speech, plain_text(text))
    ]


def _picture(ctx: Context, task: VideoTask, folder: Path) -> tuple[Path, tuple[int, int]]:
    """The figure to animate and the output size: the uploaded photo (photo-to-video), else the avatar's portrait
    at its resolution."""
    if task.kind == "photo":
        photo = local_file(ctx, str(task.payload["RefPhotoUrl"]))
        assert photo is not None
        with Image.open(photo) as opened:
            width, height = opened.size
        scale = min(1.0, 1080 / max(width, height))
        return photo, (int(width * scale), int(height * scale))
    avatar = find_avatar(ctx, str(task.payload["VirtualmanKey"]))
    width, height = (int(n) for n in avatar.resolution.split("x"))
    portrait = folder / "avatar.png"
    portrait.write_bytes(portrait_png(avatar.anchor.name, width, height, avatar.key, transparent=True))
    return portrait, (width, height)


def _write_wav(path: Any, speech: Speech) -> None:
    import wave

    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(speech.rate)
        out.writeframes(speech.pcm)


def _voice(ctx: Context, timbre_key: str | None) -> str:
    timbre = ctx.catalog.timbre(timbre_key) if timbre_key else None
    return timbre.voice if timbre is not None else "en-us"


async def _speak(ctx: Context, text: str, timbre_key: str | None, speed: float, volume: float) -> Speech:
    """Speech for an InputSsml: the timbre's voice, Speed as a factor, Volume in dB above normal."""
    return await asyncio.to_thread(synthesizer().say, text, _voice(ctx, timbre_key), speed, volume)


def _audio_input(ctx: Context, url: str, check: Any = None) -> tuple[Path, float]:
    """The local copy and duration of an InputAudioUrl (ProductionError when it cannot be used)."""
    path = local_file(ctx, url)
    if path is None:
        raise ProductionError(801010, f"InputAudioUrl: the file could not be downloaded from {url_for_message(url)}")
    facts = probe.ffprobe(path, url_file_name(url))
    problems = check(facts) if check else ([] if facts.has_audio else ["The file has no audio stream"])
    if problems:
        raise ProductionError(801009, "InputAudioUrl: " + "; ".join(problems))
    return path, facts.duration_s or 1.0


def _submit(ctx: Context, task: VideoTask) -> str:
    state = _state(ctx)
    state.tasks[task.task_id] = task
    if task.failure is None:
        if task.kind == "tts":
            _begin(ctx, task, task.created)
        else:
            state.queue.append(task.task_id)
            advance(ctx)
    return task.task_id


async def _inputs(ctx: Context, task: VideoTask, check: Any = None) -> None:
    """Speak the text, or take the audio: the task's media length, its speech or audio, or its failure."""
    payload = task.payload
    speech = payload.get("SpeechParam") or {}
    if (payload.get("DriverType") or "Text") == "Text":
        text = str(payload.get("InputSsml", ""))
        task.speech = await _speak(ctx, text, speech.get("TimbreKey"), float(speech.get("Speed", 1.0)),
                                   float(speech.get("Volume", 0)))  # fmt: skip
        task.media_seconds = task.speech.duration_ms / 1000
        return
    try:
        task.audio_path, task.media_seconds = await asyncio.to_thread(
            _audio_input, ctx, str(payload["InputAudioUrl"]), check
        )
    except ProductionError as exc:
        task.failure = exc.failure


def _new(ctx: Context, kind: str, payload: dict[str, Any]) -> VideoTask:
    return VideoTask(uuid.uuid4().hex, kind, dict(payload), ctx.clock.now(), 1.0)


async def tts(payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    state = _state(ctx)
    now = ctx.clock.now()
    active = [t for t in state.tasks.values() if t.kind == "tts" and (t.finish_at or 0) > now]
    if len(active) >= TTS_CONCURRENCY:
        raise SandboxError(100008, "Quota exceeded: The number of audio production submissions exceeds the limit: 1")
    if payload.get("VirtualmanKey"):
        find_avatar(ctx, str(payload["VirtualmanKey"]))
    if payload.get("TimbreKey") and ctx.catalog.timbre(str(payload["TimbreKey"])) is None:
        raise SandboxError(100009, f"The resource does not exist: no timbre {payload['TimbreKey']!r}")
    task = _new(ctx, "tts", payload)
    task.speech = await _speak(ctx, str(payload["InputSsml"]), payload.get("TimbreKey"), float(payload["Speed"]),
                               float(payload.get("Volume", 0)))  # fmt: skip
    task.media_seconds = task.speech.duration_ms / 1000
    return {"TaskId": _submit(ctx, task)}


async def videomake(payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    find_avatar(ctx, str(payload["VirtualmanKey"]))
    task = _new(ctx, "video", payload)
    await _inputs(ctx, task)
    return {"TaskId": _submit(ctx, task)}


async def videomake_advanced(payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    find_avatar(ctx, str(payload["VirtualmanKey"]))
    task = _new(ctx, "video", payload)
    task.advanced = True
    await _inputs(ctx, task)
    return {"TaskId": _submit(ctx, task)}


async def photo_to_video(payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    task = _new(ctx, "photo", payload)
    photo = await asyncio.to_thread(local_file, ctx, str(payload["RefPhotoUrl"]))
    if photo is None:
        shown = url_for_message(str(payload["RefPhotoUrl"]))
        task.failure = (801010, f"RefPhotoUrl: the file could not be downloaded from {shown}")
    else:
        name = url_file_name(str(payload["RefPhotoUrl"]))
        if problems := await asyncio.to_thread(preflight.reference_photo, photo, name):
            task.failure = (801009, "RefPhotoUrl: " + "; ".join(problems))
    if task.failure is None or payload["DriverType"] == "Text":
        await _inputs(ctx, task, materials.check_photo_audio)
    if payload["DriverType"] == "Text" and task.media_seconds > 60:
        seconds = task.media_seconds
        raise SandboxError(100002, f"InputSsml: the speech would last {seconds:.0f} s; at most 60 s can be made")
    return {"TaskId": _submit(ctx, task)}


def _status(ctx: Context, task: VideoTask) -> str:
    if task.failure is not None:
        return "FAIL"
    finish = task.finish_at
    if finish is None:
        return "COMMIT"
    if ctx.clock.now() >= finish and task.ready:
        return "SUCCESS"
    return "MAKING"


async def get_progress(payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    advance(ctx)
    task_id = str(payload["TaskId"])
    task = _state(ctx).tasks.get(task_id)
    if task is None:
        raise SandboxError(110006, f"The record does not exist: no production task {task_id!r}")
    status = _status(ctx, task)
    answer: dict[str, Any] = {
        "Progress": 0, "MediaUrl": "", "SubtitlesUrl": "", "Status": status, "ArrayCount": 0,
        "FailCode": 0, "FailMessage": "", "Duration": 0,
    }  # fmt: skip
    if status == "COMMIT":
        queue = [_state(ctx).tasks[i] for i in _state(ctx).queue]
        answer["ArrayCount"] = sum(
            1 for t in queue if t.started is None and t.failure is None and t.created < task.created
        )
    elif status == "MAKING" and task.started is not None:
        fraction = (ctx.clock.now() - task.started) / max(task.render_s, 1e-6)
        answer["Progress"] = max(1, min(99, int(fraction * 100)))
    elif status == "FAIL" and task.failure is not None:
        answer["Progress"], (answer["FailCode"], answer["FailMessage"]) = -1, task.failure
    else:
        answer["Progress"] = 100
        answer["MediaUrl"] = ctx.file_url(task.media)
        answer["SubtitlesUrl"] = ctx.file_url(task.subtitles) if task.subtitles else ""
        answer["Duration"] = int(task.media_seconds * 1000)
        if task.kind == "tts":
            assert task.speech is not None
            answer["TextTimestampResult"] = _timestamps(task.speech, str(task.payload["InputSsml"]))
    if status in ("SUCCESS", "FAIL") and not task.reported:
        task.reported = True
        _spawn(ctx, _report(ctx, task, answer))
    return answer


def _loopback_url(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


async def _report(ctx: Context, task: VideoTask, answer: dict[str, Any]) -> None:
    """The callback (once, never retried) and the uploads to the caller's storage URLs."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
        for field_name, relative in (
            ("AudioStorageS3Url", task.media),
            ("VideoStorageS3Url", task.media),
            ("SubtitleStorageS3Url", task.subtitles),
        ):
            url = task.payload.get(field_name)
            if url and relative and answer["Status"] == "SUCCESS":
                await _send(session, "PUT", str(url), (ctx.files_dir / relative).read_bytes())
        callback = task.payload.get("CallbackUrl")
        if callback:
            body = {
                "Payload": {
                    "Progress": answer["Progress"], "MediaUrl": answer["MediaUrl"],
                    "SubtitlesUrl": answer["SubtitlesUrl"], "Status": answer["Status"],
                    "FailMessage": answer["FailMessage"], "TaskId": task.task_id,
                }
            }  # fmt: skip
            await _send(session, "POST", str(callback), json.dumps(body).encode(), "application/json")


async def _send(session: aiohttp.ClientSession, method: str, url: str, data: bytes, kind: str = "") -> None:
    if not _loopback_url(url):
        log.warning("not sending to %s: the sandbox calls loopback addresses only", urlsplit(url).hostname)
        return
    try:
        headers = {"Content-Type": kind} if kind else {}
        async with session.request(method, url, data=data, headers=headers) as response:
            log.info("%s %s -> %d", method, url_for_message(url), response.status)
    except aiohttp.ClientError as exc:  # its text may hold the URL, and a storage URL's query its signature
        log.info("%s %s failed: %s (not retried, as documented)", method, url_for_message(url), type(exc).__name__)


HANDLERS = {
    "video.tts": tts,
    "video.videomake": videomake,
    "video.videomakeadvanced": videomake_advanced,
    "video.phototovideonotrain": photo_to_video,
    "video.getprogress": get_progress,
}
