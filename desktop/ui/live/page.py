"""The Live panel: create a session (an avatar or a project, its voice, layers and delivery), watch it prepare, play
its stream, drive it by text, streaming text, a script, sound files and the microphone, see what the channel says,
move the avatar in the picture, and manage the account's other sessions.

Left: the session's state and cost meter, the stream (libvlc) and its controls, with Interrupt always in reach.
Right: the text box (drive_box.py) above tabs: Session (the form and the open session's details), Timeline
(timeline.py), Script (script_sheet.py), Sound (audio_bar.py and the pacer's chart), Picture (picture_editor.py) and
Sessions (sessions_panel.py). Keys: Ctrl+Enter says the text, Ctrl+Shift+Enter after the current line, Esc
interrupts, 1-9 say a script cue (when no text field has the focus), F11 shows the stream full screen.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QStandardPaths, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSlider,
    QSplitter,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.api.assets import Avatar
from desktop.api.channel import ChannelState
from desktop.api.drive import Downstream
from desktop.i18n import args
from desktop.services import settings as opt
from desktop.services.live_session import LiveSession, LiveStatus
from desktop.services.picture_updates import PictureUpdates
from desktop.services.session_request import SessionRequest
from desktop.services.speech_queue import SpeechQueue
from desktop.ui.common.elided_label import ElidedLabel
from desktop.ui.common.pickers import PickerButton
from desktop.ui.live.audio_bar import AudioBar
from desktop.ui.live.drive_box import DriveBox
from desktop.ui.live.pacer_chart import PacerChart
from desktop.ui.live.picture_editor import PictureEditor
from desktop.ui.live.script_sheet import ScriptSheet
from desktop.ui.live.session_details import SessionDetails
from desktop.ui.live.session_form import SessionForm
from desktop.ui.live.sessions_panel import SessionsPanel
from desktop.ui.live.stream_view import StreamView
from desktop.ui.live.timeline import DriveRow, Timeline

if TYPE_CHECKING:
    from desktop.services.account_sessions import AccountSessions
    from desktop.services.catalog_cache import CatalogSnapshot
    from desktop.services.engine import Bridge
    from desktop.services.settings import Settings

TEXT_FIELDS = (QLineEdit, QPlainTextEdit, QAbstractSpinBox)


def clock(seconds: float) -> str:
    whole = max(0, int(seconds))
    return f"{whole // 3600:02d}:{whole // 60 % 60:02d}:{whole % 60:02d}"


class LivePage(QWidget):
    status_message = Signal(str)
    speak_status = Signal(str)  # the avatar's SpeakStatus ("" when no session is live)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session: LiveSession | None = None
        self.account: AccountSessions | None = None
        self._was_live = False
        self.settings: Settings | None = None
        self.pictures: PictureUpdates | None = None
        self.clash_question: QMessageBox | None = None
        self._stream_req = ""  # the streaming text being typed: its ReqId and the fragments sent
        self._stream_seq = 0
        pictures = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
        self.snapshot_dir = Path(pictures or Path.home()) / "Avatar Studio"  # made when the first picture is saved

        title = QLabel(self.tr("Live"), self)
        title.setObjectName("pageTitle")
        title.setStyleSheet("font-size: 16pt; font-weight: 600;")
        self.state_label = QLabel(self.tr("No session. Choose an avatar and create one."), self)
        self.state_label.setWordWrap(True)
        self.state_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.close_button = QPushButton(self.tr("Close session"), self)
        self.close_button.setToolTip(self.tr("Close the stream: billing stops"))
        self.close_button.clicked.connect(self.close_session)
        self.channel_label = ElidedLabel("", self)
        self.channel_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        header = QHBoxLayout()
        header.addWidget(title)
        header.addWidget(self.state_label, 2)
        header.addWidget(self.channel_label, 1)  # beside the session's state: the picture's controls have no room
        header.addWidget(self.close_button)

        # --- left: the stream ---
        self.idle_banner = QFrame(self)
        self.idle_banner.setStyleSheet("QFrame { background: #fff4ce; color: #4d3b00; border-radius: 4px; }")
        self.idle_words = QLabel("", self.idle_banner)
        self.idle_words.setWordWrap(True)
        self.keep_button = QPushButton(self.tr("Keep it open"), self.idle_banner)
        self.keep_button.clicked.connect(self.keep_open)
        banner = QHBoxLayout(self.idle_banner)
        banner.addWidget(self.idle_words, 1)
        banner.addWidget(self.keep_button)
        self.idle_banner.hide()
        self.stream = StreamView(self)
        self.stream.state_changed.connect(self._stream_state)
        self.stream.first_frame.connect(self._apply_sound)
        self.stream.snapshot_taken.connect(self._snapshot_taken)
        self.big_interrupt = QPushButton(self.tr("Interrupt (Esc)"), self)
        self.big_interrupt.setToolTip(self.tr("Stop the speech now"))
        self.big_interrupt.clicked.connect(self.interrupt)
        self.mute = QToolButton(self)
        self.mute.setText(self.tr("Mute"))
        self.mute.setCheckable(True)
        self.mute.setToolTip(self.tr("Silence the stream in this app (the audience still hears it)"))
        self.mute.toggled.connect(self.stream.set_muted)
        self.volume = QSlider(Qt.Orientation.Horizontal, self)
        self.volume.setRange(0, 100)
        self.volume.setValue(80)
        self.volume.setMaximumWidth(120)
        self.volume.setToolTip(self.tr("Volume of the stream in this app"))
        self.volume.valueChanged.connect(self.stream.set_volume)
        self.snapshot_button = QToolButton(self)
        self.snapshot_button.setText(self.tr("Snapshot"))
        self.snapshot_button.setToolTip(self.tr("Save the current picture as a PNG file"))
        self.snapshot_button.clicked.connect(self.take_snapshot)
        self.fullscreen_button = QToolButton(self)
        self.fullscreen_button.setText(self.tr("Full screen"))
        self.fullscreen_button.setToolTip(self.tr("Show the stream on the whole screen (F11; Esc leaves)"))
        self.fullscreen_button.clicked.connect(self.toggle_fullscreen)
        controls = QHBoxLayout()
        controls.addWidget(self.big_interrupt)
        controls.addStretch(1)
        controls.addWidget(self.mute)
        controls.addWidget(self.volume)
        controls.addWidget(self.snapshot_button)
        controls.addWidget(self.fullscreen_button)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.idle_banner)
        left_layout.addWidget(self.stream, 1)
        left_layout.addLayout(controls)

        # --- right: driving and the tabs ---
        self.drive = DriveBox(self)
        self.drive.say_now.connect(self.say_now)
        self.drive.say_next.connect(self.say_next)
        self.drive.refused.connect(self.status_message)
        self.drive.interrupt.connect(self.interrupt)
        self.drive.stream_fragment.connect(self._stream_fragment)
        self.form = SessionForm(self)
        self.form.create_requested.connect(self.create_session)
        self.details = SessionDetails(self)
        session_tab = QWidget(self)
        session_layout = QVBoxLayout(session_tab)
        session_layout.setContentsMargins(0, 0, 0, 0)
        session_layout.addWidget(self.details)
        session_layout.addWidget(self.form, 1)
        self.timeline = Timeline(self)
        self.queue = SpeechQueue(self._say, self.interrupt, self._queue_changed)
        self.sheet = ScriptSheet(self.queue, self)
        self.sheet.problem.connect(self._problem)
        self.audio = AudioBar(self)
        self.audio.drive_started.connect(self._drive_started)
        self.pacer = PacerChart(self)
        sound_tab = QWidget(self)
        sound_layout = QVBoxLayout(sound_tab)
        sound_layout.setContentsMargins(0, 0, 0, 0)
        sound_layout.addWidget(self.audio)
        sound_layout.addWidget(self.pacer)
        sound_layout.addStretch(1)
        self.picture = PictureEditor(self)
        self.sessions = SessionsPanel(self)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(session_tab, self.tr("Session"))
        self.tabs.addTab(self.timeline, self.tr("Timeline"))
        self.tabs.addTab(self.sheet, self.tr("Script"))
        self.tabs.addTab(sound_tab, self.tr("Sound"))
        self.tabs.addTab(self.picture, self.tr("Picture"))
        self.tabs.addTab(self.sessions, self.tr("Sessions"))
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.drive)
        right_layout.addWidget(self.tabs, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.splitter, 1)

        keys_and_slots = (
            (QKeySequence(Qt.Key.Key_Escape), self.interrupt),
            (QKeySequence(Qt.Key.Key_F11), self.toggle_fullscreen),
        )
        for keys, slot in keys_and_slots:
            shortcut = QShortcut(keys, self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

        self._meter = QTimer(self)
        self._meter.setInterval(1000)
        self._meter.timeout.connect(self._show_status)
        self._meter.timeout.connect(lambda: self.queue.tick(time.monotonic()))
        self._update_buttons()

    # --- names the tests and benches reach for ---

    @property
    def avatar(self) -> PickerButton[Avatar]:
        return self.form.avatar

    @property
    def user_id(self) -> QLineEdit:
        return self.form.user_id

    @property
    def create_button(self) -> QPushButton:
        return self.form.create_button

    @property
    def text(self) -> QPlainTextEdit:
        return self.drive.text

    @property
    def send_button(self) -> QPushButton:
        return self.drive.send_button

    @property
    def interrupt_button(self) -> QPushButton:
        return self.drive.interrupt_button

    @property
    def drives(self) -> dict[str, DriveRow]:
        return self.timeline.drives

    # --- wiring ---

    def attach(
        self, session: LiveSession, account: AccountSessions, bridge: Bridge, settings: Settings, data_dir: Path
    ) -> None:
        self.session, self.account, self.settings = session, account, settings
        session.status_changed.connect(self._status_changed)
        session.downstream.connect(self._downstream)
        session.channel_changed.connect(self._channel_changed)
        session.problem.connect(self._problem)
        session.idle_changed.connect(self._idle_changed)
        session.audio_progress.connect(self.pacer.add)
        self.audio.attach(session)
        self.details.attach(session)
        self.pictures = PictureUpdates(session, self)
        self.picture.attach(self.pictures)
        self.sessions.attach(account)
        self.sessions.adopt_requested.connect(session.adopt)
        self.sheet.restore(bridge, data_dir / "live-script.txt")
        self.form.restore(settings.get(opt.LIVE_FORM))
        self.form.changed.connect(lambda: self.details.show_status(session.status))
        state = settings.get(opt.LIVE_SPLITTER)
        if state:
            self.splitter.restoreState(QByteArray(state))
        self.tabs.setCurrentIndex(max(0, min(self.tabs.count() - 1, settings.get(opt.LIVE_TAB))))
        self._status_changed(session.status)

    def save_state(self) -> None:
        if self.settings is not None:
            self.settings.set(opt.LIVE_SPLITTER, bytes(self.splitter.saveState().data()))
            self.settings.set(opt.LIVE_TAB, self.tabs.currentIndex())
            self.settings.set(opt.LIVE_FORM, self.form.state())

    def set_catalog(self, snapshot: CatalogSnapshot) -> None:
        self.form.set_records(snapshot.avatars, snapshot.timbres)
        self.sessions.set_avatars(snapshot.avatars)
        self._update_buttons()

    def choose_avatar(self, virtualman_key: str) -> bool:
        """Pre-select an avatar (a hand-off from Assets); False when it is not in the catalogue."""
        found = self.form.choose(avatar_key=virtualman_key)
        if found:
            self.tabs.setCurrentIndex(0)
        self._update_buttons()
        return found

    # --- the session ---

    def create_session(self, request: SessionRequest | None = None, *, clash_accepted: bool = False) -> None:
        """Create the form's session; when its UserId already streams, ask first (the cloud would close that
        stream, maybe another operator's)."""
        session, account = self.session, self.account
        request = request or self.form.request()
        if session is None or self.clash_question is not None:
            return
        clash = account.open_with_user(request.user_id) if account is not None else None
        if clash is not None and not clash_accepted:
            self._ask_about_clash(request, clash.session_id)
            return
        self.timeline.start_over()
        self.details.play_domain = self.form.play_domain.text().strip()
        self.details.push_path = request.push_url
        session.create(request)

    def _ask_about_clash(self, request: SessionRequest, other: str) -> None:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("This UserId is streaming"))
        box.setText(args(self.tr("UserId %1 already has session %2 open."), request.user_id, other))
        box.setInformativeText(self.tr("A new session with the same UserId closes that stream. Create it anyway?"))
        create = box.addButton(self.tr("Create anyway"), QMessageBox.ButtonRole.AcceptRole)
        fresh = box.addButton(self.tr("Use a new UserId"), QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(fresh)
        self.clash_question = box

        def answered(_result: int) -> None:
            self.clash_question = None
            box.deleteLater()
            if box.clickedButton() is create:
                self.create_session(request, clash_accepted=True)
            elif box.clickedButton() is fresh:
                self.form.new_user.click()

        box.finished.connect(answered)
        box.open()

    def close_session(self) -> None:
        if self.session is not None:
            self.stream.stop()
            self.session.close()

    def keep_open(self) -> None:
        if self.session is not None:
            self.session.keep_open()

    # --- driving ---

    def say_now(self, text: str) -> None:
        """Say it now (it cuts the current line; a cut script cue is said again afterwards)."""
        if self._live():
            self.queue.urgent(text)

    def say_next(self, text: str) -> None:
        """Say it after the current line, before the script's next cue."""
        if self._live():
            self.queue.reply(text)

    def send_text(self) -> None:
        self.drive.send()

    def interrupt(self) -> None:
        if self.session is not None and self._live():
            self.timeline.interrupted()
            self.session.interrupt()
            self.queue.interrupted()
            self._stream_req, self._stream_seq = "", 0
            self.status_message.emit(
                self.tr("Interrupted: the script is paused at the cut cue")
                if self.queue.cues
                else self.tr("Interrupted")
            )

    def _live(self) -> bool:
        return self.session is not None and self.session.status.phase == "live"

    def _say(self, text: str) -> str:
        """The speech queue's voice: the session says it (a text, or sound for a lightweight avatar)."""
        if self.session is None:
            return ""
        req_id = self.session.say(text, chat=self.drive.chat.isChecked())
        if req_id:
            self.timeline.add_drive(req_id, text)
        return req_id

    def _stream_fragment(self, text: str, final: bool) -> None:
        session = self.session
        if session is None or not self._live():
            return
        first = not self._stream_req
        self._stream_seq += 1
        sentence = self.drive.clauses.isChecked()
        req_id = session.stream_text(self._stream_req, text, self._stream_seq, final=final, sentence=sentence)
        if not req_id:
            return
        self.timeline.add_drive(req_id, text)
        if first:
            self.queue.spoken_elsewhere(req_id)
        self._stream_req = "" if final else req_id
        if final:
            self._stream_seq = 0

    def _drive_started(self, req_id: str, what: str) -> None:
        self.timeline.add_drive(req_id, what)
        self.queue.spoken_elsewhere(req_id)

    def _queue_changed(self) -> None:
        self.sheet.refresh()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """1-9 say the script's cue of that number, unless a text field has the focus (it takes digits itself)."""
        key = event.key()
        focus = QGuiApplication.focusObject()
        plain = event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
        if plain and Qt.Key.Key_1 <= key <= Qt.Key.Key_9 and not isinstance(focus, TEXT_FIELDS) and self._live():
            self.queue.send_now(key - Qt.Key.Key_1)
            event.accept()
            return
        super().keyPressEvent(event)

    # --- the stream ---

    def take_snapshot(self) -> None:
        path = self.snapshot_dir / time.strftime("live-%Y%m%d-%H%M%S.png")  # the folder is made off this thread
        if not self.stream.snapshot(str(path)):
            self._problem(self.tr("No picture to save: the stream is not playing."))

    def _snapshot_taken(self, path: str, ok: bool) -> None:
        if ok:
            self.status_message.emit(args(self.tr("Picture saved to %1"), path))
        else:
            self._problem(args(self.tr("The picture could not be saved to %1."), path))

    def toggle_fullscreen(self) -> None:
        toggle = getattr(self.stream, "toggle_fullscreen", None)
        if callable(toggle):
            toggle()

    def _apply_sound(self) -> None:
        self.stream.set_volume(self.volume.value())
        self.stream.set_muted(self.mute.isChecked())

    def _stream_state(self, state: str) -> None:
        self._update_buttons()
        if state == "restarting":
            self.status_message.emit(self.tr("The stream stalled: playing it again."))

    # --- what the session says ---

    def _status_changed(self, status: LiveStatus) -> None:
        playable = status.play_url.startswith("rtmp")  # trtc and webrtc are for other players
        if status.phase == "live" and playable and self.stream.url != status.play_url:
            self.stream.play(status.play_url, alpha=status.alpha)
        if status.phase in ("closed", "failed", "closing"):
            self.stream.stop()
            self.idle_banner.hide()
        if status.phase in ("closed", "failed"):
            self.channel_label.setText("")  # the channel went with the session
        if status.phase == "live" and not self._was_live:
            self.queue.restart_quiet()  # idle filler after a quiet while of this session, not the last one's
        self._was_live = status.phase == "live"
        if status.phase == "closed" and status.session_id and self.account is not None:
            self.account.forget({status.session_id})  # no longer a clash for the next session's UserId
        if status.phase in ("preparing", "live"):
            self._meter.start()
        else:
            self._meter.stop()
        if status.phase != "live":
            self.speak_status.emit("")
        self.sessions.set_driven(status.session_id if status.open else "")
        self.picture.set_live(status.phase == "live")
        if status.phase == "live" and self.tabs.currentIndex() == 0:
            self.tabs.setCurrentWidget(self.timeline)  # what the operator watches from now on
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
        status = self.timeline.message(message)
        if not status:
            return
        if not status.isdigit():  # a SpeakStatus, not a bare message type
            self.speak_status.emit(status)
        self.queue.status(message.req_id, status, time.monotonic())

    def _idle_changed(self, seconds_left: float) -> None:
        if seconds_left < 0:
            self.idle_banner.hide()
            return
        self.idle_words.setText(
            args(self.tr("Nobody has driven the avatar for a while: the session closes in %1."), clock(seconds_left))
        )
        self.idle_banner.show()

    def _problem(self, words: str) -> None:
        self.state_label.setText(words)
        self.status_message.emit(words)

    def _update_buttons(self) -> None:
        status = self.session.status if self.session is not None else LiveStatus("idle")
        busy = status.phase in ("creating", "preparing", "starting", "live", "closing")
        self.form.set_busy(busy or self.session is None)
        self.close_button.setEnabled(status.open and status.phase != "closing")
        live = status.phase == "live"
        self.snapshot_button.setEnabled(self.stream.state == "playing")
        self.fullscreen_button.setEnabled(self.stream.state == "playing")
        self.drive.set_live(live)
        self.big_interrupt.setEnabled(live)

    def release(self) -> None:
        """At quit: the player stopped before its window goes."""
        self.stream.release()
        if self.session is not None:
            self.session.shutdown()

    def copy_session_id(self) -> None:
        if self.session is not None and self.session.status.session_id:
            QGuiApplication.clipboard().setText(self.session.status.session_id)


__all__ = ["LivePage"]
