"""What the drive channel says, per drive: a row per ReqId (when it was sent, what it said, its latest status, the
time from Send to its start) with a child row per status as it came (WaitingTextStart, TextStart, TextOver,
AudioStart, AudioOver with who ended it, Error in words, Sentence* of streaming text), each with its time since Send.

After an interrupt, the end of the drive that was playing is marked with the time from the interrupt to it: the
moment the avatar fell silent, as the platform reports it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from desktop.api.drive import Downstream
from desktop.i18n import QT_TRANSLATE_NOOP, args

LIMIT = 2000  # drives kept; older ones fall off
STARTS = ("TextStart", "AudioStart", "SentenceStart")
ENDS = ("TextOver", "AudioOver", "Error")
FINAL_TYPES = {
    1: QT_TRANSLATE_NOOP("Timeline", "ended by us"),
    2: QT_TRANSLATE_NOOP("Timeline", "ended by the platform: no sound came"),
}


@dataclass
class DriveRow:
    """One drive: when it was sent, its row, and when each status was first seen."""

    item: QTreeWidgetItem
    sent_at: float
    seen: dict[str, float] = field(default_factory=dict)

    @property
    def playing(self) -> bool:
        return any(start in self.seen for start in STARTS) and not any(end in self.seen for end in ENDS)


class Timeline(QTreeWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderLabels([self.tr("Sent"), self.tr("Drive"), self.tr("Status"), self.tr("Latency")])
        self.setRootIsDecorated(True)
        self.setUniformRowHeights(True)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)  # the drive's text takes the room left
        for column in (0, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.drives: dict[str, DriveRow] = {}
        self._interrupted_at: float | None = None
        self._interrupted: str = ""  # the drive playing when the interrupt went
        self.silence_ms: list[float] = []  # interrupt → end of the playing drive, each time

    def start_over(self) -> None:
        self.clear()
        self.drives.clear()
        self._interrupted_at, self._interrupted = None, ""

    def add_drive(self, req_id: str, text: str, sent_at: float | None = None) -> DriveRow:
        row = self.drives.get(req_id)
        if row is not None:  # a streaming text's next fragment: the same drive
            if text:
                row.item.setText(1, (row.item.text(1) + text)[-500:])
            return row
        item = QTreeWidgetItem([time.strftime("%H:%M:%S"), text or req_id[:8], self.tr("sent"), ""])
        item.setToolTip(1, req_id)
        self.addTopLevelItem(item)
        while self.topLevelItemCount() > LIMIT:
            old = self.takeTopLevelItem(0)
            self.drives = {k: v for k, v in self.drives.items() if v.item is not old}
        self.scrollToItem(item)
        row = DriveRow(item, time.monotonic() if sent_at is None else sent_at)
        self.drives[req_id] = row
        return row

    def interrupted(self) -> None:
        """The operator interrupted now: the playing drive's end will say how long the silence took."""
        playing = [req_id for req_id, row in self.drives.items() if row.playing]
        if playing:
            self._interrupted_at, self._interrupted = time.monotonic(), playing[-1]

    def message(self, message: Downstream) -> str:
        """Show a downstream message; returns the status it stands for ("" when it repeats one already seen)."""
        now = time.monotonic()
        status = message.speak_status or str(message.type)
        drive = self.drives.get(message.req_id)
        if drive is None:  # a drive of an earlier connection, or a message for no drive (an idle timeout)
            drive = self.add_drive(message.req_id, "", sent_at=now)
        if status in drive.seen and not status.startswith("Sentence"):
            return ""
        drive.seen.setdefault(status, now)
        child = QTreeWidgetItem(["", "", status, "+" + self.ms(now - drive.sent_at)])
        if message.failed:
            error = message.error()
            child.setText(1, str(error) if error is not None else message.error_message)
            child.setForeground(2, Qt.GlobalColor.red)
        elif status == "AudioOver" and message.final_type in FINAL_TYPES:
            child.setText(1, QCoreApplication.translate("Timeline", FINAL_TYPES[message.final_type]))
        elif message.type == 4 and message.text:
            child.setText(1, message.text)
        if status in ENDS and message.req_id == self._interrupted and self._interrupted_at is not None:
            silence = now - self._interrupted_at
            self.silence_ms.append(silence * 1000)
            child.setText(1, args(self.tr("silent %1 after the interrupt"), self.ms(silence)))
            self._interrupted_at, self._interrupted = None, ""
        drive.item.addChild(child)
        drive.item.setText(2, status)
        if status in STARTS and not drive.item.text(3):
            drive.item.setText(3, self.ms(now - drive.sent_at))
        drive.item.setExpanded(True)
        return status

    def said(self) -> list[str]:
        """The drives' texts in the order they were sent."""
        return [row.item.text(1) for row in self.drives.values()]

    def ms(self, seconds: float) -> str:
        return args(self.tr("%1 ms"), f"{seconds * 1000:.0f}")


__all__ = ["DriveRow", "Timeline"]
