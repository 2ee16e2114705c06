"""A filter proxy that keeps the rows holding every typed word, in any order (qutebrowser's listcategory idea), and
passing every chosen facet (a type, a language, an expiry range…).

The source model gives each row one lowercase text to search (`SEARCH_ROLE`); the proxy matches words by
substring, so "anna 4k" finds "Anna, small_sample_4k_2d". Case and order do not matter. Facets are tests on the row's
record (`ITEM_ROLE`), checked only for rows the words kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QSortFilterProxyModel, Qt

SEARCH_ROLE = int(Qt.ItemDataRole.UserRole) + 1  # str: everything a row can be found by, lowercase
ITEM_ROLE = int(Qt.ItemDataRole.UserRole) + 2  # the row's record
SORT_ROLE = int(Qt.ItemDataRole.UserRole) + 3  # a value that sorts as the column means (numbers as numbers)


class WordFilterProxy(QSortFilterProxyModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._words: tuple[str, ...] = ()
        self._facets: dict[str, Callable[[Any], bool]] = {}
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

    @property
    def facets(self) -> tuple[str, ...]:
        return tuple(self._facets)

    def set_facet(self, name: str, test: Callable[[Any], bool] | None) -> None:
        """Keep only the records `test` accepts (None: drop the facet named `name`)."""
        if test is None and name not in self._facets:
            return
        self.beginFilterChange()
        if test is None:
            del self._facets[name]
        else:
            self._facets[name] = test
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:
        if not self._words and not self._facets:
            return True
        model = self.sourceModel()
        index = model.index(row, 0, parent)
        if self._words:
            haystack = model.data(index, SEARCH_ROLE) or ""
            if not all(word in haystack for word in self._words):
                return False
        if self._facets:
            record = model.data(index, ITEM_ROLE)
            return all(test(record) for test in self._facets.values())
        return True
