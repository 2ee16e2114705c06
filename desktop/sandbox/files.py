"""Files the sandbox serves under /files/: catalog pictures and samples, made on first use and kept in the
data directory, and whatever else handlers write there (results, demo videos).

Only names the catalog lists are made: an unsigned GET of any other name under catalog/ is a 404 and writes
nothing. A catalog file is made the first time it is fetched *or used as an input* (an avatar's PoseImage as a
RefPhotoUrl), so whatever the sandbox serves always resolves.

The portraits are drawn figures, the timbre samples real speech in each timbre's voice; the catalog's MP4s (action
samples, reference clips) are a few seconds of a plain picture.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import subprocess
import threading
import uuid
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


def placeholder_mp4(path: Path, colour: str, seconds: float = 2.0, size: str = "320x180") -> None:
    """Blocking: an H.264/AAC file of a plain picture and silence, made with ffmpeg."""
    temporary = path.with_suffix(".part.mp4")
    done = subprocess.run(
        ["ffmpeg", "-nostdin", "-loglevel", "error", "-y",
         "-f", "lavfi", "-i", f"color=c={colour}:s={size}:r=25:d={seconds}",
         "-f", "lavfi", "-i", f"anullsrc=r=16000:cl=mono:d={seconds}",
         "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(temporary)],
        capture_output=True, check=False, timeout=60,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"ffmpeg could not make a placeholder video: {done.stderr.decode(errors='replace')[-300:]}")
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


Maker = Callable[[Path], None]


def catalog_maker(relative: str, labels: dict[str, str]) -> Maker | None:
    """A blocking maker for a file the catalog lists (`labels` holds every catalog name), or None."""
    if relative not in labels:
        return None
    parts = relative.split("/")
    kind, name, label = parts[1], parts[-1], labels[relative]

    if kind == "anchor" and name.endswith(".png"):
        return lambda target: _write_atomic(target, portrait_png(label, 256, 256, name))
    if kind == "avatar" and name in ("pose.png", "clothes.png"):
        width, height = (540, 960) if labels.get(relative + "#portrait") else (960, 540)
        if name == "clothes.png":
            width = height = 256
        return lambda target: _write_atomic(target, portrait_png(label, width, height, parts[2]))
    if kind == "timbre" and name.endswith(".wav"):
        voice = labels.get(relative + "#voice", "en-us")
        return lambda target: _write_atomic(target, speech_wav(label, voice))
    if name.endswith(".mp4"):
        return lambda target: placeholder_mp4(target, _colour(relative))
    return None


def _write_atomic(target: Path, data: bytes) -> None:
    """Whole or not at all: a thread and the event loop may make the same file at once."""
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}.part")
    temporary.write_bytes(data)
    temporary.replace(target)


class FileStore:
    """Resolves /files/ paths to files on disk, making catalog files on first use."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._locks: dict[str, asyncio.Lock] = {}
        self._thread_lock = threading.Lock()
        # Files made by their own coroutine on first request (customization demo videos).
        self.recipes: dict[str, Callable[[Path], Awaitable[None]]] = {}

    def path(self, relative: str) -> Path | None:
        """The file for a relative path, or None when it escapes the store."""
        if "\0" in relative or "#" in relative:
            return None
        candidate = (self.root / relative).resolve()
        return candidate if candidate.is_relative_to(self.root.resolve()) else None

    async def get(self, relative: str, labels: dict[str, str]) -> Path | None:
        """The file, made if the catalog lists it; None when there is no such file."""
        target = self.path(relative)
        if target is None:
            return None
        if target.is_file():
            return target
        lock = self._locks.setdefault(relative, asyncio.Lock())
        async with lock:
            if target.is_file():
                return target
            recipe = self.recipes.get(relative)
            if recipe is not None:
                target.parent.mkdir(parents=True, exist_ok=True)
                await recipe(target)
                return target
            maker = catalog_maker(relative, labels)
            if maker is None:
                return None
            target.parent.mkdir(parents=True, exist_ok=True)
            await asyncio.to_thread(maker, target)
        return target

    def made_blocking(self, relative: str, labels: dict[str, str]) -> Path | None:
        """Blocking (call from a worker thread): a catalog file used as an input, made if it is not yet."""
        target = self.path(relative)
        maker = catalog_maker(relative, labels) if target is not None else None
        if target is None or maker is None:
            return target if target is not None and target.is_file() else None
        with self._thread_lock:
            if not target.is_file():
                target.parent.mkdir(parents=True, exist_ok=True)
                maker(target)
        return target
