"""The connection's state in words: the status bar, its tooltip, the Activity log and Settings' Test connection."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from desktop.i18n import args
from desktop.services.connection_status import ConnectionStatus, Health
from desktop.ui.common import profile_names

translate = QCoreApplication.translate


def health_title(health: Health | str) -> str:
    """One or two words, for the Activity log's title column."""
    titles = {
        "connecting": translate("Connection", "Connecting"),
        "ok": translate("Connection", "Connected"),
        "warning": translate("Connection", "Connected, with a warning"),
        "error": translate("Connection", "Not connected"),
    }
    return titles.get(health, translate("Connection", "Unknown"))


def describe(status: ConnectionStatus) -> str:
    """What happened and what to do about it, in full sentences."""
    kind, where = status.kind, status.where
    if kind == "starting":
        return translate("Connection", "Starting…")
    if kind == "connecting":
        return args(translate("Connection", "Connecting to %1…"), profile_names.title(status.profile))
    if kind == "ok":
        text = translate("Connection", "Connected to %1: a signed query was answered in %2 ms.")
        return args(text, where, f"{status.elapsed_ms:.0f}")
    if kind == "clock":
        text = translate(
            "Connection",
            "Connected to %1, but this computer's clock is %2 minutes off the server's. Requests are corrected "
            "automatically; setting the system clock right is safer.",
        )
        return args(text, where, f"{status.offset_s / 60:+.1f}")
    if kind == "skewed":
        text = translate(
            "Connection",
            "%1 refused the request because this computer's clock is %2 minutes off the server's (5 are allowed). "
            "The difference is now corrected for: test again, and set the system clock right.",
        )
        return args(text, where, f"{status.offset_s / 60:+.1f}")
    if kind == "credentials":
        return translate("Connection", "Enter the appkey and the access token in Settings (Ctrl+,).")
    if kind == "auth":
        text = translate("Connection", "%1 refused the appkey or access token (code %2: %3). Check both in Settings.")
        return args(text, where, status.code, status.detail)
    if kind == "network":
        text = translate("Connection", "Cannot reach %1: %2. Check the network and the address.")
        return args(text, where, status.detail)
    if kind == "server":
        return args(translate("Connection", "%1 answered with code %2: %3"), where, status.code, status.detail)
    if kind == "sandbox":
        text = translate(
            "Connection", "Sandbox not available: %1. A cloud profile can be chosen in File → Settings (Ctrl+,)."
        )
        return args(text, status.detail)
    return args(translate("Connection", "Could not connect: %1"), status.detail)
