"""The open session at a glance, with what other players need: its SessionId and UserId, the play address (RTMP and
WebRTC; shown without its query, copied whole), the TRTC room keys on request (gettrtcsign; UserSig and
PrivateMapKey are secrets: shown masked, copied on request), and for a stream pushed to the operator's own Cloud
Streaming Services, where to play it and how to add it to OBS."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QWidget,
)

from desktop.i18n import args
from desktop.services.live_session import LiveSession, LiveStatus
from desktop.services.session_request import pull_address
from desktop.services.thumbnail_store import address_key


class SessionDetails(QGroupBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("This session"))
        self.session: LiveSession | None = None
        self.play_domain = ""  # the form's CSS play domain
        self.push_path = ""
        self._copy: dict[str, str] = {}
        self.session_id = self._value()
        self.user_id = self._value()
        self.protocol = self._value()
        self.play = self._value()
        self.obs = QLabel("", self)
        self.obs.setWordWrap(True)
        self.obs.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.room = QLineEdit(self)
        self.room.setPlaceholderText(self.tr("TRTC room number"))
        self.keys_button = QPushButton(self.tr("Get TRTC keys"), self)
        self.keys_button.setToolTip(self.tr("UserSig and PrivateMapKey for a viewer of this room (gettrtcsign)"))
        self.keys_button.clicked.connect(self.ask_keys)
        self.keys = QLabel("", self)
        self.keys.setWordWrap(True)
        self.form = QFormLayout(self)
        self.form.addRow(self.tr("SessionId"), self._with_copy(self.session_id, "session"))
        self.form.addRow(self.tr("UserId"), self._with_copy(self.user_id, "user"))
        self.form.addRow(self.tr("Protocol"), self.protocol)
        self.form.addRow(self.tr("Play"), self._with_copy(self.play, "play"))
        self.form.addRow(self.tr("OBS"), self.obs)
        keys_row = QHBoxLayout()
        keys_row.addWidget(self.room, 1)
        keys_row.addWidget(self.keys_button)
        self.form.addRow(self.tr("TRTC"), keys_row)
        self._trtc_rows = (self.form.rowCount() - 1, self.form.rowCount())
        self.form.addRow("", self._with_copy(self.keys, "keys", self.tr("Copy keys")))
        self.hide()

    def _value(self) -> QLabel:
        label = QLabel("", self)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def _with_copy(self, label: QLabel, what: str, text: str = "") -> QWidget:
        row = QWidget(self)
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label, 1)
        button = QToolButton(row)
        button.setText(text or self.tr("Copy"))
        button.clicked.connect(lambda: QGuiApplication.clipboard().setText(self._copy.get(what, "")))
        layout.addWidget(button)
        return row

    def attach(self, session: LiveSession) -> None:
        self.session = session
        session.status_changed.connect(self.show_status)

    def show_status(self, status: LiveStatus) -> None:
        self.setVisible(status.open)
        if not status.open:
            self.keys.clear()
            self._copy.pop("keys", None)
            return
        self._copy.update(session=status.session_id, user=status.user_id, play=status.play_url)
        self.session_id.setText(status.session_id)
        self.user_id.setText(status.user_id)
        self.protocol.setText(status.protocol.upper())
        shown = address_key(status.play_url) if status.play_url else ""
        self.play.setText(shown or (self.tr("pushed to your CSS") if status.custom_push else self.tr("not yet")))
        pull = pull_address(self.push_path, self.play_domain) if status.custom_push else ""
        obs = status.play_url if status.protocol == "rtmp" and status.play_url else pull
        self.obs.setText(
            args(
                self.tr("In OBS: Sources → + → Media Source, untick “Local File”, Input: %1"),
                address_key(obs),
            )
            if obs
            else (
                self.tr("Give your CSS play domain in the form to see the play address.") if status.custom_push else ""
            )
        )
        self._copy["obs"] = obs
        trtc = status.protocol == "trtc"
        for row in self._trtc_rows:
            self.form.setRowVisible(row, trtc)
        self.form.setRowVisible(self.obs, bool(self.obs.text()))

    def ask_keys(self) -> None:
        session, room = self.session, self.room.text().strip()
        if session is None or not room:
            self.keys.setText(self.tr("Give the room number the TRTC SDK reported."))
            return
        self.keys_button.setEnabled(False)
        self.keys.setText(self.tr("Asking…"))

        def got(keys: tuple[str, str]) -> None:
            self.keys_button.setEnabled(True)
            user_sig, private_key = keys
            self._copy["keys"] = f"UserSig={user_sig}\nPrivateMapKey={private_key}"
            self.keys.setText(
                args(
                    self.tr("UserSig %1… and PrivateMapKey %2… (copy to see them whole)"), user_sig[:4], private_key[:4]
                )
            )

        def failed(why: str) -> None:
            self.keys_button.setEnabled(True)
            self.keys.setText(args(self.tr("No keys: %1"), why))

        session.trtc_keys(room, session.status.user_id, got, failed)


__all__ = ["SessionDetails"]
