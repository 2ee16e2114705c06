"""Audio and video production against the sandbox: the statuses, the queue, the result files, failures with the
production codes, the one callback, the storage upload, and expiry after seven (scaled) days."""

from __future__ import annotations

import asyncio
import itertools
import json
import subprocess
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar

import httpx
import numpy as np
import pytest
from PIL import Image

from desktop.api import Client, ParameterError, QuotaError
from desktop.api.video import VideoProgress
from tests.fixtures import materials
from tests.fixtures.sandbox import Ready, start_sandbox, stop_sandbox, upload

T = TypeVar("T")
TEXT = "Hello, I am the virtual anchor of the sandbox. Today we talk about the weather."


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


async def wait_done(client: Client, task_id: str, timeout: float = 30) -> list[VideoProgress]:
    seen: list[VideoProgress] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        seen.append(await client.video.progress(task_id))
        if seen[-1].finished:
            return seen
        await asyncio.sleep(0.02)
    raise AssertionError(f"task {task_id} not finished: {seen[-1]}")


def first_avatar(client_call: Callable[[Client], Awaitable[T]], sandbox: Ready) -> T:
    async def go() -> T:
        async with Client(sandbox.environment, sandbox.credentials) as client:
            return await client_call(client)

    return run(go())


async def avatar_key(client: Client) -> str:
    return (await client.assets.avatars(page_size=1)).items[0].virtualman_key


def probe(url: str, tmp_path: Path, name: str) -> dict[str, Any]:
    local = tmp_path / name
    local.write_bytes(httpx.get(url).content)
    output = subprocess.run(
        ["ffprobe", "-v", "error", "-show_format", "-show_streams", "-of", "json", str(local)],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    result: dict[str, Any] = json.loads(output)
    return result


def test_tts_makes_audio_with_word_timestamps(sandbox: Ready, tmp_path: Path) -> None:
    async def flow() -> list[VideoProgress]:
        async with Client(sandbox.environment, sandbox.credentials) as client:
            task = await client.video.tts({"TimbreKey": "female_1", "InputSsml": TEXT, "Speed": 1.0, "Codec": "wav"})
            return await wait_done(client, task)

    done = run(flow())[-1]
    assert done.status == "SUCCESS" and done.progress == 100 and done.duration_ms > 1000
    info = probe(done.media_url, tmp_path, "tts.wav")
    assert info["streams"][0]["codec_name"].startswith("pcm") and info["streams"][0]["sample_rate"] == "24000"
    assert abs(float(info["format"]["duration"]) * 1000 - done.duration_ms) < 50
    words = [word for sentence in done.sentences for word in sentence.words]
    assert [w.word for w in words[:4]] == ["Hello", "I", "am", "the"]
    assert done.duration_ms - 400 <= words[-1].end_ms <= done.duration_ms + 5  # speech, then a short tail
    assert all(a.end_ms <= b.start_ms + 0.01 for a, b in itertools.pairwise(words))
    assert done.sentences[0].text == "Hello, I am the virtual anchor of the sandbox."
    samples = subprocess.run(["ffmpeg", "-v", "error", "-i", str(tmp_path / "tts.wav"), "-f", "s16le", "-"],
                             check=True, capture_output=True).stdout  # fmt: skip
    loudness = max(abs(int.from_bytes(samples[i : i + 2], "little", signed=True)) for i in range(0, len(samples), 200))
    assert loudness > 3000  # real speech, not silence


def test_audio_production_runs_one_task_at_a_time(tmp_path: Path) -> None:
    ready = start_sandbox(tmp_path / "tts", "--time-scale", "1")  # real time: a tts takes seconds

    async def flow() -> str:
        async with Client(ready.environment, ready.credentials) as client:
            first = await client.video.tts({"TimbreKey": "female_1", "InputSsml": TEXT, "Speed": 1.0})
            with pytest.raises(QuotaError) as refused:
                await client.video.tts({"TimbreKey": "female_1", "InputSsml": "Again please", "Speed": 1.0})
            assert (await client.video.progress(first)).status == "MAKING"
            return str(refused.value)

    try:
        assert "exceeds the limit: 1" in run(flow())
    finally:
        stop_sandbox(ready)


def test_a_text_video_has_subtitles_and_its_format(sandbox: Ready, tmp_path: Path) -> None:
    async def flow() -> tuple[VideoProgress, VideoProgress]:
        async with Client(sandbox.environment, sandbox.credentials) as client:
            key = await avatar_key(client)
            mp4 = await client.video.videomake({"VirtualmanKey": key, "InputSsml": TEXT, "SpeechParam": {"Speed": 1.0},
                                                "VideoParam": {"Format": "GreenScreenMp4"}})  # fmt: skip
            webm = await client.video.videomake_advanced({"VirtualmanKey": key, "InputSsml": TEXT,
                                                          "SpeechParam": {"Speed": 1.0},
                                                          "VideoParam": {"Format": "TransparentWebm"}})  # fmt: skip
            return (await wait_done(client, mp4))[-1], (await wait_done(client, webm))[-1]

    mp4, webm = run(flow())
    assert mp4.status == "SUCCESS" and mp4.media_url.endswith(".mp4")
    streams = {s["codec_type"]: s["codec_name"] for s in probe(mp4.media_url, tmp_path, "v.mp4")["streams"]}
    assert streams == {"video": "h264", "audio": "aac"}
    subtitles = httpx.get(mp4.subtitles_url).text
    assert subtitles.startswith("1\n00:00:00,000 --> ") and "Hello, I am the virtual anchor" in subtitles
    last_end = subtitles.strip().splitlines()[-2].split(" --> ")[1]
    hours, minutes, rest = last_end.split(":")
    end_s = int(hours) * 3600 + int(minutes) * 60 + float(rest.replace(",", "."))
    audio = next(st for st in probe(mp4.media_url, tmp_path, "a.mp4")["streams"] if st["codec_type"] == "audio")
    assert abs(float(audio["duration"]) - end_s) < 0.5  # the subtitles follow the speech
    assert webm.media_url.endswith(".webm")
    assert probe(webm.media_url, tmp_path, "v.webm")["streams"][0]["codec_name"] == "vp9"


def test_videos_beyond_the_concurrency_wait_in_commit(tmp_path: Path) -> None:
    sandbox = start_sandbox(tmp_path / "queue", "--time-scale", "0.05")  # renders of about a second

    async def flow() -> tuple[list[int], list[str]]:
        async with Client(sandbox.environment, sandbox.credentials) as client:
            key = await avatar_key(client)
            payload = {"VirtualmanKey": key, "InputSsml": "A queued video.", "SpeechParam": {"Speed": 1.0}}
            tasks = [await client.video.videomake(payload) for _ in range(7)]
            first_look = [await client.video.progress(t) for t in tasks]
            finals = [(await wait_done(client, t, timeout=60))[-1] for t in tasks]
            return [p.queue_position for p in first_look if p.status == "COMMIT"], [p.status for p in finals]

    try:
        queued, statuses = run(flow())
    finally:
        stop_sandbox(sandbox)
    assert queued == [0, 1]  # five run at once; the sixth and seventh wait, in order
    assert statuses == ["SUCCESS"] * 7


def test_unusable_inputs_fail_with_production_codes(sandbox: Ready, tmp_path: Path) -> None:
    credentials = first_avatar(lambda c: c.customization.upload_credentials(), sandbox)
    small_photo = upload(sandbox, credentials, materials.photo(tmp_path / "tiny.png", 100, 100), "photo")

    async def flow() -> tuple[VideoProgress, VideoProgress, Exception | None]:
        async with Client(sandbox.environment, sandbox.credentials) as client:
            key = await avatar_key(client)
            missing = await client.video.videomake({
                "VirtualmanKey": key, "SpeechParam": {"Speed": 1.0}, "DriverType": "OriginalVoice",
                "InputAudioUrl": f"{credentials.path_prefix}audio/none.wav",
            })  # fmt: skip
            photo = await client.video.photo_to_video({
                "RefPhotoUrl": small_photo, "DriverType": "Text", "InputSsml": "Hello there, friends",
                "SpeechParam": {"Speed": 1.0, "TimbreKey": "female_1"},
            })  # fmt: skip
            too_long: Exception | None = None
            try:
                await client.video.photo_to_video({
                    "RefPhotoUrl": small_photo, "DriverType": "Text",
                    "InputSsml": 'Hello <break time="30s"/> there <break time="31s"/> friends',
                    "SpeechParam": {"Speed": 1.0, "TimbreKey": "female_1"},
                })  # fmt: skip
            except ParameterError as exc:
                too_long = exc
            return (await wait_done(client, missing))[-1], (await wait_done(client, photo))[-1], too_long

    missing, photo, too_long = run(flow())
    assert (missing.status, missing.progress, missing.fail_code) == ("FAIL", -1, 801010)
    assert missing.fail_meaning == "Retrieving the URL resource failed."
    assert photo.fail_code == 801009
    assert "The photo width must be 192 to 4096 pixels (got 100)" in photo.fail_message
    assert too_long is not None and "at most 60 s can be made" in str(too_long)


class Receiver:
    """A loopback HTTP endpoint that records what it is sent (callbacks and storage uploads)."""

    def __init__(self) -> None:
        self.got: list[tuple[str, str, bytes]] = []
        self.event = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _record(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver.got.append((self.command, self.path, body))
                receiver.event.set()
                self.send_response(200)
                self.end_headers()

            do_POST = do_PUT = _record  # noqa: N815

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    made = Receiver()
    yield made
    made.server.shutdown()
    made.server.server_close()


def test_the_callback_comes_once_and_the_result_is_uploaded(sandbox: Ready, receiver: Receiver) -> None:
    async def flow() -> VideoProgress:
        async with Client(sandbox.environment, sandbox.credentials) as client:
            key = await avatar_key(client)
            task = await client.video.videomake({
                "VirtualmanKey": key, "InputSsml": TEXT, "SpeechParam": {"Speed": 1.0},
                "CallbackUrl": f"{receiver.url}/done", "VideoStorageS3Url": f"{receiver.url}/bucket/video.mp4",
            })  # fmt: skip
            done = (await wait_done(client, task))[-1]
            await client.video.progress(task)  # asked again: no second callback
            return done

    done = run(flow())
    deadline = time.monotonic() + 10
    while len(receiver.got) < 2 and time.monotonic() < deadline:
        receiver.event.wait(0.1)
    methods = sorted((method, path) for method, path, _ in receiver.got)
    assert methods == [("POST", "/done"), ("PUT", "/bucket/video.mp4")]
    callback = json.loads(next(body for method, _, body in receiver.got if method == "POST"))
    expected = {"Progress": 100, "MediaUrl": done.media_url, "SubtitlesUrl": done.subtitles_url, "Status": "SUCCESS"}
    assert callback["Payload"] == {**expected, "FailMessage": "", "TaskId": callback["Payload"]["TaskId"]}
    upload_body = next(body for method, _, body in receiver.got if method == "PUT")
    assert upload_body == httpx.get(done.media_url).content


def test_results_expire_after_seven_scaled_days(tmp_path: Path) -> None:
    ready = start_sandbox(tmp_path / "expiry", "--time-scale", "0.000002")  # 7 days -> 1.2 s

    async def flow() -> VideoProgress:
        async with Client(ready.environment, ready.credentials) as client:
            task = await client.video.tts({"TimbreKey": "female_1", "InputSsml": "Short lived", "Speed": 1.0})
            return (await wait_done(client, task))[-1]

    try:
        done = run(flow())
        assert httpx.get(done.media_url).status_code == 200
        deadline = time.monotonic() + 10
        while httpx.get(done.media_url).status_code == 200 and time.monotonic() < deadline:
            time.sleep(0.1)  # polling an outside condition: scaled days passing
        gone = httpx.get(done.media_url)
        assert gone.status_code == 404 and gone.json()["Header"]["Code"] == 100009
        assert "kept for 7 days" in gone.json()["Header"]["Message"]
        assert run(evaluation_error(ready, done.media_url)).startswith("The audio could not be downloaded")
    finally:
        stop_sandbox(ready)


async def evaluation_error(ready: Ready, url: str) -> str:
    """Why an audio evaluation of `url` failed: an expired result is no input any more, as it is no download."""
    async with Client(ready.environment, ready.credentials) as client:
        task = await client.customization.audio_evaluation(url)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            state = await client.customization.audio_evaluation_state(task)
            if state.state in ("SUCCESS", "FAIL"):
                return state.error
            await asyncio.sleep(0.02)
    raise AssertionError("the evaluation did not finish in 30 s")


def frame_at(url: str, seconds: float, tmp_path: Path, size: tuple[int, int]) -> Any:
    local = tmp_path / "frame-source.mp4"
    local.write_bytes(httpx.get(url).content)
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-ss", str(seconds), "-i", str(local), "-frames:v", "1",
         "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        check=True, capture_output=True,
    ).stdout  # fmt: skip
    return np.frombuffer(raw, dtype=np.uint8).reshape(size[1], size[0], 3).astype(int)


def test_an_advanced_video_has_its_background_logo_and_checks_its_clips(sandbox: Ready, tmp_path: Path) -> None:
    credentials = first_avatar(lambda c: c.customization.upload_credentials(), sandbox)
    avatar = first_avatar(lambda c: c.assets.avatars(page_size=1), sandbox).items[0]
    width, height = (int(n) for n in avatar.resolution.split("x"))
    Image.new("RGB", (width, height), (200, 30, 30)).save(tmp_path / "background.png")
    Image.new("RGB", (60, 30), (255, 220, 0)).save(tmp_path / "logo.png")
    background = upload(sandbox, credentials, tmp_path / "background.png", "image")
    logo = upload(sandbox, credentials, tmp_path / "logo.png", "image")
    small_intro = upload(sandbox, credentials, materials.video(tmp_path / "intro.mp4", 1, 320, 180), "video")
    video_param = {"BackgroundFileUrl": background, "ShowSubtitles": True,
                   "LogoParams": [{"LogoFileUrl": logo, "PositionX": 20, "PositionY": 30, "Scale": 2.0}]}  # fmt: skip

    async def flow() -> tuple[VideoProgress, VideoProgress]:
        async with Client(sandbox.environment, sandbox.credentials) as client:
            payload = {"VirtualmanKey": avatar.virtualman_key, "InputSsml": TEXT, "SpeechParam": {"Speed": 1.0}}
            good = await client.video.videomake_advanced({**payload, "VideoParam": video_param})
            bad = await client.video.videomake_advanced(
                {**payload, "VideoParam": {**video_param, "VideoHeadFileUrl": small_intro}}
            )
            return (await wait_done(client, good, 60))[-1], (await wait_done(client, bad, 60))[-1]

    good, bad = run(flow())
    assert good.status == "SUCCESS", good.fail_message
    picture = frame_at(good.media_url, 2.0, tmp_path, (width, height))
    assert np_close(picture[35:85, 25:135], (255, 220, 0))  # the logo, twice its size at (20, 30)
    assert np_close(picture[5:15, width - 15 : width - 5], (200, 30, 30))  # the background picture
    assert not np_close(picture[height // 2 : height // 2 + 10, width // 2 - 5 : width // 2 + 5], (200, 30, 30))
    assert (bad.status, bad.fail_code) == ("FAIL", 801507)
    assert "VideoHeadFileUrl: its resolution 320x180 does not match" in bad.fail_message


def np_close(region: Any, colour: tuple[int, int, int], tolerance: int = 40) -> bool:
    return bool((abs(region - colour) < tolerance).all(axis=-1).mean() > 0.95)
