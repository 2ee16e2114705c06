"""The WebSocket drive channel's messages: the four upstream commands, built and checked against the spec, and the
downstream message, read in either of the shapes the docs leave open (docs/api-notes.md E28)."""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass
from typing import Any

from desktop.api.errors import ApiError, ProtocolError, ValidationError, interactive_error
from desktop.api.reading import Reader
from desktop.api.signing import drive_channel_url
from desktop.spec import drive as spec
from desktop.spec.common import obj
from desktop.spec.strict_json import JsonFormatError, loads_strict
from desktop.spec.validate import check_fields


def channel_url(ws_base: str, appkey: str, access_token: str, session_id: str, timestamp: int) -> str:
    return drive_channel_url(ws_base, spec.CHANNEL_PATH, appkey, access_token, session_id, timestamp)


def _command(session_id: str, command: str, data: dict[str, Any], req_id: str | None = None) -> dict[str, Any]:
    payload = {"ReqId": req_id or uuid.uuid4().hex, "SessionId": session_id, "Command": command, "Data": data}
    fields = (*spec.UPSTREAM_PAYLOAD, obj("Data", *spec.COMMANDS[command].data, required=True))
    violations = check_fields(fields, payload)
    if violations:
        raise ValidationError(command, violations)
    return {"Header": {}, "Payload": payload}


def send_text(
    session_id: str, text: str, *, interrupt: bool = False, chat_command: str | None = None, req_id: str | None = None
) -> dict[str, Any]:
    data: dict[str, Any] = {"Text": text}
    if interrupt:
        data["Interrupt"] = True
    if chat_command is not None:
        data["ChatCommand"] = chat_command
    return _command(session_id, "SEND_TEXT", data, req_id)


def send_stream_text(
    session_id: str,
    req_id: str,
    text: str,
    seq: int,
    *,
    final: bool = False,
    interrupt: bool = False,
    sentence: bool = False,
    insert_sentence: bool = False,
    smart_action: bool = False,
) -> dict[str, Any]:
    data: dict[str, Any] = {"Text": text, "Seq": seq, "IsFinal": final}
    for key, flag in (
        ("Interrupt", interrupt),
        ("IsSentence", sentence),
        ("IsInsertSentence", insert_sentence),
        ("SmartActionEnabled", smart_action),
    ):
        if flag:
            data[key] = True
    return _command(session_id, "SEND_STREAMTEXT", data, req_id)


def send_audio(session_id: str, req_id: str, pcm: bytes, seq: int, *, final: bool = False) -> dict[str, Any]:
    """One packet of 16 kHz 16-bit mono PCM, at most 160 ms (5120 bytes); the final packet is empty."""
    if len(pcm) > spec.AUDIO_PACKET_BYTES:
        raise ValueError(f"an audio packet holds at most {spec.AUDIO_PACKET_BYTES} bytes (got {len(pcm)})")
    if len(pcm) % spec.AUDIO_SAMPLE_BYTES:
        raise ValueError("16-bit PCM packets hold a whole number of samples")
    audio = base64.b64encode(pcm).decode("ascii")
    return _command(session_id, "SEND_AUDIO", {"Audio": audio, "Seq": seq, "IsFinal": final}, req_id)


def send_heartbeat(session_id: str) -> dict[str, Any]:
    return _command(session_id, "SEND_HEARTBEAT", {"Text": "PING"})


@dataclass(frozen=True)
class Downstream:
    type: int  # 3 broadcast status, 4 large model content, 9 driving failed
    session_id: str
    req_id: str
    seq: int
    speak_status: str
    final_type: int
    error_code: int
    error_message: str
    text: str
    raw: dict[str, Any]

    @property
    def failed(self) -> bool:
        return self.type == 9 or self.error_code != 0

    def error(self) -> ApiError | None:
        """The typed error of a failed message, its ErrorCode read in the interactive table (the same number means
        something else in the video table); None when the message did not fail."""
        if self.error_code != 0:
            return interactive_error(self.error_code, self.error_message, self.session_id)
        if self.type == 9:
            reason = self.error_message or "no reason given"
            return ApiError(f"drive channel of {self.session_id}: driving failed, {reason}")
        return None


def read_downstream(message: str | bytes) -> Downstream:
    """A downstream message, flat or inside {"Header", "Payload"}; ProtocolError when it is neither."""
    try:
        data = loads_strict(message)
    except JsonFormatError as exc:
        raise ProtocolError(f"drive channel: a malformed downstream message, {exc}") from None
    if not isinstance(data, dict):
        raise ProtocolError("drive channel: a downstream message is not a JSON object")
    inner = data.get("Payload")
    body: dict[str, Any] = inner if isinstance(inner, dict) else data
    if "Type" not in body:
        raise ProtocolError("drive channel: a downstream message has no Type")
    r = Reader(spec.DOWNSTREAM, body)
    header = data.get("Header")
    header_code = header.get("Code", 0) if isinstance(header, dict) else 0
    error_code = body.get("ErrorCode", 0)
    for name, value in (("Header.Code", header_code), ("ErrorCode", error_code)):
        if isinstance(value, bool) or not isinstance(value, int):  # false is not a code 0
            raise ProtocolError(f"drive channel: a downstream message's {name} is not an integer")
    return Downstream(
        type=r.integer("Type"),
        session_id=r.text("SessionId"),
        req_id=r.text("ReqId"),
        seq=r.integer("Seq"),
        speak_status=r.text("SpeakStatus"),
        final_type=r.integer("FinalType"),
        error_code=error_code or header_code,
        error_message=r.text("ErrorMessage"),
        text=r.text("TextDisplay") or r.text("Text"),
        raw=body,
    )
