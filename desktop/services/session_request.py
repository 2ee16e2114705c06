"""What the operator asks for when creating a live session, as plain data, and the request it makes.

`SessionRequest.payload()` builds the Payload of createsessionbyasset (an avatar of the account) or createsession (a
digital human project), and `problems()` checks it against the spec before anything is sent, in the words the
transport would use, plus the rules the tables leave to prose: a project session takes no SpeechParam, layers or
AnchorParam (createsession has no such fields); at most 5 layers in all; a custom push URL has the documented
`rtmp://host/app/stream?txSecret=…&txTime=…` form. Pure: no Qt, no I/O (Vorta's `prepare()`), so it is unit-tested
without running anything.

The push URL carries a txSecret: it is kept only in memory, never written to the ledger, settings or logs; `__repr__`
leaves it out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from desktop.spec import sessions as spec
from desktop.spec.model import Endpoint
from desktop.spec.validate import check_request

MAX_LAYERS = 5  # Backgrounds and Foregrounds together (createsessionbyasset)
PROTOCOLS = ("rtmp", "trtc", "webrtc")
TEXT_ONLY, AUDIO_AND_TEXT = 1, 3


@dataclass(frozen=True)
class Layer:
    """A picture over or under the avatar, in the pixels of the avatar's resolution."""

    url: str
    x: int = 0
    y: int = 0
    width: int = 0
    height: int = 0

    def payload(self) -> dict[str, Any]:
        return {"URL": self.url, "X": self.x, "Y": self.y, "Width": self.width, "Height": self.height}


@dataclass(frozen=True)
class Trtc:
    """ProtocolOption for an external TRTC application (the platform's own is for debugging only)."""

    app_id: str = ""
    room_id: int | None = None
    user_sig: str = field(default="", repr=False)  # secrets
    private_map_key: str = field(default="", repr=False)

    @property
    def external(self) -> bool:
        return bool(self.app_id)


@dataclass(frozen=True)
class SessionRequest:
    user_id: str
    asset_key: str = ""  # AssetVirtualmanKey: createsessionbyasset
    project_id: str = ""  # VirtualmanProjectId: createsession (when no asset key)
    protocol: str = "rtmp"
    driver_type: int = TEXT_ONLY
    timbre_key: str = ""
    timbre_language: str = ""
    speed: float | None = None  # percent of the default, [50, 200]
    volume: int | None = None  # dB, [-10, 10]
    backgrounds: tuple[Layer, ...] = ()
    foregrounds: tuple[Layer, ...] = ()
    alpha: bool = False  # ExtraInfo.AlphaChannelEnable
    silence_actions_disabled: bool = False  # AnchorParam.SilenceActionDisabled
    push_url: str = field(default="", repr=False)  # CssCustomPushUrl: holds txSecret
    trtc: Trtc = field(default_factory=Trtc)
    speak_text_as_audio: bool = False  # a lightweight avatar: the app turns text into speech and drives by audio

    @property
    def by_asset(self) -> bool:
        return bool(self.asset_key)

    @property
    def endpoint(self) -> Endpoint:
        return spec.CREATE_SESSION_BY_ASSET if self.by_asset else spec.CREATE_SESSION

    @property
    def subject(self) -> str:
        """The avatar key or the project id: what the session shows."""
        return self.asset_key or self.project_id

    def protocol_option(self) -> dict[str, Any] | None:
        option: dict[str, Any] = {}
        if self.push_url:
            option["CssCustomPushUrl"] = self.push_url
        if self.protocol == "trtc" and self.trtc.external:
            option["TrtcUseExternalApp"] = True
            option["TrtcAppId"] = self.trtc.app_id
            if self.trtc.user_sig:
                option["TrtcUserSig"] = self.trtc.user_sig
            if self.trtc.private_map_key:
                option["TrtcPrivateMapKey"] = self.trtc.private_map_key
        if self.protocol == "trtc" and self.trtc.room_id is not None:
            option["TrtcRoomId"] = self.trtc.room_id
        return option or None

    def speech(self) -> dict[str, Any] | None:
        speech: dict[str, Any] = {}
        if self.timbre_key:
            speech["TimbreKey"] = self.timbre_key
        if self.timbre_language:
            speech["TimbreLanguage"] = self.timbre_language
        if self.speed is not None:
            speech["Speed"] = self.speed
        if self.volume is not None:
            speech["Volume"] = self.volume
        return speech or None

    def extra_info(self) -> dict[str, Any] | None:
        return {"AlphaChannelEnable": True} if self.alpha else None

    def anchor(self) -> dict[str, Any] | None:
        return {"SilenceActionDisabled": True} if self.silence_actions_disabled else None

    def options(self) -> dict[str, Any]:
        """The keyword arguments of `SessionsApi.create_by_asset` / `create` (ReqId, UserId and the key apart)."""
        common: dict[str, Any] = {
            "protocol": self.protocol,
            "driver_type": self.driver_type,
            "protocol_option": self.protocol_option(),
            "extra_info": self.extra_info(),
        }
        if not self.by_asset:
            return common
        return {
            **common,
            "speech": self.speech(),
            "backgrounds": [layer.payload() for layer in self.backgrounds] or None,
            "foregrounds": [layer.payload() for layer in self.foregrounds] or None,
            "anchor": self.anchor(),
        }

    def payload(self) -> dict[str, Any]:
        """The request's Payload as the client will send it (the ReqId a placeholder of the right form)."""
        names = {
            "protocol": "Protocol",
            "driver_type": "DriverType",
            "protocol_option": "ProtocolOption",
            "extra_info": "ExtraInfo",
            "speech": "SpeechParam",
            "backgrounds": "Backgrounds",
            "foregrounds": "Foregrounds",
            "anchor": "AnchorParam",
        }
        key = {"AssetVirtualmanKey": self.asset_key} if self.by_asset else {"VirtualmanProjectId": self.project_id}
        body: dict[str, Any] = {"ReqId": "0" * 32, **key, "UserId": self.user_id}
        body.update({names[name]: value for name, value in self.options().items() if value is not None})
        return body

    def problems(self) -> list[Problem]:
        """What the platform would refuse; empty when fine. Each has a kind the UI words itself, and an English
        sentence (`str()`) for logs and scripts."""
        found: list[Problem] = []
        if not self.user_id.strip():
            found.append(Problem("user_id", "UserId: give one (the platform keeps one stream per UserId)"))
        if not self.subject.strip():
            found.append(Problem("subject", "choose an avatar, or give a digital human project id"))
        if not self.by_asset and (
            self.speech() or self.backgrounds or self.foregrounds or self.silence_actions_disabled
        ):
            found.append(
                Problem("project_fields", "a project session takes its voice, layers and actions from the project")
            )
        if len(self.backgrounds) + len(self.foregrounds) > MAX_LAYERS:
            found.append(Problem("layers", f"at most {MAX_LAYERS} background and foreground layers in all"))
        if self.push_url:
            found.extend(Problem("push_url", words) for words in push_url_problems(self.push_url))
        if self.protocol == "trtc" and self.trtc.external and not (self.trtc.user_sig and self.trtc.private_map_key):
            found.append(Problem("trtc_keys", "an external TRTC application needs its UserSig and PrivateMapKey"))
        if self.speak_text_as_audio and self.driver_type != AUDIO_AND_TEXT:
            found.append(Problem("audio_needed", "speaking text as audio needs a session driven by audio and text"))
        found.extend(Problem("spec", str(violation)) for violation in check_request(self.endpoint, self.payload()))
        return list(dict.fromkeys(found))


@dataclass(frozen=True)
class Problem:
    kind: str  # user_id, subject, project_fields, layers, push_url, trtc_keys, audio_needed, spec
    words: str

    def __str__(self) -> str:
        return self.words


def push_url_problems(url: str) -> list[str]:
    """The documented form: rtmp://host/app/stream?txSecret={0}&txTime={1}."""
    parts = urlsplit(url)
    if parts.scheme != "rtmp" or not parts.hostname:
        return ["the push URL must be an rtmp:// address"]
    if len([part for part in parts.path.split("/") if part]) < 2:
        return ["the push URL needs an application and a stream name: rtmp://host/app/stream?txSecret=…&txTime=…"]
    query = parse_qs(parts.query)
    missing = [name for name in ("txSecret", "txTime") if not query.get(name)]
    if missing:
        return [f"the push URL lacks {' and '.join(missing)} (see CSS's push URL generator)"]
    return []


def pull_address(push_url: str, play_domain: str) -> str:
    """Where viewers (or OBS's Media Source) play a stream pushed to CSS: the same application and stream name on the
    account's CSS playback domain, without the push URL's txSecret. "" when either part is missing."""
    parts = urlsplit(push_url)
    path = "/".join(part for part in parts.path.split("/") if part)
    domain = play_domain.strip().removeprefix("rtmp://").strip("/")
    return f"rtmp://{domain}/{path}" if path and domain else ""


__all__ = ["MAX_LAYERS", "PROTOCOLS", "Layer", "Problem", "SessionRequest", "Trtc", "pull_address", "push_url_problems"]
