"""Status bar pieces: the connection health light and the running-work indicator."""

from __future__ import annotations

from PySide6 import QtCore
from PySide6.QtCore import Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QWidget

from desktop.i18n import args
from desktop.ui.style import HEALTH_COLOURS


class HealthIndicator(QWidget):
    """A coloured dot and a short text; the full explanation is its tooltip. Clicking it asks for Settings."""

    clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.setSpacing(6)
        self.dot = QLabel(self)
        self.dot.setFixedSize(10, 10)
        self.text = QLabel(self)
        layout.addWidget(self.dot)
        layout.addWidget(self.text)
        self.health = "unknown"
        self.show_health("unknown", self.tr("Not connected yet"))

    def show_health(self, health: str, text: str) -> None:
        self.health = health
        colour = HEALTH_COLOURS.get(health, HEALTH_COLOURS["unknown"])
        self.dot.setStyleSheet(f"background: {colour}; border-radius: 5px;")
        first_sentence = text.split(". ", maxsplit=1)[0].rstrip(".")
        short = first_sentence if len(first_sentence) <= 70 else first_sentence[:67] + "…"
        self.text.setText(short)
        self.setToolTip(text)
        self.setAccessibleName(args(self.tr("Connection: %1"), text))

    def finish(self) -> None:
        """After the window is first shown: the Qt namespace (even importing the name `Qt`) builds ~150 enums,
        tens of milliseconds the window should not wait for."""
        self.setCursor(QtCore.Qt.CursorShape.PointingHandCursor)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == QtCore.Qt.MouseButton.LeftButton:
            self.clicked.emit()
        super().mouseReleaseEvent(event)


class WorkIndicator(QWidget):
    """'N running' with a busy bar; hidden when nothing runs."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 0)
        self.bar.setFixedSize(60, 10)
        self.bar.setTextVisible(False)
        self.label = QLabel(self)
        layout.addWidget(self.bar)
        layout.addWidget(self.label)
        self.set_running(0)

    def set_running(self, count: int) -> None:
        self.label.setText(args(self.tr("Requests running: %1"), count))
        self.setVisible(count > 0)
