"""Live sessions: create, status, start, close, lists, visual updates, TRTC keys, and the HTTP text drive."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from desktop.api.reading import Reader
from desktop.api.transport import Transport
from desktop.spec import sessions as spec

SESSION_STATUS = {1: "in progress", 2: "closed", 3: "preparing", 4: "stream creation failed"}


def new_req_id() -> str:
    """A 32-character UUID, as ReqId must be."""
    return uuid.uuid4().hex


@dataclass(frozen=True)
class CreatedSession:
    session_id: str
    status: int  # 1 ready, 3 preparing
    play_url: str


@dataclass(frozen=True)
class SessionStatus:
    status: int
    play_url: str
    speak_status: str
    started: bool
    error_code: int
    error_message: str

    @property
    def status_text(self) -> str:
        return SESSION_STATUS.get(self.status, f"status {self.status}")


@dataclass(frozen=True)
class SessionSummary:
    session_id: str
    user_id: str
    status: int
    play_url: str
    driver_type: int
    started: bool


def _created(payload: Mapping[str, Any]) -> CreatedSession:
    r = Reader(spec.CREATE_SESSION.response, payload)
    return CreatedSession(r.text("SessionId"), r.integer("SessionStatus"), r.text("PlayStreamAddr"))


def _summaries(payload: Mapping[str, Any]) -> list[SessionSummary]:
    r = Reader(spec.LIST_SESSION_OF_UIN.response, payload)
    return [
        SessionSummary(
            s.text("SessionId"),
            s.text("UserId"),
            s.integer("SessionStatus"),
            s.text("PlayStreamAddr"),
            s.integer("DriverType"),  # a string in the tables, a number in the samples (E11)
            s.flag("IsSessionStarted"),
        )
        for s in r.items("Sessions")
    ]


def _options(**fields: Any) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if value is not None}


class SessionsApi:
    def __init__(self, transport: Transport) -> None:
        self._t = transport

    async def create(
        self,
        virtualman_project_id: str,
        user_id: str,
        *,
        protocol: str = "rtmp",
        driver_type: int = 1,
        protocol_option: Mapping[str, Any] | None = None,
        extra_info: Mapping[str, Any] | None = None,
    ) -> CreatedSession:
        """createsession: a stream for a digital human project. Never re-sent automatically."""
        payload = {
            "ReqId": new_req_id(),
            "VirtualmanProjectId": virtualman_project_id,
            "UserId": user_id,
            "Protocol": protocol,
            "DriverType": driver_type,
            **_options(ProtocolOption=protocol_option, ExtraInfo=extra_info),
        }
        return _created(await self._t.call(spec.CREATE_SESSION, payload))

    async def create_by_asset(
        self,
        asset_virtualman_key: str,
        user_id: str,
        *,
        protocol: str = "rtmp",
        driver_type: int = 1,
        protocol_option: Mapping[str, Any] | None = None,
        speech: Mapping[str, Any] | None = None,
        extra_info: Mapping[str, Any] | None = None,
        backgrounds: Sequence[Mapping[str, Any]] | None = None,
        foregrounds: Sequence[Mapping[str, Any]] | None = None,
        anchor: Mapping[str, Any] | None = None,
    ) -> CreatedSession:
        """createsessionbyasset: a stream for a personal asset avatar. Never re-sent automatically."""
        payload = {
            "ReqId": new_req_id(),
            "AssetVirtualmanKey": asset_virtualman_key,
            "UserId": user_id,
            "Protocol": protocol,
            "DriverType": driver_type,
            **_options(
                ProtocolOption=protocol_option,
                SpeechParam=speech,
                ExtraInfo=extra_info,
                Backgrounds=list(backgrounds) if backgrounds else None,
                Foregrounds=list(foregrounds) if foregrounds else None,
                AnchorParam=anchor,
            ),
        }
        return _created(await self._t.call(spec.CREATE_SESSION_BY_ASSET, payload))

    async def status(self, session_id: str) -> SessionStatus:
        payload = {"ReqId": new_req_id(), "SessionId": session_id}
        r = Reader(spec.STAT_SESSION.response, await self._t.call(spec.STAT_SESSION, payload))
        return SessionStatus(
            r.integer("SessionStatus"),
            r.text("PlayStreamAddr"),
            r.text("SpeakStatus"),
            r.flag("IsSessionStarted"),
            r.integer("ErrorCode"),
            r.text("ErrorMessage"),
        )

    async def start(self, session_id: str) -> None:
        await self._t.call(spec.START_SESSION, {"ReqId": new_req_id(), "SessionId": session_id})

    async def close(self, session_id: str) -> None:
        await self._t.call(spec.CLOSE_SESSION, {"ReqId": new_req_id(), "SessionId": session_id})

    async def list_of_project(self, virtualman_project_id: str) -> list[SessionSummary]:
        payload = {"ReqId": new_req_id(), "VirtualmanProjectId": virtualman_project_id}
        return _summaries(await self._t.call(spec.LIST_SESSION_OF_PROJECT_ID, payload))

    async def list_of_asset(self, asset_virtualman_key: str) -> list[SessionSummary]:
        payload = {"ReqId": new_req_id(), "AssetVirtualmanKey": asset_virtualman_key}
        return _summaries(await self._t.call(spec.LIST_SESSION_OF_ASSET_VK, payload))

    async def list_all(self) -> list[SessionSummary]:
        """Every session of the account (listsessionofuin)."""
        return _summaries(await self._t.call(spec.LIST_SESSION_OF_UIN, {"ReqId": new_req_id()}))

    async def update_config(
        self,
        session_id: str,
        *,
        space: Mapping[str, Any] | None = None,
        image: Mapping[str, Any] | None = None,
    ) -> None:
        """Move, zoom or re-background the avatar; the platform allows one call per 5 s per session."""
        payload = {"ReqId": new_req_id(), "SessionId": session_id, **_options(SpaceParam=space, ImageParam=image)}
        await self._t.call(spec.UPDATE_SESSION_CONFIG, payload)

    async def trtc_sign(self, session_id: str, room_id: str, user_id: str) -> tuple[str, str]:
        """(UserSig, PrivateMapKey) for a viewer entering the session's TRTC room. Both are secrets."""
        payload = {"ReqId": new_req_id(), "SessionId": session_id, "RoomId": room_id, "UserId": user_id}
        r = Reader(spec.GET_TRTC_SIGN.response, await self._t.call(spec.GET_TRTC_SIGN, payload))
        return r.text("UserSig"), r.text("PrivateMapKey")

    async def send_text(
        self, session_id: str, text: str, *, interrupt: bool = False, chat_command: str | None = None
    ) -> None:
        """Drive the avatar with text over HTTP (command); the WebSocket channel is desktop.api.drive."""
        data = _options(Text=text, Interrupt=interrupt or None, ChatCommand=chat_command)
        payload = {"ReqId": new_req_id(), "SessionId": session_id, "Command": "SEND_TEXT", "Data": data}
        await self._t.call(spec.COMMAND, payload)
