"""Where the platform is, and who is calling it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Environment:
    """The base URLs of one deployment of the platform."""

    name: str
    api_url: str  # https://host[:port], no path
    ws_url: str  # wss://host[:port]

    def __post_init__(self) -> None:
        for label, url, schemes in (
            ("API", self.api_url, ("http://", "https://")),
            ("WebSocket", self.ws_url, ("ws://", "wss://")),
        ):
            if not url.startswith(schemes):
                raise ValueError(f"{label} address {url!r} must start with {' or '.join(schemes)}")


INTERNATIONAL = Environment("International", "https://gw-sg.tvs.qq.com", "wss://gw-sg.tvs.qq.com")
MAINLAND = Environment("Mainland", "https://gw.tvs.qq.com", "wss://gw.tvs.qq.com")


def custom(api_url: str, ws_url: str = "") -> Environment:
    """A private deployment; the WebSocket address defaults to the API's host with ws(s)://."""
    api_url = api_url.strip().rstrip("/")
    if not ws_url:
        ws_url = "wss://" + api_url.removeprefix("https://") if api_url.startswith("https://") else ""
        ws_url = ws_url or "ws://" + api_url.removeprefix("http://")
    return Environment("Custom", api_url, ws_url.strip().rstrip("/"))


@dataclass(frozen=True)
class Credentials:
    """An appkey and its access token. The token never appears in repr, logs or messages."""

    appkey: str
    access_token: str = field(repr=False)

    @property
    def complete(self) -> bool:
        return bool(self.appkey and self.access_token)
