"""Which pictures a record has, and the two caption lines under its thumbnail: for the Assets grid, its detail pane
and the pickers."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication

from desktop.api.assets import Avatar
from desktop.ui.assets.models import AnchorEntry


def avatar_picture(record: Any) -> str:
    """The grid's picture of an avatar: the pose (the whole figure), else the head, else the clothes."""
    if not isinstance(record, Avatar):
        return ""
    return record.pose_image or record.header_image or record.clothes_image


def avatar_lines(record: Any) -> tuple[str, str]:
    if not isinstance(record, Avatar):
        return "", ""
    second = " · ".join(p for p in (record.clothes_name, record.pose_name, record.resolution) if p)
    return record.anchor_name or record.virtualman_key, second


def avatar_pictures(record: Any) -> list[tuple[str, str]]:
    if not isinstance(record, Avatar):
        return []
    named = (
        (QCoreApplication.translate("Pictures", "Header"), record.header_image),
        (QCoreApplication.translate("Pictures", "Pose"), record.pose_image),
        (QCoreApplication.translate("Pictures", "Clothes"), record.clothes_image),
    )
    return [(label, url) for label, url in named if url]


def anchor_picture(record: Any) -> str:
    return record.anchor.header_image if isinstance(record, AnchorEntry) else ""
