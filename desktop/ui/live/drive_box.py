"""The operator's text box: Ctrl+Enter says the text now (it cuts the line being said; a cut script cue is said
again afterwards), Ctrl+Shift+Enter says it after the current line, Esc interrupts. "Stream as I type" sends the
text a clause at a time while it is written (SEND_STREAMTEXT), Ctrl+Enter then ends it; "Clause mode" keeps the
platform from rearranging the clauses; "Let the chatbot answer" hands the text to a customer-service bot bound to the
project instead of saying it as written (ChatCommand).

The box only says what was asked (signals); the page decides who speaks it (the speech queue, the session).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QCheckBox, QGridLayout, QHBoxLayout, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from desktop.services.stream_composer import StreamComposer


class DriveBox(QWidget):
    say_now = Signal(str)  # the whole text, to say at once
    say_next = Signal(str)  # the whole text, after the current line
    interrupt = Signal()
    stream_fragment = Signal(str, bool)  # a fragment of streaming text, and whether it is the last
    refused = Signal(str)  # why the text was not sent (it stays in the box), in words

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.live = False
        self.composer = StreamComposer()
        self.text = QPlainTextEdit(self)
        self.text.setPlaceholderText(self.tr("What the avatar says (Ctrl+Enter sends, Esc interrupts)"))
        self.text.setMaximumHeight(110)
        self.text.installEventFilter(self)  # the keys in the box itself, whether the window is active or not
        self.text.textChanged.connect(self._typed)
        self.send_button = QPushButton(self.tr("Send"), self)
        self.send_button.setToolTip(self.tr("Say this now (Ctrl+Enter)"))
        self.send_button.clicked.connect(self.send)
        self.reply_button = QPushButton(self.tr("Reply next"), self)
        self.reply_button.setToolTip(
            self.tr("Say this after the current line, before the script goes on (Ctrl+Shift+Enter)")
        )
        self.reply_button.clicked.connect(self.reply)
        self.interrupt_button = QPushButton(self.tr("Interrupt"), self)
        self.interrupt_button.setToolTip(self.tr("Stop the speech now (Esc)"))
        self.interrupt_button.clicked.connect(self.interrupt.emit)
        self.streaming = QCheckBox(self.tr("Stream as I type"), self)
        self.streaming.setToolTip(
            self.tr("Send each clause as soon as it is typed or pasted; Ctrl+Enter ends the text")
        )
        self.streaming.toggled.connect(self._streaming_toggled)
        self.clauses = QCheckBox(self.tr("Clause mode"), self)
        self.clauses.setToolTip(self.tr("The platform says the clauses as sent, without rearranging them"))
        self.chat = QCheckBox(self.tr("Let the chatbot answer"), self)
        self.chat.setToolTip(
            self.tr("For a project bound to a customer-service bot: the bot's knowledge base answers this text")
        )
        buttons = QHBoxLayout()
        buttons.addWidget(self.send_button)
        buttons.addWidget(self.reply_button)
        buttons.addWidget(self.interrupt_button)
        buttons.addStretch(1)
        options = QGridLayout()  # two rows: the pane must stay narrow beside the stream
        options.addWidget(self.streaming, 0, 0)
        options.addWidget(self.clauses, 0, 1)
        options.addWidget(self.chat, 1, 0, 1, 2)
        options.setColumnStretch(2, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.text)
        layout.addLayout(buttons)
        layout.addLayout(options)
        self._streaming_toggled(False)

    def set_live(self, live: bool) -> None:
        self.live = live
        for widget in (self.send_button, self.reply_button, self.interrupt_button):
            widget.setEnabled(live)

    def _kept(self) -> bool:
        """Not live: the text stays in the box (Ctrl+Enter reaches here with the buttons disabled), and says so."""
        if self.live:
            return False
        if self.text.toPlainText().strip():
            self.refused.emit(self.tr("Not live yet: the text stays in the box until the session is live."))
        return True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.text and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            modifiers = event.modifiers()
            if modifiers & Qt.KeyboardModifier.ControlModifier and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if modifiers & Qt.KeyboardModifier.ShiftModifier:
                    self.reply()
                else:
                    self.send()
                return True
            if event.key() == Qt.Key.Key_Escape:
                self.interrupt.emit()
                return True
        return super().eventFilter(watched, event)

    def send(self) -> None:
        if self._kept():
            return
        text = self.text.toPlainText()
        if self.streaming.isChecked():
            started = self.composer.started
            pieces = self.composer.finish(text) or ([""] if started else [])  # an empty last fragment ends it
            for index, piece in enumerate(pieces):
                self.stream_fragment.emit(piece, index == len(pieces) - 1)
            self._clear()
            return
        if text.strip():
            self.say_now.emit(text.strip())
            self._clear()

    def reply(self) -> None:
        if self._kept():
            return
        text = self.text.toPlainText().strip()
        if text and not self.streaming.isChecked():
            self.say_next.emit(text)
            self._clear()

    def _typed(self) -> None:
        if self.streaming.isChecked() and self.send_button.isEnabled():
            for piece in self.composer.typed(self.text.toPlainText()):
                self.stream_fragment.emit(piece, False)

    def _streaming_toggled(self, streaming: bool) -> None:
        self.composer = StreamComposer()
        self.clauses.setEnabled(streaming)
        self.chat.setEnabled(not streaming)  # ChatCommand belongs to SEND_TEXT
        self.reply_button.setVisible(not streaming)

    def _clear(self) -> None:
        self.text.blockSignals(True)
        self.text.clear()
        self.text.blockSignals(False)
        self.composer = StreamComposer()


__all__ = ["DriveBox"]
