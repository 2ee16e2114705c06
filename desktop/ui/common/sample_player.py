"""A small player for the catalogue's samples: a timbre's voice (WAV/MP3) or an action's clip (MP4), over http.

libvlc plays them (docs/architecture.md, "Sample playback: libvlc, not QtMultimedia"), from the app's one instance
(`desktop.media.vlc_instance`). Threads: libvlc calls its event callbacks on its own threads. The callback only
emits a signal of `_Relay`, a QObject of the GUI thread, with a queued connection; everything else (reading the
player, changing state, releasing) happens on the GUI thread. The position is read by a 100 ms timer while a sample
plays (`get_time`/`get_length` only read a few numbers).

Teardown: `_Playback` (plain Python) holds the MediaPlayer, its event manager and the relay. Releasing it detaches
the callbacks first (libvlc 3 runs callbacks under the event manager's lock, so once detached none is running or
to come), then stops and releases the player. stop(), the end of a sample, an error and the widget's destruction all
release it; the widget's `destroyed` signal reaches the playback through a closure that holds no widget.

How failures present (libvlc 3.0, measured): an http 404 or a refused connection gives EncounteredError a few
milliseconds after Opening, and the player's state then reads Ended, not Error; a server that accepts and never
answers leaves the player in Opening with no event at all, hence the open watchdog. A sample that ends without
ever playing is an error too.

Signed addresses: the URL is logged without its query (`url_for_message`), where a signature would be.
"""

from __future__ import annotations

import enum
import functools
import logging
from typing import Any

from PySide6 import QtCore
from PySide6.QtCore import QObject, QTimer, Signal, SignalInstance
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QStyle, QToolButton, QVBoxLayout, QWidget

from desktop.i18n import args
from desktop.spec.validate import url_for_message

log = logging.getLogger("desktop.ui.sample_player")

OPEN_TIMEOUT_MS = 10_000  # Opening for longer than this (a server that never answers) is an error
TICK_MS = 100
BAR_STEPS = 1000
# The libvlc events the player reacts to; they arrive on libvlc's threads.
EVENTS = ("MediaPlayerPlaying", "MediaPlayerEndReached", "MediaPlayerEncounteredError")


class SampleState(enum.Enum):
    IDLE = "idle"
    OPENING = "opening"
    PLAYING = "playing"
    ENDED = "ended"
    ERROR = "error"


def clock(milliseconds: int) -> str:
    """0:07, 1:05, 62:00: minutes and seconds of a sample's time."""
    seconds = max(0, milliseconds) // 1000
    return f"{seconds // 60}:{seconds % 60:02d}"


class _Relay(QObject):
    """Lives on the GUI thread; the libvlc callback emits `happened` and does nothing else."""

    happened = Signal(int, str)  # the playback's generation, the libvlc event's name


def _forward(_event: Any, signal: SignalInstance, generation: int, name: str) -> None:
    """The libvlc event callback, on a libvlc thread: a queued signal, nothing else (no libvlc call, no widget)."""
    signal.emit(generation, name)


class _Playback:
    """One MediaPlayer playing one sample, with its event hooks. Plain Python: releasable after its widget is gone."""

    def __init__(self, url: str, generation: int, relay: _Relay, window_id: int | None) -> None:
        from desktop.media.vlc_instance import shared_instance

        instance = shared_instance()  # first: it turns a missing libvlc into RuntimeError
        import vlc

        self.generation = generation
        self.relay = relay  # kept until released: a callback in flight emits its signal
        self.player: Any = instance.media_player_new()
        media = instance.media_new(url)
        if window_id is None:
            media.add_option(":no-video")  # no window to draw into; the vout cannot be chosen per media
        else:
            self.player.set_xwindow(window_id)
            self.player.video_set_mouse_input(False)  # the clicks and keys stay Qt's
            self.player.video_set_key_input(False)
        self.player.set_media(media)
        media.release()  # the player keeps its own reference
        self.events: Any = self.player.event_manager()  # kept: it holds the ctypes callback alive
        self._types = [getattr(vlc.EventType, name) for name in EVENTS]
        for event_type, name in zip(self._types, EVENTS, strict=True):
            self.events.event_attach(event_type, _forward, relay.happened, generation, name)
        self.ended: Any = vlc.State.Ended
        self.failed: Any = vlc.State.Error

    def release(self) -> None:
        """Idempotent. Callbacks first (after detaching, none runs or will), then the player."""
        if self.player is None:
            return
        for event_type in self._types:
            self.events.event_detach(event_type)
        self.player.stop()
        self.player.release()
        self.player = None


class _Current:
    """The widget's playback slot, shared with the teardown closure on `destroyed` (which must not hold the
    widget)."""

    def __init__(self) -> None:
        self.playback: _Playback | None = None

    def release(self, *_destroyed: object) -> None:
        playback, self.playback = self.playback, None
        if playback is not None:
            playback.release()


class SamplePlayer(QWidget):
    """Play/Stop, a thin progress line, "0:03 / 0:07" and a state text; a video area for action clips.

    `set_source(url, video)` chooses the sample (an empty url: disabled, "No sample"); `play()` and `stop()` drive
    it. `state_changed(SampleState)` announces every state; `finished()` is emitted when a sample played to its end.
    """

    state_changed = Signal(object)  # SampleState
    finished = Signal()

    def __init__(self, parent: QWidget | None = None, *, open_timeout_ms: int = OPEN_TIMEOUT_MS) -> None:
        super().__init__(parent)
        qt = QtCore.Qt
        self._url = ""
        self._video = False
        self._state = SampleState.IDLE
        self._generation = 0
        self._played = False  # the current playback reached Playing
        self._current = _Current()
        self._relay = _Relay()  # no Qt parent: it outlives the widget until the playback is released
        self._relay.happened.connect(self._on_event, qt.ConnectionType.QueuedConnection)
        self.destroyed.connect(functools.partial(_Current.release, self._current))

        self.button = QToolButton(self)
        self.button.setToolButtonStyle(qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.button.setAutoRaise(True)
        self.button.clicked.connect(self._toggle)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, BAR_STEPS)
        self.bar.setTextVisible(False)
        self.bar.setFixedHeight(4)
        self.bar.setAccessibleName(self.tr("Sample position"))
        self.time = QLabel(self)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.video_area = QFrame(self)
        self.video_area.setMinimumSize(160, 90)
        self.video_area.setStyleSheet("background: black;")
        if self._embeds():  # its own X window for libvlc to draw into, without turning the ancestors native too
            self.video_area.setAttribute(qt.WidgetAttribute.WA_DontCreateNativeAncestors)
            self.video_area.setAttribute(qt.WidgetAttribute.WA_NativeWindow)
        self.video_area.hide()

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.button)
        row.addWidget(self.time)
        row.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.video_area, 1)
        layout.addLayout(row)
        layout.addWidget(self.bar)

        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self._update_position)
        self._watchdog = QTimer(self)
        self._watchdog.setSingleShot(True)
        self._watchdog.setInterval(open_timeout_ms)
        self._watchdog.timeout.connect(self._open_timed_out)
        self.set_source("")

    # --- what callers use

    @property
    def state(self) -> SampleState:
        return self._state

    @property
    def message(self) -> str:
        """The state text shown (for an error: "Could not play the sample.")."""
        return self.status.text()

    @property
    def url(self) -> str:
        return self._url

    def set_source(self, url: str, video: bool = False) -> None:
        self._release()
        self._url, self._video = url, video
        self.video_area.setVisible(bool(url) and video and self._embeds())
        self._reset_position()
        self._set_state(SampleState.IDLE)

    def play(self) -> None:
        """Play the sample from its start (again, if it is playing)."""
        if not self._url:
            return
        self._release()
        self._generation += 1
        self._played = False
        self._reset_position()
        window_id = int(self.video_area.winId()) if self._video and self._embeds() else None
        try:
            playback = _Playback(self._url, self._generation, self._relay, window_id)
        except RuntimeError as error:  # libvlc missing or broken
            self._fail(str(error), self.tr("libVLC is not available."))
            return
        self._current.playback = playback
        self._set_state(SampleState.OPENING)
        log.debug("playing %s", url_for_message(self._url))
        if playback.player.play() != 0:
            self._fail("libvlc refused to start", self.tr("The player could not start."))
            return
        self._watchdog.start()
        self._tick.start()

    def stop(self) -> None:
        """Stop and release the player; back to IDLE (an ended or failed sample stays as it is)."""
        if self._state in (SampleState.OPENING, SampleState.PLAYING):
            self._release()
            self._reset_position()
            self._set_state(SampleState.IDLE)
        else:
            self._release()

    # --- inside

    @staticmethod
    def _embeds() -> bool:
        """Whether video can be drawn into a widget: an X11 window id. Under `offscreen` the id is bogus and libvlc
        crashes on it; other platforms would need set_hwnd/set_nsobject (not done: the app targets X11)."""
        return QGuiApplication.platformName() == "xcb"

    def _toggle(self) -> None:
        if self._state in (SampleState.OPENING, SampleState.PLAYING):
            self.stop()
        else:
            self.play()

    def _release(self) -> None:
        self._tick.stop()
        self._watchdog.stop()
        self._current.release()

    def _on_event(self, generation: int, name: str) -> None:
        playback = self._current.playback
        if playback is None or generation != playback.generation:
            return  # from a playback released since: its events were already queued
        if name == "MediaPlayerPlaying":
            self._played = True
            self._watchdog.stop()
            self._set_state(SampleState.PLAYING)
            self._update_position()
        elif name == "MediaPlayerEndReached":
            self._end()
        elif name == "MediaPlayerEncounteredError":
            self._fail("libvlc reported an error", self.tr("The address could not be opened or read."))

    def _end(self) -> None:
        playback = self._current.playback
        length = playback.player.get_length() if playback is not None else 0
        if not self._played or length <= 0:
            self._fail("it ended without playing", self.tr("The sample is empty or in a form libVLC cannot read."))
            return
        self._release()
        self.bar.setValue(BAR_STEPS)  # the last position read may be short of the end
        self.time.setText(args(self.tr("%1 / %2"), clock(length), clock(length)))
        self._set_state(SampleState.ENDED)
        self.finished.emit()

    def _open_timed_out(self) -> None:
        if self._state is SampleState.OPENING:
            seconds = self._watchdog.interval() / 1000
            self._fail(f"no answer within {seconds:g} s", args(self.tr("No answer within %1 s."), f"{seconds:g}"))

    def _fail(self, reason: str, detail: str) -> None:
        log.info("sample %s could not be played: %s", url_for_message(self._url), reason)
        self._release()
        self._set_state(SampleState.ERROR, detail)

    def _update_position(self) -> None:
        playback = self._current.playback
        if playback is None:
            return
        player = playback.player
        # A safety net: the events say the same and arrive first (their handlers released the player).
        state = player.get_state()
        if state == playback.failed:
            self._fail("libvlc's state is Error", self.tr("The address could not be opened or read."))
            return
        if state == playback.ended:
            self._end()
            return
        length, now = player.get_length(), player.get_time()
        if length > 0:
            self.bar.setValue(min(BAR_STEPS, max(0, now * BAR_STEPS // length)))
            self.time.setText(args(self.tr("%1 / %2"), clock(now), clock(length)))

    def _reset_position(self) -> None:
        self.bar.setValue(0)
        self.time.setText("")

    def _set_state(self, state: SampleState, detail: str = "") -> None:
        style = self.style()
        playing = state in (SampleState.OPENING, SampleState.PLAYING)
        icon = QStyle.StandardPixmap.SP_MediaStop if playing else QStyle.StandardPixmap.SP_MediaPlay
        self.button.setIcon(style.standardIcon(icon))
        self.button.setText(self.tr("Stop") if playing else self.tr("Play"))
        self.button.setToolTip(self.tr("Stop the sample") if playing else self.tr("Play the sample"))
        self.setEnabled(bool(self._url))
        texts = {
            SampleState.IDLE: self.tr("Ready") if self._url else self.tr("No sample"),
            SampleState.OPENING: self.tr("Opening…"),
            SampleState.PLAYING: self.tr("Playing"),
            SampleState.ENDED: self.tr("Played to the end"),
            SampleState.ERROR: self.tr("Could not play the sample."),
        }
        self.status.setText(texts[state])
        self.status.setToolTip(detail)
        changed = state is not self._state
        self._state = state
        if changed:
            self.state_changed.emit(state)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.stop()
        super().closeEvent(event)
