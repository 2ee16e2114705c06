"""libvlc's memory video output for a stream with an alpha channel: each decoded frame composited (alpha_frames) on
libvlc's video thread and handed to the GUI thread as a QImage, the latest only.

Why not the X window the plain stream plays into: compositing needs the pixels. The cost is one copy and a blend
per frame on libvlc's thread (about 3 ms for the sandbox's 1280x360, 25 a second) and a scaled drawImage on the GUI
thread; the plain stream keeps libvlc's own window, which costs the GUI thread nothing.

Measured facts this relies on (libvlc 3.0, docs/architecture.md "Live playback"): the format callback is given the
decoder's aligned buffer size (728x200 arrives as 736x226) and libvlc stretches the picture to whatever size it is
told, so the visible size is asked of the player (`video_get_size`, which answers inside the callback) and told
back; python-vlc declares the chroma argument as c_char_p, which hands Python a copy, so the callback is declared
with c_void_p and cast. The ctypes callbacks must outlive the player: the sink is kept until the player is released.
"""

from __future__ import annotations

import ctypes
import logging
import threading
from typing import Any

import numpy as np

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from desktop.ui.live.alpha_frames import Compositor

log = logging.getLogger("desktop.ui.live.frame_sink")

_FormatCb = ctypes.CFUNCTYPE(
    ctypes.c_uint,
    ctypes.POINTER(ctypes.c_void_p),
    ctypes.c_void_p,  # char[4], written in place
    ctypes.POINTER(ctypes.c_uint),
    ctypes.POINTER(ctypes.c_uint),
    ctypes.POINTER(ctypes.c_uint),
    ctypes.POINTER(ctypes.c_uint),
)


class FrameRelay(QObject):
    """Lives on the GUI thread; the sink's one way in (a queued signal)."""

    frame = Signal(int)  # the player's generation


class FrameSink:
    """One player's frames. `attach(player)` before play; `take()` on the GUI thread after `frame` was emitted."""

    def __init__(self, relay: FrameRelay, generation: int) -> None:
        import vlc

        self._relay, self._generation = relay, generation
        self._lock = threading.Lock()
        self._buffer = np.zeros((0, 0, 4), dtype=np.uint8)
        self._compositor = Compositor()
        self._latest: tuple[QImage, np.ndarray] | None = None  # the image and the pixels it points into
        self._waiting = False  # a frame signal is on its way: no second one until it is taken
        self.closed = False  # set before the player is released: no more signals
        self.frames = 0
        self.problem = ""
        self._player: Any = None
        decorators = vlc.CallbackDecorators
        self._callbacks = (  # kept: libvlc calls these until the player is released
            _FormatCb(self._setup),
            decorators.VideoCleanupCb(self._cleanup),
            decorators.VideoLockCb(self._lock_buffer),
            decorators.VideoUnlockCb(self._unlock_buffer),
            decorators.VideoDisplayCb(self._display),
        )

    def attach(self, player: Any) -> None:
        import vlc

        setup, cleanup, lock, unlock, display = self._callbacks
        self._player = player
        player.video_set_callbacks(lock, unlock, display, None)
        player.video_set_format_callbacks(ctypes.cast(setup, vlc.CallbackDecorators.VideoFormatCb), cleanup)

    def take(self) -> QImage | None:
        """The latest composited frame (GUI thread)."""
        with self._lock:
            latest, self._latest, self._waiting = self._latest, None, False
        return latest[0].copy() if latest is not None else None

    # --- on libvlc's video thread ---

    def _setup(self, _opaque: Any, chroma: int, width: Any, height: Any, pitches: Any, lines: Any) -> int:
        try:
            visible = self._player.video_get_size(0) if self._player is not None else (0, 0)
        except Exception:
            visible = (0, 0)
        w, h = (int(visible[0]), int(visible[1])) if visible and visible[0] and visible[1] else (width[0], height[0])
        ctypes.memmove(chroma, b"RV32", 4)
        width[0], height[0] = w, h
        pitches[0], lines[0] = w * 4, h
        self._buffer = np.zeros((h, w, 4), dtype=np.uint8)
        return 1

    def _cleanup(self, _opaque: Any) -> None:
        return None

    def _lock_buffer(self, _opaque: Any, planes: Any) -> None:
        planes[0] = self._buffer.ctypes.data

    def _unlock_buffer(self, _opaque: Any, _picture: Any, _planes: Any) -> None:
        return None

    def _display(self, _opaque: Any, _picture: Any) -> None:
        if self.closed:
            return
        try:
            picture = self._compositor.composite(self._buffer)
        except ValueError as error:  # not iW + pW + iW wide: shown as it comes, said once
            if not self.problem:
                self.problem = str(error)
                log.warning("the alpha-channel stream is shown as it comes: %s", error)
            picture = self._buffer.copy()
        height, width = picture.shape[:2]
        image = QImage(picture.data, width, height, width * 4, QImage.Format.Format_RGB32)
        with self._lock:
            self._latest = (image, picture)
            self.frames += 1
            if self._waiting:
                return
            self._waiting = True
        if not self.closed:
            self._relay.frame.emit(self._generation)


__all__ = ["FrameRelay", "FrameSink"]
