"""Avatar customization and voice clone (seed 002, "Avatar Image Customization and Voice Clone API")."""

from __future__ import annotations

from desktop.spec.common import NAME_HINT, NAME_PATTERN, arr, b, f, i, obj, s, task_id, task_id_out
from desktop.spec.enums import CUSTOM_STAGE_STATUSES, CUSTOM_STAGES, IDENTITY_MAKE_TYPES, MAKE_TYPES
from desktop.spec.model import (
    AtLeastOne,
    AtMostOne,
    Endpoint,
    Field,
    RequiredUnless,
    RequiredWhen,
    UrlFileName,
)

_CUSTOM = "/v2/ivh/assetmanager/customservice/"
_ZEROSHOT = "/v2/ivh/assetmanager/zeroshotservice/"
_ALGO = "/v2/ivh/algotaskserver/algotaskservice/"

# The JSON held in getprogress' StageInfo at StageV2 CONFIRM.
CONFIRM_CONTENT: tuple[Field, ...] = (
    arr("TrainResult", "string", required=True, doc="Demo video URLs to confirm"),
    s("RejectReason", True),
    arr("TrainRecord", "object", s("StartTime", True), arr("Record", "string", required=True)),
)

ASSET_INFO: tuple[Field, ...] = (
    s("VirtualmanTypeCode"),
    s("VirtualmanKey"),
    s("Resolution"),
    s("OriginZoom"),
    i("VirtualmanResourceId"),
    s("TimbreKey"),
    s("TimbreSample"),
    s("MakeType", True, enum=("IMAGE_PHOTO", "ZERO_SHOT_VOICE")),
)

_METRIC = (
    f("Value", True),
    arr("QualifiedRange", "float", required=True, min_len=2, max_len=2),
    s("Description", True),
)

GET_UPLOAD_CREDENTIALS = Endpoint(
    name="customization.getuploadcredentials",
    family="customization",
    path=_CUSTOM + "getuploadcredentials",
    title="Obtaining the Temporary Upload Token",
    seed="002 §Obtaining the Temporary Upload Token",
    kind="query",
    response=(
        obj(
            "Credentials",
            s("Token", True),
            s("TmpSecretId", True),
            # The table says object; every sample and the COS SDK use a string (docs/api-notes.md).
            s("TmpSecretKey", True),
            required=True,
        ),
        i("ExpiredTime", True, doc="Unix time in seconds"),
        s("PathPrefix", True, doc="Key prefix for uploads on COS"),
    ),
)

MAKE = Endpoint(
    name="customization.make",
    family="customization",
    path=_CUSTOM + "make",
    title="Customization API",
    seed="002 §Customization API",
    kind="submission",
    request=(
        s("AnchorName", True, min_len=2, max_len=50, pattern=NAME_PATTERN, pattern_hint=NAME_HINT),
        s("MakeType", True, enum=tuple(MAKE_TYPES)),
        s("IdentityCosUrl", doc="Video authorization letter under idcard/"),
        s("IdentityWrittenCosUrl", doc="PDF authorization letter under idcard/"),
        s("MaterialCosUrl", doc="Video, zip of wav files, or photo; all types but ZERO_SHOT_VOICE"),
        b("IsHaveBackground", doc="Keep the original background; default no"),
        s("SexType", True, enum=("MALE", "FEMALE")),
        s("Notes", max_len=100),
        s("TextDriver", min_len=4, max_len=1000, doc="Text for the driving demo, SSML tags counted"),
        s("VoiceDriverCosFile", doc="Audio for the driving demo: wav, mp3, wma, m4a, aac; at most 10 MB"),
        s("AudioId", aliases=("Audiold",), doc="From getdetectprogress; ZERO_SHOT_VOICE only"),
    ),
    response=(task_id_out(),),
    rules=(
        RequiredUnless("MaterialCosUrl", "MakeType", ("ZERO_SHOT_VOICE",)),
        RequiredWhen("AudioId", "MakeType", ("ZERO_SHOT_VOICE",)),
        AtLeastOne(("IdentityCosUrl", "IdentityWrittenCosUrl"), when="MakeType", values=IDENTITY_MAKE_TYPES),
    ),
)

GET_PROGRESS = Endpoint(
    name="customization.getprogress",
    family="customization",
    path=_CUSTOM + "getprogress",
    title="Progress Query API",
    seed="002 §Progress Query Interface",
    kind="query",
    request=(task_id(),),
    response=(
        s("Status", True, enum=("MAKING", "SUCCESS", "FAIL")),
        s("FailMessage"),
        s("StageV2", enum=CUSTOM_STAGES),
        s("StatusV2", enum=CUSTOM_STAGE_STATUSES),
        s("StageInfo", json_string=True, doc="JSON CustomerConfirmContent at CONFIRM"),
        arr("AssetList", "object", *ASSET_INFO),
    ),
)

CUSTOMER_CONFIRM = Endpoint(
    name="customization.customerconfirm",
    family="customization",
    path=_CUSTOM + "customerconfirm",
    title="Effect Confirmation API",
    seed="002 §Effect Confirmation API",
    kind="submission",
    request=(
        task_id(),
        s("Operate", True, enum=("AGREE", "REJECT")),
        s("Reason", max_len=300, doc="Required for REJECT, at most 300 characters"),
    ),
    rules=(RequiredWhen("Reason", "Operate", ("REJECT",)),),
)

AUDIO_EVALUATION = Endpoint(
    name="customization.audioevaluation",
    family="customization",
    path=_ALGO + "audioevaluation",
    title="Audio Quality Inspection Task Creation API",
    seed="002 §Audio Quality Inspection Task Creation API",
    kind="action",
    request=(s("AudioUrl", True, doc="WAV audio to check"), s("ReferenceText")),
    response=(task_id_out(),),
)

GET_AUDIO_EVALUATION_STATE = Endpoint(
    name="customization.getaudioevaluationstate",
    family="customization",
    path=_ALGO + "getaudioevaluationstate",
    title="Audio Quality Inspection Task Status Query API",
    seed="002 §Audio Quality Inspection Task Status Query API",
    kind="query",
    request=(task_id("taskId", aliases=("TaskId",)),),
    response=(
        s("TaskState", True, enum=("CREATED", "QUEUING", "PROCESSING", "SUCCESS", "FAIL"), aliases=("Status",)),
        obj(
            "Result",
            obj("Snr", *_METRIC, required=True),
            obj("C50", *_METRIC, required=True),
            obj("Clipping", *_METRIC, required=True),
            obj("Duration", *_METRIC, required=True),
            obj("Wer", *_METRIC, required=True),
            arr("AlignDetails", "object", arr("Detail", "string", required=True), required=True),
            required=True,
        ),
        s("ErrorMsg", True),
    ),
)

GET_TEXT = Endpoint(
    name="customization.gettext",
    family="customization",
    path=_ZEROSHOT + "gettext",
    title="Obtaining the Voice Training Text",
    seed="002 §Obtaining the Voice Training Text",
    kind="query",
    response=(arr("Texts", "object", s("TextId", True), s("Text", True), required=True),),
)

DETECT_AUDIO_QUALITY = Endpoint(
    name="customization.detectaudioquality",
    family="customization",
    path=_ZEROSHOT + "detectaudioquality",
    title="Submitting Audio Quality Inspection Task",
    seed="002 §Submitting Audio Quality Inspection Task",
    kind="action",
    request=(
        s("TextId"),
        s("ReferenceText"),
        s("AudioUrl", True, doc="Under zeroshot/; wav, mp3, aac, m4a, wma, asf; at most 20 MB; 10-30 s advised"),
    ),
    response=(task_id_out(),),
    rules=(
        AtMostOne(("TextId", "ReferenceText")),
        UrlFileName("AudioUrl", 2, 50, NAME_PATTERN, NAME_HINT),
    ),
)

GET_DETECT_PROGRESS = Endpoint(
    name="customization.getdetectprogress",
    family="customization",
    path=_ZEROSHOT + "getdetectprogress",
    title="Querying Audio Quality Inspection Task Progress",
    seed="002 §Querying Audio Quality Inspection Task Progress",
    kind="query",
    request=(task_id("taskId", aliases=("TaskId",)),),
    response=(
        s("AudioId", True),
        i("DetectionCode", True, enum=(0, -1, -2, -3), doc="0 pass; -1 retry; -2 re-record; -3 too noisy"),
        s("DetectionMsg"),
        s("TaskState", enum=("PROCESSING", "SUCCESS", "FAIL")),
    ),
)

ENDPOINTS: tuple[Endpoint, ...] = (
    GET_UPLOAD_CREDENTIALS,
    MAKE,
    GET_PROGRESS,
    CUSTOMER_CONFIRM,
    AUDIO_EVALUATION,
    GET_AUDIO_EVALUATION_STATE,
    GET_TEXT,
    DETECT_AUDIO_QUALITY,
    GET_DETECT_PROGRESS,
)
