"""Facts about uploaded files, for the documented material checks: ffprobe for audio and video, Pillow for images,
zipfile (and the wav header) for voice archives. Blocking: call through asyncio.to_thread."""

from __future__ import annotations

import json
import subprocess
import wave
import zipfile
from fractions import Fraction
from pathlib import Path, PurePosixPath

from PIL import Image, UnidentifiedImageError

from desktop.spec.materials import MediaFacts


def ffprobe(path: Path, name: str | None = None) -> MediaFacts:
    command = ["ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams", str(path)]
    result = subprocess.run(command, check=False, capture_output=True, text=True, timeout=60)
    label = name or path.name
    size = path.stat().st_size
    if result.returncode != 0:
        return MediaFacts(label, size)
    data = json.loads(result.stdout or "{}")
    streams = data.get("streams", [])
    video = next((s for s in streams if s.get("codec_type") == "video" and not _is_cover(s)), None)
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    duration = data.get("format", {}).get("duration")
    fps = None
    if video:  # the nominal rate; the average is skewed by edits and loops
        rate = next((r for r in (video.get("r_frame_rate"), video.get("avg_frame_rate")) if r and r != "0/0"), None)
        fps = float(Fraction(rate)) if rate else None
    return MediaFacts(
        name=label,
        size=size,
        container=data.get("format", {}).get("format_name", ""),
        duration_s=float(duration) if duration else None,
        width=int(video["width"]) if video else None,
        height=int(video["height"]) if video else None,
        fps=fps,
        sample_rate=int(audio["sample_rate"]) if audio and audio.get("sample_rate") else None,
        has_video=video is not None,
        has_audio=audio is not None,
    )


def _is_cover(stream: dict[str, object]) -> bool:
    disposition = stream.get("disposition")
    return isinstance(disposition, dict) and bool(disposition.get("attached_pic"))


def image(path: Path, name: str | None = None) -> MediaFacts:
    label = name or path.name
    try:
        with Image.open(path) as picture:
            return MediaFacts(
                label, path.stat().st_size, (picture.format or "").lower(), None, picture.width, picture.height
            )
    except (UnidentifiedImageError, OSError):
        return MediaFacts(label, path.stat().st_size)


def voice_zip(path: Path, name: str | None = None) -> MediaFacts:
    label = name or path.name
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        return MediaFacts(label, path.stat().st_size, "not a zip")
    members = []
    folders = False
    with archive:
        for info in archive.infolist():
            if info.is_dir() or len(PurePosixPath(info.filename).parts) > 1:
                folders = True
                if info.is_dir():
                    continue
            member_name = PurePosixPath(info.filename).name
            rate = None
            container = ""
            try:
                with archive.open(info) as stream, wave.open(stream) as wav:
                    rate = wav.getframerate()
                    container = "wav"
            except (wave.Error, EOFError, RuntimeError):
                pass
            members.append(
                MediaFacts(member_name, info.file_size, container, sample_rate=rate, has_audio=rate is not None)
            )
    return MediaFacts(label, path.stat().st_size, "zip", members=tuple(members), folders_inside=folders)
