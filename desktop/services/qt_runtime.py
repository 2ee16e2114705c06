"""A check, at start, that the Qt binding does not corrupt Python's reference counts.

PySide6 6.12.0 on CPython 3.11 drops one reference to `True` at every `Signal.emit()` and `disconnect()` made from
Python, and the interpreter aborts ("Fatal Python error: bool_dealloc") after a few hundred emits: minutes of use.
pyproject.toml pins a release without the defect (docs/architecture.md, "The Qt runtime"); this catches an
environment that installed another one anyway, before it can crash in front of a user, and says what to do.
On CPython 3.12 and later `True` is immortal, the count never moves, and a dropped reference to it is harmless.
"""

from __future__ import annotations

import sys

import shiboken6  # released with PySide6, under the same version
from PySide6.QtCore import QObject, Signal

PROBE_EMITS = 8
_given_back: list[bool] = []


class _Probe(QObject):
    ping = Signal()


def signal_refcount_defect() -> str | None:
    """None when emitting signals leaves Python's reference counts alone, else what is wrong and how to fix it."""
    probe = _Probe()
    probe.ping.connect(_ignore)
    before = sys.getrefcount(True)
    for _ in range(PROBE_EMITS):
        probe.ping.emit()
    lost = before - sys.getrefcount(True)
    if lost < PROBE_EMITS:
        return None
    # Give back what the probe took, so that this process can still exit without the abort it warns about.
    _given_back.extend([True] * lost)
    python = ".".join(str(part) for part in sys.version_info[:3])
    return (
        f"PySide6 {shiboken6.__version__} on Python {python} loses a reference to True at every Qt signal, and the "
        "app would abort after a few minutes. Install the PySide6 release that pyproject.toml pins "
        "(make run does), or use Python 3.12 or later."
    )


def _ignore() -> None:
    pass
