"""A row of drop-downs that narrow a WordFilterProxy by facet: a record's type, language, expiry range… Each offers
only the values the current records have (with how many have each), so an empty choice is never offered, and a
facet with a single value is hidden: it would narrow nothing."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QWidget

from desktop.i18n import args
from desktop.ui.common.word_filter import WordFilterProxy

R = TypeVar("R")


@dataclass(frozen=True)
class Facet(Generic[R]):
    key: str  # stable name (the proxy's facet name, the settings key)
    any_label: str  # "Any type": marked with QT_TRANSLATE_NOOP in `context`, shown translated
    values: Callable[[R], Iterable[str]]  # the codes a record has for this facet (several for a list field)
    label: Callable[[str], str] = str  # how a code reads (already translated)
    context: str = "Facets"


class FacetBar(QWidget):
    def __init__(self, proxy: WordFilterProxy, facets: Sequence[Facet[Any]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.proxy = proxy
        self.facets = tuple(facets)
        self.combos: dict[str, QComboBox] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for facet in self.facets:
            combo = QComboBox(self)
            combo.setObjectName(f"facet-{facet.key}")
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.currentIndexChanged.connect(lambda _i, f=facet: self._chosen(f))
            self.combos[facet.key] = combo
            layout.addWidget(combo)
        layout.addStretch(1)
        self.set_records(())

    def set_records(self, records: Sequence[Any]) -> None:
        """Offer the values these records have; a choice still on offer is kept."""
        for facet in self.facets:
            combo = self.combos[facet.key]
            kept = combo.currentData()
            counts = Counter(value for record in records for value in dict.fromkeys(facet.values(record)))
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(QCoreApplication.translate(facet.context, facet.any_label), None)
            for value in sorted(counts, key=lambda v: facet.label(v).lower()):
                combo.addItem(args("%1 (%2)", facet.label(value), str(counts[value])), value)
            found = combo.findData(kept) if kept is not None else -1
            combo.setCurrentIndex(max(0, found))
            combo.blockSignals(False)
            combo.setVisible(len(counts) > 1 or found > 0)
            self._chosen(facet)

    def choose(self, key: str, value: str | None) -> bool:
        """Select `value` for the facet `key` (None: any); False when the records have no such value."""
        combo = self.combos[key]
        index = 0 if value is None else combo.findData(value)
        if index < 0:
            return False
        combo.setCurrentIndex(index)
        return True

    def chosen(self) -> dict[str, str]:
        return {key: combo.currentData() for key, combo in self.combos.items() if combo.currentData() is not None}

    def _chosen(self, facet: Facet[Any]) -> None:
        value = self.combos[facet.key].currentData()
        if value is None:
            self.proxy.set_facet(facet.key, None)
        else:
            self.proxy.set_facet(facet.key, lambda record: value in facet.values(record))
