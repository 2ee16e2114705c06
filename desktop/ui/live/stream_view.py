"""The session's RTMP stream, played by libvlc into a native child window (the app's one libvlc instance).

Low latency (docs/architecture.md, "Live playback"): `:network-caching=200`, and once the first picture is out
(the Vout event) a catch-up at rate 2.0 until the live edge, then 1.0. libvlc reads 1.6–2.5 s of stream before it
plays (libavformat's frame-rate probe) and then stays that far behind; the catch-up brings it to ~0.4 s (measured).
The edge is where libvlc's buffer runs dry: it starts buffering again, a Buffering event at 0 %. Stopping there, not
after a fixed time, matters both ways: stopped early, the rest of the backlog stays as lag; run past the edge,
libvlc finds its frames late and raises its own delay for good. CATCH_UP_MAX_MS bounds it when no edge is seen.
At the edge libvlc empties its decoder; HOLD_DAMAGED keeps the grey pictures that would follow off the screen.

A stall (no new picture for STALL_MS while playing, or the stream ending or failing) restarts playback of the same
address, without touching the session; `restarts` counts them.

A stream with an alpha channel (the picture and its alpha side by side) is decoded into memory instead and shown
composited over a checkerboard (frame_sink, alpha_frames). Full screen (F11, double-click; Esc, F11 or a
double-click leave) moves the picture's widgets into a frameless top-level window and back: the native window libvlc
draws into keeps its X id when reparented (measured, Qt 6 on xcb), so playback goes on without a restart.

libvlc's callbacks only emit a queued signal of a GUI-thread relay (as in the sample player); stopping and releasing
a player waits on libvlc's threads, so it is done on a worker thread, never on the GUI thread.
"""

from __future__ import annotations

import logging
import threading
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, QRect, Qt, QTimer, Signal, SignalInstance
from PySide6.QtGui import QCloseEvent, QGuiApplication, QImage, QKeyEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QLabel, QStackedLayout, QVBoxLayout, QWidget

from desktop.ui.live.frame_sink import FrameRelay, FrameSink

log = logging.getLogger("desktop.ui.live.stream_view")

NETWORK_CACHING_MS = 200
CATCH_UP_RATE = 2.0
CATCH_UP_MAX_MS = 8000
STALL_MS = 4000  # no new frame this long while playing: started again
WATCH_MS = 500
EVENTS = ("MediaPlayerPlaying", "MediaPlayerVout", "MediaPlayerEndReached", "MediaPlayerEncounteredError")
EMPTY = "MediaPlayerBuffering"  # passed on at 0 % only: the buffer ran dry
# libvlc asks libavcodec to show damaged pictures too; at the live edge it empties its decoder, and until the next
# key frame the pictures (predicted from frames it no longer has) came out grey (measured: 12-24 frames, in 3 runs
# of 4). Without that flag they are not shown: the last whole picture stays up for those frames instead.
HOLD_DAMAGED = ":avcodec-options={flags=-output_corrupt}"


class _Relay(QObject):
    happened = Signal(int, str)  # generation, event name


def _forward(_event: Any, signal: SignalInstance, generation: int, name: str) -> None:
    """On a libvlc thread: a queued signal and nothing else."""
    signal.emit(generation, name)


def _forward_empty(event: Any, signal: SignalInstance, generation: int, name: str) -> None:
    """On a libvlc thread: a Buffering event passed on only when the buffer is empty (0 %, buffering starts)."""
    if event.u.new_cache < 1:
        signal.emit(generation, name)


def _release_later(
    player: Any, events: Any, types: list[Any], snapshot: threading.Thread | None, sink: FrameSink | None
) -> None:
    """Detach (no callback runs after), then stop and release on a worker thread (stop joins libvlc's threads),
    after a snapshot being taken of this player is done. A frame sink stays referenced until the player is gone:
    libvlc calls its ctypes callbacks until then."""
    for event_type in types:
        events.event_detach(event_type)
    if sink is not None:
        sink.closed = True
    kept = [sink]

    def release() -> None:
        if snapshot is not None:
            snapshot.join(10)
        player.stop()
        player.release()
        kept.clear()  # the callbacks may go now

    threading.Thread(target=release, name="vlc-release", daemon=True).start()


class FrameCanvas(QWidget):
    """The composited frames of an alpha-channel stream, scaled to fit with the stream's proportions."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.image: QImage | None = None
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    def set_image(self, image: QImage | None) -> None:
        self.image = image
        self.update()

    def picture_rect(self) -> QRect:
        if self.image is None or self.image.isNull():
            return QRect()
        size = self.image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        return QRect((self.width() - size.width()) // 2, (self.height() - size.height()) // 2, size.width(),
                     size.height())  # fmt: skip

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), Qt.GlobalColor.black)
        if self.image is not None and not self.image.isNull():
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(self.picture_rect(), self.image)
        painter.end()


class _FullScreen(QWidget):
    """The frameless top-level window the picture moves into; Esc, F11 or a double-click leave it."""

    leave = Signal()

    def __init__(self) -> None:
        super().__init__(None, Qt.WindowType.Window | Qt.WindowType.FramelessWindowHint)
        self.setWindowTitle(self.tr("Live stream"))
        self.setStyleSheet("background: black;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Escape, Qt.Key.Key_F11):
            self.leave.emit()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        event.ignore()  # the window manager's close: back into the page, never lost
        self.leave.emit()


class StreamView(QWidget):
    """Plays one address at a time; `play(url)`, `stop()`. States: idle, opening, playing, restarting."""

    state_changed = Signal(str)
    first_frame = Signal()
    snapshot_taken = Signal(str, bool)  # the file, and whether libvlc wrote it
    fullscreen_changed = Signal(bool)
    caught_up = Signal(str)  # the catch-up is over: "edge" (the live edge reached) or "limit" (CATCH_UP_MAX_MS)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.screen_area = QWidget(self)  # what goes full screen: the caption, libvlc's window and the canvas
        self.video = QWidget(self.screen_area)
        self.video.setAttribute(Qt.WidgetAttribute.WA_NativeWindow)
        self.video.setAutoFillBackground(True)
        palette = self.video.palette()
        palette.setColor(QPalette.ColorRole.Window, Qt.GlobalColor.black)
        self.video.setPalette(palette)
        self.caption = QLabel(self.tr("No stream"), self.screen_area)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption.setStyleSheet("color: #c9d0da; background: #1c1f24;")
        self.canvas = FrameCanvas(self.screen_area)
        stack = QStackedLayout(self.screen_area)
        stack.setStackingMode(QStackedLayout.StackingMode.StackAll)
        stack.addWidget(self.caption)
        stack.addWidget(self.canvas)
        stack.addWidget(self.video)
        self.caption.raise_()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.screen_area)
        self.setMinimumSize(320, 180)
        for target in (self.video, self.canvas, self.caption):
            target.installEventFilter(self)
        self._full: _FullScreen | None = None
        self._relay = _Relay(self)
        self._relay.happened.connect(self._on_event)
        self._frames = FrameRelay(self)
        self._frames.frame.connect(self._on_frame)
        self._sink: FrameSink | None = None
        self.alpha = False
        self._generation = 0
        self._player: Any = None
        self._events: Any = None
        self._types: list[Any] = []
        self._snapshot: threading.Thread | None = None
        self.url = ""
        self.state = "idle"
        self.restarts = 0
        self.catching_up = False  # at rate 2.0, playing the backlog libvlc read before its first picture
        self._last_time = -1
        self._still_for = 0
        self._watch = QTimer(self)
        self._watch.setInterval(WATCH_MS)
        self._watch.timeout.connect(self._check_stall)
        self._catch_up = QTimer(self)
        self._catch_up.setSingleShot(True)
        self._catch_up.timeout.connect(partial(self._end_catch_up, "limit"))

    @staticmethod
    def embeds() -> bool:
        return QGuiApplication.platformName() == "xcb"

    def play(self, url: str, alpha: bool = False) -> None:
        """Play `url`; `alpha`: its frames are the picture and its alpha side by side, shown composited."""
        self.url = url
        self.alpha = alpha
        self.restarts = 0
        self._open()

    @property
    def is_fullscreen(self) -> bool:
        return self._full is not None

    def toggle_fullscreen(self) -> None:
        if self._full is None:
            self._enter_fullscreen()
        else:
            self._leave_fullscreen()

    def _enter_fullscreen(self) -> None:
        full = _FullScreen()
        full.leave.connect(self._leave_fullscreen)
        screen = self.window().screen() if self.window() is not None else None
        if screen is not None:
            full.setGeometry(screen.geometry())
        layout = full.layout()
        assert layout is not None
        layout.addWidget(self.screen_area)  # reparented: libvlc's X window keeps its id
        self._full = full
        full.showFullScreen()
        full.activateWindow()
        self.fullscreen_changed.emit(True)

    def _leave_fullscreen(self) -> None:
        full, self._full = self._full, None
        if full is None:
            return
        layout = self.layout()
        assert layout is not None
        layout.addWidget(self.screen_area)
        self.screen_area.show()
        full.hide()
        full.deleteLater()
        self.window().activateWindow()
        self.fullscreen_changed.emit(False)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.MouseButtonDblClick and (self.state == "playing" or self._full is not None):
            self.toggle_fullscreen()
            return True
        return super().eventFilter(watched, event)

    def stop(self) -> None:
        self.url = ""
        self._leave_fullscreen()
        self._release()
        self._set_state("idle")
        self.caption.setText(self.tr("No stream"))
        self.caption.raise_()

    def set_volume(self, volume: int) -> None:
        if self._player is not None:
            self._player.audio_set_volume(max(0, min(100, volume)))

    def set_muted(self, muted: bool) -> None:
        if self._player is not None:
            self._player.audio_set_mute(muted)

    def snapshot(self, path: str) -> bool:
        """Ask for the current picture as a PNG file; `snapshot_taken(path, ok)` tells how it went. libvlc waits for
        the video output to write it, so it runs on a worker thread (as does saving the composited picture of an
        alpha-channel stream, what the operator sees). False when nothing is playing."""
        player = self._player
        if player is None or self.state != "playing":
            return False
        done = self.snapshot_taken
        picture = self.canvas.image.copy() if self._sink is not None and self.canvas.image is not None else None
        if self._sink is not None and picture is None:
            return False

        def take() -> None:
            try:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
                if picture is not None:
                    ok = picture.save(path)  # PNG: the page names the file .png
                else:
                    ok = player.video_take_snapshot(0, path, 0, 0) == 0 and Path(path).is_file()
            except OSError:
                ok = False
            done.emit(path, ok)  # queued to the GUI thread: the signal belongs to this widget

        self._snapshot = threading.Thread(target=take, name="vlc-snapshot", daemon=True)
        self._snapshot.start()
        return True

    # --- inside ---

    def _open(self) -> None:
        from desktop.media.vlc_instance import shared_instance

        self._release()
        instance = shared_instance()
        import vlc

        self._generation += 1
        player = instance.media_player_new()
        media = instance.media_new(self.url)
        media.add_option(f":network-caching={NETWORK_CACHING_MS}")
        media.add_option(HOLD_DAMAGED)
        if self.alpha:  # decoded into memory and composited: needs no window, so offscreen too
            self._sink = FrameSink(self._frames, self._generation)
            self._sink.attach(player)
        elif self.embeds():
            player.set_xwindow(int(self.video.winId()))
            player.video_set_mouse_input(False)
            player.video_set_key_input(False)
        else:
            media.add_option(":no-video")
        player.set_media(media)
        media.release()
        events = player.event_manager()
        self._types = [getattr(vlc.EventType, name) for name in (*EVENTS, EMPTY)]
        for event_type, name in zip(self._types, (*EVENTS, EMPTY), strict=True):
            forward = _forward_empty if name == EMPTY else _forward
            events.event_attach(event_type, forward, self._relay.happened, self._generation, name)
        self._player, self._events = player, events
        self._last_time, self._still_for = -1, 0
        self.caption.setText(self.tr("Opening the stream…"))
        self.caption.raise_()
        self._set_state("opening")
        player.play()
        self._watch.start()

    def _release(self) -> None:
        self._watch.stop()
        self._catch_up.stop()
        self.catching_up = False
        player, self._player = self._player, None
        sink, self._sink = self._sink, None
        if player is not None:
            _release_later(player, self._events, self._types, self._snapshot, sink)
        self._snapshot = None
        self._events, self._types = None, []
        self.canvas.set_image(None)

    def _on_event(self, generation: int, name: str) -> None:
        if generation != self._generation or self._player is None:
            return
        if name == "MediaPlayerVout":
            (self.canvas if self._sink is not None else self.video).raise_()
            self._player.set_rate(CATCH_UP_RATE)  # play the probed backlog quickly, up to the live edge
            self._catch_up.start(CATCH_UP_MAX_MS)
            self.catching_up = True
            self._set_state("playing")
            self.first_frame.emit()
        elif name == EMPTY and self.catching_up:
            self._end_catch_up("edge")  # the backlog is played: the picture is at the live edge
        elif name == "MediaPlayerPlaying" and not self.embeds():
            self._set_state("playing")
        elif name in ("MediaPlayerEndReached", "MediaPlayerEncounteredError"):
            self._restart(self.tr("the stream ended") if name == "MediaPlayerEndReached" else self.tr("a stream error"))

    def _end_catch_up(self, how: str) -> None:
        self._catch_up.stop()
        self.catching_up = False
        if self._player is not None:
            self._player.set_rate(1.0)
            self.caught_up.emit(how)

    def _on_frame(self, generation: int) -> None:
        sink = self._sink
        if sink is None or generation != self._generation:
            return  # a frame of a player already let go
        image = sink.take()
        if image is not None:
            self.canvas.set_image(image)

    def _check_stall(self) -> None:
        player = self._player
        if player is None or self.state != "playing":
            return
        now = player.get_time()
        if now == self._last_time:
            self._still_for += WATCH_MS
            if self._still_for >= STALL_MS:
                self._restart(self.tr("no new picture for %n second(s)", "", STALL_MS // 1000))
        else:
            self._last_time, self._still_for = now, 0

    def _restart(self, why: str) -> None:
        if not self.url:
            return
        self.restarts += 1
        log.info("live stream restarted (%s)", why)
        self._set_state("restarting")
        QTimer.singleShot(300, self, partial(self._reopen, self.url))

    def _reopen(self, url: str) -> None:
        if url and self.url == url:
            self._open()

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)

    def release(self) -> None:
        """Before the widget goes (at quit): stopped here and now, since no player may draw into a destroyed
        window; the one place the GUI thread waits on libvlc."""
        self.url = ""
        self._watch.stop()
        self._catch_up.stop()
        self._leave_fullscreen()
        player, self._player = self._player, None
        sink, self._sink = self._sink, None
        if sink is not None:
            sink.closed = True
        if player is not None:
            for event_type in self._types:
                self._events.event_detach(event_type)
            if self._snapshot is not None:
                self._snapshot.join(2)
            player.stop()
            player.release()
        self._events, self._types = None, []


__all__ = ["FrameCanvas", "StreamView"]
