"""Records as a grid of pictures with a caption: an item view of equal cells over the same filtered model as the
table, painted by a delegate that takes each picture from the ThumbnailLoader.

Until its picture is in memory a cell shows a placeholder figure; when the picture could not be had, the placeholder
is tinted and carries a Retry button (a click on it, or R on the selected cell, asks again; the tooltip says why).
Cells are all one size, so 10,000 records lay out without asking the model anything; when pictures arrive (told in
batches by the loader), the visible cells that show them are painted again.

Keys: arrows move, Enter activates, Ctrl+C asks for the record's key to be copied (copy_requested), R retries.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFontMetrics,
    QHelpEvent,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPixmap,
    QRegion,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
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
BACKDROP = QColor("#e9ecf1")  # behind a picture narrower than its square
CAPTION_CACHE = 20_000
ALIGN_CENTRE = int(Qt.AlignmentFlag.AlignHCenter)  # an int: flag arithmetic per cell costs in Python
SPACING = 8  # between cells


@dataclass(frozen=True)
class Colours:
    """The palette's colours a cell uses, looked up once per paint rather than once per cell."""

    highlight: QColor
    selected_text: QColor
    text: QColor
    quiet_text: QColor

    @classmethod
    def of(cls, palette: QPalette) -> Colours:
        role = QPalette.ColorRole
        return cls(palette.color(role.Highlight), palette.color(role.HighlightedText), palette.color(role.Text),
                   palette.color(role.PlaceholderText))  # fmt: skip


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
        self._placeholders: dict[tuple[bool, float], QPixmap] = {}
        self._elided: dict[Any, tuple[str, str]] = {}

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        return self.cell_size(option.fontMetrics.height())

    def cell_size(self, line_height: int) -> QSize:
        """The picture and two caption lines."""
        return QSize(PICTURE + 2 * PAD, PICTURE + 2 * PAD + 2 * line_height + 4)

    def picture_rect(self, cell: QRect) -> QRect:
        return QRect(cell.x() + PAD, cell.y() + PAD, PICTURE, PICTURE)

    def retry_rect(self, cell: QRect) -> QRect:
        picture = self.picture_rect(cell)
        return QRect(picture.x() + 24, picture.bottom() - 34, picture.width() - 48, 26)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        widget = option.widget
        colours = Colours.of(option.palette)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        ratio = widget.devicePixelRatioF() if isinstance(widget, QWidget) else 1.0
        self.paint_cell(
            painter, option.rect, index.data(ITEM_ROLE), selected, False, colours, option.fontMetrics, ratio
        )

    def paint_cell(
        self,
        painter: QPainter,
        cell: QRect,
        record: Any,
        selected: bool,
        current: bool,
        colours: Colours,
        metrics: QFontMetrics,
        ratio: float,
    ) -> None:
        """One cell. Called for every visible cell at each scroll step, in Python: it makes few calls, and the
        costly parts (the antialiased placeholder, the elided captions) are drawn or measured once and reused."""
        if selected or current:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            if selected:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(colours.highlight)
            else:
                painter.setPen(colours.highlight)
                painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(cell.adjusted(1, 1, -1, -1), 8, 8)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        url = self.picture(record) if record is not None else ""
        left, top = cell.x() + PAD, cell.y() + PAD
        pixmap = self.loader.pixmap(url)
        if pixmap is not None:
            shown = pixmap.deviceIndependentSize().toSize().scaled(PICTURE, PICTURE, Qt.AspectRatioMode.KeepAspectRatio)
            painter.fillRect(left, top, PICTURE, PICTURE, BACKDROP)
            painter.drawPixmap(
                left + (PICTURE - shown.width()) // 2, top + (PICTURE - shown.height()) // 2,
                shown.width(), shown.height(), pixmap,
            )  # fmt: skip
        else:
            failed = bool(url) and self.loader.failure(url) is not None
            painter.drawPixmap(left, top, self._placeholder(failed, ratio))
        title, subtitle = self._captions(record, metrics)
        line = metrics.height()
        painter.setPen(colours.selected_text if selected else colours.text)
        painter.drawText(left, top + PICTURE + 4, PICTURE, line, ALIGN_CENTRE, title)
        painter.setPen(colours.selected_text if selected else colours.quiet_text)
        painter.drawText(left, top + PICTURE + 4 + line, PICTURE, line, ALIGN_CENTRE, subtitle)

    def _captions(self, record: Any, metrics: QFontMetrics) -> tuple[str, str]:
        """The record's two lines, elided to the cell's width (kept per record: a cell is painted many times)."""
        if record is None:
            return "", ""
        try:
            return self._elided[record]
        except (KeyError, TypeError):  # TypeError: a record that cannot be a key (not hashable)
            pass
        width = PICTURE
        title, subtitle = self.caption(record)
        lines = (
            metrics.elidedText(title, Qt.TextElideMode.ElideRight, width),
            metrics.elidedText(subtitle, Qt.TextElideMode.ElideRight, width),
        )
        if len(self._elided) > CAPTION_CACHE:
            self._elided.clear()
        with contextlib.suppress(TypeError):
            self._elided[record] = lines
        return lines

    def _placeholder(self, failed: bool, ratio: float) -> QPixmap:
        """A grey figure (head and shoulders) while loading; tinted, with a Retry button, when it failed. Drawn once
        per kind and screen, antialiased."""
        kept = self._placeholders.get((failed, ratio))
        if kept is not None:
            return kept
        pixmap = QPixmap(round(PICTURE * ratio), round(PICTURE * ratio))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        target = QRect(0, 0, PICTURE, PICTURE)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#f6e3e1" if failed else "#e9ecf1"))
        painter.drawRoundedRect(target, 6, 6)
        painter.setBrush(QColor("#d8a9a4" if failed else "#c9d0da"))
        head = target.width() // 7
        centre = target.center()
        painter.drawEllipse(QPoint(centre.x(), target.y() + target.height() * 2 // 5), head, head)
        shoulders = QRect(centre.x() - head * 2, target.y() + target.height() * 2 // 5 + head + 4, head * 4, head * 3)
        painter.drawRoundedRect(shoulders, head, head)
        if failed:
            button = self.retry_rect(QRect(-PAD, -PAD, 0, 0))
            painter.setBrush(QColor("#ffffff"))
            painter.setPen(QColor("#c0392b"))
            painter.drawRoundedRect(button, 12, 12)
            painter.drawText(button, Qt.AlignmentFlag.AlignCenter, "⟳ " + self.retry_text)
        painter.end()
        self._placeholders[(failed, ratio)] = pixmap
        return pixmap

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


class ThumbnailGrid(QAbstractItemView):
    """A grid of equal cells whose geometry is arithmetic: a cell's place is its row number divided by the columns
    that fit, so laying out 10,000 records asks the model for nothing, and painting asks only for the visible cells
    (QListView's icon mode asks the model for every row's index at each layout: 10,000 calls into the Python proxy
    per keystroke, 80 ms)."""

    copy_requested = Signal()

    def __init__(
        self,
        loader: ThumbnailLoader,
        picture: Callable[[Any], str],
        caption: Callable[[Any], tuple[str, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        # Set before any Qt call: setting a mode makes Qt call updateGeometries(), which reads them.
        self.loader = loader
        self._cell: QSize | None = None
        self.delegate = ThumbnailDelegate(loader, picture, caption, self)
        self.setItemDelegate(self.delegate)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        loader.changed.connect(self._pictures_changed)

    # --- geometry ---

    def cell_size(self) -> QSize:
        """A cell with its spacing (measured once: the font decides the caption's height)."""
        if self._cell is None:
            self._cell = self.delegate.cell_size(self.fontMetrics().height()) + QSize(SPACING, SPACING)
        return self._cell

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._cell = None
            self.updateGeometries()
        super().changeEvent(event)

    def _count(self) -> int:
        model = self.model()
        return model.rowCount(self.rootIndex()) if model is not None else 0

    def _columns(self) -> int:
        return max(1, (self.viewport().width() - SPACING) // self.cell_size().width())

    def _left(self) -> int:
        """Where the first column starts: the cells are centred, the room left over shared on both sides."""
        used = self._columns() * self.cell_size().width() + SPACING
        return SPACING + max(0, self.viewport().width() - used) // 2

    def _rect_of_row(self, row: int) -> QRect:
        cell = self.cell_size()
        line, column = divmod(row, self._columns())
        return QRect(
            self._left() + column * cell.width(),
            SPACING + line * cell.height() - self.verticalOffset(),
            cell.width() - SPACING,
            cell.height() - SPACING,
        )

    def _rows_in(self, area: QRect) -> range:
        """The rows whose cells may meet `area` (viewport coordinates)."""
        cell, columns = self.cell_size(), self._columns()
        top = max(0, (area.top() + self.verticalOffset() - SPACING) // cell.height())
        bottom = max(0, (area.bottom() + self.verticalOffset() - SPACING) // cell.height())
        return range(top * columns, min(self._count(), (bottom + 1) * columns))

    def updateGeometries(self) -> None:
        cell = self.cell_size()
        lines = -(-self._count() // self._columns())
        content = SPACING + lines * cell.height()
        bar = self.verticalScrollBar()
        bar.setSingleStep(cell.height() // 4)
        bar.setPageStep(self.viewport().height())
        bar.setRange(0, max(0, content - self.viewport().height()))
        super().updateGeometries()

    def visualRect(self, index: QModelIndex | QPersistentModelIndex) -> QRect:
        if not index.isValid() or index.row() >= self._count():
            return QRect()
        return self._rect_of_row(index.row())

    def indexAt(self, point: QPoint) -> QModelIndex:
        cell = self.cell_size()
        x, y = point.x() - self._left(), point.y() + self.verticalOffset() - SPACING
        if x < 0 or y < 0:
            return QModelIndex()
        column, line = x // cell.width(), y // cell.height()
        if column >= self._columns() or x % cell.width() >= cell.width() - SPACING:
            return QModelIndex()
        row = line * self._columns() + column
        model = self.model()
        return model.index(row, 0, self.rootIndex()) if model is not None and row < self._count() else QModelIndex()

    def scrollTo(
        self,
        index: QModelIndex | QPersistentModelIndex,
        hint: QAbstractItemView.ScrollHint = QAbstractItemView.ScrollHint.EnsureVisible,
    ) -> None:
        rect = self.visualRect(index)
        if rect.isNull():
            return
        bar = self.verticalScrollBar()
        if hint == QAbstractItemView.ScrollHint.PositionAtCenter:
            bar.setValue(bar.value() + rect.center().y() - self.viewport().height() // 2)
        elif rect.top() < 0 or hint == QAbstractItemView.ScrollHint.PositionAtTop:
            bar.setValue(bar.value() + rect.top() - SPACING)
        elif rect.bottom() > self.viewport().height():
            bar.setValue(bar.value() + rect.bottom() - self.viewport().height() + SPACING)

    def horizontalOffset(self) -> int:
        return 0

    def verticalOffset(self) -> int:
        return self.verticalScrollBar().value()

    def isIndexHidden(self, index: QModelIndex | QPersistentModelIndex) -> bool:
        return False

    def moveCursor(self, action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier) -> QModelIndex:
        count = self._count()
        model = self.model()
        if not count or model is None:
            return QModelIndex()
        current = self.currentIndex().row() if self.currentIndex().isValid() else -1
        if current < 0:
            return model.index(0, 0, self.rootIndex())
        columns = self._columns()
        page = columns * max(1, self.viewport().height() // self.cell_size().height())
        move = QAbstractItemView.CursorAction
        step = {
            move.MoveLeft: -1, move.MovePrevious: -1, move.MoveRight: 1, move.MoveNext: 1,
            move.MoveUp: -columns, move.MoveDown: columns, move.MovePageUp: -page, move.MovePageDown: page,
            move.MoveHome: -count, move.MoveEnd: count,
        }.get(action, 0)  # fmt: skip
        target = current + step
        if action in (move.MoveUp, move.MoveDown) and not 0 <= target < count:
            target = current  # no cell above the first line or below the last
        return model.index(max(0, min(count - 1, target)), 0, self.rootIndex())

    def setSelection(self, rect: QRect, command: QItemSelectionModel.SelectionFlag) -> None:
        model, selection_model = self.model(), self.selectionModel()
        if model is None or selection_model is None:
            return
        selection = QItemSelection()
        for row in self._rows_in(rect.normalized()):
            if self._rect_of_row(row).intersects(rect.normalized()):
                index = model.index(row, 0, self.rootIndex())
                selection.select(index, index)
        selection_model.select(selection, command)

    def visualRegionForSelection(self, selection: QItemSelection) -> QRegion:
        region = QRegion()
        shown = self._rows_in(self.viewport().rect())
        for number in range(selection.size()):
            part = selection.at(number)
            for row in range(max(part.top(), shown.start), min(part.bottom() + 1, shown.stop)):
                region += self._rect_of_row(row)
        return region

    # --- painting ---

    def paintEvent(self, event: QPaintEvent) -> None:
        model = self.model()
        if model is None:
            return
        painter = QPainter(self.viewport())
        colours = Colours.of(self.palette())
        metrics = self.fontMetrics()
        ratio = self.devicePixelRatioF()
        selection_model = self.selectionModel()
        chosen = {i.row() for i in selection_model.selectedIndexes()} if selection_model is not None else set()
        current = self.currentIndex().row() if self.hasFocus() and self.currentIndex().isValid() else -1
        record_at = getattr(model, "record_at", None)  # WordFilterProxy's: no index per cell
        area = event.rect()
        for row in self._rows_in(area):
            rect = self._rect_of_row(row)
            if not rect.intersects(area):
                continue
            record = record_at(row) if record_at is not None else model.index(row, 0, self.rootIndex()).data(ITEM_ROLE)
            self.delegate.paint_cell(painter, rect, record, row in chosen, row == current, colours, metrics, ratio)
        painter.end()

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        self.viewport().scroll(dx, dy)  # only the newly shown strip is painted

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.updateGeometries()

    def _pictures_changed(self, keys: frozenset[str]) -> None:
        """Paint again only the visible cells whose picture arrived or failed."""
        model = self.model()
        if model is None or not self.isVisible():
            return
        record_at = getattr(model, "record_at", None)
        for row in self._rows_in(self.viewport().rect()):
            record = record_at(row) if record_at is not None else model.index(row, 0, self.rootIndex()).data(ITEM_ROLE)
            url = self.delegate.picture(record) if record is not None else ""
            if url and self.loader.key(url) in keys:
                self.viewport().update(self._rect_of_row(row))

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
