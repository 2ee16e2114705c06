"""Every endpoint's successful answer has the documented shape to the letter: the tables' names and types, nothing
else (the strict response spec), across a run of each family."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

from desktop import spec
from desktop.spec.validate import check_response
from tests.fixtures.sandbox import Ready, raw_call


def strict(sandbox: Ready, name: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
    endpoint = spec.endpoint(name)
    answer = raw_call(sandbox, endpoint.path, payload or {})
    assert answer["Header"]["Code"] == 0, (name, answer["Header"])
    body: dict[str, Any] = answer.get("Payload", {})
    assert [str(v) for v in check_response(endpoint, body, tolerant=False)] == [], name
    return body


def until(sandbox: Ready, name: str, payload: dict[str, Any], done: Callable[[dict[str, Any]], bool]) -> dict:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        body = strict(sandbox, name, payload)
        if done(body):
            return body
        time.sleep(0.02)  # polling the sandbox's own state machine
    raise AssertionError(f"{name} never finished")


def req() -> str:
    return uuid.uuid4().hex


def test_customization_answers(sandbox: Ready) -> None:
    strict(sandbox, "customization.gettext")
    credentials = strict(sandbox, "customization.getuploadcredentials")
    photo = credentials["PathPrefix"] + "photo/absent.png"
    make = {"AnchorName": f"Shape_{req()[:8]}", "MakeType": "IMAGE_PHOTO", "SexType": "MALE", "MaterialCosUrl": photo}
    task = strict(sandbox, "customization.make", make)["TaskId"]
    until(sandbox, "customization.getprogress", {"TaskId": task}, lambda b: b["Status"] != "MAKING")
    evaluation = strict(sandbox, "customization.audioevaluation", {"AudioUrl": photo})["TaskId"]
    until(sandbox, "customization.getaudioevaluationstate", {"taskId": evaluation},
          lambda b: b["TaskState"] in ("SUCCESS", "FAIL"))  # fmt: skip
    detection = strict(
        sandbox, "customization.detectaudioquality", {"AudioUrl": credentials["PathPrefix"] + "zeroshot/ab.wav"}
    )
    until(sandbox, "customization.getdetectprogress", {"taskId": detection["TaskId"]},
          lambda b: b["TaskState"] != "PROCESSING")  # fmt: skip


def test_video_answers(sandbox: Ready) -> None:
    tts = strict(sandbox, "video.tts", {"VirtualmanKey": "123", "InputSsml": "Shape of things.", "Speed": 1.0})
    done = until(sandbox, "video.getprogress", {"TaskId": tts["TaskId"]}, lambda b: b["Status"] == "SUCCESS")
    assert done["TextTimestampResult"]
    video = strict(sandbox, "video.videomakeadvanced",
                   {"VirtualmanKey": "123", "InputSsml": "Shape.", "SpeechParam": {"Speed": 1.0}})  # fmt: skip
    until(sandbox, "video.getprogress", {"TaskId": video["TaskId"]}, lambda b: b["Status"] == "SUCCESS")
    strict(sandbox, "video.getanchor", {"GetAllResource": True})
    strict(sandbox, "video.getresourcebyanchor", {"GetAllResource": True, "AnchorCode": "yani"})
    strict(sandbox, "video.gettimbre", {"VirtualmanKey": "2803ca3b5ec64260a2c11e396eaac519"})
    strict(sandbox, "video.getaction", {"VirtualmanKey": "2803ca3b5ec64260a2c11e396eaac519"})
    strict(sandbox, "assets.getimagetimbre", {"VirtualmanKey": "963a2a7d4c734a6ca2984835d9eae765"})
    strict(sandbox, "assets.getaction", {"VirtualmanKey": "2803ca3b5ec64260a2c11e396eaac519"})


def test_session_answers(sandbox: Ready) -> None:
    key = "d7aa08da33dd4a662ad5be508c5b77cf"
    create = {"ReqId": req(), "AssetVirtualmanKey": key, "UserId": req(), "Protocol": "trtc", "DriverType": 1}
    session = strict(sandbox, "sessions.createsessionbyasset", create)["SessionId"]
    status = until(sandbox, "sessions.statsession", {"ReqId": req(), "SessionId": session},
                   lambda b: b["SessionStatus"] == 1)  # fmt: skip
    strict(sandbox, "sessions.startsession", {"ReqId": req(), "SessionId": session})
    strict(sandbox, "sessions.listsessionofuin", {"ReqId": req()})
    strict(sandbox, "sessions.listsessionofassetvk", {"ReqId": req(), "AssetVirtualmanKey": key})
    strict(
        sandbox,
        "sessions.listsessionofprojectid",
        {"ReqId": req(), "VirtualmanProjectId": "1b2c9f1c268a4edfbf6c6274da31bc5d"},
    )
    space = {"ImagePosition": 0.0, "ImagePositionVertical": 0.0, "ImageZoom": 1.0}
    strict(sandbox, "sessions.updatesessionconfig", {"ReqId": req(), "SessionId": session, "SpaceParam": space})
    room = status["PlayStreamAddr"].split("/")[-1].split("?")[0]
    strict(sandbox, "sessions.gettrtcsign", {"ReqId": req(), "SessionId": session, "RoomId": room, "UserId": "viewer"})
    command = {"ReqId": req(), "SessionId": session, "Command": "SEND_TEXT", "Data": {"Text": "Shape"}}
    strict(sandbox, "sessions.command", command)
    strict(sandbox, "sessions.closesession", {"ReqId": req(), "SessionId": session})
    project = {"ReqId": req(), "VirtualmanProjectId": "1b2c9f1c268a4edfbf6c6274da31bc5d", "UserId": req(),
               "Protocol": "rtmp", "DriverType": 1}  # fmt: skip
    created = strict(sandbox, "sessions.createsession", project)
    strict(sandbox, "sessions.closesession", {"ReqId": req(), "SessionId": created["SessionId"]})
