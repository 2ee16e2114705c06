"""The documented limits of customization and production materials, and pure checks of probed facts against them.

Pure: the facts (duration, resolution, frame rate...) come from whoever probes the file — the app before upload,
the sandbox after it — so both judge a material by the same rules and say the same words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from desktop.spec.common import NAME_PATTERN

MB = 1024 * 1024
GB = 1024 * MB

# make, MaterialCosUrl, avatar video (002 "Customization API")
VIDEO_FORMATS = ("mp4", "mov")
VIDEO_MAX_BYTES = {"IMAGE": 5 * GB, "IMAGE_GENERAL": 5 * GB, "IMAGE_4K": 10 * GB}
VIDEO_DURATION_S = {"IMAGE": (120, 600), "IMAGE_GENERAL": (60, 600), "IMAGE_4K": (120, 600)}
VIDEO_FPS = (25, 60)
RESOLUTIONS_1080P = ((1920, 1080), (1080, 1920))
RESOLUTIONS_4K = ((3840, 2160), (2160, 3840))

# make, MaterialCosUrl, voice (zip of wav files)
VOICE_ZIP_MAX_FILES = 10
VOICE_ZIP_MAX_BYTES = 1 * GB
VOICE_MIN_RATE = 24000
VOICE_NAME = re.compile(r"^[A-Za-z0-9_\-\u4e00-\u9fff]+\.wav$")

# make, MaterialCosUrl, photo
PHOTO_FORMATS = ("jpg", "jpeg", "png", "webp")
PHOTO_MAX_BYTES = 16 * MB
PHOTO_ASPECTS = ((1, 1), (9, 16), (16, 9), (4, 3))
ASPECT_TOLERANCE = 0.02

# make, VoiceDriverCosFile
DRIVER_AUDIO_FORMATS = ("wav", "mp3", "wma", "m4a", "aac")
DRIVER_AUDIO_MAX_BYTES = 10 * MB

# detectaudioquality, AudioUrl (zero-shot voice)
ZERO_SHOT_FORMATS = ("wav", "mp3", "aac", "m4a", "wma", "asf")
ZERO_SHOT_MAX_BYTES = 20 * MB
ZERO_SHOT_MIN_RATE = 16000
ZERO_SHOT_ADVISED_S = (10, 30)

# phototovideonotrain (seed 003)
REF_PHOTO_FORMATS = ("jpg", "jpeg", "png", "bmp", "webp")
REF_PHOTO_MAX_BYTES = 10 * MB
REF_PHOTO_SIDE = (192, 4096)
REF_PHOTO_ASPECT = (0.5, 2.0)  # width:height from 1:2 to 2:1
PHOTO_AUDIO_FORMATS = ("wav", "mp3", "wma", "m4a", "aac", "ogg")
PHOTO_AUDIO_MAX_BYTES = 20 * MB
PHOTO_AUDIO_DURATION_S = (2, 60)

# videomake / videomakeadvanced, InputAudioUrl
VIDEO_AUDIO_FORMATS = ("wav", "mp3", "wma", "m4a", "aac")
VIDEO_AUDIO_DURATION_S = (0.5, 3600)  # small-sample avatars; 10 minutes for the others


@dataclass(frozen=True)
class MediaFacts:
    """What probing a file found. Unknown numbers are None."""

    name: str  # the file name, extension included
    size: int
    container: str = ""  # ffprobe's format name, or the image format
    duration_s: float | None = None
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    sample_rate: int | None = None
    has_video: bool = False
    has_audio: bool = False
    members: tuple[MediaFacts, ...] = field(default_factory=tuple)  # the files inside a zip
    folders_inside: bool = False

    @property
    def extension(self) -> str:
        return self.name.rsplit(".", 1)[-1] if "." in self.name else ""


def _size(facts: MediaFacts, limit: int, what: str) -> list[str]:
    if facts.size > limit:
        return [f"{what} must be at most {limit / MB:g} MB (got {facts.size / MB:.1f} MB)"]
    return []


def _format(facts: MediaFacts, allowed: tuple[str, ...], what: str) -> list[str]:
    if facts.extension.lower() not in allowed:
        return [f"{what} must be {', '.join(allowed)} (got {facts.extension or 'no extension'!r})"]
    return []


def _between(value: float | None, low: float, high: float, what: str, unit: str) -> list[str]:
    if value is None:
        return [f"{what} could not be read"]
    if not low <= value <= high:
        return [f"{what} must be {low:g} to {high:g} {unit} (got {value:g} {unit})"]
    return []


def _aspect_ok(width: int, height: int, aspects: tuple[tuple[int, int], ...]) -> bool:
    return any(abs(width / height - w / h) <= ASPECT_TOLERANCE * (w / h) for w, h in aspects)


def check_avatar_video(facts: MediaFacts, make_type: str) -> list[str]:
    """MaterialCosUrl for IMAGE, IMAGE_GENERAL, IMAGE_4K: one message per broken limit."""
    found = _format(facts, VIDEO_FORMATS, "The video format") + _size(facts, VIDEO_MAX_BYTES[make_type], "The video")
    if not facts.has_video:
        return [*found, "The material has no video stream"]
    low, high = VIDEO_DURATION_S[make_type]
    minutes = None if facts.duration_s is None else round(facts.duration_s / 60, 2)
    found += _between(minutes, low / 60, high / 60, "The video duration", "minutes")
    size = (facts.width or 0, facts.height or 0)
    allowed = RESOLUTIONS_4K if make_type == "IMAGE_4K" else RESOLUTIONS_1080P + RESOLUTIONS_4K
    if size not in allowed:
        words = "4K (3840x2160 or 2160x3840)" if make_type == "IMAGE_4K" else "1080P or 4K, 16:9 or 9:16"
        found.append(f"The video resolution must be {words} (got {size[0]}x{size[1]})")
    found += _between(facts.fps, *VIDEO_FPS, "The video frame rate", "fps")
    return found


def check_voice_zip(facts: MediaFacts) -> list[str]:
    """MaterialCosUrl for VOICE: a zip of at most 10 wav files at 24 kHz or more, no folders."""
    if facts.extension.lower() != "zip":
        return [f"The voice material must be a .zip of wav files (got {facts.extension or 'no extension'!r})"]
    found = []
    if facts.folders_inside:
        found.append("The zip must not contain folders: select the wav files themselves when compressing")
    if not facts.members:
        found.append("The zip contains no wav file")
    if len(facts.members) > VOICE_ZIP_MAX_FILES:
        found.append(f"The zip may hold at most {VOICE_ZIP_MAX_FILES} wav files (got {len(facts.members)})")
    total = sum(m.size for m in facts.members)
    if total > VOICE_ZIP_MAX_BYTES:
        found.append(f"The wav files may total at most 1 GB (got {total / GB:.2f} GB)")
    for member in facts.members:
        if not VOICE_NAME.match(member.name):
            found.append(f"{member.name}: the name must have no spaces or special characters and end in lowercase .wav")
        if member.sample_rate is None or member.container != "wav":
            found.append(f"{member.name}: is not a wav audio file")
        elif member.sample_rate < VOICE_MIN_RATE:
            found.append(
                f"{member.name}: the sampling rate must be at least 24 kHz (got {member.sample_rate / 1000:g} kHz)"
            )
    return found


def check_photo(facts: MediaFacts) -> list[str]:
    """MaterialCosUrl for IMAGE_PHOTO: name, format, size, aspect ratio."""
    found = _format(facts, PHOTO_FORMATS, "The photo format") + _size(facts, PHOTO_MAX_BYTES, "The photo")
    stem = facts.name.rsplit(".", 1)[0]
    if len(stem) < 2 or not re.match(NAME_PATTERN, stem):
        found.append(
            f"The photo name must be at least 2 characters of Chinese, letters, digits, _ and - (got {stem!r})"
        )
    if not facts.width or not facts.height:
        return [*found, "The photo could not be read as an image"]
    if not _aspect_ok(facts.width, facts.height, PHOTO_ASPECTS):
        found.append(f"The photo aspect ratio must be 1:1, 9:16, 16:9 or 4:3 (got {facts.width}x{facts.height})")
    return found


def check_driver_audio(facts: MediaFacts) -> list[str]:
    """VoiceDriverCosFile: format and size."""
    return _format(facts, DRIVER_AUDIO_FORMATS, "The driving audio format") + _size(
        facts, DRIVER_AUDIO_MAX_BYTES, "The driving audio"
    )


def check_zero_shot_audio(facts: MediaFacts) -> list[str]:
    """detectaudioquality AudioUrl: format, size, sampling rate above 16 kHz."""
    found = _format(facts, ZERO_SHOT_FORMATS, "The audio format") + _size(facts, ZERO_SHOT_MAX_BYTES, "The audio")
    if not facts.has_audio:
        return [*found, "The file has no audio stream"]
    if facts.sample_rate is not None and facts.sample_rate < ZERO_SHOT_MIN_RATE:
        found.append(f"The sampling rate must be above 16 kHz (got {facts.sample_rate / 1000:g} kHz)")
    return found


def check_reference_photo(facts: MediaFacts) -> list[str]:
    """phototovideonotrain RefPhotoUrl: format, size, sides 192-4096, aspect 1:2 to 2:1."""
    found = _format(facts, REF_PHOTO_FORMATS, "The photo format") + _size(facts, REF_PHOTO_MAX_BYTES, "The photo")
    if not facts.width or not facts.height:
        return [*found, "The photo could not be read as an image"]
    low, high = REF_PHOTO_SIDE
    for side, value in (("width", facts.width), ("height", facts.height)):
        if not low <= value <= high:
            found.append(f"The photo {side} must be {low} to {high} pixels (got {value})")
    ratio = facts.width / facts.height
    if not REF_PHOTO_ASPECT[0] <= ratio <= REF_PHOTO_ASPECT[1]:
        found.append(f"The photo aspect ratio must be between 1:2 and 2:1 (got {facts.width}x{facts.height})")
    return found


def check_photo_audio(facts: MediaFacts) -> list[str]:
    """phototovideonotrain InputAudioUrl: format, size, 2-60 s."""
    found = _format(facts, PHOTO_AUDIO_FORMATS, "The audio format") + _size(facts, PHOTO_AUDIO_MAX_BYTES, "The audio")
    return found + _between(facts.duration_s, *PHOTO_AUDIO_DURATION_S, "The audio duration", "seconds")
