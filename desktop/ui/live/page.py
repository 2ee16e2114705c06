"""The Live panel: create a session of an avatar, watch it prepare, play its stream, drive it with text and sound,
see what the channel says, close it.

Left: the stream (libvlc) with the session's state and cost meter above it. Right: the text box (Ctrl+Enter sends,
Esc interrupts), the sound drives (a file, push-to-talk: audio_bar.py), and the timeline of downstream messages per
drive, with the time from Send to TextStart.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QStandardPaths, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSlider,
    QSplitter,
    QTabWidget,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.api.assets import Avatar
from desktop.api.channel import ChannelState
from desktop.api.drive import Downstream
from desktop.i18n import args
from desktop.services.live_session import LiveSession, LiveStatus
from desktop.services.speech_queue import SpeechQueue
from desktop.ui.common.pickers import avatar_button
from desktop.ui.live.audio_bar import AudioBar
from desktop.ui.live.script_sheet import ScriptSheet
from desktop.ui.live.stream_view import StreamView

TIMELINE_LIMIT = 2000  # rows kept; older drives fall off


def clock(seconds: float) -> str:
    whole = max(0, int(seconds))
    return f"{whole // 3600:02d}:{whole // 60 % 60:02d}:{whole % 60:02d}"


@dataclass
class DriveRow:
    """One drive in the timeline: when it was sent and its row."""

    item: QTreeWidgetItem
    sent_at: float
    seen: dict[str, float] = field(default_factory=dict)


class LivePage(QWidget):
    status_message = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session: LiveSession | None = None
        self.drives: dict[str, DriveRow] = {}
        pictures = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
        self.snapshot_dir = Path(pictures or Path.home()) / "Avatar Studio"  # made when the first picture is saved

        title = QLabel(self.tr("Live"), self)
        title.setObjectName("pageTitle")
        title.setStyleSheet("font-size: 16pt; font-weight: 600;")

        # --- the session form ---
        self.avatar = avatar_button(self.tr("Choose an avatar…"), self)
        self.avatar.setEnabled(False)
        self.avatar.changed.connect(lambda _avatar: self._update_buttons())
        self.user_id = QLineEdit(self)
        self.user_id.setPlaceholderText(self.tr("Who watches the stream (one stream per UserId)"))
        viewer = f"studio-{uuid.uuid4().hex[:8]}"  # an identifier, not words: the same in every language
        self.user_id.setText(viewer)
        self.driver = QComboBox(self)
        self.driver.addItem(self.tr("Text"), 1)
        self.driver.addItem(self.tr("Audio and text"), 3)
        self.create_button = QPushButton(self.tr("Create session"), self)
        self.create_button.setToolTip(self.tr("Create and start a live stream of this avatar (billed while open)"))
        self.create_button.clicked.connect(self.create_session)
        self.close_button = QPushButton(self.tr("Close session"), self)
        self.close_button.clicked.connect(self.close_session)
        form = QFormLayout()
        form.addRow(self.tr("Avatar"), self.avatar)
        form.addRow(self.tr("UserId"), self.user_id)
        form.addRow(self.tr("Drive by"), self.driver)
        buttons = QHBoxLayout()
        buttons.addWidget(self.create_button)
        buttons.addWidget(self.close_button)
        buttons.addStretch(1)

        self.state_label = QLabel(self.tr("No session. Choose an avatar and create one."), self)
        self.state_label.setWordWrap(True)
        self.state_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.channel_label = QLabel("", self)
        self.stream = StreamView(self)
        self.stream.setMinimumSize(320, 180)  # the window must fit beside others on a small screen
        self.stream.state_changed.connect(self._stream_state)

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(form)
        left_layout.addLayout(buttons)
        left_layout.addWidget(self.state_label)
        left_layout.addWidget(self.stream, 1)
        controls = QHBoxLayout()
        self.mute = QToolButton(left)
        self.mute.setText(self.tr("Mute"))
        self.mute.setCheckable(True)
        self.mute.setToolTip(self.tr("Silence the stream in this app (the audience still hears it)"))
        self.mute.toggled.connect(self.stream.set_muted)
        self.volume = QSlider(Qt.Orientation.Horizontal, left)
        self.volume.setRange(0, 100)
        self.volume.setValue(80)
        self.volume.setMaximumWidth(160)
        self.volume.setToolTip(self.tr("Volume of the stream in this app"))
        self.volume.valueChanged.connect(self.stream.set_volume)
        self.stream.first_frame.connect(self._apply_sound)
        self.snapshot_button = QToolButton(left)
        self.snapshot_button.setText(self.tr("Snapshot"))
        self.snapshot_button.setToolTip(self.tr("Save the current picture as a PNG file"))
        self.snapshot_button.clicked.connect(self.take_snapshot)
        self.stream.snapshot_taken.connect(self._snapshot_taken)
        controls.addWidget(self.channel_label, 1)
        controls.addWidget(self.mute)
        controls.addWidget(QLabel(self.tr("Volume"), left))
        controls.addWidget(self.volume)
        controls.addWidget(self.snapshot_button)
        left_layout.addLayout(controls)

        # --- driving ---
        self.text = QPlainTextEdit(self)
        self.text.setPlaceholderText(self.tr("What the avatar says (Ctrl+Enter sends, Esc interrupts)"))
        self.text.setMaximumHeight(120)
        self.text.installEventFilter(self)  # Ctrl+Enter and Esc in the box itself, whether the window is active or not
        self.send_button = QPushButton(self.tr("Send"), self)
        self.send_button.setToolTip(self.tr("Speak this text (Ctrl+Enter)"))
        self.send_button.clicked.connect(self.send_text)
        self.reply_button = QPushButton(self.tr("Reply next"), self)
        self.reply_button.setToolTip(
            self.tr("Say this after the current line, before the script goes on (Ctrl+Shift+Enter)")
        )
        self.reply_button.clicked.connect(self.send_reply)
        self.interrupt_button = QPushButton(self.tr("Interrupt"), self)
        self.interrupt_button.setToolTip(self.tr("Stop the speech now (Esc)"))
        self.interrupt_button.clicked.connect(self.interrupt)
        drive_buttons = QHBoxLayout()
        drive_buttons.addWidget(self.send_button)
        drive_buttons.addWidget(self.reply_button)
        drive_buttons.addWidget(self.interrupt_button)
        drive_buttons.addStretch(1)
        self.audio = AudioBar(self)
        self.audio.drive_started.connect(self._drive_started)
        self.timeline = QTreeWidget(self)
        self.timeline.setHeaderLabels([self.tr("Sent"), self.tr("Drive"), self.tr("Status"), self.tr("Latency")])
        self.timeline.setRootIsDecorated(True)
        self.timeline.setUniformRowHeights(True)
        header = self.timeline.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)  # the drive's text takes the room left
        for column in (0, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(QLabel(self.tr("Say"), right))
        right_layout.addWidget(self.text)
        right_layout.addLayout(drive_buttons)
        right_layout.addWidget(self.audio)
        self.queue = SpeechQueue(self._say, self.interrupt, self._queue_changed)
        self.sheet = ScriptSheet(self.queue, self)
        self.sheet.problem.connect(self._problem)
        self.tabs = QTabWidget(right)
        self.tabs.addTab(self.timeline, self.tr("Timeline"))
        self.tabs.addTab(self.sheet, self.tr("Script"))
        right_layout.addWidget(self.tabs, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(splitter, 1)

        for keys, slot in ((QKeySequence("Ctrl+Return"), self.send_text), (QKeySequence("Ctrl+Enter"), self.send_text)):
            shortcut = QShortcut(keys, self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self.interrupt)

        self._meter = QTimer(self)
        self._meter.setInterval(1000)
        self._meter.timeout.connect(self._show_status)
        self._meter.timeout.connect(lambda: self.queue.tick(time.monotonic()))
        self._update_buttons()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.text and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
            if ctrl and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                    self.send_reply()
                else:
                    self.send_text()
                return True
            if event.key() == Qt.Key.Key_Escape:
                self.interrupt()
                return True
        return super().eventFilter(watched, event)

    # --- wiring ---

    def attach(self, session: LiveSession) -> None:
        self.session = session
        session.status_changed.connect(self._status_changed)
        session.downstream.connect(self._downstream)
        session.channel_changed.connect(self._channel_changed)
        session.problem.connect(self._problem)
        self.audio.attach(session)
        self._update_buttons()

    def set_avatars(self, avatars: Sequence[Avatar]) -> None:
        self.avatar.set_records(avatars)
        self._update_buttons()

    def choose_avatar(self, virtualman_key: str) -> bool:
        """Pre-select an avatar (a hand-off from Assets); False when it is not in the catalogue."""
        record = next((a for a in self.avatar.records if a.virtualman_key == virtualman_key), None)
        if record is not None:
            self.avatar.set_current(record)
        self._update_buttons()
        return record is not None

    # --- actions ---

    def create_session(self) -> None:
        session, avatar = self.session, self.avatar.current
        user_id = self.user_id.text().strip()
        if session is None or avatar is None:
            return
        if not user_id:
            self._problem(self.tr("Give a UserId: the platform keeps one stream per UserId."))
            return
        self.timeline.clear()
        self.drives.clear()
        session.create_by_asset(avatar.virtualman_key, user_id, driver_type=int(self.driver.currentData()))

    def close_session(self) -> None:
        if self.session is not None:
            self.stream.stop()
            self.session.close()

    def take_snapshot(self) -> None:
        path = self.snapshot_dir / time.strftime("live-%Y%m%d-%H%M%S.png")  # the folder is made off this thread
        if not self.stream.snapshot(str(path)):
            self._problem(self.tr("No picture to save: the stream is not playing."))

    def _snapshot_taken(self, path: str, ok: bool) -> None:
        if ok:
            self.status_message.emit(args(self.tr("Picture saved to %1"), path))
        else:
            self._problem(args(self.tr("The picture could not be saved to %1."), path))

    def _apply_sound(self) -> None:
        self.stream.set_volume(self.volume.value())
        self.stream.set_muted(self.mute.isChecked())

    def send_text(self) -> None:
        """Say the box's text now (it cuts the current line; a cut script cue is said again afterwards)."""
        text = self.text.toPlainText().strip()
        if self._live() and text:
            self.queue.urgent(text)
            self.text.clear()

    def send_reply(self) -> None:
        """Say the box's text after the current line, before the script's next cue."""
        text = self.text.toPlainText().strip()
        if self._live() and text:
            self.queue.reply(text)
            self.text.clear()

    def interrupt(self) -> None:
        if self.session is not None and self._live():
            self.session.interrupt()
            self.queue.interrupted()
            self.status_message.emit(self.tr("Interrupted: the script is paused at the cut cue"))

    def _live(self) -> bool:
        return self.session is not None and self.session.status.phase == "live"

    def _say(self, text: str) -> str:
        """The speech queue's voice: a SEND_TEXT, with its row in the timeline."""
        if self.session is None:
            return ""
        req_id = self.session.send_text(text)
        if req_id:
            self._add_drive(req_id, text)
        return req_id

    def _queue_changed(self) -> None:
        self.sheet.refresh()

    # --- what the session says ---

    def _status_changed(self, status: LiveStatus) -> None:
        playable = status.play_url.startswith("rtmp")  # trtc and webrtc are for other players
        if status.phase == "live" and playable and self.stream.url != status.play_url:
            self.stream.play(status.play_url)
        if status.phase in ("closed", "failed", "closing"):
            self.stream.stop()
        if status.phase in ("preparing", "live"):
            self._meter.start()
        else:
            self._meter.stop()
        self._show_status()
        self._update_buttons()

    def _show_status(self) -> None:
        status = self.session.status if self.session is not None else LiveStatus("idle")
        now = time.monotonic()
        words = {
            "idle": self.tr("No session. Choose an avatar and create one."),
            "creating": self.tr("Creating the session…"),
            "preparing": args(self.tr("Preparing the stream… %1"), clock(now - status.created_at)),
            "starting": self.tr("Starting…"),
            "live": args(self.tr("Live · on for %1 (billed)"), clock(now - status.started_at)),
            "closing": self.tr("Closing the session…"),
            "closed": self.tr("The session is closed."),
        }
        if status.phase == "failed":
            text = (
                args(
                    self.tr("The stream could not be made: %1 (code %2)."), status.error_message, str(status.error_code)
                )
                if status.error_code or status.error_message
                else self.tr("The session could not be opened.")
            )
        else:
            text = words.get(status.phase, status.phase)
        if status.session_id:
            text += "  " + args(self.tr("Session %1"), status.session_id)
        self.state_label.setText(text)

    def _channel_changed(self, state: ChannelState) -> None:
        words = {
            "connecting": self.tr("Drive channel: connecting…"),
            "open": self.tr("Drive channel: open"),
            "reconnecting": args(self.tr("Drive channel: reconnecting (%1)…"), state.reason),
            "closed": self.tr("Drive channel: closed"),
        }
        text = words.get(state.state, state.state)
        if state.reconnects:
            text += "  " + args(self.tr("· reconnected %1 time(s)"), str(state.reconnects))
        self.channel_label.setText(text)

    def _downstream(self, message: Downstream) -> None:
        drive = self.drives.get(message.req_id)
        now = time.monotonic()
        status = message.speak_status or str(message.type)
        if drive is None:  # a drive of an earlier connection, or a message for no drive (an idle timeout)
            drive = self._add_drive(message.req_id, "", sent_at=now)
        if status in drive.seen:
            return
        drive.seen[status] = now
        child = QTreeWidgetItem(["", "", status, "+" + self._ms(now - drive.sent_at)])
        if message.failed:
            error = message.error()
            child.setText(1, str(error) if error is not None else message.error_message)
            child.setForeground(2, Qt.GlobalColor.red)
        drive.item.addChild(child)
        drive.item.setText(2, status)
        if status in ("TextStart", "AudioStart"):
            drive.item.setText(3, self._ms(now - drive.sent_at))
        drive.item.setExpanded(True)
        self.status_message.emit(args(self.tr("Speaking: %1"), status))
        self.queue.status(message.req_id, status, now)

    def _drive_started(self, req_id: str, what: str) -> None:
        self._add_drive(req_id, what)

    def _ms(self, seconds: float) -> str:
        return args(self.tr("%1 ms"), f"{seconds * 1000:.0f}")

    def _add_drive(self, req_id: str, text: str, sent_at: float | None = None) -> DriveRow:
        item = QTreeWidgetItem([time.strftime("%H:%M:%S"), text or req_id[:8], self.tr("sent"), ""])
        item.setToolTip(1, req_id)
        self.timeline.addTopLevelItem(item)
        while self.timeline.topLevelItemCount() > TIMELINE_LIMIT:
            old = self.timeline.takeTopLevelItem(0)
            self.drives = {k: v for k, v in self.drives.items() if v.item is not old}
        self.timeline.scrollToItem(item)
        row = DriveRow(item, time.monotonic() if sent_at is None else sent_at)
        self.drives[req_id] = row
        return row

    def _problem(self, words: str) -> None:
        self.state_label.setText(words)
        self.status_message.emit(words)

    def _stream_state(self, state: str) -> None:
        self._update_buttons()
        if state == "restarting":
            self.status_message.emit(self.tr("The stream stalled: playing it again."))

    def _update_buttons(self) -> None:
        status = self.session.status if self.session is not None else LiveStatus("idle")
        busy = status.phase in ("creating", "preparing", "starting", "live", "closing")
        self.create_button.setEnabled(self.session is not None and self.avatar.current is not None and not busy)
        self.close_button.setEnabled(status.open and status.phase != "closing")
        live = status.phase == "live"
        self.snapshot_button.setEnabled(self.stream.state == "playing")
        self.send_button.setEnabled(live)
        self.reply_button.setEnabled(live)
        self.interrupt_button.setEnabled(live)
        for widget in (self.user_id, self.driver):
            widget.setEnabled(not busy)

    def release(self) -> None:
        """At quit: the player stopped before its window goes."""
        self.stream.release()
        if self.session is not None:
            self.session.shutdown()

    def copy_session_id(self) -> None:
        if self.session is not None and self.session.status.session_id:
            QGuiApplication.clipboard().setText(self.session.status.session_id)


__all__ = ["LivePage"]
