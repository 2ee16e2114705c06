"""Avatar customization and voice clone: upload credentials, make, progress, confirmation, audio checks."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from desktop.api.reading import Reader
from desktop.api.transport import Transport
from desktop.spec import customization as spec


@dataclass(frozen=True)
class UploadCredentials:
    """Temporary COS keys. The key and token stay out of repr, logs and messages."""

    secret_id: str
    secret_key: str = field(repr=False)
    token: str = field(repr=False)
    expired_time: int = 0
    path_prefix: str = ""


@dataclass(frozen=True)
class TrainRecord:
    start_time: str
    urls: tuple[str, ...]


@dataclass(frozen=True)
class ConfirmContent:
    """StageInfo at CONFIRM: demo videos to approve or reject, and earlier rounds."""

    train_result: tuple[str, ...]
    reject_reason: str
    records: tuple[TrainRecord, ...]


@dataclass(frozen=True)
class CustomAsset:
    make_type: str
    virtualman_key: str = ""
    virtualman_type_code: str = ""
    resolution: str = ""
    origin_zoom: str = ""
    resource_id: int = 0
    timbre_key: str = ""
    timbre_sample: str = ""


@dataclass(frozen=True)
class CustomizationProgress:
    status: str  # MAKING, SUCCESS, FAIL
    stage: str = ""  # SUBMIT, AUDIT, PROCESS, TRAIN, CONFIRM, END
    stage_status: str = ""  # WAIT_PROCESS, PROCESSING, SUCCESS, FAIL
    fail_message: str = ""
    confirm: ConfirmContent | None = None
    assets: tuple[CustomAsset, ...] = ()
    stage_info_error: str = ""  # StageInfo present but unreadable

    @property
    def awaiting_confirmation(self) -> bool:
        return self.status == "MAKING" and self.stage == "CONFIRM" and self.stage_status == "WAIT_PROCESS"


@dataclass(frozen=True)
class Metric:
    value: float
    qualified: tuple[float, ...]
    description: str

    @property
    def passed(self) -> bool:
        return len(self.qualified) == 2 and self.qualified[0] <= self.value <= self.qualified[1]


@dataclass(frozen=True)
class AudioEvaluation:
    state: str  # CREATED, QUEUING, PROCESSING, SUCCESS, FAIL
    metrics: dict[str, Metric]
    alignment: tuple[tuple[str, ...], ...]
    error: str


@dataclass(frozen=True)
class TrainingText:
    text_id: str
    text: str


@dataclass(frozen=True)
class DetectProgress:
    audio_id: str
    code: int  # 0 pass, -1 retry, -2 re-record, -3 too noisy
    message: str
    state: str

    @property
    def passed(self) -> bool:
        return self.code == 0 and bool(self.audio_id)


DETECTION_MEANINGS = {
    0: "The audio passed.",
    -1: "Detection failed; run it again.",
    -2: "The audio did not pass: re-record it (missing, wrong or extra words).",
    -3: "The audio did not pass: there is significant noise.",
}


def read_confirm_content(stage_info: str) -> ConfirmContent:
    """Parse StageInfo's JSON (raises ValueError with a reason when it is not the documented shape)."""
    data = json.loads(stage_info)
    if not isinstance(data, dict):
        raise ValueError("StageInfo is not a JSON object")
    r = Reader(spec.CONFIRM_CONTENT, data)
    records = tuple(TrainRecord(t.text("StartTime"), t.strings("Record")) for t in r.items("TrainRecord"))
    return ConfirmContent(r.strings("TrainResult"), r.text("RejectReason"), records)


class CustomizationApi:
    def __init__(self, transport: Transport) -> None:
        self._t = transport

    async def upload_credentials(self) -> UploadCredentials:
        r = Reader(spec.GET_UPLOAD_CREDENTIALS.response, await self._t.call(spec.GET_UPLOAD_CREDENTIALS))
        c = r.obj("Credentials")
        return UploadCredentials(
            c.text("TmpSecretId"),
            c.text("TmpSecretKey"),
            c.text("Token"),
            r.integer("ExpiredTime"),
            r.text("PathPrefix"),
        )

    async def make(
        self,
        anchor_name: str,
        make_type: str,
        sex: str,
        *,
        material_url: str | None = None,
        identity_url: str | None = None,
        identity_written_url: str | None = None,
        keep_background: bool | None = None,
        notes: str | None = None,
        text_driver: str | None = None,
        voice_driver_url: str | None = None,
        audio_id: str | None = None,
    ) -> str:
        """Submit a customization; returns its TaskId. Never re-sent automatically."""
        payload: dict[str, Any] = {"AnchorName": anchor_name, "MakeType": make_type, "SexType": sex}
        optional = {
            "MaterialCosUrl": material_url,
            "IdentityCosUrl": identity_url,
            "IdentityWrittenCosUrl": identity_written_url,
            "IsHaveBackground": keep_background,
            "Notes": notes,
            "TextDriver": text_driver,
            "VoiceDriverCosFile": voice_driver_url,
            "AudioId": audio_id,
        }
        payload.update({k: v for k, v in optional.items() if v is not None})
        return Reader(spec.MAKE.response, await self._t.call(spec.MAKE, payload)).text("TaskId")

    async def progress(self, task_id: str) -> CustomizationProgress:
        r = Reader(spec.GET_PROGRESS.response, await self._t.call(spec.GET_PROGRESS, {"TaskId": task_id}))
        confirm: ConfirmContent | None = None
        stage_info_error = ""
        if stage_info := r.text("StageInfo"):
            try:
                confirm = read_confirm_content(stage_info)
            except ValueError as exc:
                stage_info_error = f"StageInfo could not be read: {exc}"
        assets = tuple(
            CustomAsset(
                make_type=a.text("MakeType"),
                virtualman_key=a.text("VirtualmanKey"),
                virtualman_type_code=a.text("VirtualmanTypeCode"),
                resolution=a.text("Resolution"),
                origin_zoom=a.text("OriginZoom"),
                resource_id=a.integer("VirtualmanResourceId"),
                timbre_key=a.text("TimbreKey"),
                timbre_sample=a.text("TimbreSample"),
            )
            for a in r.items("AssetList")
        )
        return CustomizationProgress(
            r.text("Status"),
            r.text("StageV2"),
            r.text("StatusV2"),
            r.text("FailMessage"),
            confirm,
            assets,
            stage_info_error,
        )

    async def confirm(self, task_id: str, agree: bool, reason: str = "") -> None:
        """Approve (AGREE) or reject (REJECT, with a reason of at most 300 characters) the demo video."""
        payload: dict[str, Any] = {"TaskId": task_id, "Operate": "AGREE" if agree else "REJECT"}
        if reason:
            payload["Reason"] = reason
        await self._t.call(spec.CUSTOMER_CONFIRM, payload)

    async def audio_evaluation(self, audio_url: str, reference_text: str = "") -> str:
        payload: dict[str, Any] = {"AudioUrl": audio_url}
        if reference_text:
            payload["ReferenceText"] = reference_text
        return Reader(spec.AUDIO_EVALUATION.response, await self._t.call(spec.AUDIO_EVALUATION, payload)).text("TaskId")

    async def audio_evaluation_state(self, task_id: str) -> AudioEvaluation:
        endpoint = spec.GET_AUDIO_EVALUATION_STATE
        r = Reader(endpoint.response, await self._t.call(endpoint, {"taskId": task_id}))
        result = r.obj("Result")
        metrics = {}
        for name in ("Snr", "C50", "Clipping", "Duration", "Wer"):
            if result.has(name):
                m = result.obj(name)
                metrics[name] = Metric(m.number("Value"), m.floats("QualifiedRange"), m.text("Description"))
        alignment = tuple(a.strings("Detail") for a in result.items("AlignDetails"))
        return AudioEvaluation(r.text("TaskState"), metrics, alignment, r.text("ErrorMsg"))

    async def training_texts(self) -> list[TrainingText]:
        r = Reader(spec.GET_TEXT.response, await self._t.call(spec.GET_TEXT))
        return [TrainingText(t.text("TextId"), t.text("Text")) for t in r.items("Texts")]

    async def detect_audio_quality(self, audio_url: str, *, text_id: str = "", reference_text: str = "") -> str:
        payload: dict[str, Any] = {"AudioUrl": audio_url}
        if text_id:
            payload["TextId"] = text_id
        if reference_text:
            payload["ReferenceText"] = reference_text
        endpoint = spec.DETECT_AUDIO_QUALITY
        return Reader(endpoint.response, await self._t.call(endpoint, payload)).text("TaskId")

    async def detect_progress(self, task_id: str) -> DetectProgress:
        endpoint = spec.GET_DETECT_PROGRESS
        r = Reader(endpoint.response, await self._t.call(endpoint, {"taskId": task_id}))
        return DetectProgress(
            r.text("AudioId"), r.integer("DetectionCode"), r.text("DetectionMsg"), r.text("TaskState")
        )
