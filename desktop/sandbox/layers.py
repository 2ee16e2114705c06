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
from desktop.spec.validate import url_file_name, url_for_message

MAX_LAYER_BYTES = 500 * 1024 * 1024
MAX_LAYER_FACTOR = 4  # how many times the video's width and height a scaled anchor or logo may span
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
        raise ProductionError(801010, f"{field}: the file could not be downloaded from {url_for_message(url)}")
    if path.stat().st_size > MAX_LAYER_BYTES:
        raise ProductionError(801009, f"{field}: the file is larger than 500 MB")
    return path


def _image(ctx: Context, field: str, url: str) -> tuple[Path, tuple[int, int]]:
    path = _fetch(ctx, field, url)
    facts = probe.image(path, url_file_name(url))
    if facts.container not in IMAGE_FORMATS or facts.width is None or facts.height is None:
        raise ProductionError(801009, f"{field}: the file is not a jpg or png picture")
    return path, (facts.width, facts.height)


def _mp4(ctx: Context, field: str, url: str) -> tuple[Path, probe.MediaFacts]:
    path = _fetch(ctx, field, url)
    facts = probe.ffprobe(path, url_file_name(url))
    if MP4_CONTAINER not in facts.container.split(",") or not facts.has_video:
        raise ProductionError(801009, f"{field}: the file is not an MP4 video")
    return path, facts


def _drawable(field: str, scale: float, picture: tuple[float, float], size: tuple[int, int]) -> None:
    """A layer scaled beyond MAX_LAYER_FACTOR times the video's size is refused (801009) rather than handed to
    ffmpeg, which cannot allocate it: the docs bound no Scale (Basic anchors may exceed 1), the sandbox must stop
    somewhere (docs/api-notes.md E53)."""
    width, height = picture[0] * scale, picture[1] * scale
    if width > MAX_LAYER_FACTOR * size[0] or height > MAX_LAYER_FACTOR * size[1]:
        raise ProductionError(
            801009, f"{field}: {scale:g} would draw the layer larger than {MAX_LAYER_FACTOR} times the video's "
            f"{size[0]}x{size[1]}"
        )  # fmt: skip


def _on_canvas(position: int, extent: int) -> int:
    """A logo placed beyond the frame is as invisible just outside it as anywhere further: kept within what
    ffmpeg's expressions hold exactly."""
    return min(max(position, -MAX_LAYER_FACTOR * extent), MAX_LAYER_FACTOR * extent)


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
    ).for_tag(avatar.anchor.tag)  # fmt: skip
    zoomed = (size[0] * avatar.origin_zoom, size[1] * avatar.origin_zoom)
    _drawable("VideoParam.AnchorParam.Scale", asked.scale, zoomed, size)
    box = anchor_box(size[0], size[1], size, avatar.origin_zoom, asked)
    if transparent:
        return Composition(box, transparent=True)
    background, is_video = None, False
    if url := video_param.get("BackgroundFileUrl"):
        field = "VideoParam.BackgroundFileUrl"
        if url_file_name(str(url)).lower().endswith(".mp4"):
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
        path, found = _image(ctx, f"VideoParam.LogoParams[{number}].LogoFileUrl", str(logo["LogoFileUrl"]))
        scale = float(logo.get("Scale", 1.0))
        _drawable(f"VideoParam.LogoParams[{number}].Scale", scale, found, size)
        x = _on_canvas(int(logo.get("PositionX", 0)), size[0])
        y = _on_canvas(int(logo.get("PositionY", 0)), size[1])
        logos.append(Logo(path, x, y, scale))
    return Composition(
        box,
        background=background,
        background_is_video=is_video,
        logos=tuple(logos),
        subtitles=subtitles,
        head=_clip(ctx, "VideoParam.VideoHeadFileUrl", video_param.get("VideoHeadFileUrl"), size),
        tail=_clip(ctx, "VideoParam.VideoTailFileUrl", video_param.get("VideoTailFileUrl"), size),
    )
