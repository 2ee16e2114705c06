"""A filter proxy that keeps the rows holding every typed word, in any order (qutebrowser's listcategory idea), and
passing every chosen facet (a type, a language, an expiry range…), sorted by a column.

The source model gives each row one lowercase text to search (`SEARCH_ROLE`); the proxy matches words by
substring, so "anna 4k" finds "Anna, small_sample_4k_2d". Case and order do not matter. Facets are tests on the row's
record (`ITEM_ROLE`), checked only for rows the words kept.

It filters and sorts in bulk, in Python, rather than as a QSortFilterProxyModel: that one asks Python once per row
to filter (filterAcceptsRow, then data()) and twice per comparison to sort (data(SORT_ROLE)), which at 10,000
avatars cost a third of a second per keystroke and seconds per catalogue shown; and a filter change came out as one
rowsRemoved/rowsInserted per run of rows, thousands of signals for a scattered match. Here a source that offers its
rows' texts, records and sort keys at once (`BulkSource`: RecordModel does) is read as lists, a keystroke is one
list comprehension, and every change is announced as one layout change (selection and current row kept when their
record is still shown) or, when the source itself resets, one reset.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol, runtime_checkable

from PySide6.QtCore import QAbstractItemModel, QAbstractProxyModel, QModelIndex, QObject, QPersistentModelIndex, Qt

SEARCH_ROLE = int(Qt.ItemDataRole.UserRole) + 1  # str: everything a row can be found by, lowercase
ITEM_ROLE = int(Qt.ItemDataRole.UserRole) + 2  # the row's record
SORT_ROLE = int(Qt.ItemDataRole.UserRole) + 3  # a value that sorts as the column means (numbers as numbers)

Index = QModelIndex | QPersistentModelIndex
MAX_ROWS_REMOVED_APART = 20  # selected rows announced as removed one by one; past that only the layout change


@runtime_checkable
class BulkSource(Protocol):
    """What a source model can offer so that the proxy reads its rows as lists rather than cell by cell."""

    def haystacks(self) -> Sequence[str]: ...  # SEARCH_ROLE of every row

    def records(self) -> Sequence[Any]: ...  # ITEM_ROLE of every row

    def sort_keys(self, column: int) -> Sequence[Any]: ...  # SORT_ROLE of every row in `column`

    def cell(self, row: int, column: int, role: int) -> Any: ...  # data() without building a source index


class WordFilterProxy(QAbstractProxyModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._words: tuple[str, ...] = ()
        self._facets: dict[str, Callable[[Any], bool]] = {}
        self._sort_column = -1  # -1: the source's order
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._order: list[int] = []  # every source row, sorted
        self._rows: list[int] = []  # the shown source rows: proxy row -> source row
        self._at: list[int] = []  # source row -> proxy row, -1 when filtered out
        self._columns = 0
        self._bulk: BulkSource | None = None
        self._connections: list[tuple[Any, Callable[..., Any]]] = []  # (source signal, slot), to undo

    # --- the filter ---

    @property
    def words(self) -> tuple[str, ...]:
        return self._words

    def set_search(self, text: str) -> None:
        words = tuple(text.lower().split())
        if words != self._words:
            self._words = words
            self._relayout(self._order)

    @property
    def facets(self) -> tuple[str, ...]:
        return tuple(self._facets)

    def set_facet(self, name: str, test: Callable[[Any], bool] | None) -> None:
        """Keep only the records `test` accepts (None: drop the facet named `name`)."""
        if test is None and name not in self._facets:
            return
        if test is None:
            del self._facets[name]
        else:
            self._facets[name] = test
        self._relayout(self._order)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """The view's header asks for this; -1 shows the source's order."""
        self._sort_column, self._sort_order = column, order
        self._relayout(self._sorted())

    # --- the source ---

    def setSourceModel(self, model: QAbstractItemModel) -> None:
        for signal, slot in self._connections:
            signal.disconnect(slot)
        self._connections = []
        self.beginResetModel()
        super().setSourceModel(model)
        self._bulk = model if isinstance(model, BulkSource) else None
        # The RecordModel only ever resets; anything else a source does is taken as a reset too (rare, small).
        for about in (model.modelAboutToBeReset, model.rowsAboutToBeInserted, model.rowsAboutToBeRemoved,
                      model.columnsAboutToBeInserted, model.columnsAboutToBeRemoved, model.layoutAboutToBeChanged,
                      model.rowsAboutToBeMoved):  # fmt: skip
            self._connections.append((about, self._source_about_to_reset))
        for done in (model.modelReset, model.rowsInserted, model.rowsRemoved, model.columnsInserted,
                     model.columnsRemoved, model.layoutChanged, model.rowsMoved):  # fmt: skip
            self._connections.append((done, self._source_reset))
        self._connections.append((model.dataChanged, self._source_data_changed))
        self._connections.append((model.headerDataChanged, self.headerDataChanged.emit))
        for signal, slot in self._connections:
            signal.connect(slot)
        self._rebuild()
        self.endResetModel()

    def _source_about_to_reset(self, *_: object) -> None:
        self.beginResetModel()

    def _source_reset(self, *_: object) -> None:
        self._rebuild()
        self.endResetModel()

    def _source_data_changed(self, *_: object) -> None:
        self._relayout(self._sorted())  # a changed value may move or hide its row

    # --- sorting and filtering, in bulk ---

    def _source_rows(self) -> int:
        model = self.sourceModel()
        return model.rowCount(QModelIndex()) if model is not None else 0

    def _column(self, role: int, column: int = 0) -> Sequence[Any]:
        """One role of every source row (for a source without the bulk methods)."""
        model = self.sourceModel()
        return [model.index(row, column, QModelIndex()).data(role) for row in range(self._source_rows())]

    def _rebuild(self) -> None:
        """Within a reset: everything read again from the source."""
        model = self.sourceModel()
        self._columns = model.columnCount(QModelIndex()) if model is not None else 0
        order = self._sorted()
        self._apply(order, self._filtered(order))

    def _sorted(self) -> list[int]:
        """Every source row in the sort order."""
        rows = range(self._source_rows())
        if not 0 <= self._sort_column < self._columns:
            return list(rows)
        bulk = self._bulk
        keys = bulk.sort_keys(self._sort_column) if bulk else self._column(SORT_ROLE, self._sort_column)
        descending = self._sort_order == Qt.SortOrder.DescendingOrder
        try:  # stable both ways, as Qt's: equal keys keep the source's order
            return sorted(rows, key=keys.__getitem__, reverse=descending)
        except TypeError:  # keys of mixed types (a missing value among numbers): compare them as text
            return sorted(rows, key=lambda row: str(keys[row]), reverse=descending)

    def _filtered(self, order: list[int]) -> list[int]:
        """The rows of `order` that hold every word and pass every facet."""
        rows = order
        if self._words:
            words = self._words
            haystacks = self._bulk.haystacks() if self._bulk else [h or "" for h in self._column(SEARCH_ROLE)]
            if len(words) == 1:
                word = words[0]
                rows = [row for row in rows if word in haystacks[row]]
            else:
                rows = [row for row in rows if all(word in haystacks[row] for word in words)]
        if self._facets:
            records = self._bulk.records() if self._bulk else self._column(ITEM_ROLE)
            tests = tuple(self._facets.values())
            rows = [row for row in rows if all(test(records[row]) for test in tests)]
        return rows

    def _apply(self, order: list[int], rows: list[int]) -> None:
        self._order, self._rows = order, rows
        self._at = [-1] * len(order)
        for position, row in enumerate(rows):
            self._at[row] = position

    def _relayout(self, order: list[int]) -> None:
        """Show `order` filtered anew, announced as one layout change: views keep their selection and current row
        where the record is still shown.

        A selected row that goes is first announced as removed, on its own: a layout change drops a persistent
        index without a word, and the selection model would not say that the selection changed (the details pane
        would go on showing a record the list no longer has)."""
        rows = self._filtered(order)
        if held := self.persistentIndexList():
            kept = set(rows)
            going = {i.row() for i in held if 0 <= i.row() < len(self._rows) and self._rows[i.row()] not in kept}
            for row in sorted(going, reverse=True)[:MAX_ROWS_REMOVED_APART]:
                self.beginRemoveRows(QModelIndex(), row, row)
                self._apply(self._order, self._rows[:row] + self._rows[row + 1 :])
                self.endRemoveRows()
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        sources = [(self._rows[i.row()] if 0 <= i.row() < len(self._rows) else -1, i.column()) for i in before]
        self._apply(order, rows)
        self.changePersistentIndexList(before, [self._proxy_index(row, column) for row, column in sources])
        self.layoutChanged.emit()

    def _proxy_index(self, source_row: int, column: int) -> QModelIndex:
        if 0 <= source_row < len(self._at) and (row := self._at[source_row]) >= 0 and 0 <= column < self._columns:
            return self.createIndex(row, column)
        return QModelIndex()

    # --- the model ---

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008 - Qt's
        if parent.isValid() or not (0 <= row < len(self._rows) and 0 <= column < self._columns):
            return QModelIndex()
        return self.createIndex(row, column)

    def parent(self, child: Index | None = None) -> Any:
        # Qt asks for an index's parent (a flat table: none); Python's parent() is the QObject's.
        return super().parent() if child is None else QModelIndex()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._columns

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and bool(self._rows)

    def mapToSource(self, proxy_index: Index) -> QModelIndex:
        model = self.sourceModel()
        if model is None or not proxy_index.isValid() or proxy_index.row() >= len(self._rows):
            return QModelIndex()
        return model.index(self._rows[proxy_index.row()], proxy_index.column(), QModelIndex())

    def mapFromSource(self, source_index: Index) -> QModelIndex:
        if not source_index.isValid():
            return QModelIndex()
        return self._proxy_index(source_index.row(), source_index.column())

    def record_at(self, row: int) -> Any:
        """The record shown at `row` (ITEM_ROLE without an index: for views that paint many cells in Python)."""
        if not 0 <= row < len(self._rows):
            return None
        if self._bulk is not None:
            return self._bulk.records()[self._rows[row]]
        return self.index(row, 0).data(ITEM_ROLE)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        if self._bulk is not None:  # straight to the record: no source index to build per painted cell
            return self._bulk.cell(self._rows[index.row()], index.column(), role)
        return self.mapToSource(index).data(role)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        model = self.sourceModel()
        if model is None:
            return None
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self._rows):
            section = self._rows[section]
        return model.headerData(section, orientation, role)
