"""The spec itself: complete, consistent, and its validator's messages say what is wrong."""

from __future__ import annotations

import pytest

from desktop import spec
from desktop.spec import codes, drive
from desktop.spec.validate import check_request

DOCUMENTED_PATHS = {
    # customization and voice clone
    "/v2/ivh/assetmanager/customservice/getuploadcredentials",
    "/v2/ivh/assetmanager/customservice/make",
    "/v2/ivh/assetmanager/customservice/getprogress",
    "/v2/ivh/assetmanager/customservice/customerconfirm",
    "/v2/ivh/algotaskserver/algotaskservice/audioevaluation",
    "/v2/ivh/algotaskserver/algotaskservice/getaudioevaluationstate",
    "/v2/ivh/assetmanager/zeroshotservice/gettext",
    "/v2/ivh/assetmanager/zeroshotservice/detectaudioquality",
    "/v2/ivh/assetmanager/zeroshotservice/getdetectprogress",
    # video
    "/v2/ivh/videomaker/broadcastservice/tts",
    "/v2/ivh/videomaker/broadcastservice/videomake",
    "/v2/ivh/videomaker/broadcastservice/getprogress",
    "/v2/ivh/videomaker/broadcastservice/videomakeadvanced",
    "/v2/ivh/videomaker/broadcastservice/getanchor",
    "/v2/ivh/videomaker/broadcastservice/getresourcebyanchor",
    "/v2/ivh/videomaker/broadcastservice/gettimbre",
    "/v2/ivh/videomaker/broadcastservice/getaction",
    "/v2/ivh/videomaker/broadcastservice/phototovideonotrain",
    # sessions
    "/v2/ivh/sessionmanager/sessionmanagerservice/createsession",
    "/v2/ivh/sessionmanager/sessionmanagerservice/createsessionbyasset",
    "/v2/ivh/sessionmanager/sessionmanagerservice/statsession",
    "/v2/ivh/sessionmanager/sessionmanagerservice/startsession",
    "/v2/ivh/sessionmanager/sessionmanagerservice/closesession",
    "/v2/ivh/sessionmanager/sessionmanagerservice/listsessionofprojectid",
    "/v2/ivh/sessionmanager/sessionmanagerservice/listsessionofassetvk",
    "/v2/ivh/sessionmanager/sessionmanagerservice/listsessionofuin",
    "/v2/ivh/sessionmanager/sessionmanagerservice/updatesessionconfig",
    "/v2/ivh/sessionmanager/sessionmanagerservice/gettrtcsign",
    "/v2/ivh/interactdriver/interactdriverservice/command",
    # assets, as the docs spell them
    "/v2/ivh/crmserver/customerassetsservice/describesmallsampleimage",
    "/v2/ivh/crmserver/customerassetsservice/getimagetimbre",
    "/v2/ivh/crmserver/customerassetservice/getserviceasset",
    "/v2/ivh/crmserver/customerassetservice/describetimbre",
    "/v2/ivh/crmserver/customerassetsservice/getanchor",
    "/v2/ivh/crmserver/customerassetsservice/getimagebyanchor",
    "/v2/ivh/crmserver/customerassetsservice/getaction",
}


def test_the_spec_has_every_documented_endpoint_once() -> None:
    assert len(spec.ENDPOINTS) == 36
    assert len(spec.BY_NAME) == 36
    assert set(spec.BY_PATH) >= DOCUMENTED_PATHS


def test_singular_asset_service_is_the_primary_spelling_where_public_clients_use_it() -> None:
    for name in ("describetimbre", "getimagebyanchor", "describesmallsampleimage"):
        assert spec.endpoint(f"assets.{name}").path == f"/v2/ivh/crmserver/customerassetservice/{name}"


def test_submissions_are_the_billable_creations() -> None:
    submissions = {e.operation for e in spec.ENDPOINTS if e.kind == "submission"}
    assert submissions == {
        "make",
        "customerconfirm",
        "tts",
        "videomake",
        "videomakeadvanced",
        "phototovideonotrain",
        "createsession",
        "createsessionbyasset",
    }


def test_unknown_endpoint_names_the_name() -> None:
    with pytest.raises(KeyError, match=r"video\.nope"):
        spec.endpoint("video.nope")


def test_drive_channel_has_four_commands_and_the_downstream_message() -> None:
    assert set(drive.COMMANDS) == {"SEND_TEXT", "SEND_STREAMTEXT", "SEND_AUDIO", "SEND_HEARTBEAT"}
    assert drive.COMMANDS["SEND_AUDIO"].driver_types == (3,)
    bytes_per_ms = drive.AUDIO_SAMPLE_RATE * drive.AUDIO_SAMPLE_BYTES // 1000
    assert drive.AUDIO_PACKET_BYTES == bytes_per_ms * drive.AUDIO_PACKET_MS
    assert {f.name for f in drive.DOWNSTREAM} >= {"Type", "SessionId", "ReqId", "Seq", "SpeakStatus", "ErrorCode"}


@pytest.mark.parametrize(
    ("table", "code"),
    [
        ("customization", 110006),
        ("customization", 100008),
        ("video_api", -101001),
        ("video_api", 801005),
        ("video_production", 801510),
        ("interactive", 110022),
        ("interactive", 100012),
    ],
)
def test_code_tables_hold_the_documented_codes(table: codes.CodeTable, code: int) -> None:
    entry = codes.TABLES[table][code]
    assert entry.meaning and entry.remedy


def test_the_same_number_means_what_its_family_table_says() -> None:
    assert codes.lookup(110006, "customization").remedy == "Check if the taskid is correct."  # type: ignore[union-attr]
    assert codes.lookup(110006, "video").remedy == "Check whether the requested session exists."  # type: ignore[union-attr]
    assert codes.lookup(100008, "sessions").meaning == "Exceeding the concurrency limit"  # type: ignore[union-attr]
    assert codes.lookup(123456, "assets") is None


def test_code_table_sizes() -> None:
    sizes = {name: len(table) for name, table in codes.TABLES.items()}
    assert sizes == {"customization": 8, "video_api": 21, "video_production": 23, "interactive": 23}


@pytest.mark.parametrize(
    ("endpoint", "payload", "expected"),
    [
        ("customization.make",
         {"AnchorName": "A", "MakeType": "IMAGE_PHOTO", "SexType": "MALE", "MaterialCosUrl": "u"},
         ["AnchorName: must be 2 to 50 characters (got 1)"]),
        ("customization.make",
         {"AnchorName": "Zhang_San", "MakeType": "VOICE", "SexType": "MALE", "MaterialCosUrl": "u"},
         ["IdentityCosUrl: IdentityCosUrl or IdentityWrittenCosUrl is required when MakeType is 'VOICE'"]),
        ("customization.make", {"AnchorName": "Zhang_San", "MakeType": "ZERO_SHOT_VOICE", "SexType": "MALE"},
         ["AudioId: is required when MakeType is 'ZERO_SHOT_VOICE'"]),
        ("customization.customerconfirm", {"TaskId": "1", "Operate": "REJECT"},
         ["Reason: is required when Operate is 'REJECT'"]),
        ("customization.customerconfirm", {"TaskId": "1", "Operate": "REJECT", "Reason": "x" * 301},
         ["Reason: must be at most 300 characters (got 301)"]),
        ("assets.describetimbre", {"PageIndex": 1, "PageSize": 101}, ["PageSize: must be within [1, 100] (got 101)"]),
        ("assets.describetimbre", {"PageIndex": 0, "PageSize": 10}, ["PageIndex: must be at least 1 (got 0)"]),
        ("video.tts", {"InputSsml": "hi", "Speed": 1.0}, ["TimbreKey: TimbreKey or VirtualmanKey is required"]),
        ("video.tts", {"InputSsml": "hi", "Speed": 1.6, "TimbreKey": "f1"},
         ["Speed: must be within [0.5, 1.5] (got 1.6)"]),
        ("video.tts", {"InputSsml": "hi", "Speed": 1, "TimbreKey": "f1", "SampleRate": 8000},
         ["SampleRate: must be one of 24000, 16000 (got 8000)"]),
        ("video.videomake", {"VirtualmanKey": "k", "SpeechParam": {"Speed": 1}, "DriverType": "OriginalVoice"},
         ["InputAudioUrl: is required when DriverType is 'OriginalVoice'"]),
        ("video.phototovideonotrain", {"RefPhotoUrl": "u", "DriverType": "Text", "InputSsml": "Hi!",
                                        "SpeechParam": {"Speed": 1, "TimbreKey": "f"}},
         ["InputSsml: must be 4 to 300 characters (got 3)"]),
        ("sessions.createsession", {"ReqId": "abc", "VirtualmanProjectId": "p", "UserId": "u", "Protocol": "rtmp",
                                     "DriverType": 2},
         ["ReqId: must be exactly 32 characters (got 3)", "DriverType: must be one of 1, 3 (got 2)"]),
        ("sessions.createsessionbyasset", {"ReqId": "a" * 32, "AssetVirtualmanKey": "k", "UserId": "u",
                                           "Protocol": "rtmp", "DriverType": 1, "SpeechParam": {"Speed": 1.0}},
         ["SpeechParam.Speed: must be within [50, 200] (got 1)"]),
        ("sessions.createsessionbyasset", {"ReqId": "a" * 32, "AssetVirtualmanKey": "k", "UserId": "u",
                                           "Protocol": "rtmp", "DriverType": 1,
                                           "Backgrounds": [{"URL": "u", "X": 0, "Y": 0, "Width": 1, "Height": 1}] * 3,
                                           "Foregrounds": [{"URL": "u", "X": 0, "Y": 0, "Width": 1, "Height": 1}] * 3},
         ["Backgrounds: Backgrounds and Foregrounds hold at most 5 together (got 6)"]),
        ("customization.detectaudioquality", {"AudioUrl": "http://h/customer-pipeline/1/u/zeroshot/a.mp3"},
         ["AudioUrl: the file name must be 2 to 50 characters (got 'a', 1)"]),
        ("customization.detectaudioquality", {"AudioUrl": "http://h/x/zeroshot/my%20voice.wav"},
         ["AudioUrl: the file name must be Chinese characters, letters, digits, underscores and hyphens only "
          "(got 'my voice')"]),
    ],
)  # fmt: skip
def test_validation_messages_name_the_field_and_the_limit(endpoint: str, payload: dict, expected: list[str]) -> None:
    assert [str(v) for v in check_request(spec.endpoint(endpoint), payload)] == expected


def test_strict_mode_refuses_aliases_and_tolerant_mode_reads_them() -> None:
    endpoint = spec.endpoint("customization.getdetectprogress")
    assert check_request(endpoint, {"taskId": "1"}) == []
    strict = [str(v) for v in check_request(endpoint, {"TaskId": 666})]
    assert strict == ["taskId: is required (found 'TaskId', a spelling the tables do not use)",
                      "TaskId: is not a documented field"]  # fmt: skip
    assert check_request(endpoint, {"TaskId": 666}, tolerant=True) == []


def test_booleans_are_not_numbers() -> None:
    endpoint = spec.endpoint("assets.describetimbre")
    assert [str(v) for v in check_request(endpoint, {"PageIndex": True, "PageSize": 10})] == [
        "PageIndex: must be an integer (got a boolean)"
    ]
