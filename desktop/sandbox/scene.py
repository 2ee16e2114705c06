"""A live session's picture: background layers, the avatar placed by SpaceParam, foreground layers, and with
AlphaChannelEnable the avatar's alpha beside the picture.

Geometry. The cloud streams at the avatar's resolution; the sandbox streams a smaller frame (live.live_size) and maps
the cloud's frame into it, scaled to its height and centred, so that VideoLayer coordinates (given in the cloud's
pixels) land where they would. SpaceParam, as documented for updatesessionconfig: ImagePosition moves the avatar's
centre axis by that fraction of the width (-0.5 to 0.5); ImagePositionVertical moves it down by that fraction of the
height from bottom alignment (-0.5 to 0.25); ImageZoom scales it (1: the full height).

With no background the avatar stands on a green screen ("the background set by this parameter > the green screen").
AlphaChannelEnable: the stream is iW + pW + iW wide, pW = (16 - iW % 16) % 16, the right part the avatar's alpha.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from desktop.sandbox.render import GREEN, Painter, portrait_face


@dataclass(frozen=True)
class Layer:
    """A VideoLayer in the cloud's pixels."""

    picture: Path
    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True)
class Space:
    position: float = 0.0
    vertical: float = 0.0
    zoom: float = 1.0
    background: Path | None = None  # updatesessionconfig's BackgroundUrl, over the Backgrounds layers


def padding(width: int) -> int:
    return (16 - width % 16) % 16


@dataclass(frozen=True)
class Frame:
    """What the scene needs to know about the stream and the cloud's frame."""

    size: tuple[int, int]  # the sandbox's stream, before the alpha half
    cloud: tuple[int, int]  # the avatar's resolution

    @property
    def scale(self) -> float:
        return self.size[1] / self.cloud[1]

    def place(self, layer: Layer) -> tuple[int, int, int, int]:
        offset = (self.size[0] - self.cloud[0] * self.scale) / 2
        return (round(offset + layer.x * self.scale), round(layer.y * self.scale),
                max(1, round(layer.width * self.scale)), max(1, round(layer.height * self.scale)))  # fmt: skip


def _rgba(path: Path, size: tuple[int, int]) -> np.ndarray:
    with Image.open(path) as opened:
        picture = opened.convert("RGBA").resize(size)
    return np.asarray(picture)


def _paste(
    canvas: np.ndarray, mask: np.ndarray | None, rgb: np.ndarray, alpha: np.ndarray, x: int, y: int,
    binary: bool | None = None,
) -> None:  # fmt: skip
    """Lay `rgb` with its `alpha` onto an RGB canvas (and the alpha into `mask`) at x, y, clipped to the canvas.
    All-or-nothing alpha (the drawn figure, most layers) is a masked copy, several times cheaper than blending."""
    height, width = canvas.shape[:2]
    left, top = max(0, x), max(0, y)
    right, bottom = min(width, x + rgb.shape[1]), min(height, y + rgb.shape[0])
    if right <= left or bottom <= top:
        return
    rows, columns = slice(top - y, bottom - y), slice(left - x, right - x)
    part, part_alpha = rgb[rows, columns], alpha[rows, columns]
    region = canvas[top:bottom, left:right]
    if binary if binary is not None else _binary(part_alpha):
        np.copyto(region, part, where=part_alpha[..., None] > 0)
    else:
        weight = part_alpha[..., None].astype(np.float32) / 255.0
        region[:] = (part * weight + region * (1.0 - weight)).astype(np.uint8)
    if mask is not None:
        np.maximum(mask[top:bottom, left:right], part_alpha, out=mask[top:bottom, left:right])


def _binary(alpha: np.ndarray) -> bool:
    return bool(((alpha == 0) | (alpha == 255)).all())


def _split(picture: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return np.ascontiguousarray(picture[..., :3]), np.ascontiguousarray(picture[..., 3])


class Scene:
    """Built off the render thread (it reads pictures); `frame` is called by the render thread only."""

    def __init__(
        self,
        figure: Path | None,
        frame: Frame,
        space: Space = Space(),
        backgrounds: tuple[Layer, ...] = (),
        foregrounds: tuple[Layer, ...] = (),
        alpha_channel: bool = False,
    ) -> None:
        width, height = frame.size
        self.alpha_channel = alpha_channel
        self.output_size = (width * 2 + padding(width), height) if alpha_channel else (width, height)
        backdrop = np.empty((height, width, 3), dtype=np.uint8)
        backdrop[:] = GREEN
        for layer in backgrounds:
            x, y, w, h = frame.place(layer)
            _paste(backdrop, None, *_split(_rgba(layer.picture, (w, h))), x, y)
        if space.background is not None:
            _paste(backdrop, None, *_split(_rgba(space.background, (width, height))), 0, 0)
        self.backdrop = backdrop
        anchor_h = max(2, round(height * space.zoom))
        anchor_w = max(2, round(anchor_h * frame.cloud[0] / frame.cloud[1]))
        if figure is not None and figure.is_file():
            cut_out = _rgba(figure, (anchor_w, anchor_h))
        else:
            cut_out = np.zeros((anchor_h, anchor_w, 4), dtype=np.uint8)
        self.painter = Painter(
            np.ascontiguousarray(cut_out[..., :3]),
            portrait_face(anchor_w, anchor_h),
            np.ascontiguousarray(cut_out[..., 3]),
        )
        self.anchor_x = round(width / 2 + space.position * width - anchor_w / 2)
        self.anchor_y = round(height - anchor_h + space.vertical * height)
        self.foregrounds: list[tuple[np.ndarray, np.ndarray, int, int, bool]] = []
        for layer in foregrounds:
            x, y, w, h = frame.place(layer)
            rgb, alpha = _split(_rgba(layer.picture, (w, h)))
            self.foregrounds.append((rgb, alpha, x, y, _binary(alpha)))

    def frame(self, index: int, level: float) -> np.ndarray:
        picture = self.backdrop.copy()
        mask = np.zeros(picture.shape[:2], dtype=np.uint8) if self.alpha_channel else None
        figure = self.painter.frame(index, level)
        _paste(picture, mask, figure, self.painter.alpha_for(index), self.anchor_x, self.anchor_y, True)
        for rgb, alpha, x, y, binary in self.foregrounds:
            _paste(picture, mask, rgb, alpha, x, y, binary)
        if mask is None:
            return picture
        gap = np.zeros((picture.shape[0], padding(picture.shape[1]), 3), dtype=np.uint8)
        return np.concatenate([picture, gap, np.repeat(mask[..., None], 3, axis=2)], axis=1)
