"""How quota alerts and what is left of a service asset read, translated (the rules are in services/quota_watch.py)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from desktop.i18n import args
from desktop.services.quota_watch import QuotaAlert, Remaining
from desktop.ui.common import appendix_words

_CONTEXT = "QuotaWords"


def _tr(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


def service_name(service_type: str) -> str:
    return appendix_words.service_type(service_type)


def alert_text(alert: QuotaAlert) -> str:
    name = service_name(alert.service_type)
    if alert.kind == "expired":
        return args(_tr("%1 has expired"), name)
    if alert.kind == "used_up":
        return args(_tr("%1 is used up"), name)
    if alert.kind == "expiring":
        return args(_tr("%1 expires in %2 days"), name, str(max(0, int(alert.days_left))))
    return args(_tr("%1 has %2% left"), name, f"{alert.share_left * 100:.0f}")


def remaining_text(left: Remaining | None) -> str:
    if left is None:
        return ""
    if left.unit == "concurrency":
        return args(_tr("%1 at once"), str(left.total))
    if left.unit == "ms":
        return args(_tr("%1 h of %2 h"), f"{left.left / 3_600_000:.1f}", f"{left.total / 3_600_000:.1f}")
    return args(_tr("%1 of %2"), str(left.left), str(left.total))
