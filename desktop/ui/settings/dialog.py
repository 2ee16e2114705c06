"""Settings: the profile, its addresses and credentials, the request timeout, and Test connection.

The access token goes to the OS keyring (or, without one, is kept for this session only); it is never shown back
in full and never written to the settings file.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.api import Credentials
from desktop.i18n import args
from desktop.services import profiles
from desktop.services import settings as opt
from desktop.services.connection import ConnectionService
from desktop.services.connection_status import ConnectionStatus
from desktop.services.profiles import Profile
from desktop.services.secrets import token_name
from desktop.ui.common import connection_words, profile_names
from desktop.ui.style import HEALTH_COLOURS

_URL_SCHEMES = ("http://", "https://")


class SettingsDialog(QDialog):
    saved = Signal()  # the tokens are stored (the keyring is written off the GUI thread, after OK)

    def __init__(self, connection: ConnectionService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        self.setMinimumWidth(560)
        self.connection = connection
        self.settings = connection.settings
        self.secrets = connection.secrets
        self._tokens: dict[str, str] = {}  # edited, not yet saved
        self._shown_profile = ""

        layout = QVBoxLayout(self)
        group = QGroupBox(self.tr("Connection"), self)
        form = QFormLayout(group)
        self.profile = QComboBox(group)
        for profile in profiles.PROFILES:
            self.profile.addItem(profile_names.title(profile.key), profile.key)
        form.addRow(self.tr("&Profile:"), self.profile)
        self.api_url = QLineEdit(group)
        self.api_url.setPlaceholderText(self.tr("https://your-deployment.example.com"))
        form.addRow(self.tr("API &address:"), self.api_url)
        self.ws_url = QLineEdit(group)
        self.ws_url.setPlaceholderText(self.tr("wss://… (optional: derived from the API address)"))
        form.addRow(self.tr("&WebSocket address:"), self.ws_url)
        self.appkey = QLineEdit(group)
        form.addRow(self.tr("App&key:"), self.appkey)
        self.token = QLineEdit(group)
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.reveal = QAction(self.tr("Show"), self.token)
        self.reveal.setCheckable(True)
        self.reveal.toggled.connect(self._toggle_reveal)
        self.token.addAction(self.reveal, QLineEdit.ActionPosition.TrailingPosition)
        form.addRow(self.tr("Access &token:"), self.token)  # a widget, not a layout: the label's & needs a buddy
        self.storage = QLabel(self.secrets.description, group)
        self.storage.setWordWrap(True)
        self.storage.setObjectName("pageSubtitle")
        form.addRow("", self.storage)
        self.timeout = QDoubleSpinBox(group)
        self.timeout.setRange(2.0, 300.0)
        self.timeout.setSuffix(self.tr(" s"))
        self.timeout.setDecimals(0)
        form.addRow(self.tr("Request ti&meout:"), self.timeout)
        layout.addWidget(group)

        live = QGroupBox(self.tr("Live sessions"), self)
        live_form = QFormLayout(live)
        self.idle_close = QSpinBox(live)
        self.idle_close.setRange(0, 24 * 60)
        self.idle_close.setSuffix(self.tr(" min"))
        self.idle_close.setSpecialValueText(self.tr("Never"))
        self.idle_close.setToolTip(
            self.tr("A session nobody drives is still billed: it is closed after this long, with a warning first")
        )
        live_form.addRow(self.tr("Close when &idle for:"), self.idle_close)
        layout.addWidget(live)

        test_row = QHBoxLayout()
        self.test_button = QPushButton(self.tr("Test &connection"), self)
        self.test_result = QLabel(self)
        self.test_result.setWordWrap(True)
        self.test_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        test_row.addWidget(self.test_button, 0, Qt.AlignmentFlag.AlignTop)
        test_row.addWidget(self.test_result, 1)
        layout.addLayout(test_row)
        self.problem = QLabel(self)
        self.problem.setStyleSheet(f"color: {HEALTH_COLOURS['error']};")
        self.problem.setWordWrap(True)
        layout.addWidget(self.problem)
        layout.addStretch(1)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        layout.addWidget(self.buttons)

        self._load()
        self.profile.currentIndexChanged.connect(self._profile_changed)
        self.test_button.clicked.connect(self.test_connection)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    # --- loading and editing ---
    def _load(self) -> None:
        current = self.connection.profile
        self.profile.setCurrentIndex(max(0, self.profile.findData(current.key)))
        self.api_url.setText(self.settings.get(opt.CUSTOM_API_URL))
        self.ws_url.setText(self.settings.get(opt.CUSTOM_WS_URL))
        self.timeout.setValue(self.settings.get(opt.REQUEST_TIMEOUT_S))
        self.idle_close.setValue(self.settings.get(opt.LIVE_IDLE_CLOSE_MIN))
        self._show_profile(current)

    def selected_profile(self) -> Profile:
        return profiles.profile(str(self.profile.currentData()))

    def _profile_changed(self) -> None:
        self._stash_token()
        self._show_profile(self.selected_profile())
        self.test_result.clear()

    def _stash_token(self) -> None:
        shown = profiles.BY_KEY.get(self._shown_profile)
        if shown is not None and shown.needs_credentials and self.token.isEnabled():
            self._tokens[shown.key] = self.token.text()

    def _show_profile(self, profile: Profile) -> None:
        key = profile.key
        self._shown_profile = key
        self.api_url.setEnabled(profile.needs_address)
        self.ws_url.setEnabled(profile.needs_address)
        self.appkey.setEnabled(profile.needs_credentials)
        self.token.setEnabled(profile.needs_credentials)
        if profile.appkey is not None:
            self.appkey.setText(self.settings.get(profile.appkey))
            self.storage.setText(self.secrets.description)
            token = self._tokens.get(key)
            if token is not None:
                self.token.setText(token)
            else:
                self.token.clear()
                self.token.setEnabled(False)
                self.token.setPlaceholderText(self.tr("Loading…"))
                self.connection.load_secret(token_name(key), self, lambda value: self._token_loaded(key, value))
        else:
            self.appkey.setText("")
            self.token.setText("")
            self.storage.setText(
                self.tr("The sandbox runs on this computer with its own demo credentials: nothing to enter.")
            )

    def _token_loaded(self, profile: str, value: str) -> None:
        self._tokens.setdefault(profile, value)
        if self._shown_profile == profile:
            self.token.setText(self._tokens[profile])
            self.token.setEnabled(True)
            self.token.setPlaceholderText("")

    def _toggle_reveal(self, shown: bool) -> None:
        self.token.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)
        self.reveal.setText(self.tr("Hide") if shown else self.tr("Show"))

    # --- checking ---
    def problems(self) -> list[str]:
        found = []
        profile = self.selected_profile()
        if profile.needs_address:
            api = self.api_url.text().strip()
            if not api:
                found.append(self.tr("The Custom profile needs the API address."))
            elif not api.startswith(_URL_SCHEMES):
                found.append(args(self.tr("The API address must start with http:// or https:// (got %1)."), repr(api)))
            ws = self.ws_url.text().strip()
            if ws and not ws.startswith(("ws://", "wss://")):
                found.append(args(self.tr("The WebSocket address must start with ws:// or wss:// (got %1)."), repr(ws)))
        if profile.needs_credentials and any(ch.isspace() for ch in self.appkey.text().strip()):
            found.append(self.tr("The appkey cannot contain spaces."))
        return found

    def test_connection(self) -> None:
        problems = self.problems()
        self.problem.setText(" ".join(problems))
        if problems:
            return
        self.test_button.setEnabled(False)
        self.test_result.setText(self.tr("Testing…"))
        credentials = Credentials(self.appkey.text().strip(), self.token.text().strip())
        api_url, ws_url = self.api_url.text().strip(), self.ws_url.text().strip()
        self.connection.test_candidate(self.selected_profile(), api_url, ws_url, credentials, self, self._tested)

    def _tested(self, status: ConnectionStatus) -> None:
        self.test_button.setEnabled(True)
        colour = HEALTH_COLOURS[status.health]
        self.test_result.setStyleSheet(f"color: {colour};")
        self.test_result.setText(connection_words.describe(status))

    # --- saving ---
    def accept(self) -> None:
        problems = self.problems()
        if problems:
            self.problem.setText(" ".join(problems))
            return
        self._stash_token()
        profile = self.selected_profile()
        self.settings.set(opt.PROFILE, profile.key)
        self.settings.set(opt.CUSTOM_API_URL, self.api_url.text().strip())
        self.settings.set(opt.CUSTOM_WS_URL, self.ws_url.text().strip())
        self.settings.set(opt.REQUEST_TIMEOUT_S, float(self.timeout.value()))
        self.settings.set(opt.LIVE_IDLE_CLOSE_MIN, self.idle_close.value())
        if profile.appkey is not None:
            self.settings.set(profile.appkey, self.appkey.text().strip())
        self.settings.sync()
        tokens = {token_name(name): token.strip() for name, token in self._tokens.items()}
        self.connection.save_secrets(tokens, self.saved.emit)
        super().accept()
