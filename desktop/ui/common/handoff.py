"""Requests from one area to another ("Make a video with this avatar"), typed so the main window can route them to
the area that serves them and that area can pre-fill itself. The areas that take them (Video Studio, Live) arrive
in later issues; the routing is defined now so that the Assets area and the pickers can ask already."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MakeVideoWith:
    """Open the Video Studio with this avatar chosen."""

    virtualman_key: str
    target: str = "studio"


@dataclass(frozen=True)
class StartLiveWith:
    """Open the Live panel ready to create a session of this avatar."""

    virtualman_key: str
    target: str = "live"


@dataclass(frozen=True)
class UseTimbre:
    """Open the Video Studio with this timbre chosen for speech."""

    timbre_key: str
    target: str = "studio"


Handoff = MakeVideoWith | StartLiveWith | UseTimbre
