"""Settings: each option declared once with its type and default. User choices (`settings/...`) are kept apart
from persisted UI state (`persist/...`: geometry, splitters, last page). Stored by QSettings in an INI file in the
data directory, so --data-dir keeps everything of one profile together. Never holds a secret.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar, cast

from PySide6.QtCore import QByteArray, QObject, QSettings, Signal

T = TypeVar("T", str, int, float, bool, bytes)


@dataclass(frozen=True)
class Option(Generic[T]):
    key: str
    type: type[T]
    default: T
    doc: str = ""


# --- user settings ---
PROFILE = Option("settings/connection/profile", str, "sandbox", "a key of desktop.services.profiles")
CUSTOM_API_URL = Option("settings/connection/custom_api_url", str, "", "Private deployment HTTPS address")
CUSTOM_WS_URL = Option("settings/connection/custom_ws_url", str, "", "Private deployment WebSocket address")
APPKEY_INTERNATIONAL = Option("settings/credentials/international/appkey", str, "")
APPKEY_MAINLAND = Option("settings/credentials/mainland/appkey", str, "")
APPKEY_CUSTOM = Option("settings/credentials/custom/appkey", str, "")
REQUEST_TIMEOUT_S = Option("settings/connection/timeout_s", float, 30.0, "Seconds to wait for an answer")
SANDBOX_TIME_SCALE = Option("settings/sandbox/time_scale", float, 1.0, "Shortens the sandbox's simulated waits")
LIVE_IDLE_CLOSE_MIN = Option(
    "settings/live/idle_close_min", int, 15, "Close a live session after this many minutes without a drive (0: never)"
)

# --- persisted UI state ---
WINDOW_GEOMETRY = Option("persist/main_window/geometry", bytes, b"")
WINDOW_STATE = Option("persist/main_window/state", bytes, b"")
LAST_PAGE = Option("persist/main_window/last_page", str, "assets")
ASSETS_TAB = Option("persist/assets/tab", int, 0)
ASSET_KINDS = ("avatars", "anchors", "timbres", "actions", "quotas")
ASSETS_SPLITTER = {kind: Option(f"persist/assets/{kind}/splitter", bytes, b"") for kind in ASSET_KINDS}
ASSETS_VIEW = {kind: Option(f"persist/assets/{kind}/view", str, "grid") for kind in ASSET_KINDS}  # or "list"
ASSETS_COLUMNS = {kind: Option(f"persist/assets/{kind}/columns", bytes, b"") for kind in ASSET_KINDS}
LIVE_SPLITTER = Option("persist/live/splitter", bytes, b"")
LIVE_TAB = Option("persist/live/tab", int, 0)
LIVE_FORM = Option("persist/live/form", str, "", "The last session form's choices as JSON (never the push URL)")


class Settings(QObject):
    """Typed access to the options; `changed` names the key that changed."""

    changed = Signal(str)

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._store = QSettings(str(path), QSettings.Format.IniFormat)

    def get(self, option: Option[T]) -> T:
        value: Any = self._store.value(option.key, None)
        if value is None:
            return option.default
        return cast(T, _coerce(option, value))

    def set(self, option: Option[T], value: T) -> None:
        if not isinstance(value, option.type) and not (option.type is float and isinstance(value, int)):
            raise TypeError(f"{option.key} takes {option.type.__name__}, not {type(value).__name__}")
        stored: Any = QByteArray(value) if isinstance(value, bytes) else value
        if self.get(option) == value:
            return
        self._store.setValue(option.key, stored)
        self.changed.emit(option.key)

    def reset(self, option: Option[Any]) -> None:
        self._store.remove(option.key)
        self.changed.emit(option.key)

    def sync(self) -> None:
        self._store.sync()


def _coerce(option: Option[Any], value: Any) -> Any:
    """INI files hand everything back as strings; turn it back into the declared type, or the default."""
    kind = option.type
    try:
        if kind is bool:
            return value.strip().lower() in ("true", "1", "yes") if isinstance(value, str) else bool(value)
        if kind is bytes:
            if isinstance(value, QByteArray):
                return bytes(value.data())
            return value if isinstance(value, bytes) else option.default
        return kind(value)
    except (TypeError, ValueError):
        return option.default
