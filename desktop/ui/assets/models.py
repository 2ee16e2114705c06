"""Table models over the catalogue's records: one row per avatar, anchor, timbre, action or service asset, columns
declared once (header, display, sort value), and a lowercase search text per row built when the rows are set, so
filtering 10,000 rows is a substring test per row and nothing more."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QObject, QPersistentModelIndex, Qt

from desktop.api.assets import Action, Anchor, Avatar, ServiceAsset, Timbre
from desktop.i18n import QT_TRANSLATE_NOOP
from desktop.services import quota_watch
from desktop.ui.assets import quota_words
from desktop.ui.common import appendix_words
from desktop.ui.common.word_filter import ITEM_ROLE, SEARCH_ROLE, SORT_ROLE

R = TypeVar("R")
_CONTEXT = "AssetColumns"
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column(Generic[R]):
    header: str  # marked with QT_TRANSLATE_NOOP; shown translated
    text: Callable[[R], str]
    sort: Callable[[R], Any] | None = None  # default: the text


class RecordModel(QAbstractTableModel, Generic[R]):
    def __init__(self, columns: Sequence[Column[R]], search: Callable[[R], str], parent: QObject | None = None):
        super().__init__(parent)
        self.columns = tuple(columns)
        self._search = search
        self._rows: list[R] = []
        self._haystacks: list[str] = []

    def set_records(self, records: Sequence[R]) -> None:
        self.beginResetModel()
        self._rows = list(records)
        self._haystacks = [self._search(r).lower() for r in self._rows]
        self.endResetModel()

    def record(self, row: int) -> R:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return QCoreApplication.translate(_CONTEXT, self.columns[section].header)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        return self.cell(index.row(), index.column(), role)

    # What WordFilterProxy reads in bulk (word_filter.BulkSource): whole lists rather than a call per row.

    def cell(self, row: int, column: int, role: int) -> Any:
        record, shown = self._rows[row], self.columns[column]
        if role == Qt.ItemDataRole.DisplayRole:
            return shown.text(record)
        if role == SEARCH_ROLE:
            return self._haystacks[row]
        if role == SORT_ROLE:
            return shown.sort(record) if shown.sort else shown.text(record).lower()
        if role == ITEM_ROLE:
            return record
        return None

    def haystacks(self) -> Sequence[str]:
        return self._haystacks

    def records(self) -> Sequence[R]:
        return self._rows

    def sort_keys(self, column: int) -> Sequence[Any]:
        shown = self.columns[column]
        if shown.sort is not None:
            return [shown.sort(r) for r in self._rows]
        return [shown.text(r).lower() for r in self._rows]


def _minutes(milliseconds: int) -> str:
    return f"{milliseconds / 60000:.1f}" if milliseconds else ""


def _count(number: int) -> str:
    return str(number) if number else ""


def type_name(code: str) -> str:
    """Appendix 3's label for a VirtualmanTypeCode (translated), or the code itself."""
    return appendix_words.avatar_type(code)


@functools.lru_cache(maxsize=4096)
def expiry(text: str) -> datetime | None:
    # Cached: a catalogue's records share a few expiry dates, and strptime costs 25 µs (a quarter of a second over
    # the facets of 10,000 avatars).
    try:
        return datetime.strptime(text.strip(), "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None


def _tr(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


@dataclass(frozen=True)
class AnchorEntry:
    """An anchor and where it was listed: the crm getanchor, or the deprecated broadcastservice getanchor."""

    anchor: Anchor
    legacy: bool = False


@dataclass(frozen=True)
class ActionEntry:
    """An action of one avatar, from the crm getaction or the deprecated broadcastservice one."""

    action: Action
    virtualman_key: str
    legacy: bool = False


LEGACY = QT_TRANSLATE_NOOP("AssetColumns", "Legacy (broadcastservice)")
CURRENT = QT_TRANSLATE_NOOP("AssetColumns", "Current")


def source_name(legacy: bool) -> str:
    return _tr(LEGACY if legacy else CURRENT)


AVATAR_COLUMNS: tuple[Column[Avatar], ...] = (
    Column(QT_TRANSLATE_NOOP("AssetColumns", "Anchor"), lambda a: a.anchor_name),
    Column(QT_TRANSLATE_NOOP("AssetColumns", "Clothes"), lambda a: a.clothes_name),
    Column(QT_TRANSLATE_NOOP("AssetColumns", "Pose"), lambda a: a.pose_name),
    Column(QT_TRANSLATE_NOOP("AssetColumns", "Type"), lambda a: type_name(a.virtualman_type_code)),
    Column(QT_TRANSLATE_NOOP("AssetColumns", "Resolution"), lambda a: a.resolution),
    Column(QT_TRANSLATE_NOOP("AssetColumns", "Drivers"), lambda a: ", ".join(a.driver_types)),
    Column(QT_TRANSLATE_NOOP("AssetColumns", "Expires"), lambda a: a.expire_date, lambda a: a.expire_date),
    Column(QT_TRANSLATE_NOOP("AssetColumns", "Videos"), lambda a: _count(a.video_num), lambda a: a.video_num),
    Column(
        QT_TRANSLATE_NOOP("AssetColumns", "Video minutes"),
        lambda a: _minutes(a.video_duration_ms),
        lambda a: a.video_duration_ms,
    ),
    Column(QT_TRANSLATE_NOOP("AssetColumns", "VirtualmanKey"), lambda a: a.virtualman_key),
)

ANCHOR_COLUMNS: tuple[Column[AnchorEntry], ...] = (
    Column(QT_TRANSLATE_NOOP("AssetColumns", "Name"), lambda e: e.anchor.anchor_name),
    Column(QT_TRANSLATE_NOOP("AssetColumns", "Type"), lambda e: type_name(e.anchor.virtualman_type_code)),
    Column(QT_TRANSLATE_NOOP("AssetColumns", "Tag"), lambda e: e.anchor.tag),
    Column(QT_TRANSLATE_NOOP("AssetColumns", "Source"), lambda e: source_name(e.legacy)),
    Column(QT_TRANSLATE_NOOP("AssetColumns", "AnchorCode"), lambda e: e.anchor.anchor_code),
)

TIMBRE_COLUMNS: tuple[Column[Timbre], ...] = (
    Column(QT_TRANSLATE_NOOP("AssetColumns", "Name"), lambda t: t.name),
    Column(QT_TRANSLATE_NOOP("AssetColumns", "Type"), lambda t: t.timbre_type),
    Column(QT_TRANSLATE_NOOP("AssetColumns", "Gender"), lambda t: {1: "♂", 2: "♀"}.get(t.gender, "")),
    Column(QT_TRANSLATE_NOOP("AssetColumns", "Languages"), lambda t: ", ".join(t.languages)),
    Column(QT_TRANSLATE_NOOP("AssetColumns", "Emotions"), lambda t: ", ".join(t.emotions)),
    Column(QT_TRANSLATE_NOOP("AssetColumns", "Expires"), lambda t: t.expire_date, lambda t: t.expire_date),
    Column(QT_TRANSLATE_NOOP("AssetColumns", "Audios"), lambda t: _count(t.audio_num), lambda t: t.audio_num),
    Column(
        QT_TRANSLATE_NOOP("AssetColumns", "Audio minutes"),
        lambda t: _minutes(t.audio_duration_ms),
        lambda t: t.audio_duration_ms,
    ),
    Column(QT_TRANSLATE_NOOP("AssetColumns", "TimbreKey"), lambda t: t.key),
)

ACTION_COLUMNS: tuple[Column[ActionEntry], ...] = (
    Column(QT_TRANSLATE_NOOP("AssetColumns", "Action"), lambda e: e.action.name),
    Column(QT_TRANSLATE_NOOP("AssetColumns", "ActionCode"), lambda e: e.action.code),
    Column(QT_TRANSLATE_NOOP("AssetColumns", "Source"), lambda e: source_name(e.legacy)),
)

QUOTA_COLUMNS: tuple[Column[ServiceAsset], ...] = (
    Column(QT_TRANSLATE_NOOP("AssetColumns", "Service"), lambda q: appendix_words.service_type(q.service_type)),
    Column(
        QT_TRANSLATE_NOOP("AssetColumns", "Left"),
        lambda q: quota_words.remaining_text(quota_watch.remaining(q)),
        lambda q: left.share if (left := quota_watch.remaining(q)) else 2.0,
    ),
    Column(QT_TRANSLATE_NOOP("AssetColumns", "Expires"), lambda q: q.expire_date, lambda q: q.expire_date),
    Column(
        QT_TRANSLATE_NOOP("AssetColumns", "Attention"),
        lambda q: "; ".join(quota_words.alert_text(a) for a in quota_watch.alerts((q,), datetime.now())),
    ),
    Column(QT_TRANSLATE_NOOP("AssetColumns", "Code"), lambda q: q.service_type),
)
QUOTA_LEFT_COLUMN = 1  # drawn as a bar (ui/assets/quota_bar.py)


def avatar_search(a: Avatar) -> str:
    return " ".join((a.anchor_name, a.anchor_code, a.clothes_name, a.pose_name, a.virtualman_key, a.resolution,
                     a.virtualman_type_code, type_name(a.virtualman_type_code), *a.driver_types))  # fmt: skip


def anchor_search(e: AnchorEntry) -> str:
    a = e.anchor
    return " ".join((a.anchor_name, a.anchor_code, a.tag, a.virtualman_type_code, type_name(a.virtualman_type_code),
                     source_name(e.legacy)))  # fmt: skip


def timbre_search(t: Timbre) -> str:
    return " ".join((t.name, t.key, t.description, t.timbre_type, *t.languages, *t.emotions,
                     *map(appendix_words.language, t.languages), *map(appendix_words.emotion, t.emotions),
                     *t.virtualman_type_codes))  # fmt: skip


def action_search(e: ActionEntry) -> str:
    return " ".join((e.action.name, e.action.code))


def quota_search(q: ServiceAsset) -> str:
    return " ".join((q.service_type, appendix_words.service_type(q.service_type)))


def avatar_model(parent: QObject | None = None) -> RecordModel[Avatar]:
    return RecordModel(AVATAR_COLUMNS, avatar_search, parent)


def anchor_model(parent: QObject | None = None) -> RecordModel[AnchorEntry]:
    return RecordModel(ANCHOR_COLUMNS, anchor_search, parent)


def timbre_model(parent: QObject | None = None) -> RecordModel[Timbre]:
    return RecordModel(TIMBRE_COLUMNS, timbre_search, parent)


def action_model(parent: QObject | None = None) -> RecordModel[ActionEntry]:
    return RecordModel(ACTION_COLUMNS, action_search, parent)


def quota_model(parent: QObject | None = None) -> RecordModel[ServiceAsset]:
    return RecordModel(QUOTA_COLUMNS, quota_search, parent)
