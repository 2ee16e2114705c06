"""Avatar customization and voice clone, as a state machine over scaled time:

    SUBMIT (materials are checked) -> AUDIT -> PROCESS (avatars only) -> TRAIN -> CONFIRM (not for photos nor
    the ultra voice clone) -> END / SUCCESS, with AssetList for IMAGE_PHOTO and ZERO_SHOT_VOICE.

CONFIRM waits (StatusV2 WAIT_PROCESS, StageInfo with the demo videos) for customerconfirm: AGREE ends the task,
REJECT starts another TRAIN round and keeps the rejected one in TrainRecord. A material that breaks a documented
limit fails the task at SUBMIT with a FailMessage naming the limit. Success adds the avatar or timbre to the catalog.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
import uuid
import wave
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from desktop.media import preflight
from desktop.sandbox.catalog import Anchor, Avatar, Timbre
from desktop.sandbox.context import Context
from desktop.sandbox.cos import CosServer
from desktop.sandbox.files import FileStore
from desktop.sandbox.render import render_video
from desktop.sandbox.replies import SandboxError
from desktop.sandbox.speech import synthesizer
from desktop.spec.validate import url_file_name, url_for_message

# Real-world durations in seconds (multiplied by --time-scale).
STAGES: dict[str, tuple[tuple[str, float], ...]] = {
    "IMAGE": (("SUBMIT", 10), ("AUDIT", 120), ("PROCESS", 60), ("TRAIN", 300)),
    "IMAGE_GENERAL": (("SUBMIT", 10), ("AUDIT", 120), ("PROCESS", 60), ("TRAIN", 240)),
    "IMAGE_4K": (("SUBMIT", 10), ("AUDIT", 120), ("PROCESS", 90), ("TRAIN", 480)),
    "IMAGE_PHOTO": (("SUBMIT", 5), ("AUDIT", 30), ("PROCESS", 20), ("TRAIN", 60)),
    "VOICE": (("SUBMIT", 10), ("AUDIT", 60), ("TRAIN", 180)),
    "ZERO_SHOT_VOICE": (("SUBMIT", 2), ("AUDIT", 10), ("TRAIN", 20)),
}
# No effect-confirmation step: the photo avatar by its table, the ultra voice clone because its chapter has no
# customerconfirm and says AssetList carries the timbre (docs/api-notes.md E44).
NO_CONFIRM = ("IMAGE_PHOTO", "ZERO_SHOT_VOICE")
VIDEO_TYPES = ("IMAGE", "IMAGE_GENERAL", "IMAGE_4K")
QUOTA_OF = {
    "IMAGE": "ImageAsset",
    "IMAGE_GENERAL": "SmallSampleGeneral2DImageAsset",
    "IMAGE_4K": "SmallSample4K2DImageAsset",
    "IMAGE_PHOTO": "SmallSamplePhoto2DImageAsset",
    "VOICE": "TimbreAsset",
    "ZERO_SHOT_VOICE": "ZeroShotTimbreAsset",
}
TYPE_CODE_OF = {
    "IMAGE": "small_sample_2d",
    "IMAGE_GENERAL": "small_sample_general_2d",
    "IMAGE_4K": "small_sample_4k_2d",
    "IMAGE_PHOTO": "small_sample_photo_2d",
}


@dataclass
class CustomTask:
    task_id: str
    make_type: str
    anchor_name: str
    sex: str
    payload: dict[str, Any]
    round_started: float
    problems: list[str] | None = None  # None while the materials are being checked
    confirmed: bool = False
    rounds: list[tuple[str, list[str]]] = field(default_factory=list)  # rejected rounds: (start time, demo URLs)
    reject_reason: str = ""
    finished_at: float | None = None
    assets: list[dict[str, Any]] = field(default_factory=list)

    def demo_urls(self, ctx: Context) -> list[str]:
        """This round's demo videos, rendered on first request."""
        round_number = len(self.rounds) + 1
        relatives = [f"custom/{self.task_id}/round{round_number}_demo{n}.mp4" for n in (1, 2)]
        store = ctx.state.get("files")
        if isinstance(store, FileStore):
            for relative in relatives:
                store.add_recipe(relative, partial(render_demo, ctx, self))
        return [ctx.file_url(relative) for relative in relatives]


@dataclass
class CustomizationState:
    tasks: dict[str, CustomTask] = field(default_factory=dict)
    passed_audio_ids: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    checks: set[asyncio.Task[None]] = field(default_factory=set)


DEMO_TEXT = "Hello! This is a demo of your digital human, speaking a sentence or two."


async def render_demo(ctx: Context, task: CustomTask, target: Path) -> None:
    """A demo video: the avatar (a frame of the material video, for avatars) speaking TextDriver or a default
    sentence, in a voice of the customer's sex."""
    text = str(task.payload.get("TextDriver") or DEMO_TEXT)
    voice = "en-us+m3" if task.sex == "MALE" else "en-us+f3"
    speech = await asyncio.to_thread(synthesizer().say, text, voice)
    folder = target.parent
    audio = folder / (target.stem + ".wav")
    with wave.open(str(audio), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(speech.rate)
        out.writeframes(speech.pcm)
    picture: Path | None = None
    material = task.payload.get("MaterialCosUrl")
    source = (
        await asyncio.to_thread(local_file, ctx, str(material)) if material and task.make_type in VIDEO_TYPES else None
    )
    if source is not None:
        picture = folder / (target.stem + ".png")
        process = await asyncio.create_subprocess_exec(
            "ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-ss", "1", "-i", str(source), "-frames:v", "1",
            "-vf", "scale=540:-2", str(picture), stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        if await process.wait() != 0:
            picture = None
    await render_video(target, audio, picture, (540, 960), speech.duration_ms / 1000)
    audio.unlink()


def state(ctx: Context) -> CustomizationState:
    found = ctx.state.setdefault("customization", CustomizationState())
    assert isinstance(found, CustomizationState)
    return found


def local_file(ctx: Context, url: str) -> Path | None:
    """Blocking (call from a worker thread): the sandbox's own copy of an input, an object in its COS bucket or one
    of its /files/; None when the cloud could not download it. What the sandbox serves always resolves: a catalog
    file or demo video nobody has fetched yet is made now (docs/api-notes.md E50); an expired result does not."""
    cos = ctx.state["cos"]
    assert isinstance(cos, CosServer)
    path = cos.local_path(url)
    if path is None and ctx.api_url and url.startswith(ctx.api_url + "/files/"):
        relative = unquote(url.removeprefix(ctx.api_url + "/files/").split("?", 1)[0].split("#", 1)[0])
        store = ctx.state["files"]
        assert isinstance(store, FileStore)
        if not ctx.file_expired(relative):
            path = store.made_blocking(relative, ctx.catalog.files())
    return path


def _material_problems(ctx: Context, task: CustomTask) -> list[str]:
    """Blocking: probe each material and check it against the documented limits."""
    found: list[str] = []
    checks = [("MaterialCosUrl", task.payload.get("MaterialCosUrl"))]
    checks += [
        (name, task.payload.get(name)) for name in ("IdentityCosUrl", "IdentityWrittenCosUrl", "VoiceDriverCosFile")
    ]
    for field_name, url in checks:
        if not url:
            continue
        path = local_file(ctx, str(url))
        if path is None:
            found.append(f"{field_name}: the file could not be downloaded from {url_for_message(str(url))}")
            continue
        name = url_file_name(str(url))
        problems: list[str] = []
        if field_name == "MaterialCosUrl":
            problems = preflight.customization_material(path, task.make_type, name)
        elif field_name == "VoiceDriverCosFile":
            problems = preflight.driver_audio(path, name)
        found += [f"{field_name}: {problem}" for problem in problems]
    return found


def _quota(ctx: Context, make_type: str) -> dict[str, int]:
    service = ctx.catalog.service(QUOTA_OF[make_type])
    assert service is not None
    return service.numbers


async def make(payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    customs = state(ctx)
    name = str(payload["AnchorName"])
    make_type = str(payload["MakeType"])
    if name in customs.names:
        raise SandboxError(100002, f"AnchorName: {name!r} is already used; it must be unique")
    if make_type == "ZERO_SHOT_VOICE":
        audio_id = str(payload.get("AudioId", payload.get("Audiold", "")))
        if audio_id not in customs.passed_audio_ids:
            raise SandboxError(100002, f"AudioId: {audio_id!r} is not an audio that passed the quality inspection")
    numbers = _quota(ctx, make_type)
    if numbers.get("RemainNum", 0) <= 0:
        raise SandboxError(100008, f"Exceed quota limit: no {QUOTA_OF[make_type]} customizations remain")
    numbers["RemainNum"] -= 1
    task = CustomTask(uuid.uuid4().hex, make_type, name, str(payload["SexType"]), dict(payload), ctx.clock.now())
    customs.tasks[task.task_id] = task
    customs.names.add(name)

    async def check() -> None:
        task.problems = await asyncio.to_thread(_material_problems, ctx, task)

    checking = asyncio.create_task(check())
    customs.checks.add(checking)
    checking.add_done_callback(customs.checks.discard)
    return {"TaskId": task.task_id}


def _find(ctx: Context, payload: dict[str, Any]) -> CustomTask:
    task_id = str(payload.get("TaskId", payload.get("taskId", "")))
    task = state(ctx).tasks.get(task_id)
    if task is None:
        raise SandboxError(110006, f"The record does not exist: no customization task {task_id!r}")
    return task


def _timeline(ctx: Context, task: CustomTask) -> tuple[str, str, float]:
    """(stage, stage status, seconds into the stage) now; CONFIRM and END are open-ended."""
    if task.confirmed:
        return "END", "SUCCESS", 0.0
    elapsed = ctx.clock.now() - task.round_started
    stages = STAGES[task.make_type]
    if task.rounds:  # after a rejection only TRAIN is run again
        stages = tuple(s for s in stages if s[0] == "TRAIN")
    for stage, seconds in stages:
        length = ctx.clock.scaled(seconds)
        if elapsed < length:
            return stage, "WAIT_PROCESS" if elapsed < length * 0.1 else "PROCESSING", elapsed
        elapsed -= length
    if task.make_type in NO_CONFIRM:
        return "END", "SUCCESS", elapsed
    return "CONFIRM", "WAIT_PROCESS", elapsed


def _finish(ctx: Context, task: CustomTask) -> None:
    """Success: the new avatar or timbre joins the catalog (once)."""
    if task.finished_at is not None:
        return
    task.finished_at = ctx.clock.now()
    key = hashlib.sha1(task.task_id.encode()).hexdigest()[:32]
    if task.make_type in TYPE_CODE_OF:
        code = "custom_" + hashlib.sha1(task.anchor_name.encode()).hexdigest()[:10]
        anchor = Anchor(code, task.anchor_name, TYPE_CODE_OF[task.make_type], "Basic", task.sex)
        avatar = Avatar(
            key, anchor, "Custom", "Standing", "1080x1920", 1.0, ("Text", "OriginalVoice", "ModulatedVoice")
        )
        avatar.custom = True
        ctx.catalog.anchors.append(anchor)
        ctx.catalog.avatars.append(avatar)
        if task.make_type == "IMAGE_PHOTO":
            task.assets = [{
                "VirtualmanTypeCode": anchor.type_code, "VirtualmanKey": key, "Resolution": avatar.resolution,
                "OriginZoom": "1.000", "VirtualmanResourceId": len(ctx.catalog.avatars), "MakeType": task.make_type,
            }]  # fmt: skip
    else:
        timbre = Timbre(
            key=f"custom_{key[:12]}",
            name=task.anchor_name,
            description="Cloned voice",
            gender=1 if task.sex == "MALE" else 2,
            timbre_type="SampleFast" if task.make_type == "ZERO_SHOT_VOICE" else "SampleBasic",
            purchase_type="Custom",
            languages=("en-US",),
            emotions=(),
            type_codes=tuple(TYPE_CODE_OF.values()),
            voice="en-us+m3" if task.sex == "MALE" else "en-us+f3",
        )
        ctx.catalog.timbres.append(timbre)
        if task.make_type == "ZERO_SHOT_VOICE":
            sample = ctx.file_url(f"catalog/timbre/{timbre.key}.wav")
            task.assets = [{"TimbreKey": timbre.key, "TimbreSample": sample, "MakeType": task.make_type}]


async def get_progress(payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    task = _find(ctx, payload)
    stage, stage_status, _ = _timeline(ctx, task)
    if stage != "SUBMIT":  # the SUBMIT stage is over only when the materials have been checked, and pass
        if task.problems is None:
            stage, stage_status = "SUBMIT", "PROCESSING"
        elif task.problems:
            return {"Status": "FAIL", "StageV2": "SUBMIT", "StatusV2": "FAIL", "FailMessage": "; ".join(task.problems)}
    answer: dict[str, Any] = {"Status": "MAKING", "StageV2": stage, "StatusV2": stage_status, "FailMessage": ""}
    if stage == "CONFIRM":
        content = {
            "TrainResult": task.demo_urls(ctx),
            "RejectReason": task.reject_reason,
            "TrainRecord": [{"StartTime": start, "Record": urls} for start, urls in task.rounds],
        }
        answer["StageInfo"] = json.dumps(content, ensure_ascii=False)
    elif stage == "END":
        _finish(ctx, task)
        answer["Status"] = "SUCCESS"
        if task.assets:
            answer["AssetList"] = task.assets
    return answer


async def customer_confirm(payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    task = _find(ctx, payload)
    stage, stage_status, _ = _timeline(ctx, task)
    if task.problems or (stage, stage_status) != ("CONFIRM", "WAIT_PROCESS"):
        raise SandboxError(100002, f"The task is not waiting for effect confirmation (it is at {stage} {stage_status})")
    if payload["Operate"] == "AGREE":
        task.confirmed = True
        return {}
    started = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(task.round_started))
    task.rounds.append((started, task.demo_urls(ctx)))
    task.reject_reason = str(payload.get("Reason", ""))
    task.round_started = ctx.clock.now()
    return {}


HANDLERS = {
    "customization.make": make,
    "customization.getprogress": get_progress,
    "customization.customerconfirm": customer_confirm,
}
