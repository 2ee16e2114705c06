"""The Live panel's sound drives: a file (any format ffmpeg reads) and a push-to-talk microphone, with what the pacer
reports while it sends (sound sent, real-time rate, lead over real time, the last interval).

Only for sessions created with "Audio and text" (DriverType 3); the buttons say so when disabled. The file dialog
is opened non-modally (no nested event loop while the stream plays); the microphones are listed on the engine.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from desktop.api.audio_pacer import PacerFigures, PacerReport
from desktop.i18n import args
from desktop.media import pcm
from desktop.services.engine import Bridge
from desktop.services.live_session import LiveSession

SOUND_FILTER = "*.wav *.mp3 *.m4a *.aac *.flac *.ogg *.opus *.wma *.mp4 *.mov *.mkv *.webm"


class AudioBar(QWidget):
    drive_started = Signal(str, str)  # ReqId, what it is (for the timeline)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session: LiveSession | None = None
        self.bridge: Bridge | None = None
        self.talking = ""  # the ReqId of the push-to-talk drive while the button is held
        self.file_button = QPushButton(self.tr("Play a sound file…"), self)
        self.file_button.clicked.connect(self.choose_file)
        self.microphone = QComboBox(self)
        self.microphone.setMinimumContentsLength(8)
        self.microphone.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.microphone.setToolTip(self.tr("The microphone push-to-talk listens to"))
        self.refresh_button = QToolButton(self)
        self.refresh_button.setText(self.tr("Refresh"))
        self.refresh_button.setToolTip(self.tr("List the microphones again"))
        self.refresh_button.clicked.connect(self.list_microphones)
        self.talk_button = QPushButton(self.tr("Hold to talk"), self)
        self.talk_button.pressed.connect(self.start_talking)
        self.talk_button.released.connect(self.stop_talking)
        self.figures = QLabel("", self)
        self.figures.setObjectName("pacerFigures")
        self.figures.setWordWrap(True)
        self.figures.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # never widens the pane
        layout = QGridLayout(self)  # two rows: the panel must fit a 1366-pixel screen beside the stream
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.file_button, 0, 0)
        layout.addWidget(self.figures, 0, 1, 1, 2)
        layout.addWidget(self.talk_button, 1, 0)
        layout.addWidget(self.microphone, 1, 1)
        layout.addWidget(self.refresh_button, 1, 2)
        layout.setColumnStretch(1, 1)
        self._dialog: QFileDialog | None = None
        self.update_buttons()

    def attach(self, session: LiveSession) -> None:
        self.session = session
        self.bridge = session.bridge
        session.audio_progress.connect(self._progress)
        session.audio_finished.connect(self._finished)
        session.status_changed.connect(lambda _status: self.update_buttons())
        self.list_microphones()
        self.update_buttons()

    # --- the file ---

    def choose_file(self) -> None:
        if self._dialog is None:
            dialog = QFileDialog(self, self.tr("Play a sound file"))
            dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
            dialog.setNameFilters([args(self.tr("Sound and video (%1)"), SOUND_FILTER), self.tr("All files (*)")])
            dialog.fileSelected.connect(lambda chosen: self.drive_file(Path(chosen)))
            self._dialog = dialog
        self._dialog.open()

    def drive_file(self, path: Path) -> str:
        """Drive the avatar by this file; returns the ReqId ("" when the session cannot take audio now)."""
        if self.session is None:
            return ""
        try:
            req_id = self.session.send_audio_file(path)
        except pcm.PcmError as error:
            self.figures.setText(str(error))
            return ""
        if req_id:
            self.drive_started.emit(req_id, args(self.tr("Sound file %1"), path.name))
            self.figures.setText(self.tr("Decoding…"))
        return req_id

    # --- the microphone ---

    def list_microphones(self) -> None:
        if self.bridge is None:
            return
        self.refresh_button.setEnabled(False)
        self.bridge.call(pcm.microphones(), self, self._microphones, lambda _error: self._microphones([]))

    def _microphones(self, found: list[pcm.Microphone]) -> None:
        kept = self.microphone.currentData()
        self.microphone.clear()
        for microphone in found:
            self.microphone.addItem(microphone.description, microphone.name)
        if not found:
            self.microphone.addItem(self.tr("No microphone found"), "")
        index = self.microphone.findData(kept)
        if index >= 0:
            self.microphone.setCurrentIndex(index)
        self.refresh_button.setEnabled(True)
        self.update_buttons()

    def start_talking(self) -> None:
        source = str(self.microphone.currentData() or "")
        if self.session is None or not source or self.talking:
            return
        try:
            self.talking = self.session.talk(source)
        except pcm.PcmError as error:
            self.figures.setText(str(error))
            return
        if self.talking:
            self.drive_started.emit(self.talking, args(self.tr("Microphone %1"), self.microphone.currentText()))
            self.figures.setText(self.tr("Listening…"))

    def stop_talking(self) -> None:
        if self.session is not None and self.talking:
            self.session.stop_talking()
        self.talking = ""

    # --- what the pacer says ---

    def _progress(self, figures: PacerFigures) -> None:
        self.figures.setText(
            args(
                self.tr("Sound sent %1 s · rate %2 · ahead %3 ms · interval %4 ms"),
                f"{figures.audio_ms / 1000:.1f}",
                f"{figures.realtime_rate:.2f}",
                f"{max(0.0, figures.lead_ms):.0f}",
                f"{figures.interval_ms:.0f}",
            )
        )

    def _finished(self, report: PacerReport) -> None:
        words = self.tr("Sound ended early: %1 s sent.") if report.stopped else self.tr("Sound sent: %1 s.")
        self.figures.setText(args(words, f"{report.audio_ms / 1000:.1f}"))

    def update_buttons(self) -> None:
        allowed = self.session is not None and self.session.audio_allowed
        why = "" if allowed else self.tr("Sound drives need a live session created with “Audio and text”")
        has_microphone = bool(self.microphone.currentData())
        self.file_button.setEnabled(allowed)
        self.file_button.setToolTip(why or self.tr("Drive the avatar by a sound or video file's sound"))
        self.talk_button.setEnabled(allowed and has_microphone)
        self.talk_button.setToolTip(why or self.tr("Speak while the button is held; release to end the drive"))


__all__ = ["AudioBar"]
