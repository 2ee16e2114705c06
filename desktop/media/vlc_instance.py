"""The app's one libvlc instance, made on first use.

One instance for the whole app, not one per player, so that its options are decided in one place (the audio
output below, `--no-xlib`) and shutdown has one thing to release. The sample players of the Assets area use it, and
the Live panel's RTMP playback will reuse it. Measured (libvlc 3.0): the first instance of a process loads the
plugins, ~80 ms and ~50 MB; libvlc 3 keeps that plugin bank per process, so a second instance would cost only ~2 ms
and <1 MB, and a media player from the shared instance ~0.2 ms and well under 1 MB while it plays.

Options: `--no-xlib` (halves the CPU and memory of the video output under Xvfb), `--quiet`, `--no-video-title-show`,
and `--aout=adummy` where nothing can play sound (libvlc would otherwise log an error every ~35 ms of audio). The
environment variable `AVATAR_STUDIO_VLC_AOUT` chooses the audio output outright (the tests set `adummy`).

The video output cannot be chosen per media (`:vout=vdummy` on a media is ignored in libvlc 3); a player that has no
window to draw into plays its media with `:no-video` instead.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

log = logging.getLogger("desktop.media.vlc")

AOUT_VARIABLE = "AVATAR_STUDIO_VLC_AOUT"
BASE_OPTIONS = ("--no-xlib", "--quiet", "--no-video-title-show")

_lock = threading.Lock()
_instance: list[Any] = []  # the vlc.Instance, once made


def sound_available(environ: Mapping[str, str] = os.environ, dev_snd: Path = Path("/dev/snd")) -> bool:
    """Whether libvlc has somewhere to play sound: a PulseAudio (or PipeWire) server, or an ALSA device."""
    if sys.platform != "linux":
        return True
    if environ.get("PULSE_SERVER"):
        return True
    runtime = environ.get("XDG_RUNTIME_DIR") or f"/run/user/{os.getuid()}"
    if Path(runtime, "pulse", "native").exists():
        return True
    return dev_snd.is_dir() and any(dev_snd.iterdir())


def instance_options(environ: Mapping[str, str] = os.environ, dev_snd: Path = Path("/dev/snd")) -> list[str]:
    options = list(BASE_OPTIONS)
    chosen = environ.get(AOUT_VARIABLE, "").strip()
    if chosen:
        options.append(f"--aout={chosen}")
    elif not sound_available(environ, dev_snd):
        options.append("--aout=adummy")
    return options


def shared_instance() -> Any:
    """The app's libvlc instance (`vlc.Instance`), made on the first call. Raises RuntimeError when libvlc or its
    plugins cannot be loaded."""
    with _lock:
        if not _instance:
            try:
                import vlc
            except (ImportError, OSError, NotImplementedError) as error:  # python-vlc without libvlc
                raise RuntimeError(f"libvlc cannot be loaded: {error}") from error
            options = instance_options()
            made = vlc.Instance(options)
            if made is None:
                raise RuntimeError("libvlc could not make an instance (are its plugins installed?)")
            log.info("libvlc %s started with %s", vlc.libvlc_get_version().decode(), " ".join(options))
            _instance.append(made)
        return _instance[0]


def release_shared() -> None:
    """Release the instance (at shutdown, or in tests to start again with other options). Players still alive keep
    their own reference to it, so this is safe while one is playing; the next `shared_instance()` makes a new one."""
    with _lock:
        made = _instance.pop() if _instance else None
    if made is not None:
        made.release()
