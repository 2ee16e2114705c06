"""Reading answers: typed results from every documented spelling, StageInfo, word timestamps, drive messages,
PathPrefix, paging."""

from __future__ import annotations

import asyncio
import base64
import json

import pytest

from desktop.api import (
    ApiError,
    PlatformRateLimitError,
    ProtocolError,
    QuotaError,
    SessionStateError,
    ValidationError,
)
from desktop.api.cos import parse_path_prefix
from desktop.api.customization import read_confirm_content
from desktop.api.drive import read_downstream, send_audio, send_heartbeat, send_stream_text, send_text
from desktop.api.paging import Page, check_page, collect
from desktop.api.reading import Reader
from desktop.api.video import read_progress
from desktop.spec import common


def test_reader_converts_types_and_follows_aliases() -> None:
    fields = (common.s("TaskId", aliases=("TaskID",)), common.i("Count"), common.f("Zoom"), common.b("On"))
    r = Reader(fields, {"TaskID": 123, "Count": "7", "Zoom": "0.567", "On": "true"})
    assert (r.text("TaskId"), r.integer("Count"), r.number("Zoom"), r.flag("On")) == ("123", 7, 0.567, True)
    assert Reader(fields, None).text("TaskId", "none") == "none"
    assert Reader(fields, {"Count": "many"}).integer("Count", -1) == -1


def test_confirm_content_from_stage_info() -> None:
    stage_info = json.dumps(
        {
            "TrainResult": ["http://h/demo1.mp4", "http://h/demo2.mp4"],
            "RejectReason": "",
            "TrainRecord": [{"StartTime": "2023-11-01 10:00:00", "Record": ["http://h/old.mp4"]}],
        }
    )
    content = read_confirm_content(stage_info)
    assert content.train_result == ("http://h/demo1.mp4", "http://h/demo2.mp4")
    assert content.records[0].start_time == "2023-11-01 10:00:00"
    with pytest.raises(ValueError):
        read_confirm_content('{\\"TrainResult\\": [')  # the docs' own over-escaped sample (E24)


def test_video_progress_converts_word_timestamps_to_milliseconds() -> None:
    progress = read_progress(
        {
            "Progress": 100,
            "MediaUrl": "url",
            "Status": "SUCCESS",
            "ArrayCount": 0,
            "Duration": 11810,
            "FailCode": 0,
            "TextTimestampResult": [
                {
                    "Sentence": "How are you",
                    "Words": [{"Word": "how", "StartTimestamp": 4500000, "EndTimestamp": 6100000}],
                }
            ],
        }
    )
    word = progress.sentences[0].words[0]
    assert (word.start_ms, word.end_ms) == (450.0, 610.0)
    assert progress.finished and progress.duration_ms == 11810
    failed = read_progress({"Status": "FAIL", "FailCode": 801010, "FailMessage": "x"})
    assert failed.fail_meaning == "Retrieving the URL resource failed."


def test_drive_commands_follow_the_spec() -> None:
    text = send_text("m1", "Hello", interrupt=True)
    assert text["Payload"]["Command"] == "SEND_TEXT"
    assert text["Payload"]["Data"] == {"Text": "Hello", "Interrupt": True}
    assert len(text["Payload"]["ReqId"]) == 32
    audio = send_audio("m1", "r" * 32, b"\x01\x00" * 2560, 1)
    assert base64.b64decode(audio["Payload"]["Data"]["Audio"]) == b"\x01\x00" * 2560
    final = send_audio("m1", "r" * 32, b"", 9, final=True)
    assert final["Payload"]["Data"] == {"Audio": "", "Seq": 9, "IsFinal": True}
    assert send_heartbeat("m1")["Payload"]["Data"] == {"Text": "PING"}
    with pytest.raises(ValueError, match="at most 5120 bytes"):
        send_audio("m1", "r", b"\x00" * 5122, 1)
    with pytest.raises(ValidationError, match=r"Data\.Seq: must be at least 1 \(got 0\)"):
        send_stream_text("m1", "r", "hi", 0)
    with pytest.raises(ValidationError, match="at most 4000 bytes"):
        send_text("m1", "字" * 1400)


def test_downstream_is_read_flat_or_enveloped() -> None:
    flat = read_downstream(
        '{"Type": 3, "SessionId": "m1", "ReqId": "r", "Seq": 1, "SpeakStatus": "TextStart", "ErrorCode": 0}'
    )
    wrapped = read_downstream(
        json.dumps(
            {"Header": {"Code": 0}, "Payload": {"Type": 3, "ReqId": "r", "SpeakStatus": "AudioOver", "FinalType": 2}}
        )
    )
    assert (flat.speak_status, flat.failed) == ("TextStart", False)
    assert (wrapped.speak_status, wrapped.final_type) == ("AudioOver", 2)
    assert read_downstream('{"Type": 9, "ErrorCode": 110015, "ErrorMessage": "timing"}').failed
    with pytest.raises(ProtocolError):
        read_downstream("not json")
    with pytest.raises(ProtocolError):
        read_downstream('{"Header": {}}')


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ('{"Type": 3, "Seq": NaN}', "NaN is not a JSON number"),
        ('{"Type": 3, "Seq": 1e999}', "out of range"),
        ('{"Type": 3, "Seq": ' + "9" * 5000 + "}", "too long"),
        ('{"Type": 3, "X": ' + "[" * 10_000 + "]" * 10_000 + "}", "nests deeper"),
        ('{"Header": {"Code": false}, "Payload": {"Type": 3}}', "Header.Code is not an integer"),
        ('{"Header": {"Code": "1"}, "Payload": {"Type": 3}}', "Header.Code is not an integer"),
        ('{"Type": 9, "ErrorCode": false}', "ErrorCode is not an integer"),
        ('{"Type": 9, "ErrorCode": null}', "ErrorCode is not an integer"),
    ],
)
def test_malformed_downstream_messages_are_protocol_errors(message: str, reason: str) -> None:
    with pytest.raises(ProtocolError, match=reason):
        read_downstream(message)


def test_a_drive_error_code_is_read_in_the_interactive_table() -> None:
    full = read_downstream('{"Type": 9, "SessionId": "m1", "ErrorCode": 100008, "ErrorMessage": "full"}').error()
    # 100008 is "Exceeded quota limit" in the video table: the channel's codes are the interactive table's
    assert isinstance(full, QuotaError) and full.meaning == "Exceeding the concurrency limit"
    timing = read_downstream(json.dumps({"Header": {"Code": 110015}, "Payload": {"Type": 9, "SessionId": "m1"}}))
    assert isinstance(timing.error(), SessionStateError) and "drive channel of m1" in str(timing.error())
    assert isinstance(read_downstream('{"Type": 9, "ErrorCode": 100012}').error(), PlatformRateLimitError)
    bare = read_downstream('{"Type": 9, "SessionId": "m1"}').error()
    assert type(bare) is ApiError and "driving failed, no reason given" in str(bare)
    assert read_downstream('{"Type": 3, "SessionId": "m1"}').error() is None


def test_the_reader_survives_numbers_it_cannot_convert() -> None:
    reader = Reader((), {"Big": "1e999", "NotANumber": "nan"})
    assert (reader.integer("Big", -1), reader.integer("NotANumber", -1)) == (-1, -1)


def test_path_prefix_gives_bucket_region_and_key() -> None:
    loc = parse_path_prefix(
        "https://virtualhuman-cos-prod-1251316161.cos.ap-nanjing.myqcloud.com/customer-pipeline/352/"
    )
    assert (loc.bucket, loc.region, loc.key_prefix) == (
        "virtualhuman-cos-prod-1251316161",
        "ap-nanjing",
        "customer-pipeline/352/",
    )
    assert loc.key("video", "c.mp4") == "customer-pipeline/352/video/c.mp4"
    assert loc.url(loc.key("idcard/a.mp4")).endswith(".myqcloud.com/customer-pipeline/352/idcard/a.mp4")
    custom = parse_path_prefix("http://127.0.0.1:9000/customer-pipeline/1/abc/")
    assert (custom.bucket, custom.host) == ("", "127.0.0.1:9000")
    with pytest.raises(ValueError, match="not an http"):
        parse_path_prefix("domain name/customer-pipeline/{digit}/{uuid}/")  # the docs' placeholder


def test_paging_walks_every_page_until_total() -> None:
    requested: list[tuple[int, int]] = []

    async def fetch(index: int, size: int) -> Page[int]:
        requested.append((index, size))
        start = (index - 1) * size
        return Page(tuple(range(start, min(start + size, 250))), 250, index, size)

    assert asyncio.run(collect(fetch)) == list(range(250))
    assert requested == [(1, 100), (2, 100), (3, 100)]
    assert asyncio.run(collect(fetch, page_size=10, limit=15)) == list(range(15))
    with pytest.raises(ValueError, match=r"PageSize must be within \[1, 100\] \(got 101\)"):
        check_page(1, 101)
    assert Page((), 0, 1, 20).pages == 1 and not Page((), 0, 1, 20).has_more
