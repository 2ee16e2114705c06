"""The stream's view against the sandbox (real nginx-rtmp, libvlc in a real X window): a stream with an alpha
channel is shown as one avatar over a checkerboard (not the picture and its alpha side by side), and saved that way;
full screen and back keeps playing into the same native window, and Esc leaves it; the catch-up after the first
picture ends at the live edge."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from desktop.ui.live import stream_view
from desktop.ui.live.alpha_frames import DARK, LIGHT
from tests.fixtures.app import AppFactory
from tests.gui.test_live_page import live_page, picture
from tests.gui.test_live_panel import close, go_live

pytestmark = pytest.mark.vlc

SKIN = np.array((243, 217, 196), dtype=np.int16)  # the sandbox's drawn face (desktop/sandbox/files.py)


def pixels(image: QImage) -> np.ndarray:
    """R, G, B of a Format_RGB32 image, height x width x 3."""
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    data = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.sizeInBytes()).copy()
    rows = data.reshape(image.height(), image.bytesPerLine())[:, : image.width() * 4]
    return rows.reshape(image.height(), image.width(), 4)[..., 2::-1]


def test_an_alpha_channel_stream_is_one_avatar_over_a_checkerboard(
    qtbot: QtBot, make_app: AppFactory, data_dir: Path
) -> None:
    _app, page = live_page(qtbot, make_app, data_dir)
    page.form.alpha.setChecked(True)
    session = go_live(qtbot, page)
    assert session.status.alpha
    stream = page.stream
    qtbot.waitUntil(lambda: stream.state == "playing" and stream.canvas.image is not None, timeout=20000)
    assert stream.alpha
    image = stream.canvas.image
    assert image is not None
    # The sandbox streams 640x360 (360x640 for a portrait avatar) plus the alpha: the picture alone is shown.
    assert (image.width(), image.height()) in ((640, 360), (360, 640))
    rgb = pixels(image).astype(np.int16)
    greys = {tuple(int(v) for v in rgb[y, x]) for y in range(0, 12) for x in range(0, 12)}
    assert greys <= {(LIGHT, LIGHT, LIGHT), (DARK, DARK, DARK)} or all(
        abs(g[0] - LIGHT) <= 6 and g[0] == g[1] == g[2] for g in greys
    ), f"the transparent corner is not the board: {sorted(greys)[:5]}"
    skin = np.abs(rgb - SKIN).sum(axis=2) < 40
    assert skin.sum() > 200, "no avatar on the board"
    assert not (np.abs(rgb - (128, 128, 128)).sum(axis=2) < 10).all(axis=0).any()  # no grey alpha half beside it

    path = data_dir / "alpha.png"
    with qtbot.waitSignal(stream.snapshot_taken, timeout=10000) as taken:
        assert stream.snapshot(str(path))
    assert taken.args == [str(path), True]
    saved = QImage(str(path))
    assert (saved.width(), saved.height()) == (image.width(), image.height())  # what the operator saw, composited
    close(qtbot, page)
    assert stream.canvas.image is None


def test_full_screen_and_back_keeps_playing_in_the_same_window(
    qtbot: QtBot, make_app: AppFactory, data_dir: Path
) -> None:
    app, page = live_page(qtbot, make_app, data_dir)
    go_live(qtbot, page)
    stream = page.stream
    qtbot.waitUntil(lambda: stream.state == "playing", timeout=20000)
    window_id = int(stream.video.winId())
    small = stream.video.size()
    with qtbot.waitSignal(stream.fullscreen_changed, timeout=5000) as entered:
        page.fullscreen_button.click()  # F11's action (shortcuts need an active window, which Xvfb may not give)
    assert entered.args == [True] and stream.is_fullscreen
    full = stream.video.window()
    assert full is not app.window and full.isFullScreen()
    qtbot.waitUntil(lambda: stream.video.width() > small.width(), timeout=5000)
    assert int(stream.video.winId()) == window_id  # reparented, not made again: libvlc still draws there
    qtbot.waitUntil(lambda: picture(page).mean() > 20, timeout=10000)  # libvlc drew the larger window
    seen = stream.video.size()
    screen = QApplication.primaryScreen().geometry()
    assert seen.width() == screen.width() and seen.height() == screen.height()
    with qtbot.waitSignal(stream.fullscreen_changed, timeout=5000) as left:
        qtbot.keyClick(full, Qt.Key.Key_Escape)
    assert left.args == [False] and not stream.is_fullscreen
    assert stream.video.window() is app.window and int(stream.video.winId()) == window_id
    assert stream.state == "playing" and stream.restarts == 0
    # A double-click on the picture goes full screen too, and back.
    with qtbot.waitSignal(stream.fullscreen_changed, timeout=5000):
        qtbot.mouseDClick(stream.video, Qt.MouseButton.LeftButton, pos=QPoint(20, 20))
    assert stream.is_fullscreen
    with qtbot.waitSignal(stream.fullscreen_changed, timeout=5000):
        qtbot.mouseDClick(stream.video, Qt.MouseButton.LeftButton, pos=QPoint(20, 20))
    assert not stream.is_fullscreen
    close(qtbot, page)


def test_the_catch_up_stops_at_the_live_edge(qtbot: QtBot, make_app: AppFactory, data_dir: Path) -> None:
    """libvlc reads seconds of stream before its first picture; played at rate 2.0, that backlog runs out, and the
    player goes back to rate 1.0 there (its buffer ran dry), not when the time limit ends it."""
    _app, page = live_page(qtbot, make_app, data_dir)
    stream = page.stream
    endings: list[str] = []
    stream.caught_up.connect(endings.append)
    go_live(qtbot, page)
    qtbot.waitUntil(lambda: stream.state == "playing", timeout=20000)
    assert stream.catching_up or endings
    qtbot.waitUntil(lambda: bool(endings), timeout=stream_view.CATCH_UP_MAX_MS + 2000)
    assert endings == ["edge"] and not stream.catching_up
    close(qtbot, page)


def test_the_picture_stays_whole_when_the_catch_up_reaches_the_edge(
    qtbot: QtBot, make_app: AppFactory, data_dir: Path
) -> None:
    """At the live edge libvlc empties its decoder; the pictures until the next key frame, predicted from frames it
    no longer has, must not be shown (they came out grey: no avatar in them). An alpha-channel stream is decoded
    into memory, so each picture shown can be looked at."""
    _app, page = live_page(qtbot, make_app, data_dir)
    page.form.alpha.setChecked(True)
    stream = page.stream
    endings: list[str] = []
    stream.caught_up.connect(endings.append)
    go_live(qtbot, page)
    qtbot.waitUntil(lambda: bool(endings), timeout=stream_view.CATCH_UP_MAX_MS + 20000)
    assert endings == ["edge"]
    looked_at: list[int] = []  # the avatar's skin pixels in each picture seen in the 1.5 s after the edge
    seen: set[int] = set()

    def look() -> bool:
        image = stream.canvas.image
        if image is not None and image.cacheKey() not in seen:
            seen.add(image.cacheKey())
            looked_at.append(int((np.abs(pixels(image).astype(np.int16) - SKIN).sum(axis=2) < 40).sum()))
        return len(looked_at) >= 30  # 1.2 s of pictures at 25 fps, past the next key frame (one a second)

    qtbot.waitUntil(look, timeout=5000)
    assert min(looked_at) > 200, f"pictures without the avatar after the edge: {looked_at}"
    close(qtbot, page)
