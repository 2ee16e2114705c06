"""What a hand-off request reads as where it lands, translated."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from desktop.i18n import args
from desktop.ui.common.handoff import Handoff, MakeVideoWith, StartLiveWith, UseTimbre

_CONTEXT = "Handoff"


def describe(request: Handoff) -> str:
    if isinstance(request, MakeVideoWith):
        text = QCoreApplication.translate(_CONTEXT, "Chosen in Assets: make a video with avatar %1.")
        return args(text, request.virtualman_key)
    if isinstance(request, StartLiveWith):
        text = QCoreApplication.translate(_CONTEXT, "Chosen in Assets: start a live session with avatar %1.")
        return args(text, request.virtualman_key)
    if isinstance(request, UseTimbre):
        return args(QCoreApplication.translate(_CONTEXT, "Chosen in Assets: speak with timbre %1."), request.timbre_key)
    return ""
