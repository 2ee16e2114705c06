"""The advanced video's inputs, fetched and checked as the cloud's production would before compositing: files must
be reachable (801010), of the documented formats and sizes (801009), and the background, intro and outro must
match the video's resolution (801507, "converting the resolution of input images or other resources failed").
Blocking (probes files): call through asyncio.to_thread.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from desktop.media import probe
from desktop.sandbox.catalog import Avatar
from desktop.sandbox.compose import Clip, Composition, Logo, Placement, anchor_box
from desktop.sandbox.context import Context
from desktop.sandbox.custom_tasks import local_file

MAX_LAYER_BYTES = 500 * 1024 * 1024
IMAGE_FORMATS = ("png", "jpeg")
MP4_CONTAINER = "mp4"  # ffprobe names the family "mov,mp4,m4a,3gp,3g2,mj2"


class ProductionError(Exception):
    """An input the production cannot use: the task is created and ends in FAIL with this FailCode."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.failure = (code, message)


def _fetch(ctx: Context, field: str, url: str) -> Path:
    path = local_file(ctx, url)
    if path is None:
        raise ProductionError(801010, f"{field}: the file could not be downloaded from {url}")
    if path.stat().st_size > MAX_LAYER_BYTES:
        raise ProductionError(801009, f"{field}: the file is larger than 500 MB")
    return path


def _image(ctx: Context, field: str, url: str) -> tuple[Path, tuple[int, int]]:
    path = _fetch(ctx, field, url)
    facts = probe.image(path, url.rsplit("/", 1)[-1])
    if facts.container not in IMAGE_FORMATS or facts.width is None or facts.height is None:
        raise ProductionError(801009, f"{field}: the file is not a jpg or png picture")
    return path, (facts.width, facts.height)


def _mp4(ctx: Context, field: str, url: str) -> tuple[Path, probe.MediaFacts]:
    path = _fetch(ctx, field, url)
    facts = probe.ffprobe(path, url.rsplit("/", 1)[-1])
    if MP4_CONTAINER not in facts.container.split(",") or not facts.has_video:
        raise ProductionError(801009, f"{field}: the file is not an MP4 video")
    return path, facts


def _same_size(field: str, found: tuple[int | None, int | None], size: tuple[int, int]) -> None:
    if found != size:
        raise ProductionError(
            801507, f"{field}: its resolution {found[0]}x{found[1]} does not match the video's {size[0]}x{size[1]}"
        )


def _clip(ctx: Context, field: str, url: Any, size: tuple[int, int]) -> Clip | None:
    if not url:
        return None
    path, facts = _mp4(ctx, field, str(url))
    _same_size(field, (facts.width, facts.height), size)
    return Clip(path, facts.has_audio, facts.duration_s or 0.0)


def layers_of(
    ctx: Context, video_param: dict[str, Any], avatar: Avatar, size: tuple[int, int], transparent: bool,
    subtitles: Path | None,
) -> Composition:  # fmt: skip
    """The composition a VideoParam asks for. A transparent WebM takes the anchor's placement only."""
    anchor = video_param.get("AnchorParam") or {}
    asked = Placement(
        float(anchor.get("HorizontalPosition", 0.0)), float(anchor.get("VerticalPosition", 0.0)),
        float(anchor.get("Scale", 1.0)),
    )  # fmt: skip
    box = anchor_box(size[0], size[1], size, avatar.origin_zoom, asked.for_tag(avatar.anchor.tag))
    if transparent:
        return Composition(box, transparent=True)
    background, is_video = None, False
    if url := video_param.get("BackgroundFileUrl"):
        field = "VideoParam.BackgroundFileUrl"
        if str(url).lower().split("?")[0].endswith(".mp4"):
            background, facts = _mp4(ctx, field, str(url))
            _same_size(field, (facts.width, facts.height), size)
            is_video = True
        else:
            background, found = _image(ctx, field, str(url))
            _same_size(field, found, size)
    logos = []
    for number, logo in enumerate(video_param.get("LogoParams") or [], start=1):
        if not logo.get("LogoFileUrl"):
            continue
        path, _ = _image(ctx, f"VideoParam.LogoParams[{number}].LogoFileUrl", str(logo["LogoFileUrl"]))
        logos.append(Logo(path, int(logo.get("PositionX", 0)), int(logo.get("PositionY", 0)),
                          float(logo.get("Scale", 1.0))))  # fmt: skip
    return Composition(
        box,
        background=background,
        background_is_video=is_video,
        logos=tuple(logos),
        subtitles=subtitles,
        head=_clip(ctx, "VideoParam.VideoHeadFileUrl", video_param.get("VideoHeadFileUrl"), size),
        tail=_clip(ctx, "VideoParam.VideoTailFileUrl", video_param.get("VideoTailFileUrl"), size),
    )
