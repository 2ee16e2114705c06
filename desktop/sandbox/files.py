"""Files the sandbox serves under /files/: catalog pictures and samples, made on first use and kept in the
data directory, and whatever else handlers write there (results, demo videos).

Only names the catalog lists are made: an unsigned GET of any other name under catalog/ is a 404 and writes
nothing (not even a lock). A catalog file or demo video is made the first time it is fetched *or used as an input*
(an avatar's PoseImage as a RefPhotoUrl, a demo video nobody downloaded), so whatever the sandbox serves always
resolves (docs/api-notes.md E50).

The portraits are drawn figures, the timbre samples real speech in each timbre's voice; the catalog's MP4s (action
samples, reference clips) are a few seconds of a plain picture.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import logging
import subprocess
import threading
import uuid
import wave
from collections.abc import Awaitable, Callable
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

log = logging.getLogger("desktop.sandbox.files")

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
    """Blocking: an H.264/AAC file of a plain picture and silence, made with ffmpeg (into a name of its own, so a
    request and an input resolver making the same file at once cannot write into each other's)."""
    temporary = path.with_name(f".{path.stem}.{uuid.uuid4().hex}.part.mp4")
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
RECIPE_TIMEOUT_S = 300  # a demo video renders in seconds; a resolver waiting longer is stuck


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


def _on_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


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
        # Files made by their own coroutine on first request (customization demo videos), and the event loop
        # they run on (an input resolver in a worker thread hands them to it).
        self.recipes: dict[str, Callable[[Path], Awaitable[None]]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None

    def add_recipe(self, relative: str, recipe: Callable[[Path], Awaitable[None]]) -> None:
        """Event loop only: `relative` will be made by `recipe` when it is first fetched or used as an input."""
        self._loop = asyncio.get_running_loop()
        self.recipes.setdefault(relative, recipe)

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
        recipe = self.recipes.get(relative)
        maker = catalog_maker(relative, labels) if recipe is None else None
        if recipe is None and maker is None:
            return None  # before any lock is kept: unsigned requests for made-up names leave nothing behind
        async with self._locks.setdefault(relative, asyncio.Lock()):
            if not target.is_file():
                target.parent.mkdir(parents=True, exist_ok=True)
                if recipe is not None:
                    await recipe(target)
                elif maker is not None:
                    await asyncio.to_thread(maker, target)
        return target

    def made_blocking(self, relative: str, labels: dict[str, str]) -> Path | None:
        """Blocking (call from a worker thread, never the event loop): a file the store serves, used as an input;
        made now if it is a catalog file or a recipe's that nobody has fetched yet. None when there is no such
        file."""
        target = self.path(relative)
        if target is None:
            return None
        if target.is_file():
            return target
        if relative in self.recipes and self._loop is not None:
            # A recipe is a coroutine of the event loop: it runs there, under the same lock as a GET of it (waiting
            # for it on the loop itself would never end, hence the check).
            if _on_event_loop():
                raise RuntimeError("made_blocking was called on the event loop: call it through asyncio.to_thread")
            try:
                asyncio.run_coroutine_threadsafe(self.get(relative, labels), self._loop).result(RECIPE_TIMEOUT_S)
            except Exception:  # the input cannot be had, as when a download fails; the cause is ours, so logged
                log.exception("could not make %s for use as an input", relative)
            return target if target.is_file() else None
        maker = catalog_maker(relative, labels)
        if maker is None:
            return None
        with self._thread_lock:
            if not target.is_file():
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    maker(target)
                except Exception:
                    log.exception("could not make %s for use as an input", relative)
                    return None
        return target
