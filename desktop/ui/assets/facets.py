"""The facets each Assets page filters by (Avatars: type, drivers, resolution, expiry; Timbres: type, gender,
language, emotion, expiry; Anchors: type, source; Quotas: kind, expiry), as codes with translated labels."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from PySide6.QtCore import QCoreApplication

from desktop.api.assets import Avatar, ServiceAsset, Timbre
from desktop.i18n import QT_TRANSLATE_NOOP
from desktop.services import quota_watch
from desktop.ui.assets.models import ActionEntry, AnchorEntry, expiry, source_name, type_name
from desktop.ui.common import appendix_words
from desktop.ui.common.facet_bar import Facet

_CONTEXT = "Facets"
EXPIRY_WORDS = {
    "expired": QT_TRANSLATE_NOOP("Facets", "Expired"),
    "soon": QT_TRANSLATE_NOOP("Facets", "Expires within 14 days"),
    "quarter": QT_TRANSLATE_NOOP("Facets", "Expires within 90 days"),
    "later": QT_TRANSLATE_NOOP("Facets", "Expires later"),
    "none": QT_TRANSLATE_NOOP("Facets", "No expiry date"),
}
_EXPIRY_ORDER = tuple(EXPIRY_WORDS)


def _tr(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


def expiry_range(text: str, now: datetime | None = None) -> str:
    """Which range an ExpireDate falls in (a code of EXPIRY_WORDS)."""
    ends = expiry(text)
    if ends is None:
        return "none"
    days = (ends - (now or datetime.now())).total_seconds() / 86400
    if days < 0:
        return "expired"
    if days <= quota_watch.EXPIRY_WARNING_DAYS:
        return "soon"
    return "quarter" if days <= 90 else "later"


def _expiry_label(code: str) -> str:
    # The number keeps the ranges in time order in a list sorted by label.
    return f"{_EXPIRY_ORDER.index(code) + 1}. {_tr(EXPIRY_WORDS[code])}" if code in EXPIRY_WORDS else code


def _or_unstated(values: Iterable[str], unstated: str) -> Iterable[str]:
    found = tuple(v for v in values if v)
    return found or (unstated,)


_UNSTATED = "-"


AVATAR_FACETS: tuple[Facet[Avatar], ...] = (
    Facet("type", QT_TRANSLATE_NOOP("Facets", "Any type"), lambda a: (a.virtualman_type_code,), type_name),
    Facet("drivers", QT_TRANSLATE_NOOP("Facets", "Any driver"), lambda a: a.driver_types),
    Facet("resolution", QT_TRANSLATE_NOOP("Facets", "Any resolution"), lambda a: (a.resolution,)),
    Facet("expiry", QT_TRANSLATE_NOOP("Facets", "Any expiry"), lambda a: (expiry_range(a.expire_date),), _expiry_label),
)

ANCHOR_FACETS: tuple[Facet[AnchorEntry], ...] = (
    Facet("type", QT_TRANSLATE_NOOP("Facets", "Any type"), lambda e: (e.anchor.virtualman_type_code,), type_name),
    Facet(
        "source",
        QT_TRANSLATE_NOOP("Facets", "Any source"),
        lambda e: (str(int(e.legacy)),),
        lambda code: source_name(code == "1"),
    ),
)


def _gender(code: str) -> str:
    return {"1": _tr(QT_TRANSLATE_NOOP("Facets", "Male")), "2": _tr(QT_TRANSLATE_NOOP("Facets", "Female"))}.get(
        code, _tr(QT_TRANSLATE_NOOP("Facets", "Gender not stated"))
    )


def _language(code: str) -> str:
    if code == _UNSTATED:
        return _tr(QT_TRANSLATE_NOOP("Facets", "Language not listed"))
    return f"{appendix_words.language(code)} ({code})"


def _emotion(code: str) -> str:
    if code == _UNSTATED:
        return _tr(QT_TRANSLATE_NOOP("Facets", "No emotions"))
    return appendix_words.emotion(code)


TIMBRE_FACETS: tuple[Facet[Timbre], ...] = (
    Facet("type", QT_TRANSLATE_NOOP("Facets", "Any timbre type"), lambda t: (t.timbre_type,)),
    Facet("gender", QT_TRANSLATE_NOOP("Facets", "Any gender"), lambda t: (str(t.gender),), _gender),
    # describetimbre lists TimbreLanguages only for multilingual timbres (docs/api-notes.md).
    Facet(
        "language",
        QT_TRANSLATE_NOOP("Facets", "Any language"),
        lambda t: _or_unstated(t.languages, _UNSTATED),
        _language,
    ),
    Facet(
        "emotion", QT_TRANSLATE_NOOP("Facets", "Any emotion"), lambda t: _or_unstated(t.emotions, _UNSTATED), _emotion
    ),
    Facet("expiry", QT_TRANSLATE_NOOP("Facets", "Any expiry"), lambda t: (expiry_range(t.expire_date),), _expiry_label),
)

ACTION_FACETS: tuple[Facet[ActionEntry], ...] = ()


def _quota_kind(q: ServiceAsset) -> str:
    left = quota_watch.remaining(q)
    return left.unit if left is not None else _UNSTATED


def _quota_kind_label(code: str) -> str:
    words = {
        "concurrency": QT_TRANSLATE_NOOP("Facets", "Concurrency"),
        "ms": QT_TRANSLATE_NOOP("Facets", "Hour packages"),
        "count": QT_TRANSLATE_NOOP("Facets", "Customization quotas"),
    }
    return _tr(words[code]) if code in words else code


QUOTA_FACETS: tuple[Facet[ServiceAsset], ...] = (
    Facet("kind", QT_TRANSLATE_NOOP("Facets", "Any kind"), lambda q: (_quota_kind(q),), _quota_kind_label),
    Facet("expiry", QT_TRANSLATE_NOOP("Facets", "Any expiry"), lambda q: (expiry_range(q.expire_date),), _expiry_label),
)
