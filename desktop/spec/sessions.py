"""Interactive digital human: live sessions and the HTTP text drive (seed 002 "Interactive Digital Human Service
API"; seed 000, createsessionbyasset; seed 001, createsession)."""

from __future__ import annotations

from desktop.spec.common import (
    CREATE_SESSION_RESPONSE,
    EXTRA_INFO,
    PROTOCOL,
    PROTOCOL_OPTION,
    REQ_ID,
    REQ_ID_OUT,
    SESSION_DRIVER_TYPE,
    SESSION_ID,
    SESSION_ITEM,
    SESSION_SPEECH_PARAM,
    SPEAK_STATUSES,
    arr,
    b,
    f,
    i,
    obj,
    s,
    video_layers,
)
from desktop.spec.model import Endpoint, MaxCombined

_SESSIONS = "/v2/ivh/sessionmanager/sessionmanagerservice/"
_SESSION_ID_IN = s("SessionId", doc="Not allowed in SaaS; private deployments may pass one")

CREATE_SESSION = Endpoint(
    name="sessions.createsession",
    family="sessions",
    path=_SESSIONS + "createsession",
    title="Creating a New Live Stream Session",
    seed="002/001 §Creating a New Live Stream Session",
    kind="submission",
    request=(
        REQ_ID,
        _SESSION_ID_IN,
        s("VirtualmanProjectId", True, doc="Digital human project id (formerly VirtualmanKey)"),
        s("UserId", True, doc="A new stream with the same UserId closes the previous one"),
        PROTOCOL,
        SESSION_DRIVER_TYPE,
        PROTOCOL_OPTION,
        EXTRA_INFO,
    ),
    response=CREATE_SESSION_RESPONSE,
)

CREATE_SESSION_BY_ASSET = Endpoint(
    name="sessions.createsessionbyasset",
    family="sessions",
    path=_SESSIONS + "createsessionbyasset",
    title="Using the Personal Asset Image to Create a Stream",
    seed="000/002 §Using the Personal Asset Image to Create a Stream",
    kind="submission",
    request=(
        REQ_ID,
        _SESSION_ID_IN,
        s("AssetVirtualmanKey", True),
        s("UserId", True),
        PROTOCOL,
        SESSION_DRIVER_TYPE,
        PROTOCOL_OPTION,
        SESSION_SPEECH_PARAM,
        EXTRA_INFO,
        video_layers("Backgrounds"),
        video_layers("Foregrounds"),
        obj("AnchorParam", b("SilenceActionDisabled")),
    ),
    response=CREATE_SESSION_RESPONSE,
    rules=(MaxCombined(("Backgrounds", "Foregrounds"), 5),),
)

STAT_SESSION = Endpoint(
    name="sessions.statsession",
    family="sessions",
    path=_SESSIONS + "statsession",
    title="Querying the Session Status",
    seed="002 §Querying the Session Status",
    kind="query",
    request=(REQ_ID, SESSION_ID),
    response=(
        REQ_ID_OUT,
        i("SessionStatus", True, enum=(1, 2, 3, 4), doc="1 in progress, 2 closed, 3 preparing, 4 failed"),
        s("PlayStreamAddr"),
        s("SpeakStatus", enum=SPEAK_STATUSES),
        b("IsSessionStarted", True),
        i("ErrorCode", True),
        s("ErrorMessage"),
    ),
)

START_SESSION = Endpoint(
    name="sessions.startsession",
    family="sessions",
    path=_SESSIONS + "startsession",
    title="Starting Session",
    seed="002 §Starting Session",
    kind="action",
    request=(REQ_ID, SESSION_ID),
    response=(REQ_ID_OUT,),
)

CLOSE_SESSION = Endpoint(
    name="sessions.closesession",
    family="sessions",
    path=_SESSIONS + "closesession",
    title="Closing Live Session",
    seed="002 §Closing Live Session",
    kind="action",
    request=(REQ_ID, SESSION_ID),
    response=(REQ_ID_OUT,),
)

_SESSION_LIST = (REQ_ID_OUT, arr("Sessions", "object", *SESSION_ITEM, required=True))

LIST_SESSION_OF_PROJECT_ID = Endpoint(
    name="sessions.listsessionofprojectid",
    family="sessions",
    path=_SESSIONS + "listsessionofprojectid",
    title="Querying the Conversation List under the Digital Human Project",
    seed="002 §Querying the Conversation List under the Digital Human Project",
    kind="query",
    request=(REQ_ID, s("VirtualmanProjectId", True)),
    response=_SESSION_LIST,
)

LIST_SESSION_OF_ASSET_VK = Endpoint(
    name="sessions.listsessionofassetvk",
    family="sessions",
    path=_SESSIONS + "listsessionofassetvk",
    title="Querying the Conversation List under the Personal Asset Image",
    seed="002 §Querying the Conversion List under the Personal Asset Image",
    kind="query",
    request=(REQ_ID, s("AssetVirtualmanKey", True)),
    response=_SESSION_LIST,
)

LIST_SESSION_OF_UIN = Endpoint(
    name="sessions.listsessionofuin",
    family="sessions",
    path=_SESSIONS + "listsessionofuin",
    title="Querying the Session List under UIN",
    seed="002 §Querying the Session List under UIN",
    kind="query",
    request=(REQ_ID,),
    response=_SESSION_LIST,
)

UPDATE_SESSION_CONFIG = Endpoint(
    name="sessions.updatesessionconfig",
    family="sessions",
    path=_SESSIONS + "updatesessionconfig",
    title="Real-time Update of Digital Human Visual Parameters",
    seed="002 §Real-time Update of Digital Human Visual Parameters",
    kind="action",
    request=(
        s("ReqId", True),
        SESSION_ID,
        obj(
            "SpaceParam",
            s("BackgroundUrl", doc="jpg, jpeg or png under 1 MB"),
            f("ImagePosition", True, minimum=-0.5, maximum=0.5),
            f("ImagePositionVertical", True, minimum=-0.5, maximum=0.25),
            f("ImageZoom", True, minimum=0, exclusive_minimum=True, doc="Recommended [0.25, 2]"),
        ),
        obj(
            "ImageParam",
            f("ImageVerticalOffset"),
            f("ImageHorizontalOffset"),
            # The table says float; the sample and the description say a JSON colour string (docs/api-notes.md).
            s("ImageExtraParam", json_string=True, lenient_types=("float",)),
        ),
    ),
    response=(REQ_ID_OUT,),
)

GET_TRTC_SIGN = Endpoint(
    name="sessions.gettrtcsign",
    family="sessions",
    path=_SESSIONS + "gettrtcsign",
    title="Obtaining the Key to the TRTC Room",
    seed="002 §Obtaining the Key to the TRTC Room",
    kind="query",
    request=(s("ReqId", True), SESSION_ID, s("RoomId", True), s("UserId", True)),
    response=(REQ_ID_OUT, s("UserSig", True), s("PrivateMapKey", True)),
)

COMMAND = Endpoint(
    name="sessions.command",
    family="sessions",
    path="/v2/ivh/interactdriver/interactdriverservice/command",
    title="Text-driven Instructions (HTTP)",
    seed="002 §Text-driven Instructions (Other APIs)",
    kind="action",
    request=(
        s("ReqId", True),
        SESSION_ID,
        s("Command", True, enum=("SEND_TEXT",)),
        obj(
            "Data",
            s("Text", max_len=4000),
            b("Interrupt"),
            s("ChatCommand", enum=("NotUseChat", "")),
            required=True,
        ),
    ),
    # "There is no need to pay attention to the returned content": the sample has a Header and no Payload.
    response_payload_optional=True,
)

ENDPOINTS: tuple[Endpoint, ...] = (
    CREATE_SESSION,
    CREATE_SESSION_BY_ASSET,
    STAT_SESSION,
    START_SESSION,
    CLOSE_SESSION,
    LIST_SESSION_OF_PROJECT_ID,
    LIST_SESSION_OF_ASSET_VK,
    LIST_SESSION_OF_UIN,
    UPDATE_SESSION_CONFIG,
    GET_TRTC_SIGN,
    COMMAND,
)
