"""Live sessions: create (by project or by asset), status, start, close, the three lists, visual updates, TRTC keys.

A new session is preparing (3) while its model loads, then in progress (1); an injected failure makes it 4. A second
session for the same UserId closes the first (110022). Ten minutes without a drive command closes a session, three
minutes without any traffic drops its drive channel (protocol timeouts: SimClock.protocol). Open
sessions are limited by the interactive concurrency of the avatar's type (100008).

A ready RTMP session streams the avatar to the sandbox's nginx-rtmp (live.py); PlayStreamAddr is its play URL.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import secrets
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from desktop.media import probe
from desktop.sandbox.catalog import Avatar
from desktop.sandbox.context import Context
from desktop.sandbox.custom_tasks import local_file
from desktop.sandbox.files import portrait_png
from desktop.sandbox.live import LiveRenderer, live_size
from desktop.sandbox.replies import SandboxError
from desktop.sandbox.scene import Frame, Layer, Scene, Space
from desktop.spec.validate import url_for_message

log = logging.getLogger("desktop.sandbox.sessions")

# The interactive code table has one parameter error, 100001 ("field format, length, type or non-null errors"); the
# 100002 of the other tables is not in it (docs/api-notes.md).
PARAMETER_ERROR = 100001
MODEL_LOAD_S = 5.0
IDLE_CLOSE_S = 600.0  # no drive for 10 minutes: the session is closed
IDLE_DISCONNECT_S = 180.0  # no traffic for 3 minutes: the drive channel is dropped
UPDATE_CONFIG_INTERVAL_S = 5.0  # a protocol limit, not a simulated wait: not scaled
LAYER_FORMATS = ("jpeg", "png", "gif", "mpo")  # Pillow's names; a motion JPEG still reads as jpeg or mpo
MAX_BACKGROUND_BYTES = 1024 * 1024
PUBLISH_PATH = "/_sandbox/rtmp"
PUBLISH_SETTLE_S = 0.15
CONCURRENCY_OF = {
    "small_sample_2d": "InteractConcurrency",
    "small_sample_general_2d": "SmallSampleGeneral2DInteractConcurrency",
    "small_sample_4k_2d": "SmallSample4K2DInteractConcurrency",
    "small_sample_photo_2d": "SmallSamplePhoto2DInteractConcurrency",
    "real_man_2d": "RealMan2DInteractConcurrency",
    "real_man_3d": "RealMan3DInteractConcurrency",
    "half_realistic_3d": "RealMan3DInteractConcurrency",
    "cartoon_3d": "RealMan3DInteractConcurrency",
}


@dataclass
class Session:
    session_id: str
    user_id: str
    avatar: Avatar
    project_id: str  # "" for asset sessions
    asset_key: str  # "" for project sessions
    driver_type: int
    protocol: str
    created: float
    ready_at: float
    room_id: int = 0
    push_url: str = ""
    fails: bool = False
    started: bool = False
    closed: bool = False
    close_code: int = 0
    close_message: str = ""
    last_drive: float = 0.0
    last_traffic: float = 0.0
    last_config_update: float = -1e9
    speak_status: str = "Initial"
    recent: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=3))  # last status of each drive
    channel: Any = None  # the open drive channel, if any
    renderer: LiveRenderer | None = None  # the live picture and sound, while the session is ready
    voice: str = "en-us"
    speed: float = 1.0
    volume_db: float = 0.0
    backgrounds: tuple[Layer, ...] = ()
    foregrounds: tuple[Layer, ...] = ()
    alpha_channel: bool = False
    space: Space = field(default_factory=Space)
    awaits_stream: bool = False  # ready only once nginx says the stream is published
    streaming: bool = False

    def status(self, now: float) -> int:
        if self.closed:
            return 2
        if now < self.ready_at or (self.awaits_stream and not self.streaming and not self.fails):
            return 3
        return 4 if self.fails else 1


@dataclass
class SessionState:
    sessions: dict[str, Session] = field(default_factory=dict)
    monitor: asyncio.Task[None] | None = None


def state(ctx: Context) -> SessionState:
    found = ctx.state.setdefault("sessions", SessionState())
    assert isinstance(found, SessionState)
    return found


def find(ctx: Context, session_id: str) -> Session:
    session = state(ctx).sessions.get(session_id)
    if session is None:
        raise SandboxError(110018, f"The session does not exist: {session_id!r}")
    return session


def close(ctx: Context, session: Session, code: int, message: str) -> None:
    if session.closed:
        return
    session.closed = True
    session.close_code, session.close_message = code, message
    if session.channel is not None:
        session.channel.close_soon(code, message)
    renderer, session.renderer = session.renderer, None
    if renderer is not None:
        asyncio.get_running_loop().run_in_executor(None, renderer.stop)


def _start_stream(ctx: Context, session: Session) -> None:
    """When the model has loaded: push the avatar to nginx-rtmp (or to the caller's CSS push URL, if loopback)."""
    base = ctx.state.get("rtmp_base")
    if session.closed or session.fails or not base or session.protocol != "rtmp":
        return
    if session.push_url and not _loopback(session.push_url):
        # Only the host: the push URL's query carries txSecret.
        host = urlsplit(session.push_url).hostname
        log.warning("not pushing to %s: the sandbox streams to loopback addresses only", host)
        return
    # Always published to the sandbox's own nginx; a CssCustomPushUrl is relayed from there (publish_event), so
    # its txSecret never appears on ffmpeg's command line, where `ps` would show it to every local user.
    url = f"{base}/{session.session_id}"
    session.awaits_stream = True
    loop = asyncio.get_running_loop()

    def begin(built: asyncio.Future[Scene]) -> None:
        if built.exception() is not None:
            log.error("the live picture of %s could not be made: %s", session.session_id, built.exception())
            session.fails = True
        elif not session.closed:
            renderer = LiveRenderer(url, loop, built.result())
            renderer.start()
            session.renderer = renderer

    loop.run_in_executor(None, _scene, ctx, session).add_done_callback(begin)


def _scene(ctx: Context, session: Session) -> Scene:
    """Blocking (draws and reads pictures): the session's picture as its layers and SpaceParam say."""
    avatar = session.avatar
    width, height = (int(n) for n in avatar.resolution.split("x"))
    figure = ctx.files_dir / "live" / f"{session.session_id}.png"
    if not figure.is_file():
        figure.parent.mkdir(parents=True, exist_ok=True)
        figure.write_bytes(portrait_png(avatar.anchor.name, width // 4, height // 4, avatar.key, transparent=True))
    frame = Frame(live_size((width, height)), (width, height))
    return Scene(figure, frame, session.space, session.backgrounds, session.foregrounds, session.alpha_channel)


def _layers(ctx: Context, payload: dict[str, Any], name: str) -> tuple[Layer, ...]:
    """Blocking: the VideoLayers of `name`, fetched (-101002 when a picture cannot be had) and checked."""
    found = []
    for number, layer in enumerate(payload.get(name) or [], start=1):
        url = str(layer["URL"])
        path = local_file(ctx, url)
        if path is None:
            raise SandboxError(-101002, f"Image downloading failed: {name}[{number}].URL {url_for_message(url)}")
        if probe.image(path).container not in LAYER_FORMATS:
            raise SandboxError(
                PARAMETER_ERROR, f"{name}[{number}].URL: the file is not a jpg, png, mjpeg or gif picture"
            )
        found.append(Layer(path, int(layer["X"]), int(layer["Y"]), int(layer["Width"]), int(layer["Height"])))
    return tuple(found)


async def publish_event(request: web.Request) -> web.Response:
    """nginx-rtmp's on_publish / on_publish_done: a session is in progress (1) once its stream really exists."""
    ctx: Context = request.app["ctx"]
    if request.remote not in ("127.0.0.1", "::1"):
        raise web.HTTPForbidden()
    form = await request.post()
    name, event = str(form.get("name", "")), request.match_info["event"]
    base = str(ctx.state.get("rtmp_base") or "")

    def playable_as(session: Session) -> str:
        """The stream name whose publishing makes `session` playable: the relayed one when it lands here too."""
        if session.push_url.startswith(base + "/"):
            return urlsplit(session.push_url).path.rsplit("/", 1)[-1]
        return session.session_id

    def mark() -> None:
        for session in state(ctx).sessions.values():
            if playable_as(session) == name:
                session.streaming = event == "publish"

    # nginx asks before it registers the stream and registers it once this answer arrives: a player that came at
    # once could still meet "No such stream", so the stream counts as playable a moment after the answer.
    asyncio.get_running_loop().call_later(PUBLISH_SETTLE_S if event == "publish" else 0.0, mark)
    relay = next((s for s in state(ctx).sessions.values() if s.session_id == name and s.push_url), None)
    if event == "publish" and relay is not None and not relay.closed:
        # nginx-rtmp turns a 3xx to an rtmp:// Location into a push relay of this stream to that URL.
        raise web.HTTPFound(relay.push_url)
    return web.Response(text="ok")


def _loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


async def stop_streams(ctx: Context) -> None:
    """At the sandbox's stop: end every renderer."""
    renderers = [s.renderer for s in state(ctx).sessions.values() if s.renderer is not None]
    for session in state(ctx).sessions.values():
        session.renderer = None
    await asyncio.gather(*(asyncio.to_thread(r.stop) for r in renderers))


def play_url(ctx: Context, session: Session) -> str:
    if session.push_url:
        return ""
    if session.protocol == "trtc":
        return f"trtc://127.0.0.1/{session.room_id}?sessionid={session.session_id}"
    base = ctx.state.get("rtmp_base") or "rtmp://127.0.0.1/live"
    scheme_base = base if session.protocol == "rtmp" else base.replace("rtmp://", "webrtc://")
    return f"{scheme_base}/{session.session_id}"


def _create(ctx: Context, payload: dict[str, Any], avatar: Avatar, project_id: str, asset_key: str) -> dict[str, Any]:
    if payload.get("SessionId"):
        raise SandboxError(100001, "SessionId: not allowed in the SaaS environment; the cloud assigns it")
    sessions = state(ctx)
    now = ctx.clock.now()
    concurrency = ctx.catalog.service(CONCURRENCY_OF[avatar.anchor.type_code])
    limit = concurrency.numbers.get("Concurrency", 0) if concurrency else 0
    user_id = str(payload["UserId"])
    previous = [s for s in sessions.sessions.values() if s.user_id == user_id and not s.closed]
    # A failed stream creation (status 4) holds no concurrency.
    open_now = [s for s in sessions.sessions.values() if not s.closed and not s.fails and s not in previous]
    same_kind = [
        s for s in open_now if CONCURRENCY_OF[s.avatar.anchor.type_code] == CONCURRENCY_OF[avatar.anchor.type_code]
    ]
    if len(same_kind) >= limit:
        raise SandboxError(100008, f"{len(same_kind)} of {limit} sessions of this kind are open")
    for old in previous:
        close(ctx, old, 110022, "The stream session created with the same userid has been closed.")
    option = payload.get("ProtocolOption") or {}
    session = Session(
        session_id=uuid.uuid4().hex,
        user_id=user_id,
        avatar=avatar,
        project_id=project_id,
        asset_key=asset_key,
        driver_type=int(payload["DriverType"]),
        protocol=str(payload["Protocol"]).replace("webtrtc", "webrtc"),
        created=now,
        ready_at=now + ctx.clock.scaled(MODEL_LOAD_S),
        room_id=int(option.get("TrtcRoomId") or secrets.randbelow(900_000) + 100_000),
        push_url=str(option.get("CssCustomPushUrl") or ""),
        last_drive=now,
        last_traffic=now,
    )
    # Known now, not when the stream starts: a status asked for between ready_at and the start would say 1, and
    # then 3 again until nginx has the stream (a client that saw 1 and called startsession met "not ready").
    session.awaits_stream = (
        session.protocol == "rtmp" and bool(ctx.state.get("rtmp_base"))
        and (not session.push_url or _loopback(session.push_url))
    )  # fmt: skip
    if ctx.faults.fail_sessions > 0:
        ctx.faults.fail_sessions -= 1
        session.fails = True
    session.alpha_channel = bool((payload.get("ExtraInfo") or {}).get("AlphaChannelEnable", False))
    speech = payload.get("SpeechParam") or {}
    timbre = ctx.catalog.timbre(str(speech.get("TimbreKey", "")))
    session.voice = timbre.voice if timbre else ("en-us+m3" if avatar.anchor.gender == "MALE" else "en-us+f3")
    session.speed = float(speech.get("Speed", 100)) / 100
    session.volume_db = float(speech.get("Volume", 0))
    sessions.sessions[session.session_id] = session
    asyncio.get_running_loop().call_later(session.ready_at - now, _start_stream, ctx, session)
    _ensure_monitor(ctx)
    answer: dict[str, Any] = {"ReqId": payload["ReqId"], "SessionId": session.session_id, "SessionStatus": 3}
    if url := play_url(ctx, session):
        answer["PlayStreamAddr"] = url
    return answer


def _avatar(ctx: Context, key: str, what: str) -> Avatar:
    avatar = ctx.catalog.avatar(key)
    if avatar is None:
        raise SandboxError(100005, f"Unauthorized operation: {what} {key!r} does not belong to this appkey")
    return avatar


async def create_session(payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    project = str(payload["VirtualmanProjectId"])  # "the same as the previous VirtualmanKey"
    return _create(ctx, payload, _avatar(ctx, project, "no digital human project"), project, "")


async def create_session_by_asset(payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    key = str(payload["AssetVirtualmanKey"])
    avatar = _avatar(ctx, key, "the personal asset image")
    backgrounds = await asyncio.to_thread(_layers, ctx, payload, "Backgrounds")
    foregrounds = await asyncio.to_thread(_layers, ctx, payload, "Foregrounds")
    answer = _create(ctx, payload, avatar, "", key)
    session = state(ctx).sessions[answer["SessionId"]]
    session.backgrounds, session.foregrounds = backgrounds, foregrounds
    return answer


async def stat_session(payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    session = find(ctx, str(payload["SessionId"]))
    status = session.status(ctx.clock.now())
    code, message = session.close_code, session.close_message
    if status == 4:
        code, message = -111003, "An error occurred during the model loading process of the digital human."
    answer: dict[str, Any] = {
        "ReqId": payload["ReqId"],
        "SessionStatus": status,
        "SpeakStatus": session.speak_status,
        "IsSessionStarted": session.started and not session.closed,
        "ErrorCode": code,
        "ErrorMessage": message,
    }
    if (url := play_url(ctx, session)) and status in (1, 3):
        answer["PlayStreamAddr"] = url
    return answer


def require_open(ctx: Context, session: Session) -> None:
    status = session.status(ctx.clock.now())
    if status == 2:
        raise SandboxError(110013, session.close_message or "The session has been closed.")  # says it already
    if status != 1:
        raise SandboxError(110014, "The session is not ready: wait for status 1")


async def start_session(payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    session = find(ctx, str(payload["SessionId"]))
    require_open(ctx, session)
    session.started = True
    session.last_drive = session.last_traffic = ctx.clock.now()
    return {"ReqId": payload["ReqId"]}


async def close_session(payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    session = find(ctx, str(payload["SessionId"]))
    if session.closed:
        raise SandboxError(110013, "The session has been closed.")
    close(ctx, session, 110013, "The session has been closed by closesession.")
    return {"ReqId": payload["ReqId"]}


def _listed(ctx: Context, payload: dict[str, Any], keep: Any) -> dict[str, Any]:
    now = ctx.clock.now()
    sessions = [s for s in state(ctx).sessions.values() if not s.closed and keep(s)]
    items = []
    for session in sessions:
        item: dict[str, Any] = {
            "UserId": session.user_id, "SessionId": session.session_id, "SessionStatus": session.status(now),
            "DriverType": str(session.driver_type), "IsSessionStarted": session.started,
        }  # fmt: skip
        if url := play_url(ctx, session):
            item["PlayStreamAddr"] = url
        items.append(item)
    return {"ReqId": payload["ReqId"], "Sessions": items}


async def list_of_project(payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    project = str(payload["VirtualmanProjectId"])
    return _listed(ctx, payload, lambda s: s.project_id == project)


async def list_of_asset(payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    key = str(payload["AssetVirtualmanKey"])
    return _listed(ctx, payload, lambda s: s.asset_key == key)


async def list_of_uin(payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return _listed(ctx, payload, lambda s: True)


async def update_session_config(payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    session = find(ctx, str(payload["SessionId"]))
    require_open(ctx, session)
    now = ctx.clock.now()
    if now - session.last_config_update < UPDATE_CONFIG_INTERVAL_S:
        raise SandboxError(100012, "Requests are too frequent: one visual update every 5 seconds per session")
    session.last_config_update = now
    ctx.state.setdefault("visual_updates", []).append(
        (session.session_id, payload.get("SpaceParam"), payload.get("ImageParam"))
    )
    if space := payload.get("SpaceParam"):
        session.space = await asyncio.to_thread(_space, ctx, session, space)
        if session.renderer is not None:
            session.renderer.set_scene(await asyncio.to_thread(_scene, ctx, session))
    return {"ReqId": payload["ReqId"]}


def _space(ctx: Context, session: Session, space: dict[str, Any]) -> Space:
    """Blocking: the new SpaceParam; without BackgroundUrl the previous background stays, as documented."""
    background = session.space.background
    if url := space.get("BackgroundUrl"):
        path = local_file(ctx, str(url))
        if path is None:
            raise SandboxError(
                -111001,
                f"Updating stream parameters failed: BackgroundUrl {url_for_message(str(url))} cannot be downloaded",
            )
        if path.stat().st_size >= MAX_BACKGROUND_BYTES or probe.image(path).container not in ("jpeg", "png"):
            raise SandboxError(-111001, "Updating stream parameters failed: BackgroundUrl must be a jpg, jpeg or png "
                               "picture under 1 MB")  # fmt: skip
        background = path
    return Space(float(space["ImagePosition"]), float(space["ImagePositionVertical"]), float(space["ImageZoom"]),
                 background)  # fmt: skip


async def get_trtc_sign(payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    session = find(ctx, str(payload["SessionId"]))
    require_open(ctx, session)
    if session.protocol != "trtc":
        raise SandboxError(PARAMETER_ERROR, f"RoomId: the session streams over {session.protocol}, not trtc")
    if str(payload["RoomId"]) != str(session.room_id):
        raise SandboxError(PARAMETER_ERROR, f"RoomId: {payload['RoomId']!r} is not the session's room")
    return {"ReqId": payload["ReqId"], "UserSig": secrets.token_urlsafe(48), "PrivateMapKey": secrets.token_urlsafe(32)}


def _ensure_monitor(ctx: Context) -> None:
    sessions = state(ctx)
    if sessions.monitor is None or sessions.monitor.done():
        sessions.monitor = asyncio.create_task(_monitor(ctx))


async def _monitor(ctx: Context) -> None:
    """Closes sessions left without drive, and drops channels left without traffic."""
    tick = max(0.01, min(1.0, ctx.clock.protocol(10.0)))
    while True:
        await asyncio.sleep(tick)
        now = ctx.clock.now()
        for session in list(state(ctx).sessions.values()):
            if session.closed:
                continue
            if now - session.last_drive > ctx.clock.protocol(IDLE_CLOSE_S):
                close(ctx, session, 110013, "The session has been closed: no drive command for 10 minutes")
            elif session.channel is not None and now - session.last_traffic > ctx.clock.protocol(IDLE_DISCONNECT_S):
                session.channel.close_soon(-111002, "Connection abnormally disconnected: no traffic for 3 minutes")


HANDLERS = {
    "sessions.createsession": create_session,
    "sessions.createsessionbyasset": create_session_by_asset,
    "sessions.statsession": stat_session,
    "sessions.startsession": start_session,
    "sessions.closesession": close_session,
    "sessions.listsessionofprojectid": list_of_project,
    "sessions.listsessionofassetvk": list_of_asset,
    "sessions.listsessionofuin": list_of_uin,
    "sessions.updatesessionconfig": update_session_config,
    "sessions.gettrtcsign": get_trtc_sign,
}
