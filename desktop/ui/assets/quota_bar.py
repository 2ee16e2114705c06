"""The Quotas table's "Left" column as a bar: what is left of an hour package or a customization quota, red under
10% (the alert threshold of services/quota_watch.py). A concurrency has nothing to use up: text only."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionProgressBar, QStyleOptionViewItem

from desktop.api.assets import ServiceAsset
from desktop.services import quota_watch
from desktop.ui.common.word_filter import ITEM_ROLE

Index = QModelIndex | QPersistentModelIndex


class QuotaBarDelegate(QStyledItemDelegate):
    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        record = index.data(ITEM_ROLE)
        left = quota_watch.remaining(record) if isinstance(record, ServiceAsset) else None
        if left is None or left.unit == "concurrency" or left.total <= 0:
            super().paint(painter, option, index)
            return
        bar = QStyleOptionProgressBar()
        bar.rect = QRect(option.rect.adjusted(2, 3, -2, -3))
        bar.minimum, bar.maximum = 0, 1000
        bar.progress = round(1000 * max(0.0, min(1.0, left.share)))
        bar.text = str(index.data())
        bar.textVisible = True
        bar.state = option.state
        if left.share < quota_watch.LOW_SHARE:
            bar.palette.setColor(bar.palette.ColorRole.Highlight, QColor("#c0392b"))
        style = option.widget.style() if option.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter)
