"""The account's live sessions: listed for the whole account (UIN), a project or an avatar; refreshed with F5;
closed one by one or all at once (with a question first: they may be another operator's); one of them can be
driven here ("Drive it here": the panel adopts it, when it drives none). Open sessions are billed, so the count of
open ones is in the tab's summary."""

from __future__ import annotations

import time
from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.api.assets import Avatar
from desktop.api.sessions import SessionSummary
from desktop.i18n import QT_TRANSLATE_NOOP, args
from desktop.services.account_sessions import OPEN_STATUSES, AccountSessions, SessionList
from desktop.services.thumbnail_store import address_key
from desktop.ui.common.pickers import avatar_button

STATUS_WORDS = {
    1: QT_TRANSLATE_NOOP("SessionsPanel", "live"),
    2: QT_TRANSLATE_NOOP("SessionsPanel", "closed"),
    3: QT_TRANSLATE_NOOP("SessionsPanel", "preparing"),
    4: QT_TRANSLATE_NOOP("SessionsPanel", "failed"),
}


class SessionsPanel(QWidget):
    adopt_requested = Signal(object)  # SessionSummary

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.account: AccountSessions | None = None
        self.driven = ""  # the SessionId the panel drives: not closed from here, not adopted again
        self.sessions: tuple[SessionSummary, ...] = ()
        self._question: QMessageBox | None = None
        self.scope = QComboBox(self)
        self.scope.addItem(self.tr("This account"), "account")
        self.scope.addItem(self.tr("A project"), "project")
        self.scope.addItem(self.tr("An avatar"), "avatar")
        self.scope.currentIndexChanged.connect(self._scope_changed)
        self.project = QLineEdit(self)
        self.project.setPlaceholderText(self.tr("VirtualmanProjectId"))
        self.project.returnPressed.connect(self.refresh)
        self.avatar = avatar_button(self.tr("Choose an avatar…"), self)
        self.avatar.changed.connect(lambda _avatar: self.refresh())
        self.refresh_button = QPushButton(self.tr("Refresh"), self)
        self.refresh_button.setToolTip(self.tr("Ask the platform again (F5)"))
        self.refresh_button.clicked.connect(self.refresh)
        self.table = QTableWidget(0, 6, self)
        self.table.setHorizontalHeaderLabels(
            [self.tr("SessionId"), self.tr("UserId"), self.tr("Status"), self.tr("Drive"), self.tr("Started"),
             self.tr("Play address")]
        )  # fmt: skip
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.close_button = QPushButton(self.tr("Close selected"), self)
        self.close_button.clicked.connect(self.close_selected)
        self.close_all_button = QPushButton(self.tr("Close all open"), self)
        self.close_all_button.clicked.connect(self.close_all)
        self.adopt_button = QPushButton(self.tr("Drive it here"), self)
        self.adopt_button.setToolTip(self.tr("Play and drive the selected session in this panel"))
        self.adopt_button.clicked.connect(self._adopt)
        self.summary = QLabel(self.tr("Not listed yet."), self)
        self.summary.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(self.scope)
        top.addWidget(self.project, 1)
        top.addWidget(self.avatar, 1)
        top.addStretch(0)
        top.addWidget(self.refresh_button)
        self._top = top
        buttons = QHBoxLayout()
        buttons.addWidget(self.adopt_button)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.close_all_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        refresh = QShortcut(QKeySequence(Qt.Key.Key_F5), self)
        refresh.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        refresh.activated.connect(self.refresh)
        self._scope_changed()

    def attach(self, account: AccountSessions) -> None:
        self.account = account
        account.listed.connect(self._listed)
        account.list_failed.connect(self._failed)
        account.closed.connect(lambda _closed: self.refresh())
        if account.account is not None:
            self._listed(account.account)

    def showEvent(self, event: QShowEvent) -> None:
        """Listed afresh whenever the tab is looked at: sessions come and go elsewhere."""
        super().showEvent(event)
        self.refresh()

    def set_avatars(self, avatars: Sequence[Avatar]) -> None:
        self.avatar.set_records(avatars)

    def set_driven(self, session_id: str) -> None:
        self.driven = session_id
        self._update_buttons()

    def refresh(self) -> None:
        account, scope = self.account, str(self.scope.currentData())
        if account is None:
            return
        key = {
            "project": self.project.text(),
            "avatar": self.avatar.current.virtualman_key if self.avatar.current else "",
        }
        if not account.refresh(scope, key.get(scope, "")):
            self.summary.setText(
                self.tr("Not connected.") if scope == "account" else self.tr("Give the project or avatar first.")
            )
            return
        self.refresh_button.setEnabled(False)
        self.summary.setText(self.tr("Asking the platform…"))

    def _scope_changed(self) -> None:
        scope = self.scope.currentData()
        self.project.setVisible(scope == "project")
        self.avatar.setVisible(scope == "avatar")
        self._top.setStretch(3, 1 if scope == "account" else 0)  # the key's field, or else a gap, takes the room
        self.refresh()

    def _listed(self, listed: SessionList) -> None:
        self.refresh_button.setEnabled(True)
        if listed.scope != self.scope.currentData():
            return
        self.sessions = listed.sessions
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(listed.sessions))
        for row, s in enumerate(listed.sessions):
            words = QCoreApplication.translate("SessionsPanel", STATUS_WORDS.get(s.status, "")) or str(s.status)
            if s.session_id == self.driven:
                words = args(self.tr("%1 (driven here)"), words)
            drive = self.tr("audio and text") if s.driver_type == 3 else self.tr("text")
            cells = (s.session_id, s.user_id, words, drive, self.tr("yes") if s.started else self.tr("no"),
                     address_key(s.play_url) if s.play_url else "")  # fmt: skip
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, s.session_id)
                self.table.setItem(row, column, item)
        self.table.setSortingEnabled(True)
        open_count = len(listed.open)
        self.summary.setText(
            args(
                self.tr("%1 session(s), %2 open and billed · as of %3"),
                str(len(listed.sessions)),
                str(open_count),
                time.strftime("%H:%M:%S", time.localtime(listed.at)),
            )
        )
        self._update_buttons()

    def _failed(self, why: str) -> None:
        self.refresh_button.setEnabled(True)
        self.summary.setText(args(self.tr("Could not list the sessions: %1"), why))

    def selected(self) -> list[SessionSummary]:
        ids = {str(item.data(Qt.ItemDataRole.UserRole)) for item in self.table.selectedItems()}
        return [s for s in self.sessions if s.session_id in ids]

    def _update_buttons(self) -> None:
        chosen = [s for s in self.selected() if s.status in OPEN_STATUSES]
        others = [s for s in chosen if s.session_id != self.driven]
        self.close_button.setEnabled(bool(others))
        self.close_all_button.setEnabled(any(s.status in OPEN_STATUSES and s.session_id != self.driven
                                             for s in self.sessions))  # fmt: skip
        self.adopt_button.setEnabled(len(others) == 1 and not self.driven)

    def close_selected(self) -> None:
        self._confirm_close([s for s in self.selected() if s.status in OPEN_STATUSES and s.session_id != self.driven])

    def close_all(self) -> None:
        self._confirm_close([s for s in self.sessions if s.status in OPEN_STATUSES and s.session_id != self.driven])

    def _confirm_close(self, sessions: list[SessionSummary]) -> None:
        account = self.account
        if account is None or not sessions or self._question is not None:
            return
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Close live sessions"))
        box.setText(self.tr("Close %n session(s)? Whoever watches them loses the stream.", "", len(sessions)))
        box.setInformativeText("\n".join(f"{s.session_id} (UserId {s.user_id})" for s in sessions))
        close = box.addButton(self.tr("Close them"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        self._question = box

        def answered(_result: int) -> None:
            self._question = None
            box.deleteLater()
            if box.clickedButton() is close:
                self.summary.setText(self.tr("Closing…"))
                account.close([s.session_id for s in sessions])

        box.finished.connect(answered)
        box.open()

    def _adopt(self) -> None:
        chosen = [s for s in self.selected() if s.status in OPEN_STATUSES and s.session_id != self.driven]
        if len(chosen) == 1 and not self.driven:
            self.adopt_requested.emit(chosen[0])


__all__ = ["SessionsPanel"]
