"""The WebSocket drive channel: its URL, the four upstream commands, the downstream message, and the timing rules
of "Instruction Sending Requirements" (seed 002)."""

from __future__ import annotations

from dataclasses import dataclass

from desktop.spec.common import SPEAK_STATUSES, b, i, s
from desktop.spec.model import Field

CHANNEL_PATH = "/v2/ws/ivh/interactdriver/interactdriverservice/commandchannel"

# Timing and size limits, in the units the docs use.
TEXT_MIN_INTERVAL_S = 1.0  # "The interval between sending texts must be greater than 1 second."
TEXT_MAX_BYTES = 4000
STREAM_TEXT_MAX_BYTES = 1000
AUDIO_SAMPLE_RATE = 16000
AUDIO_SAMPLE_BYTES = 2  # 16-bit mono PCM
AUDIO_PACKET_MS = 160
AUDIO_PACKET_BYTES = 5120  # 160 ms of 16 kHz 16-bit mono
AUDIO_FILE_INTERVAL_MS = (120, 160)  # per 160 ms packet from a file: a real-time rate within [0.75, 1]
AUDIO_REALTIME_RATE = (0.75, 1.0)
HEARTBEAT_INTERVAL_S = (30, 600)  # "greater than 30 seconds and less than 10 minutes"
IDLE_DISCONNECT_S = 180  # no traffic at all: the cloud drops the WebSocket after 3 minutes
IDLE_CLOSE_S = 600  # no drive: the session stream is closed after 10 minutes


@dataclass(frozen=True)
class DriveCommand:
    name: str
    title: str
    data: tuple[Field, ...]
    seed: str
    driver_types: tuple[int, ...]  # the session DriverTypes that accept it
    req_id_is_uuid32: bool = False


SEND_TEXT = DriveCommand(
    name="SEND_TEXT",
    title="Text-driven Instructions",
    seed="002 §Text-driven Instructions",
    driver_types=(1, 3),
    data=(
        s("Text", max_bytes=TEXT_MAX_BYTES, doc="At most 4000 bytes"),
        b("Interrupt"),
        s("ChatCommand", enum=("NotUseChat", "")),
        s("ChatRoundId"),
        s("CloudAiVisitorBizId", max_len=64),
    ),
)

SEND_STREAMTEXT = DriveCommand(
    name="SEND_STREAMTEXT",
    title="Streaming Text-driven Instructions",
    seed="002 §Streaming Text-driven Instructions",
    driver_types=(1, 3),
    data=(
        s("Text", True, max_bytes=STREAM_TEXT_MAX_BYTES, doc="Increment only; at most 1000 bytes a fragment"),
        i("Seq", True, minimum=1, doc="From 1"),
        b("IsFinal"),
        b("Interrupt", doc="true with an empty Text interrupts the streaming text"),
        b("SmartActionEnabled"),
        b("IsSentence"),
        b("IsInsertSentence"),
    ),
)

SEND_AUDIO = DriveCommand(
    name="SEND_AUDIO",
    title="Voice-driven Instructions",
    seed="002 §Voice-driven Instructions",
    driver_types=(3,),
    data=(
        # Required, but empty in the final IsFinal packet.
        s("Audio", True, doc="Base64 of 16 kHz 16-bit mono PCM, at most 5120 bytes (160 ms)"),
        i("Seq", True, minimum=1, doc='"must start from 1"; the sample sends 0 (docs/api-notes.md)'),
        b("IsFinal"),
    ),
)

SEND_HEARTBEAT = DriveCommand(
    name="SEND_HEARTBEAT",
    title="Heartbeat Instruction",
    seed="002 §Heartbeat Instruction",
    driver_types=(1, 3),
    req_id_is_uuid32=True,
    data=(s("Text", True, enum=("PING",)),),
)

COMMANDS: dict[str, DriveCommand] = {c.name: c for c in (SEND_TEXT, SEND_STREAMTEXT, SEND_AUDIO, SEND_HEARTBEAT)}

UPSTREAM_PAYLOAD: tuple[Field, ...] = (
    s("ReqId", True, doc="One id per drive (per audio segment, per streaming text)"),
    s("SessionId", True),
    s("Command", True, enum=tuple(COMMANDS)),
)

STREAM_SENTENCE_STATUSES = ("SentenceNext", "SentenceStart", "SentenceOver")

MESSAGE_TYPES = {2: "platform interaction", 3: "broadcast status", 4: "large model content", 9: "driving failed"}

DOWNSTREAM: tuple[Field, ...] = (
    i("Type", True, doc="3 broadcast status, 4 large model content, 9 driving failed"),
    s("SessionId", True),
    s("ReqId", True),
    i("Seq", True),
    s("SpeakStatus", enum=SPEAK_STATUSES + STREAM_SENTENCE_STATUSES),
    i("FinalType", enum=(1, 2), doc="With AudioOver: 1 client's final packet, 2 server timeout"),
    s("Text"),
    s("TextPro"),
    s("TextDisplay"),
    s("ContentType", enum=("Image", "Hyperlink", "OrderedList", "UnOrderedList", "List")),
    b("TtsSupport"),
    b("Final"),
    b("IsHighLight"),
    b("Uninterrupt"),
    b("Muted"),
    s("InteractionType"),
    s("InteractionContent"),
    i("ErrorCode", True),
    s("ErrorMessage"),
    s("CloudAiExtra"),
)
