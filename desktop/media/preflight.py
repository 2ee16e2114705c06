"""A local file judged against the documented material limits: `desktop.media.probe` gives the facts and
`desktop.spec.materials` the rules. The app runs these before an upload, the sandbox after one, so a file the app
passes is one the sandbox accepts. Blocking (ffprobe runs): call through asyncio.to_thread or an executor."""

from __future__ import annotations

from pathlib import Path

from desktop.media import probe
from desktop.spec import materials


def customization_material(path: Path, make_type: str, name: str | None = None) -> list[str]:
    """MaterialCosUrl of make: the training video (IMAGE, IMAGE_GENERAL, IMAGE_4K), the voice zip (VOICE) or the
    photo (IMAGE_PHOTO). Other make types have no material file to check."""
    if make_type in materials.VIDEO_MAX_BYTES:
        return materials.check_avatar_video(probe.ffprobe(path, name), make_type)
    if make_type == "VOICE":
        return materials.check_voice_zip(probe.voice_zip(path, name))
    if make_type == "IMAGE_PHOTO":
        return materials.check_photo(probe.image(path, name))
    return []


def driver_audio(path: Path, name: str | None = None) -> list[str]:
    """VoiceDriverCosFile of make: the audio that drives the demo video."""
    return materials.check_driver_audio(probe.ffprobe(path, name))


def zero_shot_audio(path: Path, name: str | None = None) -> list[str]:
    """The recording of an ultra (ZERO_SHOT_VOICE) voice clone."""
    return materials.check_zero_shot_audio(probe.ffprobe(path, name))


def reference_photo(path: Path, name: str | None = None) -> list[str]:
    """RefPhotoUrl of phototovideonotrain."""
    return materials.check_reference_photo(probe.image(path, name))


def photo_audio(path: Path, name: str | None = None) -> list[str]:
    """DriverAudioUrl of phototovideonotrain."""
    return materials.check_photo_audio(probe.ffprobe(path, name))
