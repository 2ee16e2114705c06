"""The script sheet: a show's lines as cues, spoken through the speech queue (desktop/services/speech_queue.py).

Paste a block of lines (one cue per line, "~" for idle filler) and press "Use these lines"; Play runs the script in
order; an interrupt pauses it at the cut cue, which Play says again. With the cue list focused: 1-9 say that cue
now, Enter says the selected cue now, Q queues it (after the current line), S skips it (again: puts it back).
Double-click says a cue now. The sheet is kept in the data folder as it changes (nothing lost on a crash) and can be
saved to and opened from a text file; the file work runs on the engine's worker threads.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import args
from desktop.services.engine import Bridge
from desktop.services.speech_queue import CueState, Sheet, SpeechQueue

SHEET_FILTER = "*.txt"


class ScriptSheet(QWidget):
    problem = Signal(str)

    def __init__(self, queue: SpeechQueue, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.queue = queue
        self.bridge: Bridge | None = None
        self.keep_file: Path | None = None  # where the sheet is kept between runs
        self._dialog: QFileDialog | None = None
        self.state_words = {
            CueState.WAITING: "",
            CueState.QUEUED: self.tr("queued"),
            CueState.SPEAKING: self.tr("speaking"),
            CueState.CUT: self.tr("cut: resumes here"),
            CueState.DONE: self.tr("said"),
            CueState.SKIPPED: self.tr("skipped"),
        }

        self.lines = QPlainTextEdit(self)
        self.lines.setPlaceholderText(
            self.tr("Paste the script: one cue per line; start a line with ~ for idle filler")
        )
        self.lines.setMaximumHeight(90)
        self.use_button = QPushButton(self.tr("Use these lines"), self)
        self.use_button.clicked.connect(self.use_lines)
        self.cues = QTableWidget(0, 3, self)
        self.cues.setHorizontalHeaderLabels([self.tr("Key"), self.tr("Cue"), self.tr("State")])
        self.cues.verticalHeader().setVisible(False)
        self.cues.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.cues.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.cues.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.cues.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.cues.installEventFilter(self)
        self.cues.cellDoubleClicked.connect(lambda row, _column: self.queue.send_now(row))
        self.play_button = QPushButton(self.tr("Play script"), self)
        self.play_button.setCheckable(True)
        self.play_button.toggled.connect(self._play_toggled)
        self.open_button = QPushButton(self.tr("Open…"), self)
        self.open_button.clicked.connect(self.open_sheet)
        self.save_button = QPushButton(self.tr("Save…"), self)
        self.save_button.clicked.connect(self.save_sheet)
        self.idle = QSpinBox(self)
        self.idle.setRange(5, 3600)
        self.idle.setValue(int(queue.idle_after_s))
        self.idle.setSuffix(self.tr(" s"))
        self.idle.setToolTip(self.tr("Say an idle filler line after this long without speech"))
        self.idle.valueChanged.connect(lambda seconds: setattr(self.queue, "idle_after_s", float(seconds)))
        self.summary = QLabel("", self)
        self.summary.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(self.play_button)
        top.addWidget(self.open_button)
        top.addWidget(self.save_button)
        top.addStretch(1)
        filler = QHBoxLayout()
        filler.addWidget(QLabel(self.tr("Idle filler after"), self))
        filler.addWidget(self.idle)
        filler.addStretch(1)
        paste = QHBoxLayout()
        paste.addWidget(self.lines, 1)
        paste.addWidget(self.use_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(filler)
        layout.addLayout(paste)
        layout.addWidget(self.cues, 1)
        layout.addWidget(self.summary)
        self.refresh()

    # --- keys on the cue list ---

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.cues and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key, row = event.key(), self.cues.currentRow()
            actions: dict[int, Callable[[], None]] = {
                Qt.Key.Key_Return: lambda: self.queue.send_now(row),
                Qt.Key.Key_Enter: lambda: self.queue.send_now(row),
                Qt.Key.Key_Q: lambda: self.queue.queue_cue(row),
                Qt.Key.Key_S: lambda: self.queue.skip(row),
            }
            if Qt.Key.Key_1 <= key <= Qt.Key.Key_9 and not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                self.queue.send_now(key - Qt.Key.Key_1)
                return True
            if key in actions and row >= 0:
                actions[key]()
                return True
        return super().eventFilter(watched, event)

    # --- the sheet ---

    def use_lines(self) -> None:
        sheet = Sheet.parse(self.lines.toPlainText())
        if not sheet.cues and not sheet.fillers:
            self.problem.emit(self.tr("No lines to use: paste the script first, one cue per line."))
            return
        self.load(sheet)
        self.keep()

    def load(self, sheet: Sheet) -> None:
        self.play_button.setChecked(False)
        self.queue.load(sheet)
        self.lines.setPlainText(sheet.dump())

    def refresh(self) -> None:
        """Show the queue's state (called whenever it changes)."""
        queue = self.queue
        if self.cues.rowCount() != len(queue.cues):
            self.cues.setRowCount(len(queue.cues))
        for row, cue in enumerate(queue.cues):
            key = str(row + 1) if row < 9 else ""
            for column, text in enumerate((key, cue.text, self.state_words[cue.state])):
                item = self.cues.item(row, column)
                if item is None:
                    item = QTableWidgetItem()
                    self.cues.setItem(row, column, item)
                if item.text() != text:
                    item.setText(text)
        if self.play_button.isChecked() != queue.playing:
            self.play_button.blockSignals(True)
            self.play_button.setChecked(queue.playing)
            self.play_button.blockSignals(False)
        self.play_button.setText(self.tr("Pause script") if queue.playing else self.tr("Play script"))
        said = sum(cue.state is CueState.DONE for cue in queue.cues)
        self.summary.setText(
            args(
                self.tr("%1 of %2 cues said · %3 filler lines"),
                str(said),
                str(len(queue.cues)),
                str(len(queue.fillers)),
            )
        )

    def _play_toggled(self, playing: bool) -> None:
        if playing:
            self.queue.play()
        else:
            self.queue.pause()

    # --- files (on the engine's worker threads) ---

    def restore(self, bridge: Bridge, keep_file: Path) -> None:
        """Read the sheet kept by the last run, if any."""
        self.bridge, self.keep_file = bridge, keep_file

        def read() -> str:
            return keep_file.read_text(encoding="utf-8") if keep_file.exists() else ""

        def got(text: str) -> None:
            if text and not self.queue.cues:
                self.load(Sheet.parse(text))

        bridge.call_blocking(read, self, got, lambda error: self.problem.emit(str(error)))

    def keep(self) -> None:
        if self.bridge is not None and self.keep_file is not None:
            self._write(self.keep_file, self.queue.sheet.dump(), quiet=True)

    def open_sheet(self) -> None:
        self._file_dialog(QFileDialog.AcceptMode.AcceptOpen, self._read_chosen)

    def save_sheet(self) -> None:
        self._file_dialog(QFileDialog.AcceptMode.AcceptSave, self._save_chosen)

    def _file_dialog(self, mode: QFileDialog.AcceptMode, chosen: Callable[[str], None]) -> None:
        if self._dialog is not None:
            self._dialog.deleteLater()
        dialog = QFileDialog(self, self.tr("Script sheet"))
        dialog.setAcceptMode(mode)
        dialog.setDefaultSuffix("txt")
        dialog.setNameFilters([args(self.tr("Script sheets (%1)"), SHEET_FILTER), self.tr("All files (*)")])
        if mode is QFileDialog.AcceptMode.AcceptOpen:
            dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(chosen)
        self._dialog = dialog
        dialog.open()

    def _read_chosen(self, chosen: str) -> None:
        self.read_file(Path(chosen))

    def _save_chosen(self, chosen: str) -> None:
        self._write(Path(chosen), self.queue.sheet.dump(), quiet=False)

    def read_file(self, path: Path) -> None:
        if self.bridge is None:
            return

        def loaded(text: str) -> None:
            self.load(Sheet.parse(text))
            self.keep()

        def failed(error: BaseException) -> None:
            self.problem.emit(args(self.tr("The sheet could not be read from %1: %2"), str(path), self._why(error)))

        self.bridge.call_blocking(lambda: path.read_text(encoding="utf-8"), self, loaded, failed)

    def _write(self, path: Path, text: str, *, quiet: bool) -> None:
        if self.bridge is None:
            return

        def write() -> None:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(path.name + ".part")
            partial.write_text(text, encoding="utf-8")
            partial.replace(path)  # a crash mid-write leaves the previous sheet whole

        def written(_: None) -> None:
            if not quiet:
                self.problem.emit(args(self.tr("Sheet saved to %1"), str(path)))

        def failed(error: BaseException) -> None:
            self.problem.emit(args(self.tr("The sheet could not be saved to %1: %2"), str(path), self._why(error)))

        self.bridge.call_blocking(write, self, written, failed)

    def _why(self, error: BaseException) -> str:
        if isinstance(error, UnicodeDecodeError):
            return self.tr("not a UTF-8 text file")
        if isinstance(error, OSError):
            return error.strerror or type(error).__name__
        return str(error)


__all__ = ["ScriptSheet"]
