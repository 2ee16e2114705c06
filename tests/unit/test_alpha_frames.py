"""The alpha-channel layout (iW + pW + iW) and the compositing over a checkerboard."""

from __future__ import annotations

import numpy as np
import pytest

from desktop.ui.live.alpha_frames import LIGHT, Compositor, checkerboard, padding, picture_width


@pytest.mark.parametrize(("width", "pad"), [(640, 0), (360, 8), (1080, 8), (1920, 0), (750, 2), (17, 15)])
def test_the_picture_width_is_found_from_the_frame_width(width: int, pad: int) -> None:
    assert padding(width) == pad
    assert picture_width(2 * width + pad) == width


@pytest.mark.parametrize("frame_width", [641, 1281, 3])
def test_a_frame_that_is_not_a_picture_and_its_alpha_is_refused(frame_width: int) -> None:
    with pytest.raises(ValueError, match="not a picture and its alpha"):
        picture_width(frame_width)


def frame(width: int, height: int, colour: tuple[int, int, int], alpha: np.ndarray) -> np.ndarray:
    """An RV32 frame (B, G, R, X): `colour` (R, G, B) on the left, `alpha` as grey on the right."""
    out = np.zeros((height, 2 * width + padding(width), 4), dtype=np.uint8)
    out[:, :width, 0], out[:, :width, 1], out[:, :width, 2] = colour[2], colour[1], colour[0]
    start = width + padding(width)
    for channel in range(3):
        out[:, start:, channel] = alpha
    return out


def test_opaque_pixels_show_the_picture_transparent_ones_the_board_and_half_a_blend() -> None:
    width, height = 360, 40
    alpha = np.zeros((height, width), dtype=np.uint8)
    alpha[:, :120] = 255
    alpha[:, 120:240] = 128
    picture = Compositor().composite(frame(width, height, (200, 40, 10), alpha))
    assert picture.shape == (height, width, 4) and picture.dtype == np.uint8
    assert (picture[..., 3] == 255).all()
    assert tuple(picture[5, 50, :3]) == (10, 40, 200)  # opaque: the picture's B, G, R
    board = checkerboard(height, width)
    assert tuple(picture[0, 288, :3]) == tuple(board[0, 288]) == (LIGHT, LIGHT, LIGHT)  # transparent: the board
    assert (picture[:, 240:, :3] == board[:, 240:]).all()
    blended = picture[0, 130, 2]  # R: 200 half over the light grey
    assert abs(int(blended) - round((200 * 128 + LIGHT * 127) / 255)) <= 1


def test_the_board_is_made_again_when_the_size_changes() -> None:
    compositor = Compositor()
    small = compositor.composite(frame(32, 8, (0, 0, 0), np.zeros((8, 32), dtype=np.uint8)))
    large = compositor.composite(frame(640, 16, (0, 0, 0), np.zeros((16, 640), dtype=np.uint8)))
    assert small.shape[:2] == (8, 32) and large.shape[:2] == (16, 640)
