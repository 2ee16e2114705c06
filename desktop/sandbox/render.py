"""The avatar picture: frames of a figure whose mouth opens with the loudness of the audio, that blinks and breathes,
drawn with numpy over a base picture and piped into ffmpeg.

The face: for the sandbox's own portraits its place is known (files.portrait_png draws it); for an uploaded photo it
is assumed central, a little above the middle (the sandbox does not detect faces). Cheap on purpose: the base is
drawn once; each frame copies it and paints the eyes and a mouth of the right opening.
"""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from desktop.sandbox.compose import Composition, graph

FPS = 25
SAMPLE_RATE = 16000
SAMPLES_PER_FRAME = SAMPLE_RATE // FPS
BLINK_EVERY_S = 3.7
BLINK_LENGTH_S = 0.15
BREATH_HZ = 0.25
GREEN = (0, 255, 0)


@dataclass(frozen=True)
class Face:
    """Where the face is, in pixels of the output picture."""

    x: float
    y: float
    radius: float

    @property
    def mouth(self) -> tuple[int, int, int]:
        """Centre x, centre y and half width of the mouth."""
        return int(self.x), int(self.y + self.radius * 0.45), max(2, int(self.radius * 0.32))

    @property
    def eyes(self) -> tuple[tuple[int, int], tuple[int, int], int]:
        dy, dx = int(self.y - self.radius * 0.15), int(self.radius * 0.35)
        return (int(self.x) - dx, dy), (int(self.x) + dx, dy), max(1, int(self.radius * 0.08))


def portrait_face(width: int, height: int) -> Face:
    """The face of a picture drawn by files.portrait_png (and the assumed face of a photo)."""
    unit = min(width, height)
    return Face(width / 2, height * 0.38, unit * 0.18)


def loudness(pcm: np.ndarray, frames: int) -> np.ndarray:
    """RMS per video frame of 16 kHz mono samples in [-1, 1], scaled so that ordinary speech reaches about 1."""
    padded = np.zeros(frames * SAMPLES_PER_FRAME)
    padded[: min(len(pcm), len(padded))] = pcm[: len(padded)]
    rms = np.sqrt((padded.reshape(frames, SAMPLES_PER_FRAME) ** 2).mean(axis=1))
    levels: np.ndarray = np.clip(rms / 0.12, 0.0, 1.0)
    return levels


class Painter:
    """Makes frames: the base picture, breathing, blinking eyes and a mouth opened to a loudness."""

    def __init__(self, base: np.ndarray, face: Face, alpha: np.ndarray | None = None) -> None:
        self.base = base  # H x W x 3 uint8
        self.alpha = alpha  # H x W uint8, for transparent output
        self.face = face
        self.height, self.width = base.shape[:2]
        yy, xx = np.mgrid[0 : self.height, 0 : self.width]
        self._yy, self._xx = yy, xx

    def _breath(self, index: int) -> int:
        amplitude = max(1.0, float(self.height) * 0.004)
        return round(math.sin(2 * math.pi * BREATH_HZ * index / FPS) * amplitude)

    def alpha_for(self, index: int) -> np.ndarray:
        """The mask of frame `index`, which breathes with the picture."""
        assert self.alpha is not None
        shift = self._breath(index)
        return _shifted(self.alpha, shift) if shift else self.alpha

    def frame(self, index: int, level: float) -> np.ndarray:
        t = index / FPS
        picture = self.base.copy()
        shift = self._breath(index)
        if shift:
            picture = _shifted(picture, shift)
        (lx, ly), (rx, ry), eye = self.face.eyes
        closed = (t % BLINK_EVERY_S) < BLINK_LENGTH_S
        for ex, ey in ((lx, ly + shift), (rx, ry + shift)):
            if closed:
                picture[max(0, ey - 1) : ey + 1, max(0, ex - eye) : ex + eye] = (60, 40, 30)
            else:
                picture[max(0, ey - eye) : ey + eye, max(0, ex - eye) : ex + eye] = (30, 30, 40)
        mx, my, half = self.face.mouth
        my += shift
        opening = max(1.0, level * half * 0.9)
        region = slice(max(0, int(my - opening) - 1), int(my + opening) + 2), slice(max(0, mx - half), mx + half + 1)
        inside = ((self._xx[region] - mx) / half) ** 2 + ((self._yy[region] - my) / opening) ** 2 <= 1.0
        picture[region][inside] = (120, 20, 30)
        return picture


def _shifted(picture: np.ndarray, rows: int) -> np.ndarray:
    """`picture` moved down by `rows` (up when negative), the uncovered edge repeating the nearest row: a roll would
    wrap the figure's feet round to the top."""
    moved = np.roll(picture, rows, axis=0)
    if rows > 0:
        moved[:rows] = picture[0]
    elif rows < 0:
        moved[rows:] = picture[-1]
    return moved


def base_picture(
    source: Path | None, width: int, height: int, background: tuple[int, int, int] | None
) -> tuple[np.ndarray, np.ndarray]:
    """The figure scaled to fit, on `background` (None: transparent); returns RGB and the alpha mask."""
    canvas = Image.new("RGBA", (width, height), (*background, 255) if background else (0, 0, 0, 0))
    if source is not None and source.is_file():
        with Image.open(source) as opened:
            figure = opened.convert("RGBA")
        figure.thumbnail((width, height))
        canvas.alpha_composite(figure, ((width - figure.width) // 2, height - figure.height))
    array = np.asarray(canvas)
    return np.ascontiguousarray(array[:, :, :3]), np.ascontiguousarray(array[:, :, 3])


async def render_video(
    out: Path,
    audio: Path,
    picture: Path | None,
    size: tuple[int, int],
    seconds: float,
    output: str = "mp4",  # mp4, green, webm
    composition: Composition | None = None,
) -> None:
    """Render the speaking avatar for `seconds` with `audio` as its sound track; with a composition, the avatar is
    drawn transparent and laid over the composition's layers."""
    width, height = (size[0] // 2 * 2, size[1] // 2 * 2)
    transparent = output == "webm" or composition is not None
    background = None if transparent else GREEN if output == "green" else (235, 240, 248)
    rgb, alpha = await asyncio.to_thread(base_picture, picture, width, height, background)
    painter = Painter(rgb, portrait_face(width, height), alpha if transparent else None)
    pcm = await _pcm(audio)
    frames = max(1, math.ceil(seconds * FPS))
    levels = loudness(pcm, frames)
    pixel_format = "rgba" if transparent else "rgb24"
    video_codec = (
        ["-c:v", "libvpx-vp9", "-pix_fmt", "yuva420p", "-deadline", "realtime", "-cpu-used", "8"]
        if output == "webm"
        else ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
    )
    audio_codec = ["-c:a", "libopus"] if output == "webm" else ["-c:a", "aac"]
    if composition is None:
        layers, working_dir = ["-shortest"], None
    else:
        inputs, filters = graph(composition, width, height, seconds)
        layers = [*inputs, "-filter_complex", filters, "-map", "[v]", "-map", "[a]"]
        working_dir = composition.subtitles.parent if composition.subtitles else None
    arguments = [
        "-f", "rawvideo", "-pix_fmt", pixel_format, "-s", f"{width}x{height}", "-r", str(FPS), "-i", "-",
        "-i", str(audio),
    ]  # fmt: skip
    if composition is not None:  # the layers' inputs come after the frames and the sound
        arguments += layers
        layers = []
    process = await asyncio.create_subprocess_exec(
        "ffmpeg", "-nostdin", "-loglevel", "error", "-y", *arguments, *video_codec, *audio_codec, *layers, str(out),
        stdin=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, cwd=working_dir,
    )  # fmt: skip
    assert process.stdin is not None
    try:
        for index in range(frames):
            frame = painter.frame(index, float(levels[index]))
            if transparent:
                frame = np.dstack([frame, painter.alpha_for(index)])
            process.stdin.write(frame.tobytes())
            await process.stdin.drain()
    except (BrokenPipeError, ConnectionResetError):
        pass  # ffmpeg stopped early; its error is reported below
    finally:
        process.stdin.close()
    stderr = await process.stderr.read() if process.stderr else b""
    if await process.wait() != 0:
        raise RuntimeError(f"ffmpeg could not render the video: {stderr.decode(errors='replace')[-300:]}")


async def _pcm(audio: Path) -> np.ndarray:
    process = await asyncio.create_subprocess_exec(
        "ffmpeg", "-nostdin", "-v", "error", "-i", str(audio), "-ac", "1", "-ar", str(SAMPLE_RATE), "-f", "s16le", "-",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    data, _ = await process.communicate()
    return np.frombuffer(data, dtype="<i2").astype(np.float64) / 32768.0
