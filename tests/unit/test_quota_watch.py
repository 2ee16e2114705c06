"""Which service assets need attention, most urgent first."""

from __future__ import annotations

from datetime import datetime

from desktop.api.assets import ServiceAsset
from desktop.services.quota_watch import alerts, remaining

NOW = datetime(2026, 11, 22, 12, 0, 0)
HOUR_MS = 3_600_000


def asset(service: str, expires: str, **numbers: int) -> ServiceAsset:
    return ServiceAsset(service, expires, {"Detail": dict(numbers)})


def test_expiry_within_14_days_low_hours_and_used_up_quotas_are_flagged_in_order() -> None:
    found = alerts(
        [
            asset(
                "BroadcastHour", "2027-12-31 23:59:59", OrderMilliseconds=100 * HOUR_MS, RemainMilliseconds=5 * HOUR_MS
            ),
            asset("ImageAsset", "2026-12-01 00:00:00", CustomizationNum=10, RemainNum=4),  # in 8.5 days
            asset("TimbreAsset", "2027-01-01 00:00:00", CustomizationNum=3, RemainNum=0),
            asset("InteractConcurrency", "2026-11-01 00:00:00", Concurrency=2),  # past
            asset("TimbreHour", "2027-12-31 23:59:59", OrderMilliseconds=10 * HOUR_MS, RemainMilliseconds=5 * HOUR_MS),
            asset("ZeroShotTimbreAsset", "2026-12-30 00:00:00", CustomizationNum=3, RemainNum=3),  # 38 days: fine
        ],
        NOW,
    )
    assert [(a.service_type, a.kind) for a in found] == [
        ("InteractConcurrency", "expired"),
        ("TimbreAsset", "used_up"),
        ("ImageAsset", "expiring"),
        ("BroadcastHour", "low"),
    ]
    assert 8 < found[2].days_left < 9 and found[3].share_left == 0.05


def test_what_is_left_reads_every_detail_kind() -> None:
    hours = remaining(asset("BroadcastHour", "", OrderMilliseconds=10, RemainMilliseconds=4))
    count = remaining(asset("ImageAsset", "", CustomizationNum=5, RemainNum=1))
    lanes = remaining(asset("InteractConcurrency", "", Concurrency=3))
    assert (hours and hours.unit, hours and hours.share) == ("ms", 0.4)
    assert (count and count.left, count and count.total) == (1, 5)
    assert lanes is not None and lanes.unit == "concurrency" and remaining(asset("X", "")) is None
