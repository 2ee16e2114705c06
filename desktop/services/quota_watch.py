"""Which service assets need attention: an expiry within 14 days (or past), an hourly package under 10% left, a
customization quota used up. Pure: the Assets page and the status bar show what this returns, most urgent first."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from desktop.api.assets import ServiceAsset

EXPIRY_WARNING_DAYS = 14
LOW_SHARE = 0.10

AlertKind = Literal["expired", "used_up", "expiring", "low"]
_RANK: dict[AlertKind, int] = {"expired": 0, "used_up": 1, "expiring": 2, "low": 3}


@dataclass(frozen=True)
class QuotaAlert:
    service_type: str
    kind: AlertKind
    days_left: float = 0.0  # for expired / expiring
    share_left: float = 0.0  # for low / used_up, 0 to 1

    @property
    def rank(self) -> tuple[int, float]:
        return (_RANK[self.kind], self.days_left if self.kind in ("expired", "expiring") else self.share_left)


@dataclass(frozen=True)
class Remaining:
    """What is left of a service asset, whatever its detail kind."""

    left: int
    total: int
    unit: Literal["count", "ms", "concurrency"]

    @property
    def share(self) -> float:
        return self.left / self.total if self.total > 0 else 1.0


def remaining(asset: ServiceAsset) -> Remaining | None:
    numbers = asset.numbers
    if "RemainMilliseconds" in numbers:
        return Remaining(numbers["RemainMilliseconds"], numbers.get("OrderMilliseconds", 0), "ms")
    if "RemainNum" in numbers:
        return Remaining(numbers["RemainNum"], numbers.get("CustomizationNum", 0), "count")
    if "Concurrency" in numbers:
        return Remaining(numbers["Concurrency"], numbers["Concurrency"], "concurrency")
    return None


def expiry(asset: ServiceAsset) -> datetime | None:
    try:
        return datetime.strptime(asset.expire_date.strip(), "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None


def alerts(assets: Iterable[ServiceAsset], now: datetime) -> list[QuotaAlert]:
    found: list[QuotaAlert] = []
    for asset in assets:
        ends = expiry(asset)
        if ends is not None:
            days = (ends - now).total_seconds() / 86400
            if days < 0:
                found.append(QuotaAlert(asset.service_type, "expired", days_left=days))
                continue
            if days <= EXPIRY_WARNING_DAYS:
                found.append(QuotaAlert(asset.service_type, "expiring", days_left=days))
        left = remaining(asset)
        if left is not None and left.unit != "concurrency" and left.total > 0:
            if left.left <= 0:
                found.append(QuotaAlert(asset.service_type, "used_up", share_left=0.0))
            elif left.unit == "ms" and left.share < LOW_SHARE:
                found.append(QuotaAlert(asset.service_type, "low", share_left=left.share))
    return sorted(found, key=lambda alert: alert.rank)
