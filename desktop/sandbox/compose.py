"""The advanced video's layers, as one ffmpeg filter graph over the avatar's transparent frames: a background
picture or video (green when none, as documented), the anchor placed and scaled by the FAQ's formulas, logos,
burned-in subtitles, and intro/outro clips.

The FAQ's "Anchor Position Calculation Method":
    HorizontalPosition = (x + anchorWidth / 2 - containerWidth / 2) / containerWidth
    VerticalPosition = (anchorHeight + y - wrapperHeight) / 2 / anchorHeight
with anchorWidth/Height = the original picture's size * OriginZoom * Scale; solved here for the top-left x, y.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

GREEN_HEX = "0x00ff00"
AUDIO_FORMAT = "aformat=sample_rates=48000:channel_layouts=mono"


@dataclass(frozen=True)
class Placement:
    horizontal: float = 0.0
    vertical: float = 0.0
    scale: float = 1.0

    def for_tag(self, tag: str) -> Placement:
        """What each anchor tag honours: Advanced does not move sideways; Standard and Advanced only move down and
        do not grow beyond 1 (only Basic anchors, avatars among them, may)."""
        horizontal = 0.0 if tag == "Advanced" else self.horizontal
        vertical = max(0.0, self.vertical) if tag in ("Standard", "Advanced") else self.vertical
        scale = min(1.0, self.scale) if tag in ("Standard", "Advanced") else self.scale
        return Placement(horizontal, vertical, scale)


def anchor_box(
    width: int, height: int, original: tuple[int, int], zoom: float, placement: Placement
) -> tuple[int, int, int, int]:
    """x, y, width and height of the anchor in a `width` x `height` frame. The size must be finite (layers.py
    refuses a Scale that would not fit); a position beyond the frame is kept just outside it, where the anchor is
    as invisible as anywhere further (a HorizontalPosition of 1e308 is a valid number, not an overflow)."""
    anchor_w = max(2, round(original[0] * zoom * placement.scale / 2) * 2)
    anchor_h = max(2, round(original[1] * zoom * placement.scale / 2) * 2)
    x = placement.horizontal * width + width / 2 - anchor_w / 2
    y = 2 * placement.vertical * anchor_h + height - anchor_h
    return round(_within(x, -anchor_w, width)), round(_within(y, -anchor_h, height)), anchor_w, anchor_h


def _within(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


@dataclass(frozen=True)
class Logo:
    path: Path
    x: int
    y: int
    scale: float = 1.0


@dataclass(frozen=True)
class Clip:
    path: Path
    has_audio: bool
    seconds: float


@dataclass(frozen=True)
class Composition:
    box: tuple[int, int, int, int]  # where the anchor goes (anchor_box)
    background: Path | None = None
    background_is_video: bool = False
    transparent: bool = False  # TransparentWebm: the anchor placed on nothing
    logos: tuple[Logo, ...] = ()
    subtitles: Path | None = None  # an SRT file in the working directory of ffmpeg
    head: Clip | None = None
    tail: Clip | None = None


def graph(composition: Composition, width: int, height: int, seconds: float) -> tuple[list[str], str]:
    """Inputs after the frames (0) and the sound (1), and the filter graph ending in [v] and [a]."""
    inputs: list[str] = []
    parts: list[str] = []
    x, y, anchor_w, anchor_h = composition.box

    def add(*arguments: str) -> int:
        inputs.extend(arguments)
        return 1 + sum(1 for a in inputs if a == "-i")

    parts.append(f"[0:v]scale={anchor_w}:{anchor_h}[anchor]")
    if composition.transparent:
        parts.append(f"color=c=black@0.0:s={width}x{height}:r=25:d={seconds:.3f},format=rgba[bg]")
    elif composition.background is None:
        parts.append(f"color=c={GREEN_HEX}:s={width}x{height}:r=25:d={seconds:.3f}[bg]")
    else:
        looped = ["-stream_loop", "-1"] if composition.background_is_video else ["-loop", "1", "-framerate", "25"]
        index = add(*looped, "-i", str(composition.background))
        parts.append(f"[{index}:v]scale={width}:{height},setsar=1,fps=25,format=rgba[bg]")
    parts.append(f"[bg][anchor]overlay=x={x}:y={y}:shortest=1:format=auto[layer0]")
    last = "layer0"
    for number, logo in enumerate(composition.logos, start=1):
        index = add("-i", str(logo.path))
        parts.append(f"[{index}:v]scale=iw*{logo.scale:g}:ih*{logo.scale:g}[logo{number}]")
        parts.append(f"[{last}][logo{number}]overlay=x={logo.x}:y={logo.y}:eof_action=repeat[layer{number}]")
        last = f"layer{number}"
    if composition.subtitles is not None:
        size = max(12, height // 32)
        style = f"Fontsize={size},Outline=2,MarginV={height // 12}"
        parts.append(f"[{last}]subtitles=filename={composition.subtitles.name}:original_size={width}x{height}:"
                     f"force_style='{style}'[subtitled]")  # fmt: skip
        last = "subtitled"
    pixel = "yuva420p" if composition.transparent else "yuv420p"
    parts.append(f"[{last}]format={pixel}[main_v]")
    parts.append(f"[1:a]{AUDIO_FORMAT}[main_a]")
    segments = []
    for name, clip in (("head", composition.head), ("tail", composition.tail)):
        if clip is None:
            continue
        index = add("-i", str(clip.path))
        parts.append(f"[{index}:v]scale={width}:{height},setsar=1,fps=25,format={pixel}[{name}_v]")
        if clip.has_audio:
            parts.append(f"[{index}:a]{AUDIO_FORMAT}[{name}_a]")
        else:
            parts.append(f"anullsrc=r=48000:cl=mono:d={clip.seconds:.3f}[{name}_a]")
        segments.append(name)
    order = (["head"] if "head" in segments else []) + ["main"] + (["tail"] if "tail" in segments else [])
    if len(order) == 1:
        parts.append("[main_v]null[v]")
        parts.append("[main_a]anull[a]")
    else:
        chain = "".join(f"[{name}_v][{name}_a]" for name in order)
        parts.append(f"{chain}concat=n={len(order)}:v=1:a=1[v][a]")
    return inputs, ";".join(parts)
