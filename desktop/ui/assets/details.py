"""The detail pane's content for a record: every documented field with a human label, codes explained by the
appendices, and the values an operator copies (VirtualmanKey, TimbreKey, AnchorCode) set apart.

An avatar's initial size is OriginZoom times its pose image's size (the FAQ, "How to calculate the initial size");
the page measures the pose image and passes its size in. A 3D avatar's colour parameters (SupportAnchorExtraParams)
are shown as swatches: a click copies the AnchorExtraParam that sets that colour (`swatch:` links, handled by the
page)."""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any

from PySide6.QtCore import QCoreApplication

from desktop.api.assets import Avatar, ExtraParam, ServiceAsset, Timbre
from desktop.i18n import QT_TRANSLATE_NOOP
from desktop.services import quota_watch
from desktop.ui.assets import quota_words
from desktop.ui.assets.models import ActionEntry, AnchorEntry, source_name
from desktop.ui.common import appendix_words

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
    if isinstance(record, AnchorEntry):
        return record.anchor.anchor_code
    if isinstance(record, ActionEntry):
        return record.action.code
    return ""


# Colours offered for a 3D avatar's clothes: a swatch copies {"<Key>": {"colorValue": <decimal RGB>}} (the docs'
# rule: the hex colour without "#", as a decimal number).
SWATCHES = (0x1F2A44, 0x3B5BA9, 0x2E8B57, 0xA0191B, 0xF2C14E, 0xFAFAFA, 0x6B6B6B, 0x111111)


def swatch_param(key: str, color: int) -> str:
    """The AnchorExtraParam text that sets `key` to `color`."""
    return f'{{"{key}": {{"colorValue": {color}}}}}'


def initial_size(avatar: Avatar, pose_size: tuple[int, int] | None) -> str:
    if pose_size is None or not avatar.origin_zoom or not all(pose_size):
        return ""
    width, height = pose_size
    return f"{round(width * avatar.origin_zoom)} × {round(height * avatar.origin_zoom)} px"


def _swatches(param: ExtraParam) -> str:
    if param.value_type != 1 or "colorValue" not in param.values:
        return escape(f"{param.description}: {', '.join(param.values)}")
    cells = "".join(
        f"<td bgcolor='#{color:06x}' width='18'><a href='swatch:{escape(param.key)}:{color}' "
        f"style='text-decoration:none'>&nbsp;&nbsp;&nbsp;</a></td>"
        for color in SWATCHES
    )
    table = "<table cellspacing='3' border='1' style='border-color:#999'>"
    return f"{escape(param.description)}{table}<tr>{cells}</tr></table>"


def _label(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


def _type(a: Avatar) -> str:
    if not a.virtualman_type_code:
        return a.virtualman_type
    return f"{appendix_words.avatar_type(a.virtualman_type_code)} ({a.virtualman_type_code})"


def _avatar(a: Avatar, pose_size: tuple[int, int] | None) -> tuple[str, Rows]:
    zoom = f"{a.origin_zoom:.3f}" if a.origin_zoom else ""
    size = initial_size(a, pose_size)
    if pose_size == (0, 0):
        size = _label(QT_TRANSLATE_NOOP("AssetDetails", "unknown: the pose image could not be read"))
    elif not size and a.pose_image:
        size = _label(QT_TRANSLATE_NOOP("AssetDetails", "measuring the pose image…"))
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
        (QT_TRANSLATE_NOOP("AssetDetails", "Initial size"), size),
        (QT_TRANSLATE_NOOP("AssetDetails", "Header image"), a.header_image),
        (QT_TRANSLATE_NOOP("AssetDetails", "Pose image"), a.pose_image),
        (QT_TRANSLATE_NOOP("AssetDetails", "Clothes image"), a.clothes_image),
        (QT_TRANSLATE_NOOP("AssetDetails", "Reference video"), a.reference_video_url),
    ]  # fmt: skip
    return a.anchor_name, rows


def _anchor(e: AnchorEntry) -> tuple[str, Rows]:
    a = e.anchor
    rows: Rows = [
        (QT_TRANSLATE_NOOP("AssetDetails", "AnchorCode"), a.anchor_code),
        (QT_TRANSLATE_NOOP("AssetDetails", "Type"), f"{appendix_words.avatar_type(a.virtualman_type_code)} "
                                                    f"({a.virtualman_type_code})" if a.virtualman_type_code else ""),
        (QT_TRANSLATE_NOOP("AssetDetails", "Tag"), a.tag),
        (QT_TRANSLATE_NOOP("AssetDetails", "Listed by"), source_name(e.legacy)),
        (QT_TRANSLATE_NOOP("AssetDetails", "Header image"), a.header_image),
    ]  # fmt: skip
    return a.anchor_name, rows


def _action(e: ActionEntry) -> tuple[str, Rows]:
    rows: Rows = [
        (QT_TRANSLATE_NOOP("AssetDetails", "ActionCode"), e.action.code),
        (QT_TRANSLATE_NOOP("AssetDetails", "VirtualmanKey"), e.virtualman_key),
        (QT_TRANSLATE_NOOP("AssetDetails", "Listed by"), source_name(e.legacy)),
        (QT_TRANSLATE_NOOP("AssetDetails", "Sample"), e.action.sample_url),
    ]
    return e.action.name, rows


def _timbre(t: Timbre) -> tuple[str, Rows]:
    gender = {1: QT_TRANSLATE_NOOP("AssetDetails", "male"), 2: QT_TRANSLATE_NOOP("AssetDetails", "female")}
    languages = [f"{appendix_words.language(code)} ({code})" for code in t.languages]
    emotions = [f"{appendix_words.emotion(code)} ({code})" for code in t.emotions]
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
        (QT_TRANSLATE_NOOP("AssetDetails", "Left"), quota_words.remaining_text(quota_watch.remaining(q))),
        (QT_TRANSLATE_NOOP("AssetDetails", "Attention"),
         "; ".join(quota_words.alert_text(a) for a in quota_watch.alerts((q,), datetime.now()))),
    ]  # fmt: skip
    for detail, numbers in q.details.items():
        rows += [(f"{detail}.{name}", str(value)) for name, value in numbers.items()]
    return appendix_words.service_type(q.service_type), rows


def _value(value: str) -> str:
    """Escaped; a web address becomes a link (opened outside the app), shown without its query (it may be signed)."""
    if value.startswith(("http://", "https://")) and " " not in value:
        return f"<a href='{escape(value, quote=True)}'>{escape(value.split('?', 1)[0])}</a>"
    return escape(value)


def html(record: Any, pose_size: tuple[int, int] | None = None) -> str:
    """The record as a titled two-column table (values escaped: they come from the server)."""
    extra = ""
    if isinstance(record, Avatar):
        title, rows = _avatar(record, pose_size)
        if record.extra_params:
            params = "".join(
                f"<tr><td style='color:#666;padding-right:12px'>{escape(p.key)}</td><td>{_swatches(p)}</td></tr>"
                for p in record.extra_params
            )
            hint = _label(QT_TRANSLATE_NOOP("AssetDetails", "Click a colour to copy its AnchorExtraParam."))
            extra = f"<h4>{escape(_label(QT_TRANSLATE_NOOP('AssetDetails', 'Colours')))}</h4>" \
                    f"<p style='color:#777'>{escape(hint)}</p><table>{params}</table>"  # fmt: skip
    elif isinstance(record, AnchorEntry):
        title, rows = _anchor(record)
    elif isinstance(record, ActionEntry):
        title, rows = _action(record)
    elif isinstance(record, Timbre):
        title, rows = _timbre(record)
    elif isinstance(record, ServiceAsset):
        title, rows = _quota(record)
    else:
        return ""
    body = "".join(
        f"<tr><td style='color:#666;padding-right:12px'>{escape(_label(name))}</td><td>{_value(value)}</td></tr>"
        for name, value in rows
        if value
    )
    return f"<h3>{escape(title)}</h3><table>{body}</table>{extra}"
