"""Video generation: tts, videos, progress, broadcast resource queries (seed 002, "Video Generation Service API";
seed 003, photo-to-video)."""

from __future__ import annotations

from desktop.spec.common import (
    ACTION_ITEM,
    ANCHOR_TAG,
    CALLBACK_URL,
    CONCURRENCY_TYPE,
    DRIVER_TYPES,
    EMOTION_CATEGORY,
    EMOTION_INTENSITY,
    INPUT_AUDIO_URL,
    INPUT_SSML,
    POSE_IMAGE,
    SUPPORT_ANCHOR_EXTRA_PARAMS,
    TIMBRE_ITEM,
    VIDEO_DRIVER_TYPE,
    VIDEO_SPEED,
    VIDEO_VOLUME,
    arr,
    b,
    f,
    i,
    obj,
    s,
    task_id,
    task_id_out,
)
from desktop.spec.enums import VIDEO_TASK_STATUSES
from desktop.spec.model import AtLeastOne, Endpoint, Field, RequiredWhen

_BROADCAST = "/v2/ivh/videomaker/broadcastservice/"

_TEXT_DRIVEN: tuple[str | None, ...] = (None, "Text")
_AUDIO_DRIVEN = ("OriginalVoice", "ModulatedVoice")

# Appendix II: the body POSTed once to CallbackUrl, inside {"Payload": {...}}.
CALLBACK_BODY: tuple[Field, ...] = (
    i("Progress", True, minimum=-1, maximum=100),
    s("MediaUrl", True),
    s("SubtitlesUrl"),
    s("Status", True, enum=("SUCCESS", "FAIL")),
    s("FailMessage"),
    s("TaskId", True),
)

TTS = Endpoint(
    name="video.tts",
    family="video",
    path=_BROADCAST + "tts",
    title="Audio Production API",
    seed="002 §Audio Production API",
    kind="submission",
    request=(
        s("TimbreKey", doc="Required when VirtualmanKey is empty"),
        s("VirtualmanKey", doc="Required when TimbreKey is empty"),
        s("InputSsml", True, max_len=20000, doc="SSML text, at most 20,000 characters"),
        VIDEO_SPEED,
        s("AudioStorageS3Url"),
        i("SampleRate", enum=(24000, 16000), doc="24000 by default"),
        s("Codec", enum=("mp3", "wav"), doc="mp3 by default"),
        i("SentenceMaxWords", minimum=0, maximum=999, doc="0 or absent means 30"),
        s("SentenceDisplayPunctuation", doc='"0" none, "1" all (default), or the marks to show'),
        s("SentenceSplitPunctuation"),
        VIDEO_VOLUME,
        EMOTION_CATEGORY,
        EMOTION_INTENSITY,
    ),
    response=(task_id_out(),),
    rules=(AtLeastOne(("TimbreKey", "VirtualmanKey")),),
)

_VIDEO_SPEECH_PARAM = obj(
    "SpeechParam",
    VIDEO_SPEED,
    s("TimbreKey", doc="The avatar's own timbre by default"),
    VIDEO_VOLUME,
    EMOTION_CATEGORY,
    EMOTION_INTENSITY,
    required=True,
)

_VIDEO_COMMON_TAIL = (
    CALLBACK_URL,
    VIDEO_DRIVER_TYPE,
    INPUT_AUDIO_URL,
    s("VideoStorageS3Url"),
    s("SubtitleStorageS3Url"),
    CONCURRENCY_TYPE,
)

_VIDEO_RULES = (
    # The tables mark InputSsml "Yes" but describe it as required only for text drive (docs/api-notes.md).
    RequiredWhen("InputSsml", "DriverType", _TEXT_DRIVEN),
    RequiredWhen("InputAudioUrl", "DriverType", _AUDIO_DRIVEN),
)

VIDEOMAKE = Endpoint(
    name="video.videomake",
    family="video",
    path=_BROADCAST + "videomake",
    title="Video Production API - Basic Edition",
    seed="002 §Video Production API - Basic Edition",
    kind="submission",
    request=(
        s("VirtualmanKey", True),
        INPUT_SSML,
        _VIDEO_SPEECH_PARAM,
        obj(
            "VideoParam",
            s(
                "Format",
                enum=("TransparentWebm", "GreenScreenMp4"),
                enum_aliases=("GreenScreenMP4",),
                doc="TransparentWebm by default",
            ),
        ),
        *_VIDEO_COMMON_TAIL,
    ),
    response=(task_id_out(),),
    rules=_VIDEO_RULES,
)

GET_PROGRESS = Endpoint(
    name="video.getprogress",
    family="video",
    path=_BROADCAST + "getprogress",
    title="Audio and Video Production Progress Query API",
    seed="002 §Audio and Video Production Progress Query API",
    kind="query",
    request=(task_id(),),
    response=(
        i("Progress", True, minimum=-1, maximum=100),
        s("MediaUrl", True),
        s("SubtitlesUrl"),
        s("Status", True, enum=VIDEO_TASK_STATUSES),
        i("ArrayCount", True, minimum=0, doc="Tasks queued before this one at COMMIT"),
        i("FailCode"),
        s("FailMessage"),
        arr(
            "TextTimestampResult",
            "object",
            s("Sentence", True),
            arr(
                "Words",
                "object",
                s("Word", True),
                i("StartTimestamp", True, doc="Units of 0.1 microsecond (divide by 10,000 for ms)"),
                i("EndTimestamp", True),
                required=True,
            ),
        ),
        i("Duration", True, minimum=0, doc="Milliseconds"),
    ),
)

VIDEOMAKE_ADVANCED = Endpoint(
    name="video.videomakeadvanced",
    family="video",
    path=_BROADCAST + "videomakeadvanced",
    title="Video Production API - Advanced Version",
    seed="002 §Video Production API - Advanced Version",
    kind="submission",
    request=(
        s("VirtualmanKey", True),
        INPUT_SSML,
        _VIDEO_SPEECH_PARAM,
        obj(
            "VideoParam",
            s(
                "Format",
                enum=("TransparentWebm", "GreenScreenMP4", "MP4"),
                enum_aliases=("GreenScreenMp4", "Mp4"),
                doc="MP4 by default",
            ),
            s("BackgroundFileUrl", doc="jpg, png or MP4 at the video's resolution; at most 500 MB"),
            s("VideoHeadFileUrl", doc="MP4 intro at the video's resolution; at most 500 MB"),
            s("VideoTailFileUrl", doc="MP4 outro at the video's resolution; at most 500 MB"),
            b("ShowSubtitles"),
            obj(
                "SubtitlesParam",
                i("MaxWords", minimum=0, maximum=999),
                s("DisplayPunctuation"),
                s("SplitPunctuation"),
            ),
            arr(
                "LogoParams",
                "object",
                s("LogoFileUrl", doc="jpg or png"),
                i("PositionX"),
                i("PositionY"),
                f("Scale", minimum=0, exclusive_minimum=True),
            ),
            b("SmartActionEnabled"),
            obj(
                "AnchorParam",
                f("HorizontalPosition"),
                f("VerticalPosition"),
                # (0, 1] for most anchors; Basic-tag anchors may exceed 1, so only the lower bound is checked.
                f("Scale", minimum=0, exclusive_minimum=True),
                i("Angle", minimum=0, maximum=360),
                s("AnchorExtraParam", json_string=True),
            ),
            obj(
                "SmallSampleParam",
                s("MakeType", enum=("Default", "Custom", "Circle")),
                i("StartIdx", minimum=0),
                i("EndIdx", minimum=0),
            ),
        ),
        *_VIDEO_COMMON_TAIL,
    ),
    response=(task_id_out(),),
    rules=_VIDEO_RULES,
)

GET_ANCHOR = Endpoint(
    name="video.getanchor",
    family="video",
    path=_BROADCAST + "getanchor",
    title="Customer Resource Query Anchor API",
    seed="002 §Customer Resource Query Anchor API",
    kind="query",
    deprecated=True,
    request=(
        b("GetAllResource", True),
        s("VirtualmanTypeCode", enum=("real_man_2d", "real_man_3d")),
    ),
    response=(
        arr(
            "VirtualmanResources",
            "object",
            s("AppKey", True),
            arr(
                "Virtualmans",
                "object",
                s("AnchorName", True),
                s("AnchorCode", True),
                s("HeaderImage", True),
                s("VirtualmanType", True),
                s("VirtualmanTypeCode", True),
                ANCHOR_TAG,
            ),
            required=True,
        ),
    ),
)

GET_RESOURCE_BY_ANCHOR = Endpoint(
    name="video.getresourcebyanchor",
    family="video",
    path=_BROADCAST + "getresourcebyanchor",
    title="Querying All Images of a Specific Anchor",
    seed="002 §Querying All Images of a Specific Anchor",
    kind="query",
    deprecated=True,
    request=(b("GetAllResource", True), s("AnchorCode", True)),
    response=(
        arr(
            "VirtualmanResources",
            "object",
            s("AppKey", True),
            arr(
                "Virtualmans",
                "object",
                s("VirtualmanKey", True),
                s("Name", True, aliases=("AnchorName",)),
                s("Code", True, aliases=("AnchorCode",)),
                s("ClothesName", True),
                s("PoseName", True),
                s("Resolution", True),
                s("HeaderImage", True),
                POSE_IMAGE,
                s("ClothesImage", True),
                DRIVER_TYPES,
                SUPPORT_ANCHOR_EXTRA_PARAMS,
                s("OriginZoom", True, doc="Float as a string, three decimals"),
                required=True,
            ),
            required=True,
        ),
    ),
)

GET_TIMBRE = Endpoint(
    name="video.gettimbre",
    family="video",
    path=_BROADCAST + "gettimbre",
    title="Querying the Supported Timbres for VirtualmanKey",
    seed="002 §Querying the Supported Timbres for VirtualmanKey (to Be Deprecated)",
    kind="query",
    deprecated=True,
    request=(s("VirtualmanKey", True),),
    response=(arr("Timbres", "object", *TIMBRE_ITEM, required=True),),
)

GET_ACTION = Endpoint(
    name="video.getaction",
    family="video",
    path=_BROADCAST + "getaction",
    title="Querying the Supported Actions for VirtualmanKey",
    seed="002 §Querying the Supported Actions for VirtualmanKey",
    kind="query",
    deprecated=True,
    request=(s("VirtualmanKey", True),),
    response=(arr("Actions", "object", *ACTION_ITEM),),
)

PHOTO_TO_VIDEO = Endpoint(
    name="video.phototovideonotrain",
    family="video",
    path=_BROADCAST + "phototovideonotrain",
    title="Video Production API - NoTraining Image Processing",
    seed="003 §Video Production API - NoTraining Image Processing",
    kind="submission",
    request=(
        s("RefPhotoUrl", True, doc="jpg, jpeg, png, bmp, webp; at most 10 MB; sides 192-4096; aspect 1:2 to 2:1"),
        s("DriverType", True, enum=("Text", "OriginalVoice")),
        s("InputAudioUrl", doc="2-60 s; wav, mp3, wma, m4a, aac, ogg; at most 20 MB"),
        s("InputSsml", min_len=4, max_len=300, doc="4 to 300 characters; required for Text"),
        obj(
            "SpeechParam",
            f("Speed", minimum=0.5, maximum=1.5),
            s("TimbreKey"),
            VIDEO_VOLUME,
            EMOTION_CATEGORY,
            EMOTION_INTENSITY,
            s("TimbreLanguage"),
        ),
        CONCURRENCY_TYPE,
        CALLBACK_URL,
        obj("VideoParam", i("EmotionLevel", enum=(1, 2, 3), doc="2 by default")),
    ),
    response=(task_id_out(),),
    rules=(
        RequiredWhen("InputSsml", "DriverType", ("Text",)),
        RequiredWhen("InputAudioUrl", "DriverType", ("OriginalVoice",)),
        RequiredWhen("SpeechParam", "DriverType", ("Text",)),
        RequiredWhen("SpeechParam.Speed", "DriverType", ("Text",)),
        RequiredWhen("SpeechParam.TimbreKey", "DriverType", ("Text",)),
    ),
)

ENDPOINTS: tuple[Endpoint, ...] = (
    TTS,
    VIDEOMAKE,
    GET_PROGRESS,
    VIDEOMAKE_ADVANCED,
    GET_ANCHOR,
    GET_RESOURCE_BY_ANCHOR,
    GET_TIMBRE,
    GET_ACTION,
    PHOTO_TO_VIDEO,
)
