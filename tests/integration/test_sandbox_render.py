"""The rendered avatar, judged from decoded frames: the mouth moves with speech and rests in silence; the output has
the requested size, streams and format."""

from __future__ import annotations

import asyncio
import json
import subprocess
import wave
from pathlib import Path

import numpy as np

from desktop.sandbox.render import FPS, portrait_face, render_video
from desktop.sandbox.speech import synthesizer

WIDTH, HEIGHT = 360, 640


def speech_between_silences(path: Path) -> tuple[float, float, float]:
    """1 s of silence, a sentence, 1 s of silence: returns (speech start, speech end, total) in seconds."""
    speech = synthesizer().say("Hello there, I am speaking now.")
    silence = b"\x00\x00" * speech.rate
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(speech.rate)
        out.writeframes(silence + speech.pcm + silence)
    length = speech.duration_ms / 1000
    return 1.0, 1.0 + length, 2.0 + length


def frames(video: Path) -> np.ndarray:
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(video), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        check=True, capture_output=True,
    ).stdout  # fmt: skip
    return np.frombuffer(raw, dtype=np.uint8).reshape(-1, HEIGHT, WIDTH, 3)


def mouth_openness(picture: np.ndarray) -> int:
    """Pixels of mouth colour in the mouth's box."""
    x, y, half = portrait_face(WIDTH, HEIGHT).mouth
    box = picture[y - half : y + half, x - half - 2 : x + half + 2].astype(int)
    red, green, blue = box[..., 0], box[..., 1], box[..., 2]
    return int(((red > 80) & (green < 70) & (blue < 80) & (red - green > 50)).sum())


def test_the_mouth_moves_with_speech_and_rests_in_silence(tmp_path: Path) -> None:
    audio = tmp_path / "speech.wav"
    start, end, total = speech_between_silences(audio)
    video = tmp_path / "avatar.mp4"
    asyncio.run(render_video(video, audio, None, (WIDTH, HEIGHT), total))
    openness = [mouth_openness(f) for f in frames(video)]
    silent = openness[: int(start * FPS) - 2] + openness[int(end * FPS) + 3 :]
    speaking = openness[int(start * FPS) + 2 : int(end * FPS) - 2]
    assert max(silent) - min(silent) <= 4  # at rest: a closed mouth, whatever the breathing
    assert max(speaking) > max(silent) * 3  # open while speaking
    assert len(set(speaking)) > 5  # and moving with the syllables


def test_outputs_have_the_requested_size_and_streams(tmp_path: Path) -> None:
    audio = tmp_path / "speech.wav"
    _, _, total = speech_between_silences(audio)
    for output, name in (("mp4", "a.mp4"), ("green", "g.mp4"), ("webm", "t.webm")):
        path = tmp_path / name
        asyncio.run(render_video(path, audio, None, (WIDTH, HEIGHT), total, output))
        info = json.loads(subprocess.run(
            ["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", str(path)],
            check=True, capture_output=True, text=True,
        ).stdout)  # fmt: skip
        video = next(s for s in info["streams"] if s["codec_type"] == "video")
        kinds = {s["codec_type"]: s["codec_name"] for s in info["streams"]}
        assert (video["width"], video["height"]) == (WIDTH, HEIGHT)
        assert abs(float(info["format"]["duration"]) - total) < 0.2
        if output == "webm":
            assert kinds == {"video": "vp9", "audio": "opus"}
            assert video.get("tags", {}).get("alpha_mode") == "1"  # VP9 with an alpha channel
        else:
            assert kinds == {"video": "h264", "audio": "aac"}
    green = frames(tmp_path / "g.mp4")[0]
    corner = green[5, 5].astype(int)
    assert corner[1] > 200 and corner[0] < 60 and corner[2] < 60  # a green screen around the figure
