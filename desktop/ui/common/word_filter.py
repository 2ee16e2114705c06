"""A filter proxy that keeps the rows holding every typed word, in any order (qutebrowser's listcategory idea).

The source model gives each row one lowercase text to search (`SEARCH_ROLE`); the proxy matches words by
substring, so "anna 4k" finds "Anna, small_sample_4k_2d". Case and order do not matter.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QSortFilterProxyModel, Qt

SEARCH_ROLE = int(Qt.ItemDataRole.UserRole) + 1  # str: everything a row can be found by, lowercase
ITEM_ROLE = int(Qt.ItemDataRole.UserRole) + 2  # the row's record
SORT_ROLE = int(Qt.ItemDataRole.UserRole) + 3  # a value that sorts as the column means (numbers as numbers)


class WordFilterProxy(QSortFilterProxyModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._words: tuple[str, ...] = ()
        self.setSortRole(SORT_ROLE)
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    @property
    def words(self) -> tuple[str, ...]:
        return self._words

    def set_search(self, text: str) -> None:
        words = tuple(text.lower().split())
        if words != self._words:
            # Qt 6.10's protocol: announce the change before the filter's state changes, then re-filter the rows
            # (invalidateRowsFilter alone is not always acted on once a view has mapped the rows).
            self.beginFilterChange()
            self._words = words
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:
        if not self._words:
            return True
        model = self.sourceModel()
        haystack = model.data(model.index(row, 0, parent), SEARCH_ROLE) or ""
        return all(word in haystack for word in self._words)
