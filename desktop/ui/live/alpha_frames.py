"""A stream with an alpha channel, made into a picture to look at (no Qt here: numpy on libvlc's video thread).

With ExtraInfo.AlphaChannelEnable the cloud streams each frame iW + pW + iW wide: the picture, pW columns of padding
(pW = (16 - iW % 16) % 16, so that the alpha starts on a 16-pixel boundary), then the picture's alpha as a grey
image. Shown as it comes it is two avatars side by side, one in colour and one in grey; the operator wants the one
avatar over a transparent background, which a checkerboard shows the way image editors do.

Frames arrive as libvlc's RV32: rows of B, G, R, X bytes, the layout of QImage.Format_RGB32 on little-endian
machines, so the result goes to Qt without a conversion.
"""

from __future__ import annotations

import numpy as np

CELL = 12  # the checkerboard's squares, in the stream's pixels
LIGHT, DARK = 204, 153  # the greys image editors use for "transparent"


def padding(picture_width: int) -> int:
    """pW for a picture iW wide."""
    return (16 - picture_width % 16) % 16


def picture_width(frame_width: int) -> int:
    """iW for a frame iW + pW + iW wide; ValueError when no iW gives that width (not an alpha-channel frame)."""
    for width in range(frame_width // 2, max(0, frame_width // 2 - 16), -1):
        if width > 0 and 2 * width + padding(width) == frame_width:
            return width
    raise ValueError(f"a frame {frame_width} pixels wide is not a picture and its alpha side by side")


def checkerboard(height: int, width: int, cell: int = CELL) -> np.ndarray:
    """A light and dark grey checkerboard, height x width x 3 (uint16, ready to be weighted)."""
    rows = (np.arange(height) // cell)[:, None]
    columns = (np.arange(width) // cell)[None, :]
    grey = np.where((rows + columns) % 2 == 0, LIGHT, DARK).astype(np.uint16)
    return np.repeat(grey[:, :, None], 3, axis=2)


class Compositor:
    """Frames of one size into pictures over the checkerboard; the board and the work arrays are made once per
    size, since this runs for every frame (25 a second)."""

    def __init__(self) -> None:
        self._size = (0, 0)
        self._width = 0
        self._board = np.zeros((0, 0, 3), dtype=np.uint16)

    def composite(self, frame: np.ndarray) -> np.ndarray:
        """An RV32 frame (height x (iW + pW + iW) x 4, uint8) → the picture over the board (height x iW x 4, uint8,
        RV32 with X = 255). Partly transparent pixels are blended: out = colour·a + board·(1 - a)."""
        height, total = frame.shape[:2]
        if (height, total) != self._size:
            self._width = picture_width(total)
            self._board = checkerboard(height, self._width)
            self._size = (height, total)
        width = self._width
        start = total - width
        # R of the grey alpha image: B, G and R are equal there, up to the codec's rounding.
        alpha = frame[:, start:, 2:3].astype(np.uint16)
        inverse = np.subtract(255, alpha, dtype=np.uint16)
        blended = frame[:, :width, :3].astype(np.uint16)
        blended *= alpha
        blended += self._board * inverse  # at most 255·a + 255·(255 - a) = 65025: no overflow in uint16
        blended += 127
        blended //= 255
        out = np.empty((height, width, 4), dtype=np.uint8)
        out[..., :3] = blended
        out[..., 3] = 255
        return out


__all__ = ["Compositor", "checkerboard", "padding", "picture_width"]
