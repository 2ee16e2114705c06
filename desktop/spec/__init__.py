"""The platform as data, written from the seed documents: endpoints, drive commands, error codes.

Pure Python, no I/O: the client validates against it, the sandbox enforces it, tests check the docs' samples
against it.
"""

from __future__ import annotations

from desktop.spec import assets, customization, sessions, video
from desktop.spec.model import Endpoint, ErrorCode, Field

ENDPOINTS: tuple[Endpoint, ...] = (
    *customization.ENDPOINTS,
    *video.ENDPOINTS,
    *sessions.ENDPOINTS,
    *assets.ENDPOINTS,
)

BY_NAME: dict[str, Endpoint] = {e.name: e for e in ENDPOINTS}

# Every spelling of every path (the docs spell the asset service two ways).
BY_PATH: dict[str, Endpoint] = {path: e for e in ENDPOINTS for path in (e.path, *e.alt_paths)}


def endpoint(name: str) -> Endpoint:
    """The endpoint called `name` ("video.tts"); KeyError names the unknown endpoint."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"no endpoint called {name!r} in the spec") from None


__all__ = ["BY_NAME", "BY_PATH", "ENDPOINTS", "Endpoint", "ErrorCode", "Field", "endpoint"]
