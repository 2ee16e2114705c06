"""Signing: the two known-answer vectors of the docs, the URL forms, and the WebSocket URL with requestid."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from desktop.api.drive import channel_url
from desktop.api.signing import signature, signed_query, signed_url, signing_content, verify


def test_first_documented_vector() -> None:
    params = {"appkey": "example_appkey", "timestamp": "1717639699"}
    assert signing_content(params) == "appkey=example_appkey&timestamp=1717639699"
    assert signature(params, "example_accesstoken") == "aCNWYzZdplxWVo+JsqzZc9+J9XrwWWITfX3eQpsLVno="


def test_second_documented_vector() -> None:
    params = {"timestamp": "1646636485", "appkey": "e38267c0e86411ebb02aed82acb0ed99"}
    assert signature(params, "f68f2d10ae9e4604b76fb05cf46bccec") == "BfWuaC9kmaicCggXc693uK+sZQ8qe88O4HVQNTdwZuo="


def test_signature_is_url_encoded_in_the_query() -> None:
    query = signed_query("e38267c0e86411ebb02aed82acb0ed99", "f68f2d10ae9e4604b76fb05cf46bccec", 1646636485)
    assert query == (
        "appkey=e38267c0e86411ebb02aed82acb0ed99&timestamp=1646636485"
        "&signature=BfWuaC9kmaicCggXc693uK%2BsZQ8qe88O4HVQNTdwZuo%3D"
    )


def test_signed_url_joins_base_and_path() -> None:
    url = signed_url("https://gw-sg.tvs.qq.com/", "/v2/ivh/videomaker/broadcastservice/tts", "k", "t", 5)
    assert url.startswith("https://gw-sg.tvs.qq.com/v2/ivh/videomaker/broadcastservice/tts?appkey=k&timestamp=5&")


def test_websocket_url_signs_requestid_as_the_session_id() -> None:
    url = channel_url("wss://gw-sg.tvs.qq.com", "example_appkey", "example_accesstoken", "m123", 1717639699)
    parts = urlsplit(url)
    assert parts.scheme == "wss"
    assert parts.path == "/v2/ws/ivh/interactdriver/interactdriverservice/commandchannel"
    params = dict(parse_qsl(parts.query))
    assert list(params) == ["appkey", "requestid", "timestamp", "signature"]
    assert params["requestid"] == "m123"
    expected = signature(
        {"appkey": "example_appkey", "requestid": "m123", "timestamp": "1717639699"}, "example_accesstoken"
    )
    assert params["signature"] == expected
    assert verify(params, "example_accesstoken")
    assert not verify({**params, "requestid": "m124"}, "example_accesstoken")
    assert not verify(params, "another_token")
