"""Records as a grid of pictures with a caption: a QListView in icon mode over the same filtered model as the table,
painted by a delegate that takes each picture from the ThumbnailLoader.

Until its picture is in memory a cell shows a placeholder figure; when the picture could not be had, the placeholder
is tinted and carries a Retry button (a click on it, or R on the selected cell, asks again; the tooltip says why).
Cells are all one size (uniformItemSizes), so 10,000 records lay out without measuring each one; when pictures
arrive, the visible cells are painted again at most every REPAINT_MS, not once per picture.

Keys: arrows move, Enter activates, Ctrl+C asks for the record's key to be copied (copy_requested), R retries.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QPoint, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QHelpEvent, QKeyEvent, QKeySequence, QMouseEvent, QPainter, QPainterPath, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolTip,
    QWidget,
)

from desktop.i18n import args
from desktop.ui.common.thumbnails import ThumbnailLoader
from desktop.ui.common.word_filter import ITEM_ROLE

Index = QModelIndex | QPersistentModelIndex
PICTURE = 132  # the picture's square, in device-independent pixels
PAD = 6
REPAINT_MS = 40


class ThumbnailDelegate(QStyledItemDelegate):
    def __init__(
        self,
        loader: ThumbnailLoader,
        picture: Callable[[Any], str],
        caption: Callable[[Any], tuple[str, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.loader = loader
        self.picture = picture  # a record's picture address ("" for none)
        self.caption = caption  # a record's title and second line
        self.retry_text = self.tr("Retry")

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        line = option.fontMetrics.height()
        return QSize(PICTURE + 2 * PAD, PICTURE + 2 * PAD + 2 * line + 4)

    def picture_rect(self, cell: QRect) -> QRect:
        return QRect(cell.x() + PAD, cell.y() + PAD, PICTURE, PICTURE)

    def retry_rect(self, cell: QRect) -> QRect:
        picture = self.picture_rect(cell)
        return QRect(picture.x() + 24, picture.bottom() - 34, picture.width() - 48, 26)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        record = index.data(ITEM_ROLE)
        cell: QRect = option.rect
        palette: QPalette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if selected:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.color(QPalette.ColorRole.Highlight))
            painter.drawRoundedRect(cell.adjusted(1, 1, -1, -1), 8, 8)
        url = self.picture(record) if record is not None else ""
        target = self.picture_rect(cell)
        pixmap = self.loader.pixmap(url)
        if pixmap is not None:
            shown = pixmap.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
            where = QRect(QPoint(0, 0), shown)
            where.moveCenter(target.center())
            clip = QPainterPath()
            clip.addRoundedRect(target, 6, 6)
            painter.setClipPath(clip)
            painter.fillRect(target, QColor("#e9ecf1"))
            painter.drawPixmap(where, pixmap)
            painter.setClipping(False)
        else:
            self._placeholder(painter, target, failed=bool(url) and self.loader.failure(url) is not None)
        title, subtitle = self.caption(record) if record is not None else ("", "")
        text_colour = palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        metrics = option.fontMetrics
        line = metrics.height()
        text_rect = QRect(cell.x() + PAD, target.bottom() + 4, cell.width() - 2 * PAD, line)
        painter.setPen(text_colour)
        painter.drawText(
            text_rect,
            Qt.AlignmentFlag.AlignHCenter,
            metrics.elidedText(title, Qt.TextElideMode.ElideRight, text_rect.width()),
        )
        painter.setPen(text_colour if selected else palette.color(QPalette.ColorRole.PlaceholderText))
        painter.drawText(text_rect.translated(0, line), Qt.AlignmentFlag.AlignHCenter,
                         metrics.elidedText(subtitle, Qt.TextElideMode.ElideRight, text_rect.width()))  # fmt: skip
        painter.restore()

    def _placeholder(self, painter: QPainter, target: QRect, failed: bool) -> None:
        """A grey figure (head and shoulders) while loading; tinted, with a Retry button, when it failed."""
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#f6e3e1" if failed else "#e9ecf1"))
        painter.drawRoundedRect(target, 6, 6)
        figure = QColor("#d8a9a4" if failed else "#c9d0da")
        painter.setBrush(figure)
        head = target.width() // 7
        centre = target.center()
        painter.drawEllipse(QPoint(centre.x(), target.y() + target.height() * 2 // 5), head, head)
        shoulders = QRect(centre.x() - head * 2, target.y() + target.height() * 2 // 5 + head + 4, head * 4, head * 3)
        painter.drawRoundedRect(shoulders, head, head)
        if failed:
            button = self.retry_rect(target.translated(-PAD, -PAD))
            painter.setBrush(QColor("#ffffff"))
            painter.setPen(QColor("#c0392b"))
            painter.drawRoundedRect(button, 12, 12)
            painter.drawText(button, Qt.AlignmentFlag.AlignCenter, "⟳ " + self.retry_text)

    def editorEvent(self, event: QEvent, model: Any, option: QStyleOptionViewItem, index: Index) -> bool:
        if event.type() == QEvent.Type.MouseButtonRelease and isinstance(event, QMouseEvent):
            url = self.picture(index.data(ITEM_ROLE))
            cell: QRect = option.rect
            if (
                url
                and self.loader.failure(url) is not None
                and self.retry_rect(cell).contains(event.position().toPoint())
            ):
                self.loader.retry(url)
                return True
        return super().editorEvent(event, model, option, index)

    def helpEvent(self, event: QHelpEvent, view: QAbstractItemView, option: QStyleOptionViewItem, index: Index) -> bool:
        url = self.picture(index.data(ITEM_ROLE)) if index.isValid() else ""
        why = self.loader.failure(url) if url else None
        if why is not None:
            QToolTip.showText(
                event.globalPos(), args(self.tr("The picture could not be loaded (%1). Click Retry."), why), view
            )
            return True
        return super().helpEvent(event, view, option, index)


class ThumbnailGrid(QListView):
    copy_requested = Signal()

    def __init__(
        self,
        loader: ThumbnailLoader,
        picture: Callable[[Any], str],
        caption: Callable[[Any], tuple[str, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.loader = loader
        self.delegate = ThumbnailDelegate(loader, picture, caption, self)
        self.setItemDelegate(self.delegate)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setMovement(QListView.Movement.Static)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setUniformItemSizes(True)
        self.setWrapping(True)
        self.setSpacing(4)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalScrollBar().setSingleStep(24)
        self.setMouseTracking(False)
        self._repaint = QTimer(self)
        self._repaint.setSingleShot(True)
        self._repaint.setInterval(REPAINT_MS)
        self._repaint.timeout.connect(self.viewport().update)
        loader.ready.connect(self._picture_changed)
        loader.failed.connect(self._picture_changed)

    def _picture_changed(self, _key: str) -> None:
        if self.isVisible() and not self._repaint.isActive():
            self._repaint.start()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_requested.emit()
            event.accept()
            return
        if event.key() == Qt.Key.Key_R and not event.modifiers():
            url = self.delegate.picture(self.currentIndex().data(ITEM_ROLE)) if self.currentIndex().isValid() else ""
            if url:
                self.loader.retry(url)
                event.accept()
                return
        super().keyPressEvent(event)


__all__ = ["ThumbnailDelegate", "ThumbnailGrid"]
