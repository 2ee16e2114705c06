"""Files the sandbox serves under /files/: catalog pictures and samples, made on first request and kept in the
data directory, and whatever else handlers write there (results, demo videos).

The portraits are drawn figures, the timbre samples real speech in each timbre's voice; the catalog's MP4s (action
samples, reference clips) are a few seconds of a plain picture.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import wave
from collections.abc import Awaitable, Callable
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

_PALETTE = ("#2f6fed", "#1e9e5a", "#d93025", "#f2a900", "#8e44ad", "#16a085", "#c0392b", "#2c3e50")


def _colour(seed: str) -> str:
    return _PALETTE[int(hashlib.sha1(seed.encode()).hexdigest(), 16) % len(_PALETTE)]


def portrait_png(label: str, width: int, height: int, seed: str, transparent: bool = False) -> bytes:
    """A simple figure (head and shoulders) on a coloured background (or none: a cut-out anchor for compositing),
    with the label's initials."""
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0) if transparent else _colour(seed))
    draw = ImageDraw.Draw(image)
    cx, unit = width / 2, min(width, height)
    head = unit * 0.18
    head_y = height * 0.38
    draw.ellipse((cx - head, head_y - head, cx + head, head_y + head), fill="#f3d9c4")
    draw.ellipse(
        (cx - unit * 0.38, head_y + head * 1.1, cx + unit * 0.38, head_y + head * 1.1 + unit * 0.9), fill="#fafafa"
    )
    initials = "".join(part[0] for part in label.split()[:2]).upper() or "?"
    font = ImageFont.load_default(size=max(12, int(unit * 0.12)))
    draw.text((cx, height * 0.9), initials, fill="white", font=font, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


async def placeholder_mp4(
    path: Path, colour: str, seconds: float = 2.0, size: str = "320x180", audio: Path | None = None
) -> None:
    """An H.264/AAC file of a plain picture, with `audio` as its sound (silence without), made with ffmpeg."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".part.mp4")
    sound = ["-i", str(audio)] if audio is not None else ["-f", "lavfi", "-i", f"anullsrc=r=16000:cl=mono:d={seconds}"]
    process = await asyncio.create_subprocess_exec(
        "ffmpeg", "-nostdin", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", f"color=c={colour}:s={size}:r=25:d={seconds}",
        *sound,
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest",
        str(temporary),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, stderr = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"ffmpeg could not make a placeholder video: {stderr.decode(errors='replace')[-300:]}")
    temporary.replace(path)


def speech_wav(text: str, voice: str) -> bytes:
    """Spoken text as a WAV file (espeak-ng, in the voice given)."""
    from desktop.sandbox.speech import synthesizer

    speech = synthesizer().say(text, voice)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(speech.rate)
        out.writeframes(speech.pcm)
    return buffer.getvalue()


class FileStore:
    """Resolves /files/ paths to files on disk, making catalog files on first request."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._locks: dict[str, asyncio.Lock] = {}
        # Files made by their own coroutine on first request (customization demo videos).
        self.recipes: dict[str, Callable[[Path], Awaitable[None]]] = {}

    def path(self, relative: str) -> Path | None:
        """The file for a relative path, or None when it escapes the store."""
        candidate = (self.root / relative).resolve()
        return candidate if candidate.is_relative_to(self.root.resolve()) else None

    async def get(self, relative: str, labels: dict[str, str]) -> Path | None:
        """The file, made if it is a known kind of catalog file; None when there is no such file."""
        target = self.path(relative)
        if target is None:
            return None
        if target.is_file():
            return target
        lock = self._locks.setdefault(relative, asyncio.Lock())
        async with lock:
            if target.is_file():
                return target
            made = await self._make(relative, target, labels)
        return target if made else None

    async def _make(self, relative: str, target: Path, labels: dict[str, str]) -> bool:
        recipe = self.recipes.get(relative)
        if recipe is not None:
            target.parent.mkdir(parents=True, exist_ok=True)
            await recipe(target)
            return True
        parts = relative.split("/")
        if parts[0] != "catalog" or len(parts) < 3:
            return False
        kind, name = parts[1], parts[-1]
        label = labels.get(relative, name.split(".")[0].replace("_", " ").title())
        data: bytes | None = None
        if kind == "anchor" and name.endswith(".png"):
            data = await asyncio.to_thread(portrait_png, label, 256, 256, name)
        elif kind == "avatar" and name in ("pose.png", "clothes.png"):
            width, height = (540, 960) if labels.get(relative + "#portrait") else (960, 540)
            if name == "clothes.png":
                width = height = 256
            data = await asyncio.to_thread(portrait_png, label, width, height, parts[2])
        elif kind == "timbre" and name.endswith(".wav"):
            text = labels.get(relative, "Hello, this is a sample of my voice.")
            data = await asyncio.to_thread(speech_wav, text, labels.get(relative + "#voice", "en-us"))
        elif name.endswith(".mp4"):
            await placeholder_mp4(target, _colour(relative))
            return True
        if data is None:
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        return True
