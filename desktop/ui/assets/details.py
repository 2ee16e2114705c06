"""The detail pane's content for a record: every documented field with a human label, codes explained by the
appendices, and the values an operator copies (VirtualmanKey, TimbreKey) set apart."""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import QCoreApplication

from desktop.api.assets import Avatar, ServiceAsset, Timbre
from desktop.i18n import QT_TRANSLATE_NOOP
from desktop.spec import enums

_CONTEXT = "AssetDetails"
Rows = list[tuple[str, str]]


def key_of(record: Any) -> str:
    """What Ctrl+C copies: the key other areas need."""
    if isinstance(record, Avatar):
        return record.virtualman_key
    if isinstance(record, Timbre):
        return record.key
    if isinstance(record, ServiceAsset):
        return record.service_type
    return ""


def _label(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


def _type(a: Avatar) -> str:
    if not a.virtualman_type_code:
        return a.virtualman_type
    return f"{enums.VIRTUALMAN_TYPES.get(a.virtualman_type_code, a.virtualman_type)} ({a.virtualman_type_code})"


def _avatar(a: Avatar) -> tuple[str, Rows]:
    zoom = f"{a.origin_zoom:g}" if a.origin_zoom else ""
    rows: Rows = [
        (QT_TRANSLATE_NOOP("AssetDetails", "VirtualmanKey"), a.virtualman_key),
        (QT_TRANSLATE_NOOP("AssetDetails", "Anchor"), f"{a.anchor_name} ({a.anchor_code})"),
        (QT_TRANSLATE_NOOP("AssetDetails", "Type"), _type(a)),
        (QT_TRANSLATE_NOOP("AssetDetails", "Clothes"), a.clothes_name),
        (QT_TRANSLATE_NOOP("AssetDetails", "Pose"), a.pose_name),
        (QT_TRANSLATE_NOOP("AssetDetails", "Resolution"), a.resolution),
        (QT_TRANSLATE_NOOP("AssetDetails", "Driver types"), ", ".join(a.driver_types)),
        (QT_TRANSLATE_NOOP("AssetDetails", "Expires"), a.expire_date),
        (QT_TRANSLATE_NOOP("AssetDetails", "Videos made"), str(a.video_num)),
        (QT_TRANSLATE_NOOP("AssetDetails", "Video minutes"), f"{a.video_duration_ms / 60000:.1f}"),
        (QT_TRANSLATE_NOOP("AssetDetails", "OriginZoom"), zoom),
    ]  # fmt: skip
    for param in a.extra_params:
        rows.append((f"{param.key}", f"{param.description}: {', '.join(param.values)}"))
    return a.anchor_name, rows


def _timbre(t: Timbre) -> tuple[str, Rows]:
    gender = {1: QT_TRANSLATE_NOOP("AssetDetails", "male"), 2: QT_TRANSLATE_NOOP("AssetDetails", "female")}
    languages = [f"{enums.LANGUAGES.get(code, code)} ({code})" for code in t.languages]
    emotions = [f"{enums.EMOTIONS.get(code, code)} ({code})" for code in t.emotions]
    rows: Rows = [
        (QT_TRANSLATE_NOOP("AssetDetails", "TimbreKey"), t.key),
        (QT_TRANSLATE_NOOP("AssetDetails", "Description"), t.description),
        (QT_TRANSLATE_NOOP("AssetDetails", "Timbre type"), t.timbre_type),
        (QT_TRANSLATE_NOOP("AssetDetails", "Gender"), _label(gender[t.gender]) if t.gender in gender else ""),
        (QT_TRANSLATE_NOOP("AssetDetails", "Languages"), ", ".join(languages)),
        (QT_TRANSLATE_NOOP("AssetDetails", "Emotions"), ", ".join(emotions)),
        (QT_TRANSLATE_NOOP("AssetDetails", "Avatar types"), ", ".join(t.virtualman_type_codes)),
        (QT_TRANSLATE_NOOP("AssetDetails", "Driver types"), ", ".join(t.driver_types)),
        (QT_TRANSLATE_NOOP("AssetDetails", "Purchase"), t.purchase_type),
        (QT_TRANSLATE_NOOP("AssetDetails", "Expires"), t.expire_date),
        (QT_TRANSLATE_NOOP("AssetDetails", "Audio made"), str(t.audio_num)),
        (QT_TRANSLATE_NOOP("AssetDetails", "Sample"), t.sample_url),
    ]
    return t.name, rows


def _quota(q: ServiceAsset) -> tuple[str, Rows]:
    rows: Rows = [
        (QT_TRANSLATE_NOOP("AssetDetails", "Service type"), q.service_type),
        (QT_TRANSLATE_NOOP("AssetDetails", "Expires"), q.expire_date),
    ]
    for detail, numbers in q.details.items():
        rows += [(f"{detail}.{name}", str(value)) for name, value in numbers.items()]
    return enums.SERVICE_ASSET_TYPES.get(q.service_type, q.service_type), rows


def html(record: Any) -> str:
    """The record as a titled two-column table (values escaped: they come from the server)."""
    if isinstance(record, Avatar):
        title, rows = _avatar(record)
    elif isinstance(record, Timbre):
        title, rows = _timbre(record)
    elif isinstance(record, ServiceAsset):
        title, rows = _quota(record)
    else:
        return ""
    body = "".join(
        f"<tr><td style='color:#666;padding-right:12px'>{escape(_label(name))}</td><td>{escape(value)}</td></tr>"
        for name, value in rows
        if value
    )
    return f"<h3>{escape(title)}</h3><table>{body}</table>"
