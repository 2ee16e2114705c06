"""The rendered avatar, judged from decoded frames: the mouth moves with speech and rests in silence; the output has
the requested size, streams and format."""

from __future__ import annotations

import asyncio
import itertools
import json
import subprocess
import wave
from pathlib import Path

import numpy as np
from PIL import Image

from desktop.sandbox.compose import Clip, Composition, Logo, Placement, anchor_box
from desktop.sandbox.files import portrait_png
from desktop.sandbox.render import FPS, portrait_face, render_video
from desktop.sandbox.speech import synthesizer
from desktop.sandbox.subtitles import Rules, cues, srt

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


def test_word_times_follow_the_text_even_after_another_language() -> None:
    # After a Chinese voice espeak-ng reports a stray word event pointing back into the text.
    text = "Hello, I am the virtual anchor of the sandbox. Today we talk about the weather."
    synthesizer().say("Hello, I am a digital human voice from the sandbox.", "cmn+f3")
    speech = synthesizer().say(text, "en-us+f3")
    words = speech.words
    assert [w.text for w in words] == text.replace(",", "").replace(".", "").split()
    assert all(a.end_ms <= b.start_ms + 0.01 for a, b in itertools.pairwise(words))
    assert speech.duration_ms - 400 <= words[-1].end_ms <= speech.duration_ms


def solid_png(path: Path, size: tuple[int, int], colour: tuple[int, int, int]) -> Path:
    Image.new("RGB", size, colour).save(path)
    return path


def coloured(picture: np.ndarray, colour: tuple[int, int, int], tolerance: int = 40) -> np.ndarray:
    close: np.ndarray = np.all(np.abs(picture.astype(int) - colour) < tolerance, axis=-1)
    return close


def test_a_composition_places_the_anchor_logo_subtitles_and_intro(tmp_path: Path) -> None:
    audio = tmp_path / "speech.wav"
    _, _, total = speech_between_silences(audio)
    (tmp_path / "subtitles.srt").write_text("1\n00:00:00,000 --> 00:00:09,000\nSUBTITLE LINE\n", encoding="utf-8")
    intro = tmp_path / "intro.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", f"color=c=blue:s={WIDTH}x{HEIGHT}:r=25:d=1",
         "-c:v", "libx264", "-pix_fmt", "yuv420p", str(intro)],
        check=True,
    )  # fmt: skip
    placement = Placement(horizontal=0.2, vertical=-0.5, scale=0.4)  # right of centre, lifted by its height
    box = anchor_box(WIDTH, HEIGHT, (WIDTH, HEIGHT), 1.0, placement)
    composition = Composition(
        box,
        background=solid_png(tmp_path / "bg.png", (WIDTH, HEIGHT), (200, 30, 30)),
        logos=(Logo(solid_png(tmp_path / "logo.png", (40, 20), (255, 220, 0)), 10, 12, 1.5),),
        subtitles=tmp_path / "subtitles.srt",
        head=Clip(intro, has_audio=False, seconds=1.0),
    )
    portrait = tmp_path / "anchor.png"
    portrait.write_bytes(portrait_png("Test Anchor", WIDTH, HEIGHT, "seed", transparent=True))
    video = tmp_path / "composed.mp4"
    asyncio.run(render_video(video, audio, portrait, (WIDTH, HEIGHT), total, "mp4", composition))
    decoded = frames(video)
    assert abs(len(decoded) / FPS - (1.0 + total)) < 0.2  # the intro, then the speech
    assert coloured(decoded[5], (0, 0, 255)).mean() > 0.95  # the intro comes first
    picture = decoded[25 + int(FPS * 1.5)]
    x, y, w, h = box
    assert (x, y, w, h) == (round(0.2 * WIDTH + WIDTH / 2 - w / 2), HEIGHT - 2 * h, 144, 256)
    assert coloured(picture[12:42, 10:70], (255, 220, 0)).mean() > 0.9  # the logo, scaled 1.5 at (10, 12)
    figure = ~coloured(picture, (200, 30, 30), 60)
    figure[:60] = False  # the logo
    figure[int(HEIGHT * 0.75) :] = False  # the subtitles
    rows, columns = np.nonzero(figure)
    assert x - 2 <= columns.min() and columns.max() <= x + w + 2  # the anchor stays in its box
    assert y - 4 <= rows.min() and rows.max() <= y + h + 4
    bottom = picture[int(HEIGHT * 0.75) :]
    assert coloured(bottom, (255, 255, 255), 60).sum() > 50  # burned-in subtitle text


def test_subtitle_pages_follow_subtitles_param() -> None:
    text = "Hello there, friends. Today we talk about the weather; it is sunny!"
    speech = synthesizer().say(text)
    default = cues(speech, text)
    assert [c.text for c in default] == ["Hello there, friends.", "Today we talk about the weather;", "it is sunny!"]
    assert default[0].start_ms == 0 and default[-1].end_ms == speech.words[-1].end_ms
    assert all(a.end_ms <= b.start_ms + 0.01 for a, b in itertools.pairwise(default))
    paged = cues(speech, text, Rules.of({"MaxWords": 20, "SplitPunctuation": "!", "DisplayPunctuation": ","}))
    assert [c.text for c in paged] == ["Hello there, friends", "Today we talk about", "the weather it is", "sunny"]
    assert all(len(c.text) <= 20 for c in paged)
    assert srt(paged).startswith("1\n00:00:00,000 --> ")
