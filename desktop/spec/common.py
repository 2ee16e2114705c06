"""Short constructors for spec fields, and the field groups several endpoints share."""

from __future__ import annotations

from typing import Any

from desktop.spec.model import Field, FieldType

# "only allow Chinese characters, letters, digits, underscores and hyphens" (make: AnchorName, image names).
NAME_PATTERN = r"^[\u4e00-\u9fffA-Za-z0-9_-]+$"
NAME_HINT = "Chinese characters, letters, digits, underscores and hyphens only"


def s(name: str, required: bool = False, **kw: Any) -> Field:
    return Field(name, "string", required, **kw)


def i(name: str, required: bool = False, **kw: Any) -> Field:
    return Field(name, "int", required, **kw)


def f(name: str, required: bool = False, **kw: Any) -> Field:
    return Field(name, "float", required, **kw)


def b(name: str, required: bool = False, **kw: Any) -> Field:
    return Field(name, "bool", required, **kw)


def obj(name: str, *members: Field, required: bool = False, **kw: Any) -> Field:
    return Field(name, "object", required, fields=members, **kw)


def arr(name: str, items: FieldType, *members: Field, required: bool = False, **kw: Any) -> Field:
    return Field(name, "array", required, items=items, fields=members, **kw)


# Task ids: the tables say string; every request sample sends a number (docs/api-notes.md).
def task_id(name: str = "TaskId", aliases: tuple[str, ...] = ()) -> Field:
    return s(name, True, aliases=aliases, lenient_types=("int",), doc="Task id returned at creation")


def task_id_out() -> Field:
    # One response sample spells it TaskID (videomakeadvanced).
    return s("TaskId", True, aliases=("TaskID",), doc="Created task id")


# --- paging (Personal Asset Management) ---
PAGE_INDEX = i("PageIndex", True, minimum=1, aliases=("pageIndex",), doc="Current page, from 1")
PAGE_SIZE = i("PageSize", True, minimum=1, maximum=100, doc="Page size (maximum of 100)")
TOTAL = i("Total", True, minimum=0, doc="Total number of items")

# --- live sessions ---
REQ_ID = s("ReqId", True, min_len=32, max_len=32, doc="Unique identifier for each request, a 32-character UUID")
REQ_ID_OUT = s("ReqId", True, doc="Unique identifier for a single request")
SESSION_ID = s("SessionId", True, doc="Unique identifier for the session")

PROTOCOL = s("Protocol", True, enum=("rtmp", "trtc", "webrtc"), enum_aliases=("webtrtc",))
SESSION_DRIVER_TYPE = i("DriverType", True, enum=(1, 3), doc="1: text-only driving; 3: audio driving (original voice)")

PROTOCOL_OPTION = obj(
    "ProtocolOption",
    b("TrtcUseExternalApp"),
    s("TrtcAppId"),
    i("TrtcRoomId"),
    s("TrtcUserSig"),
    s("TrtcPrivateMapKey"),
    # Required in one table (002 createsession), optional in the others: optional (docs/api-notes.md).
    s("CssCustomPushUrl", pattern=r"^rtmp://", pattern_hint="an rtmp:// URL"),
)

SESSION_SPEECH_PARAM = obj(
    "SpeechParam",
    f("Speed", minimum=50, maximum=200, doc="Speech speed in percent of the default, [50, 200]"),
    s("TimbreKey"),
    i("Volume", minimum=-10, maximum=10, doc="Volume in dB relative to the default, [-10, 10]"),
    s("TimbreLanguage"),
)

EXTRA_INFO = obj("ExtraInfo", b("AlphaChannelEnable", doc="Output iW + pW + iW wide with the alpha on the right"))

_VIDEO_LAYER_MEMBERS = (
    s("URL", True, doc="jpg, jpeg, png, mjpeg or gif; best under 2 MB"),
    i("X", True),
    i("Y", True),
    i("Width", True, minimum=0),
    i("Height", True, minimum=0),
)


def video_layers(name: str) -> Field:
    return arr(name, "object", *_VIDEO_LAYER_MEMBERS)


CREATE_SESSION_RESPONSE = (
    REQ_ID_OUT,
    SESSION_ID,
    i("SessionStatus", True, enum=(1, 3), doc="1: ready; 3: preparing, poll statsession"),
    s("PlayStreamAddr", doc="Absent when CssCustomPushUrl is given"),
)

SESSION_ITEM = (
    s("UserId", True),
    SESSION_ID,
    i("SessionStatus", True, enum=(1, 2, 3, 4), doc="1 in progress, 2 closed, 3 preparing, 4 failed"),
    s("PlayStreamAddr"),
    # The tables say String, the samples send 1: parse both.
    s("DriverType", True, enum=("1", "3"), lenient_types=("int",)),
    b("IsSessionStarted", True),
)

SPEAK_STATUSES = (
    "Initial",
    "WaitingTextStart",
    "TextStart",
    "WaitingTextOver",
    "TextOver",
    "WaitingAudioStart",
    "AudioStart",
    "WaitingAudioOver",
    "AudioOver",
    "Error",
)

# --- video production ---
VIDEO_SPEED = f("Speed", True, minimum=0.5, maximum=1.5, doc="1.0 is normal speed, [0.5, 1.5]")
VIDEO_VOLUME = i("Volume", minimum=0, maximum=10, doc="0 is normal volume, [0, 10]")
EMOTION_CATEGORY = s("EmotionCategory", doc="Only for multi-emotion timbres")
EMOTION_INTENSITY = i("EmotionIntensity", minimum=50, maximum=200, doc="Effective when EmotionCategory is set")
VIDEO_DRIVER_TYPE = s("DriverType", enum=("Text", "OriginalVoice", "ModulatedVoice"), doc="Text by default")
CALLBACK_URL = s("CallbackUrl", max_len=999, doc="Length less than 1000; called once")
CONCURRENCY_TYPE = s("ConcurrencyType", enum=("Exclusive", "Shared"))
INPUT_SSML = s(
    "InputSsml",
    max_len=20000,
    aliases=("InputSsmI", "InputSsm1"),
    doc="SSML text, at most 20,000 characters; required when DriverType is empty or Text",
)
INPUT_AUDIO_URL = s("InputAudioUrl", doc="Required when DriverType is OriginalVoice or ModulatedVoice")

# --- assets ---
TIMBRE_ITEM = (s("TimbreKey", True), s("TimbreName", True), s("TimbreSample", True), s("TimbreDesc", True))
ACTION_ITEM = (s("ActionName", True), s("ActionCode", True), s("ActionSample", True))
ANCHOR_TAG = s("Tag", True, enum=("Basic", "Standard", "Advanced"))
DRIVER_TYPES = arr("SupportDriverTypes", "string", required=True)
POSE_IMAGE = s("PoseImage", True, aliases=("PoselImage",), doc="Pose image URL")
SUPPORT_ANCHOR_EXTRA_PARAMS = arr(
    "SupportAnchorExtraParams",
    "object",
    s("Key", True),
    s("Description", True),
    i("Type", True, enum=(1, 2, 3), doc="1: string; 2: value; 3: boolean"),
    arr("Value", "string", required=True),
    required=True,
)
