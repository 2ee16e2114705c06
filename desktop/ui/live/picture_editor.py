"""Where the avatar stands in the live picture (updatesessionconfig's SpaceParam): across (-0.5 to 0.5 of the width
from the centre), down (-0.5 to 0.25 of the height from standing on the bottom edge), zoom (1: the full height;
0.25 to 2 recommended) and a background picture (jpg or png under 1 MB). A sketch shows the frame and the figure as
the values place it; every change is applied to the running session through PictureUpdates, at most one call per
5 s, the latest change always the one that lands.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import args
from desktop.services.picture_updates import PictureUpdates
from desktop.services.update_throttle import PictureChange


class PlacementSketch(QWidget):
    """The frame with the figure where the values put it (a figure as tall as the frame at zoom 1)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.position, self.vertical, self.zoom = 0.0, 0.0, 1.0
        self.aspect = 16 / 9
        self.setMinimumSize(160, 90)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def place(self, position: float, vertical: float, zoom: float) -> None:
        self.position, self.vertical, self.zoom = position, vertical, zoom
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        width = min(float(self.width() - 2), (self.height() - 2) * self.aspect)
        height = width / self.aspect
        frame = QRectF((self.width() - width) / 2, (self.height() - height) / 2, width, height)
        painter.fillRect(frame, QColor("#1c1f24"))
        painter.setClipRect(frame)
        figure_h = height * self.zoom
        figure_w = figure_h * 0.45
        centre = frame.center().x() + self.position * width
        bottom = frame.bottom() + self.vertical * height
        body = QRectF(centre - figure_w / 2, bottom - figure_h * 0.62, figure_w, figure_h * 0.62)
        head = QRectF(centre - figure_w * 0.22, bottom - figure_h, figure_w * 0.44, figure_h * 0.4)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#8ab4f8"))
        painter.drawRoundedRect(body, figure_w * 0.3, figure_w * 0.3)
        painter.drawEllipse(head)
        painter.setClipping(False)
        painter.setPen(QPen(self.palette().mid().color(), 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(frame)
        painter.end()


class PictureEditor(QWidget):
    offered = Signal(object)  # PictureChange

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.updates: PictureUpdates | None = None
        self.position = self._spin(-0.5, 0.5, 0.0, self.tr("Across, from the centre: -0.5 left edge, 0.5 right"))
        self.vertical = self._spin(-0.5, 0.25, 0.0, self.tr("Down from standing on the bottom edge"))
        self.zoom = self._spin(0.05, 4.0, 1.0, self.tr("1 is as tall as the picture; 0.25 to 2 recommended"))
        self.background = QLineEdit(self)
        self.background.setPlaceholderText(self.tr("https://…/background.jpg (jpg or png under 1 MB; optional)"))
        self.background.editingFinished.connect(self._changed)
        self.reset_button = QPushButton(self.tr("Reset"), self)
        self.reset_button.clicked.connect(self.reset)
        self.sketch = PlacementSketch(self)
        self.state = QLabel("", self)
        self.state.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Across"), self.position)
        form.addRow(self.tr("Down"), self.vertical)
        form.addRow(self.tr("Zoom"), self.zoom)
        form.addRow(self.tr("Background"), self.background)
        top = QHBoxLayout()
        top.addLayout(form, 1)
        top.addWidget(self.sketch, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        buttons = QHBoxLayout()
        buttons.addWidget(self.reset_button)
        buttons.addWidget(self.state, 1)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.set_live(False)

    def _spin(self, low: float, high: float, value: float, tip: str) -> QDoubleSpinBox:
        spin = QDoubleSpinBox(self)
        spin.setRange(low, high)
        spin.setSingleStep(0.05)
        spin.setDecimals(2)
        spin.setValue(value)
        spin.setToolTip(tip)
        spin.valueChanged.connect(self._changed)
        return spin

    def attach(self, updates: PictureUpdates) -> None:
        self.updates = updates
        updates.waiting.connect(self._waiting)
        updates.applied.connect(lambda _change: self.state.setText(self.tr("Applied to the stream.")))
        updates.failed.connect(lambda why: self.state.setText(args(self.tr("Not applied: %1"), why)))
        self.offered.connect(updates.offer)

    def set_live(self, live: bool) -> None:
        self.setEnabled(live)
        self.state.setText(
            self.tr("Each change goes to the stream (the platform takes one per 5 s).")
            if live
            else self.tr("Changes apply to a live session.")
        )

    def set_aspect(self, width: int, height: int) -> None:
        if width > 0 and height > 0:
            self.sketch.aspect = width / height
            self.sketch.update()

    def change(self) -> PictureChange:
        space: dict[str, object] = {
            "ImagePosition": round(self.position.value(), 2),
            "ImagePositionVertical": round(self.vertical.value(), 2),
            "ImageZoom": round(self.zoom.value(), 2),
        }
        if url := self.background.text().strip():
            space["BackgroundUrl"] = url
        return PictureChange(space=space)

    def reset(self) -> None:
        for spin, value in ((self.position, 0.0), (self.vertical, 0.0), (self.zoom, 1.0)):
            spin.blockSignals(True)
            spin.setValue(value)
            spin.blockSignals(False)
        self._changed()

    def _changed(self) -> None:
        self.sketch.place(self.position.value(), self.vertical.value(), self.zoom.value())
        if self.isEnabled():
            self.offered.emit(self.change())

    def _waiting(self, seconds: float) -> None:
        if seconds > 0:
            self.state.setText(
                args(self.tr("The platform takes one change per 5 s: the latest goes in %1 s."), f"{seconds:.1f}")
            )


__all__ = ["PictureEditor", "PlacementSketch"]
