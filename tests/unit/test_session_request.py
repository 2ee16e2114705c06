"""The session form's request: the Payload each create endpoint gets, the problems found before anything is sent
(the spec's limits and the rules the tables leave to prose), the push URL's secret kept out of reprs, and where a
stream pushed to CSS is played."""

from __future__ import annotations

from desktop.services.session_request import Layer, SessionRequest, Trtc, pull_address
from desktop.spec import sessions as spec

PUSH = "rtmp://push.example.com/live/show1?txSecret=s3cr3t&txTime=6A1B2C3D"


def kinds(request: SessionRequest) -> list[str]:
    return [problem.kind for problem in request.problems()]


def test_an_avatar_session_carries_every_choice() -> None:
    request = SessionRequest(
        "viewer-1", asset_key="vk1", driver_type=3, timbre_key="t1", timbre_language="en-US", speed=120, volume=-3,
        backgrounds=(Layer("https://x/bg.png", 0, 0, 1920, 1080),),
        foregrounds=(Layer("https://x/logo.png", 10, 10, 200, 100),),
        alpha=True, silence_actions_disabled=True, push_url=PUSH,
    )  # fmt: skip
    assert request.endpoint is spec.CREATE_SESSION_BY_ASSET and request.problems() == []
    payload = request.payload()
    assert payload["AssetVirtualmanKey"] == "vk1" and payload["DriverType"] == 3
    assert payload["SpeechParam"] == {"TimbreKey": "t1", "TimbreLanguage": "en-US", "Speed": 120, "Volume": -3}
    assert payload["Backgrounds"][0] == {"URL": "https://x/bg.png", "X": 0, "Y": 0, "Width": 1920, "Height": 1080}
    assert payload["ExtraInfo"] == {"AlphaChannelEnable": True}
    assert payload["AnchorParam"] == {"SilenceActionDisabled": True}
    assert payload["ProtocolOption"] == {"CssCustomPushUrl": PUSH}
    assert "s3cr3t" not in repr(request)


def test_a_project_session_takes_only_what_createsession_has() -> None:
    request = SessionRequest("viewer-1", project_id="proj-1", protocol="webrtc")
    assert request.endpoint is spec.CREATE_SESSION and request.problems() == []
    assert set(request.payload()) == {"ReqId", "VirtualmanProjectId", "UserId", "Protocol", "DriverType"}
    assert "project_fields" in kinds(SessionRequest("viewer-1", project_id="proj-1", timbre_key="t1"))
    assert "project_fields" in kinds(SessionRequest("v", project_id="p", backgrounds=(Layer("https://x/a.png"),)))


def test_problems_are_found_before_sending() -> None:
    assert kinds(SessionRequest("", asset_key="vk")) == ["user_id"]
    assert "subject" in kinds(SessionRequest("viewer"))
    six = tuple(Layer(f"https://x/{n}.png") for n in range(6))
    assert "layers" in kinds(SessionRequest("v", asset_key="vk", backgrounds=six[:3], foregrounds=six[3:]))
    spec_words = [str(p) for p in SessionRequest("v", asset_key="vk", speed=300).problems() if p.kind == "spec"]
    assert spec_words and "Speed" in spec_words[0]
    assert "audio_needed" in kinds(SessionRequest("v", asset_key="vk", speak_text_as_audio=True))
    external = SessionRequest("v", asset_key="vk", protocol="trtc", trtc=Trtc(app_id="1400000000"))
    assert "trtc_keys" in kinds(external)
    complete = Trtc(app_id="1400000000", room_id=42, user_sig="sig", private_map_key="key")
    request = SessionRequest("v", asset_key="vk", protocol="trtc", trtc=complete)
    assert request.problems() == [] and request.payload()["ProtocolOption"]["TrtcRoomId"] == 42
    assert "sig" not in repr(request)


def test_push_urls_have_the_documented_form() -> None:
    for wrong in ("http://x/live/s?txSecret=1&txTime=2", "rtmp://x/live?txSecret=1&txTime=2", "rtmp://x/live/s"):
        assert "push_url" in kinds(SessionRequest("v", asset_key="vk", push_url=wrong)), wrong
    assert pull_address(PUSH, "play.example.com") == "rtmp://play.example.com/live/show1"
    assert pull_address(PUSH, "rtmp://play.example.com/") == "rtmp://play.example.com/live/show1"
    assert pull_address(PUSH, "") == ""
