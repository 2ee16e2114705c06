"""The connection profiles' names, as people read them (the profiles themselves: desktop/services/profiles.py)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

translate = QCoreApplication.translate


def short_name(key: str) -> str:
    """For the status bar."""
    names = {
        "sandbox": translate("Profiles", "Sandbox"),
        "international": translate("Profiles", "International"),
        "mainland": translate("Profiles", "Mainland"),
        "custom": translate("Profiles", "Custom"),
    }
    return names.get(key, key)


def title(key: str) -> str:
    """For choosing one: the name and where it connects."""
    titles = {
        "sandbox": translate("Profiles", "Sandbox (local, free)"),
        "international": translate("Profiles", "International (gw-sg.tvs.qq.com)"),
        "mainland": translate("Profiles", "Mainland (gw.tvs.qq.com)"),
        "custom": translate("Profiles", "Custom (private deployment)"),
    }
    return titles.get(key, key)
