"""The form that asks for a live session: what it shows (an avatar from the picker, or a digital human project id),
who watches (UserId), how it is played (rtmp in the app; trtc and webrtc for other players; or pushed to the
operator's own CSS), how it is driven, its voice, its layers and its options. `request()` gives the
`SessionRequest`; the problems it has are shown under the form as the operator types, and Create stays disabled
while there are any, so nothing the platform would refuse is sent.

The choices are remembered between runs (`state()` / `restore()`, JSON), except the secrets (the push URL with its
txSecret, the TRTC UserSig and PrivateMapKey), which live only in the fields.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.api.assets import Avatar, Timbre
from desktop.i18n import QT_TRANSLATE_NOOP, args
from desktop.services.session_request import AUDIO_AND_TEXT, TEXT_ONLY, SessionRequest, Trtc
from desktop.ui.common.pickers import avatar_button, timbre_button
from desktop.ui.live.layers_editor import LayersEditor

PROTOCOL_WORDS = {
    "rtmp": QT_TRANSLATE_NOOP("SessionForm", "RTMP (plays here)"),
    "trtc": QT_TRANSLATE_NOOP("SessionForm", "TRTC (for the TRTC SDK)"),
    "webrtc": QT_TRANSLATE_NOOP("SessionForm", "WebRTC (for the WebRTC player)"),
}


def new_user_id() -> str:
    return f"studio-{uuid.uuid4().hex[:8]}"  # an identifier, not words: the same in every language


class SessionForm(QWidget):
    create_requested = Signal(object)  # SessionRequest
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.busy = False  # a session is open: the form waits
        self._wanted = ("", "", "")  # avatar, timbre and language keys to choose once the catalogue has them

        # --- what and who ---
        self.by_avatar = QRadioButton(self.tr("An avatar"), self)
        self.by_project = QRadioButton(self.tr("A project"), self)
        self.by_avatar.setChecked(True)
        self.source = QButtonGroup(self)
        self.source.addButton(self.by_avatar)
        self.source.addButton(self.by_project)
        self.avatar = avatar_button(self.tr("Choose an avatar…"), self)
        self.avatar.setEnabled(False)
        self.project = QLineEdit(self)
        self.project.setPlaceholderText(self.tr("VirtualmanProjectId of a digital human project"))
        self.user_id = QLineEdit(new_user_id(), self)
        self.user_id.setPlaceholderText(self.tr("Who watches the stream (one stream per UserId)"))
        self.new_user = QToolButton(self)
        self.new_user.setText(self.tr("New"))
        self.new_user.setToolTip(self.tr("A new UserId: a session with the same UserId would close this one"))
        self.new_user.clicked.connect(lambda: self.user_id.setText(new_user_id()))
        self.protocol = QComboBox(self)
        for key, words in PROTOCOL_WORDS.items():
            self.protocol.addItem(QCoreApplication.translate("SessionForm", words), key)
        self.driver = QComboBox(self)
        self.driver.addItem(self.tr("Text"), TEXT_ONLY)
        self.driver.addItem(self.tr("Audio and text"), AUDIO_AND_TEXT)
        self.lightweight = QCheckBox(self.tr("Speak texts as audio (lightweight avatar)"), self)
        self.lightweight.setToolTip(
            self.tr("A lightweight avatar takes audio only: texts are made into speech by the tts API first")
        )

        source_row = QHBoxLayout()
        source_row.addWidget(self.by_avatar)
        source_row.addWidget(self.by_project)
        source_row.addStretch(1)
        user_row = QHBoxLayout()
        user_row.addWidget(self.user_id, 1)
        user_row.addWidget(self.new_user)
        main = QFormLayout()
        main.addRow(self.tr("Show"), source_row)
        main.addRow(self.tr("Avatar"), self.avatar)
        main.addRow(self.tr("Project"), self.project)
        main.addRow(self.tr("UserId"), user_row)
        main.addRow(self.tr("Protocol"), self.protocol)
        main.addRow(self.tr("Drive by"), self.driver)
        main.addRow("", self.lightweight)
        self._main_form = main

        # --- voice ---
        self.voice = QGroupBox(self.tr("Voice"), self)
        self.timbre = timbre_button(self.tr("The avatar's own voice"), self.voice)
        self.timbre.setEnabled(False)
        self.own_voice = QToolButton(self.voice)
        self.own_voice.setText(self.tr("Own voice"))
        self.own_voice.setToolTip(self.tr("Use the avatar's own voice"))
        self.own_voice.clicked.connect(lambda: self.timbre.set_current(None))
        self.language = QComboBox(self.voice)
        self.speed = QSpinBox(self.voice)
        self.speed.setRange(50, 200)
        self.speed.setValue(100)
        self.speed.setSuffix(self.tr(" %"))
        self.speed.setToolTip(self.tr("Speech speed, 100% is normal"))
        self.volume = QSpinBox(self.voice)
        self.volume.setRange(-10, 10)
        self.volume.setSuffix(self.tr(" dB"))
        self.volume.setToolTip(self.tr("Volume relative to the default"))
        timbre_row = QHBoxLayout()
        timbre_row.addWidget(self.timbre, 1)
        timbre_row.addWidget(self.own_voice)
        voice_form = QFormLayout(self.voice)
        voice_form.addRow(self.tr("Timbre"), timbre_row)
        voice_form.addRow(self.tr("Language"), self.language)
        voice_form.addRow(self.tr("Speed"), self.speed)
        voice_form.addRow(self.tr("Volume"), self.volume)

        # --- picture ---
        self.picture = QGroupBox(self.tr("Picture"), self)
        self.layers = LayersEditor(self.picture)
        self.alpha = QCheckBox(self.tr("Transparent background (alpha channel beside the picture)"), self.picture)
        self.silence = QCheckBox(self.tr("No idle movements while silent"), self.picture)
        picture_layout = QVBoxLayout(self.picture)
        picture_layout.addWidget(self.layers)
        picture_layout.addWidget(self.alpha)
        picture_layout.addWidget(self.silence)

        # --- delivery: the operator's CSS, an external TRTC application ---
        self.delivery = QGroupBox(self.tr("Delivery"), self)
        self.push_url = QLineEdit(self.delivery)
        self.push_url.setEchoMode(QLineEdit.EchoMode.Password)  # it holds txSecret
        self.push_url.setPlaceholderText(self.tr("rtmp://push.example.com/app/stream?txSecret=…&txTime=…"))
        self.push_url.setToolTip(
            self.tr("Push the stream to your Cloud Streaming Services instead (not played here; kept only in memory)")
        )
        self.play_domain = QLineEdit(self.delivery)
        self.play_domain.setPlaceholderText(self.tr("play.example.com (your CSS playback domain)"))
        self.trtc_app = QLineEdit(self.delivery)
        self.trtc_app.setPlaceholderText(self.tr("Your TRTC SDKAppID (empty: the platform's, for testing only)"))
        self.trtc_room = QLineEdit(self.delivery)
        self.trtc_room.setPlaceholderText(self.tr("Room number (empty: the platform assigns one)"))
        self.trtc_sig = QLineEdit(self.delivery)
        self.trtc_sig.setEchoMode(QLineEdit.EchoMode.Password)
        self.trtc_key = QLineEdit(self.delivery)
        self.trtc_key.setEchoMode(QLineEdit.EchoMode.Password)
        delivery_form = QFormLayout(self.delivery)
        delivery_form.addRow(self.tr("CSS push URL"), self.push_url)
        delivery_form.addRow(self.tr("CSS play domain"), self.play_domain)
        delivery_form.addRow(self.tr("TRTC app"), self.trtc_app)
        delivery_form.addRow(self.tr("TRTC room"), self.trtc_room)
        delivery_form.addRow(self.tr("TRTC UserSig"), self.trtc_sig)
        delivery_form.addRow(self.tr("TRTC PrivateMapKey"), self.trtc_key)
        self._delivery_form = delivery_form

        self.problems = QLabel("", self)
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #b3261e;")
        self.problems.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.create_button = QPushButton(self.tr("Create session"), self)
        self.create_button.setToolTip(self.tr("Create and start a live stream (billed while open)"))
        self.create_button.clicked.connect(self._create)

        inner = QWidget(self)
        inner_layout = QVBoxLayout(inner)
        inner_layout.setContentsMargins(0, 0, 0, 0)
        inner_layout.addLayout(main)
        inner_layout.addWidget(self.voice)
        inner_layout.addWidget(self.picture)
        inner_layout.addWidget(self.delivery)
        inner_layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(inner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.problems)
        layout.addWidget(self.create_button)

        for line in (self.project, self.user_id, self.push_url, self.play_domain, self.trtc_app, self.trtc_room):
            line.textChanged.connect(self._update)
        for line in (self.trtc_sig, self.trtc_key):
            line.textChanged.connect(self._update)
        for box in (self.protocol, self.driver, self.language):
            box.currentIndexChanged.connect(self._update)
        for spin in (self.speed, self.volume):
            spin.valueChanged.connect(self._update)
        for check in (self.lightweight, self.alpha, self.silence, self.by_avatar, self.by_project):
            check.toggled.connect(self._update)
        self.avatar.changed.connect(lambda _avatar: self._update())
        self.timbre.changed.connect(self._timbre_changed)
        self.layers.changed.connect(self._update)
        self._update()

    # --- the catalogue ---

    def set_records(self, avatars: Sequence[Avatar], timbres: Sequence[Timbre]) -> None:
        self.avatar.set_records(avatars)
        self.timbre.set_records(timbres)
        self._timbre_changed(self.timbre.current)
        if self.avatar.current is None and self.timbre.current is None:
            self.choose(*self._wanted)

    def _timbre_changed(self, timbre: Timbre | None) -> None:
        kept = self.language.currentData()
        self.language.blockSignals(True)
        self.language.clear()
        self.language.addItem(self.tr("Default"), "")
        for language in timbre.languages if timbre is not None else ():
            self.language.addItem(language, language)
        index = self.language.findData(kept)
        self.language.setCurrentIndex(max(0, index))
        self.language.blockSignals(False)
        self._update()

    # --- the request ---

    def request(self) -> SessionRequest:
        by_avatar = self.by_avatar.isChecked()
        avatar = self.avatar.current
        timbre = self.timbre.current
        room = self.trtc_room.text().strip()
        backgrounds, foregrounds = self.layers.layers()
        return SessionRequest(
            user_id=self.user_id.text().strip(),
            asset_key=avatar.virtualman_key if by_avatar and avatar is not None else "",
            project_id="" if by_avatar else self.project.text().strip(),
            protocol=str(self.protocol.currentData()),
            driver_type=int(self.driver.currentData()),
            timbre_key=timbre.key if by_avatar and timbre is not None else "",
            timbre_language=str(self.language.currentData() or "") if by_avatar else "",
            speed=float(self.speed.value()) if by_avatar and self.speed.value() != 100 else None,
            volume=self.volume.value() if by_avatar and self.volume.value() != 0 else None,
            backgrounds=backgrounds if by_avatar else (),
            foregrounds=foregrounds if by_avatar else (),
            alpha=self.alpha.isChecked(),
            silence_actions_disabled=by_avatar and self.silence.isChecked(),
            push_url=self.push_url.text().strip(),
            trtc=Trtc(
                app_id=self.trtc_app.text().strip(),
                room_id=int(room) if room.isdigit() else None,
                user_sig=self.trtc_sig.text().strip(),
                private_map_key=self.trtc_key.text().strip(),
            ),
            speak_text_as_audio=self.lightweight.isChecked(),
        )

    def problems_now(self) -> list[str]:
        return [words for _kind, words in self._problems()]

    def _problems(self) -> list[tuple[str, str]]:
        """The request's problems (kind, words in the operator's language)."""
        words = {
            "user_id": self.tr("Give a UserId: the platform keeps one stream per UserId."),
            "subject": self.tr("Choose an avatar, or give a digital human project id."),
            "project_fields": self.tr("A project session takes its voice, layers and idle movements from the project."),
            "layers": self.tr("At most 5 background and foreground layers in all."),
            "trtc_keys": self.tr("An external TRTC application needs its UserSig and PrivateMapKey."),
            "audio_needed": self.tr("Speaking texts as audio needs a session driven by “Audio and text”."),
        }
        found: list[tuple[str, str]] = []
        for problem in self.request().problems():
            if problem.kind == "push_url":
                found.append((problem.kind, args(self.tr("The CSS push URL: %1"), problem.words)))
            elif problem.kind == "spec":
                found.append((problem.kind, args(self.tr("Not accepted by the platform: %1"), problem.words)))
            else:
                found.append((problem.kind, words[problem.kind]))
        room = self.trtc_room.text().strip()
        if room and not room.isdigit():
            found.append(("trtc_room", self.tr("The TRTC room is a number.")))
        return found

    def set_busy(self, busy: bool) -> None:
        """While a session is open the form is kept as it was (it says what that session was asked with)."""
        self.busy = busy
        self._update()

    def _update(self) -> None:
        by_avatar = self.by_avatar.isChecked()
        self._main_form.setRowVisible(self.avatar, by_avatar)
        self._main_form.setRowVisible(self.project, not by_avatar)
        self.voice.setEnabled(by_avatar)
        self.picture.setEnabled(True)
        self.layers.setEnabled(by_avatar)
        self.silence.setEnabled(by_avatar)
        audio = int(self.driver.currentData()) == AUDIO_AND_TEXT
        if not audio and self.lightweight.isChecked():
            self.lightweight.setChecked(False)
        self.lightweight.setEnabled(audio)
        trtc = self.protocol.currentData() == "trtc"
        for field in (self.trtc_app, self.trtc_room, self.trtc_sig, self.trtc_key):
            self._delivery_form.setRowVisible(field, trtc)
        external = bool(self.trtc_app.text().strip())
        self.trtc_sig.setEnabled(external)
        self.trtc_key.setEnabled(external)
        problems = self._problems() if not self.busy else []
        chosen = self.avatar.current is not None or not by_avatar
        shown = [words for kind, words in problems if kind != "subject"]  # the button's tooltip says that one
        self.problems.setText("\n".join(shown))
        self.problems.setVisible(bool(shown))
        ready = not problems and not self.busy
        self.create_button.setEnabled(ready)
        self.create_button.setToolTip(
            self.tr("Create and start a live stream (billed while open)")
            if chosen
            else self.tr("Choose an avatar first")
        )
        self.changed.emit()

    def _create(self) -> None:
        if not self.problems_now() and not self.busy:
            self.create_requested.emit(self.request())

    # --- remembered between runs (no secrets) ---

    def state(self) -> str:
        request = self.request()
        return json.dumps(
            {
                "by": "avatar" if self.by_avatar.isChecked() else "project",
                "avatar": self.avatar.current.virtualman_key if self.avatar.current is not None else "",
                "project": self.project.text().strip(),
                "protocol": request.protocol,
                "driver": request.driver_type,
                "lightweight": request.speak_text_as_audio,
                "timbre": self.timbre.current.key if self.timbre.current is not None else "",
                "language": str(self.language.currentData() or ""),
                "speed": self.speed.value(),
                "volume": self.volume.value(),
                "layers": self.layers.state(),
                "alpha": request.alpha,
                "silence": self.silence.isChecked(),
                "play_domain": self.play_domain.text().strip(),
                "trtc_app": self.trtc_app.text().strip(),
                "trtc_room": self.trtc_room.text().strip(),
            }
        )

    def restore(self, text: str) -> None:
        """The choices of the last run; anything unreadable is left at its default."""
        try:
            state: Any = json.loads(text) if text else {}
        except ValueError:
            return
        if not isinstance(state, dict):
            return

        def get(key: str, kind: type, default: Any) -> Any:
            value = state.get(key, default)
            return value if type(value) is kind else default

        (self.by_project if state.get("by") == "project" else self.by_avatar).setChecked(True)
        self.project.setText(str(get("project", str, "")))
        for box, key in ((self.protocol, "protocol"), (self.driver, "driver")):
            index = box.findData(state.get(key))
            if index >= 0:
                box.setCurrentIndex(index)
        self.lightweight.setChecked(state.get("lightweight") is True)
        self.speed.setValue(int(get("speed", int, 100)))
        self.volume.setValue(int(get("volume", int, 0)))
        self.layers.restore(state.get("layers"))
        self.alpha.setChecked(state.get("alpha") is True)
        self.silence.setChecked(state.get("silence") is True)
        self.play_domain.setText(str(get("play_domain", str, "")))
        self.trtc_app.setText(str(get("trtc_app", str, "")))
        self.trtc_room.setText(str(get("trtc_room", str, "")))
        self._wanted = (str(get("avatar", str, "")), str(get("timbre", str, "")), str(get("language", str, "")))
        self.choose(*self._wanted)

    def choose(self, avatar_key: str = "", timbre_key: str = "", language: str = "") -> bool:
        """Pre-select records by key (a hand-off, or the last run's choice) once the catalogue has them."""
        found = False
        avatar = next((a for a in self.avatar.records if a.virtualman_key == avatar_key), None) if avatar_key else None
        if avatar is not None:
            self.by_avatar.setChecked(True)
            self.avatar.set_current(avatar)
            found = True
        timbre = next((t for t in self.timbre.records if t.key == timbre_key), None) if timbre_key else None
        if timbre is not None:
            self.timbre.set_current(timbre)
            index = self.language.findData(language)
            if index >= 0:
                self.language.setCurrentIndex(index)
        return found


__all__ = ["SessionForm", "new_user_id"]
