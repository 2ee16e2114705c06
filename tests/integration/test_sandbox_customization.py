"""Customization and voice clone against the sandbox, with real materials uploaded through the COS SDK and really
checked: the stages, confirmation and rejection, failures that name the broken limit, audio quality metrics."""

from __future__ import annotations

import asyncio
import subprocess
import time
import uuid
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from desktop import spec
from desktop.api import Client, NotFoundError, ParameterError, QuotaError
from desktop.api.customization import CustomizationProgress, UploadCredentials
from tests.fixtures import materials
from tests.fixtures.sandbox import Ready, raw_call, start_sandbox, stop_sandbox, upload

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


async def poll(fetch: Callable[[], Awaitable[T]], done: Callable[[T], bool], timeout: float = 30.0) -> list[T]:
    """Query until `done`; returns every answer seen (the last one satisfies `done`)."""
    seen: list[T] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        seen.append(await fetch())
        if done(seen[-1]):
            return seen
        await asyncio.sleep(0.02)
    raise AssertionError(f"not done in {timeout} s; last answer: {seen[-1] if seen else None}")


def grant(sandbox: Ready) -> UploadCredentials:
    async def ask() -> UploadCredentials:
        async with Client(sandbox.environment, sandbox.credentials) as client:
            return await client.customization.upload_credentials()

    return run(ask())


def finished(progress: CustomizationProgress) -> bool:
    return progress.status in ("SUCCESS", "FAIL") or progress.awaiting_confirmation


def test_a_photo_avatar_is_trained_without_confirmation(sandbox: Ready, tmp_path: Path) -> None:
    credentials = grant(sandbox)
    url = upload(sandbox, credentials, materials.photo(tmp_path / "my_photo.png"), "photo")
    name = unique("Photo_Lena")

    async def flow() -> tuple[list[CustomizationProgress], list[str]]:
        async with Client(sandbox.environment, sandbox.credentials) as client:
            task_id = await client.customization.make(name, "IMAGE_PHOTO", "FEMALE", material_url=url)
            seen = await poll(lambda: client.customization.progress(task_id), finished)
            photos = await client.assets.images_by_anchor("small_sample_photo_2d", page_size=100)
            return seen, [a.virtualman_key for a in photos.items if a.anchor_name == name]

    seen, keys = run(flow())
    last = seen[-1]
    assert last.status == "SUCCESS" and last.stage == "END"
    assert {p.stage for p in seen} <= {"SUBMIT", "AUDIT", "PROCESS", "TRAIN", "END"}
    assert last.assets[0].make_type == "IMAGE_PHOTO"
    assert keys == [last.assets[0].virtualman_key]


def test_an_avatar_is_confirmed_after_a_rejected_round(sandbox: Ready, tmp_path: Path) -> None:
    credentials = grant(sandbox)
    material = upload(sandbox, credentials, materials.video(tmp_path / "c.mp4", 61), "video")
    identity = upload(sandbox, credentials, materials.video(tmp_path / "a.mp4", 3), "idcard")
    name = unique("Studio_Yani")

    async def flow() -> tuple[CustomizationProgress, CustomizationProgress, CustomizationProgress]:
        async with Client(sandbox.environment, sandbox.credentials) as client:
            task_id = await client.customization.make(
                name, "IMAGE_GENERAL", "FEMALE", material_url=material, identity_url=identity
            )
            first = (await poll(lambda: client.customization.progress(task_id), finished))[-1]
            await client.customization.confirm(task_id, agree=False, reason="The outline is green around the hair")
            second = (await poll(lambda: client.customization.progress(task_id), finished))[-1]
            await client.customization.confirm(task_id, agree=True)
            final = await client.customization.progress(task_id)
            return first, second, final

    first, second, final = run(flow())
    assert first.awaiting_confirmation and first.confirm is not None
    assert len(first.confirm.train_result) == 2 and first.confirm.records == ()
    demo = httpx.get(first.confirm.train_result[0])
    assert demo.status_code == 200 and demo.content[4:8] == b"ftyp"  # a real MP4
    (tmp_path / "demo.mp4").write_bytes(demo.content)
    streams = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "stream=codec_type:format=duration", "-of", "json",
         str(tmp_path / "demo.mp4")], check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    assert '"codec_type": "video"' in streams and '"codec_type": "audio"' in streams  # the avatar, speaking
    assert second.awaiting_confirmation and second.confirm is not None
    assert second.confirm.reject_reason == "The outline is green around the hair"
    assert second.confirm.records[0].urls == first.confirm.train_result
    assert second.confirm.train_result != first.confirm.train_result
    assert (final.status, final.stage, final.stage_status) == ("SUCCESS", "END", "SUCCESS")


def low_rate_zip(folder: Path) -> Path:
    return materials.wav_zip(folder / "voice.zip", materials.speech(folder / "low_rate.wav", "Hello there", 16000))


def nested_zip(folder: Path) -> Path:
    return materials.wav_zip(folder / "nested.zip", materials.speech(folder / "ok.wav", "Hello"), folder="takes/")


@pytest.mark.parametrize(
    ("make_type", "make_material", "folder", "expected"),
    [
        ("IMAGE", lambda d: materials.video(d / "short.mp4", 5), "video",
         "MaterialCosUrl: The video duration must be 2 to 10 minutes (got 0.08 minutes)"),
        ("IMAGE_4K", lambda d: materials.video(d / "hd.mp4", 121), "video",
         "MaterialCosUrl: The video resolution must be 4K (3840x2160 or 2160x3840) (got 1080x1920)"),
        ("IMAGE_PHOTO", lambda d: materials.photo(d / "wide_photo.png", 1000, 700), "photo",
         "MaterialCosUrl: The photo aspect ratio must be 1:1, 9:16, 16:9 or 4:3 (got 1000x700)"),
        ("VOICE", low_rate_zip, "audio",
         "MaterialCosUrl: low_rate.wav: the sampling rate must be at least 24 kHz (got 16 kHz)"),
        ("VOICE", nested_zip, "audio", "MaterialCosUrl: The zip must not contain folders"),
    ],
)  # fmt: skip
def test_a_material_that_breaks_a_limit_fails_the_task_naming_it(
    sandbox: Ready, tmp_path: Path, make_type: str, make_material: Callable[[Path], Path], folder: str, expected: str
) -> None:
    credentials = grant(sandbox)
    url = upload(sandbox, credentials, make_material(tmp_path), folder)
    identity = url if make_type != "IMAGE_PHOTO" else None

    async def flow() -> CustomizationProgress:
        async with Client(sandbox.environment, sandbox.credentials) as client:
            task_id = await client.customization.make(
                unique("Material"), make_type, "MALE", material_url=url, identity_url=identity
            )
            return (await poll(lambda: client.customization.progress(task_id), finished))[-1]

    progress = run(flow())
    assert (progress.status, progress.stage, progress.stage_status) == ("FAIL", "SUBMIT", "FAIL")
    assert expected in progress.fail_message


def test_a_material_that_is_not_uploaded_fails(sandbox: Ready) -> None:
    credentials = grant(sandbox)
    missing = f"{credentials.path_prefix}photo/never_uploaded.png"

    async def flow() -> CustomizationProgress:
        async with Client(sandbox.environment, sandbox.credentials) as client:
            task_id = await client.customization.make(unique("Missing"), "IMAGE_PHOTO", "MALE", material_url=missing)
            return (await poll(lambda: client.customization.progress(task_id), finished))[-1]

    progress = run(flow())
    assert progress.status == "FAIL"
    assert progress.fail_message == f"MaterialCosUrl: the file could not be downloaded from {missing}"


def test_zero_shot_voice_clone_from_the_training_text(sandbox: Ready, tmp_path: Path) -> None:
    credentials = grant(sandbox)

    async def flow() -> tuple[Any, ...]:
        async with Client(sandbox.environment, sandbox.credentials) as client:
            text = (await client.customization.training_texts())[0]
            recording = materials.speech(tmp_path / "my_voice.wav", text.text)
            url = upload(sandbox, credentials, recording, "zeroshot")
            noisy = upload(sandbox, credentials, materials.noisy(recording, tmp_path / "noisy_take.wav"), "zeroshot")
            task = await client.customization.detect_audio_quality(url, text_id=text.text_id)
            passed = await poll(lambda: client.customization.detect_progress(task), lambda p: p.state != "PROCESSING")
            noise_task = await client.customization.detect_audio_quality(noisy, text_id=text.text_id)
            rejected = await poll(
                lambda: client.customization.detect_progress(noise_task), lambda p: p.state != "PROCESSING"
            )
            audio_id = passed[-1].audio_id
            make_id = await client.customization.make(
                unique("My_Voice"), "ZERO_SHOT_VOICE", "FEMALE", audio_id=audio_id
            )
            stages = await poll(lambda: client.customization.progress(make_id), finished)
            made = stages[-1]
            assert not [p for p in stages if p.awaiting_confirmation]  # no effect confirmation (E44)
            timbres = await client.assets.timbres(page_size=100)
            return passed[-1], rejected[-1], made, [t.key for t in timbres.items]

    passed, rejected, made, timbre_keys = run(flow())
    assert passed.passed and passed.code == 0 and passed.audio_id
    assert rejected.code == -3 and "noise" in rejected.message
    assert made.status == "SUCCESS" and made.assets[0].make_type == "ZERO_SHOT_VOICE"
    assert made.assets[0].timbre_key in timbre_keys


def test_audio_evaluation_measures_the_recording(sandbox: Ready, tmp_path: Path) -> None:
    credentials = grant(sandbox)
    text = "The weather in the mountains changes quickly, so bring a warm coat."
    clean = upload(sandbox, credentials, materials.speech(tmp_path / "take1.wav", text), "audio")
    mp3 = tmp_path / "take2.mp3"
    subprocess.run(["ffmpeg", "-loglevel", "error", "-i", str(tmp_path / "take1.wav"), str(mp3)], check=True)
    compressed = upload(sandbox, credentials, mp3, "audio")

    async def flow() -> tuple[Any, Any]:
        async with Client(sandbox.environment, sandbox.credentials) as client:
            good = await client.customization.audio_evaluation(clean, reference_text=text)
            bad = await client.customization.audio_evaluation(compressed)
            done = lambda e: e.state in ("SUCCESS", "FAIL")  # noqa: E731
            return (
                (await poll(lambda: client.customization.audio_evaluation_state(good), done))[-1],
                (await poll(lambda: client.customization.audio_evaluation_state(bad), done))[-1],
            )

    good, bad = run(flow())
    assert good.state == "SUCCESS"
    assert good.metrics["Snr"].passed and good.metrics["C50"].passed and good.metrics["Clipping"].passed
    assert not good.metrics["Duration"].passed  # seconds, where ten minutes are needed
    assert 0 < good.metrics["Duration"].value < 10
    assert good.metrics["Wer"].passed
    assert good.alignment and good.alignment[0] == ("The", "The")
    assert bad.state == "FAIL" and bad.error.startswith("Only WAV audio is supported (got mp3)")


def test_customization_refusals(sandbox: Ready) -> None:
    name = unique("Twice")

    async def flow() -> None:
        async with Client(sandbox.environment, sandbox.credentials) as client:
            with pytest.raises(NotFoundError, match="110006"):
                await client.customization.progress("no-such-task")
            task_id = await client.customization.make(name, "IMAGE_PHOTO", "MALE", material_url="https://x/y.png")
            with pytest.raises(ParameterError, match="must be unique"):
                await client.customization.make(name, "IMAGE_PHOTO", "MALE", material_url="https://x/y.png")
            with pytest.raises(ParameterError, match="not waiting for effect confirmation"):
                await client.customization.confirm(task_id, agree=True)
            with pytest.raises(ParameterError, match="AudioId: 'made-up' is not an audio that passed"):
                await client.customization.make(unique("Voice"), "ZERO_SHOT_VOICE", "MALE", audio_id="made-up")

    run(flow())
    answer = raw_call(sandbox, spec.endpoint("customization.customerconfirm").path, {"TaskId": 1, "Operate": "REJECT"})
    assert answer["Header"]["Code"] == 100001
    assert answer["Header"]["Message"] == "Reason: is required when Operate is 'REJECT'"


def test_customization_quotas_run_out(tmp_path: Path) -> None:
    ready = start_sandbox(tmp_path / "quota", "--time-scale", "0.001")  # its own: the quota is used up
    material = "https://x/y.png"

    async def flow() -> int:
        async with Client(ready.environment, ready.credentials) as client:
            for index in range(10):
                await client.customization.make(f"Quota_{index}", "IMAGE_PHOTO", "MALE", material_url=material)
            with pytest.raises(QuotaError, match="100008"):
                await client.customization.make("Quota_10", "IMAGE_PHOTO", "MALE", material_url=material)
            quota = await client.assets.service_assets(service_type="SmallSamplePhoto2DImageAsset")
            return quota.items[0].numbers["RemainNum"]

    try:
        assert run(flow()) == 0
    finally:
        stop_sandbox(ready)
