"""The audio pacer's rhythm as a small live chart: the interval before each packet (the allowed 120–160 ms band
shaded), the lead over real time, and the real-time rate the platform judges (it wants [0.75, 1]). Fed by the
session's `audio_progress`; painted from a bounded history, a few hundred points at most."""

from __future__ import annotations

from collections import deque

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from desktop.api.audio_pacer import PacerFigures
from desktop.i18n import args

HISTORY = 120  # packets shown: ~17 s of sound
BAND_MS = (120.0, 160.0)
SCALE_MS = (0.0, 200.0)


class PacerChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.intervals: deque[float] = deque(maxlen=HISTORY)
        self.latest: PacerFigures | None = None
        self.setMinimumHeight(64)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setToolTip(self.tr("Interval before each sound packet; the shaded band is the allowed 120–160 ms"))

    def add(self, figures: PacerFigures) -> None:
        if figures.req_id != (self.latest.req_id if self.latest else ""):
            self.intervals.clear()  # a new drive
        if figures.interval_ms > 0:
            self.intervals.append(figures.interval_ms)
        self.latest = figures
        self.update()

    def _y(self, ms: float, area: QRectF) -> float:
        low, high = SCALE_MS
        share = (min(max(ms, low), high) - low) / (high - low)
        return area.bottom() - share * area.height()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        palette = self.palette()
        area = QRectF(self.rect()).adjusted(2, 16, -2, -2)
        painter.fillRect(self.rect(), palette.base())
        band = QRectF(area.left(), self._y(BAND_MS[1], area), area.width(), 0)
        band.setBottom(self._y(BAND_MS[0], area))
        painter.fillRect(band, QColor(46, 160, 67, 40))
        if len(self.intervals) > 1:
            step = area.width() / (HISTORY - 1)
            start = area.right() - step * (len(self.intervals) - 1)
            line = QPolygonF([QPointF(start + i * step, self._y(ms, area)) for i, ms in enumerate(self.intervals)])
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(QPen(palette.text().color(), 1.5))
            painter.drawPolyline(line)
            outside = [
                QPointF(start + i * step, self._y(ms, area))
                for i, ms in enumerate(self.intervals)
                if not BAND_MS[0] <= ms <= BAND_MS[1]
            ]
            painter.setPen(QPen(QColor("#b3261e"), 4))
            for point in outside:
                painter.drawPoint(point)
        painter.setPen(palette.text().color())
        figures = self.latest
        caption = (
            args(
                self.tr("rate %1 · ahead %2 ms · last %3 ms"),
                f"{figures.realtime_rate:.2f}",
                f"{max(0.0, figures.lead_ms):.0f}",
                f"{figures.interval_ms:.0f}",
            )
            if figures is not None
            else self.tr("No sound sent yet")
        )
        painter.drawText(QRectF(self.rect()).adjusted(4, 0, -4, 0), Qt.AlignmentFlag.AlignTop, caption)
        painter.end()


__all__ = ["PacerChart"]
