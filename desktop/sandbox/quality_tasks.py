"""Audio quality inspection: audioevaluation (voice clone, basic) and detectaudioquality (ultra), computed from the
uploaded audio by audio_metrics, over scaled time. A passing detection yields the AudioId that make needs."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.media import probe
from desktop.sandbox import audio_metrics
from desktop.sandbox.context import Context
from desktop.sandbox.custom_tasks import local_file, state
from desktop.sandbox.customization_handlers import TRAINING_TEXTS
from desktop.sandbox.replies import SandboxError
from desktop.spec import materials
from desktop.spec.validate import url_file_name, url_for_message

BIG = 2147483600  # the docs' open upper bound
EVALUATION_STAGES = (("CREATED", 1.0), ("QUEUING", 2.0))
MIN_PROCESSING_S = 3.0
MIN_ZERO_SHOT_SPEECH_S = 3.0
RANGES: dict[str, tuple[list[float], str]] = {
    "Snr": ([30, BIG], "Audio signal-to-noise ratio; the higher, the better."),
    "C50": ([30, BIG], "Reverberation metric; the higher, the better."),
    "Clipping": ([-BIG, 0], "Clipping metric: Being less than or equal to 0 is acceptable"),
    "Duration": ([600, BIG], "Effective duration: It is measured in seconds, and being greater than 600 is acceptable"),
    "Wer": ([0.7, 1], "Text accuracy: Being greater than or equal to 70% is acceptable"),
}


@dataclass
class QualityTask:
    task_id: str
    url: str
    reference_text: str
    created: float
    metrics: audio_metrics.AudioMetrics | None = None
    error: str = ""
    done: bool = False
    audio_id: str = ""
    code: int = 0
    message: str = ""


@dataclass
class QualityState:
    evaluations: dict[str, QualityTask] = field(default_factory=dict)
    detections: dict[str, QualityTask] = field(default_factory=dict)
    running: set[asyncio.Task[None]] = field(default_factory=set)


def _state(ctx: Context) -> QualityState:
    found = ctx.state.setdefault("quality", QualityState())
    assert isinstance(found, QualityState)
    return found


def _run(ctx: Context, task: QualityTask, check: Any) -> None:
    """Measure in a thread; `check(facts)` gives the file problems that stop the measurement."""

    def work() -> None:
        path: Path | None = local_file(ctx, task.url)
        if path is None:
            task.error = f"The audio could not be downloaded from {url_for_message(task.url)}"
            return
        problems = check(probe.ffprobe(path, url_file_name(task.url)))
        if problems:
            task.error = "; ".join(problems)
            return
        try:
            task.metrics = audio_metrics.measure(audio_metrics.decode(path), task.reference_text)
        except ValueError as exc:
            task.error = str(exc)

    async def run() -> None:
        try:
            await asyncio.to_thread(work)
        finally:
            task.done = True

    running = asyncio.create_task(run())
    _state(ctx).running.add(running)
    running.add_done_callback(_state(ctx).running.discard)


def _task(tasks: dict[str, QualityTask], payload: dict[str, Any]) -> QualityTask:
    task_id = str(payload.get("taskId", payload.get("TaskId", "")))
    if task_id not in tasks:
        raise SandboxError(110006, f"The record does not exist: no quality inspection task {task_id!r}")
    return tasks[task_id]


# --- audioevaluation (basic voice clone) ---


def _wav_only(facts: materials.MediaFacts) -> list[str]:
    if facts.extension.lower() != "wav" or "wav" not in facts.container:
        return [f"Only WAV audio is supported (got {facts.extension or facts.container or 'an unknown format'})"]
    return [] if facts.has_audio else ["The file has no audio stream"]


async def audio_evaluation(payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    task = QualityTask(
        uuid.uuid4().hex, str(payload["AudioUrl"]), str(payload.get("ReferenceText", "")), ctx.clock.now()
    )
    _state(ctx).evaluations[task.task_id] = task
    _run(ctx, task, _wav_only)
    return {"TaskId": task.task_id}


def _metric(name: str, value: float) -> dict[str, Any]:
    qualified, description = RANGES[name]
    return {"Value": value, "QualifiedRange": qualified, "Description": description}


def _evaluation_result(task: QualityTask) -> dict[str, Any]:
    m = task.metrics
    values = {
        "Snr": m.snr_db if m else 0.0,
        "C50": m.c50_db if m else 0.0,
        "Clipping": m.clipping_percent if m else 0.0,
        "Duration": m.duration_s if m else 0.0,
        "Wer": m.text_accuracy if m and task.reference_text else 0.0,
    }
    words = task.reference_text.split()
    matched = round(len(words) * (m.text_accuracy if m else 0))
    align = [{"Detail": [w, w] if i < matched else ["<eps>", w]} for i, w in enumerate(words)]
    return {**{name: _metric(name, value) for name, value in values.items()}, "AlignDetails": align}


async def audio_evaluation_state(payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    task = _task(_state(ctx).evaluations, payload)
    elapsed = ctx.clock.now() - task.created
    state_name = "PROCESSING"
    for name, seconds in EVALUATION_STAGES:
        if elapsed < ctx.clock.scaled(seconds):
            state_name = name
            break
        elapsed -= ctx.clock.scaled(seconds)
    if state_name == "PROCESSING" and task.done and elapsed >= ctx.clock.scaled(MIN_PROCESSING_S):
        state_name = "FAIL" if task.error else "SUCCESS"
    finished = state_name in ("SUCCESS", "FAIL")
    return {
        "TaskState": state_name,
        "Result": _evaluation_result(task if finished else QualityTask("", "", task.reference_text, 0)),
        "ErrorMsg": task.error if state_name == "FAIL" else "",
    }


# --- detectaudioquality (ultra voice clone) ---


async def detect_audio_quality(payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    reference = str(payload.get("ReferenceText", ""))
    text_id = payload.get("TextId")
    if text_id:
        texts = dict(TRAINING_TEXTS)
        if text_id not in texts:
            raise SandboxError(100002, f"TextId: {text_id!r} is not a text from gettext")
        reference = texts[text_id]
    task = QualityTask(uuid.uuid4().hex, str(payload["AudioUrl"]), reference, ctx.clock.now())
    _state(ctx).detections[task.task_id] = task
    _run(ctx, task, materials.check_zero_shot_audio)
    return {"TaskId": task.task_id}


def _judge(task: QualityTask) -> tuple[int, str]:
    m = task.metrics
    if task.error or m is None:
        return -1, f"Detection failed: {task.error or 'no result'}"
    if m.snr_db < 30:
        return -3, f"Significant noise in the audio (signal-to-noise ratio {m.snr_db:.1f} dB, 30 needed)"
    if m.clipping_percent > 0:
        return -2, f"The audio is clipped ({m.clipping_percent:.2f}% of samples at full scale): record it again"
    if m.duration_s < MIN_ZERO_SHOT_SPEECH_S:
        return -2, f"Too little speech ({m.duration_s:.1f} s): record it again, 10 to 30 s is advised"
    if task.reference_text and m.text_accuracy < 0.7:
        return -2, f"The reading does not match the text ({m.text_accuracy:.0%}): record it again"
    return 0, "success"


async def get_detect_progress(payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    task = _task(_state(ctx).detections, payload)
    if not task.done or ctx.clock.now() - task.created < ctx.clock.scaled(MIN_PROCESSING_S):
        return {"AudioId": "", "DetectionCode": 0, "DetectionMsg": "", "TaskState": "PROCESSING"}
    if not task.message:
        task.code, task.message = _judge(task)
        if task.code == 0:
            task.audio_id = uuid.uuid4().hex
            state(ctx).passed_audio_ids.add(task.audio_id)
    return {
        "AudioId": task.audio_id,
        "DetectionCode": task.code,
        "DetectionMsg": task.message,
        "TaskState": "FAIL" if task.code == -1 else "SUCCESS",
    }


HANDLERS = {
    "customization.audioevaluation": audio_evaluation,
    "customization.getaudioevaluationstate": audio_evaluation_state,
    "customization.detectaudioquality": detect_audio_quality,
    "customization.getdetectprogress": get_detect_progress,
}
