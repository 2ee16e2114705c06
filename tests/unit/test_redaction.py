"""No access token, temporary COS key, COS token, signature or userSig reaches a log file."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop import logs
from desktop.api.customization import UploadCredentials
from desktop.api.environments import Credentials
from desktop.api.signing import signed_url
from tests.fixtures.scripted_server import ScriptedServer

TOKEN = "f68f2d10ae9e4604b76fb05cf46bccec"
TMP_KEY = "JbV8fF5+6IN6TvJ0dzJscCvGzRPvpcDzyU1lLB+fL+g="
COS_TOKEN = "f5w80wF6dYasT3a+000+1uF0G74uTnK6/ck1aef48/ck7aadff57a"
USER_SIG = "eJyrVgrxCdYrSy1SslIy0jNQ0gHzM1OKUn"


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    path = logs.setup(tmp_path / "logs", level=logging.DEBUG, console_level=logging.CRITICAL)
    assert path is not None
    yield path
    logs.setup(None, console_level=logging.WARNING)


def written(path: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path.read_text(encoding="utf-8")


def test_secret_fields_are_masked_in_every_form(log_file: Path) -> None:
    log = logging.getLogger("desktop.test")
    url = signed_url(
        "https://gw-sg.tvs.qq.com", "/v2/ivh/videomaker/broadcastservice/tts", "appkey1", TOKEN, 1646636485
    )
    signature = url.rsplit("signature=", 1)[1]
    log.info("calling %s", url)
    log.info("credentials %s", json.dumps({"Credentials": {"TmpSecretKey": TMP_KEY, "Token": COS_TOKEN}}))
    log.info("trtc %r", {"UserSig": USER_SIG, "PrivateMapKey": "pmk-123456"})
    log.info("header x-cos-security-token: %s", COS_TOKEN)
    log.info("Authorization: q-sign-algorithm=sha1&q-ak=AKID&q-signature=0123456789abcdef0123")
    text = written(log_file)
    for secret in (signature, TMP_KEY, COS_TOKEN, USER_SIG, "pmk-123456", "0123456789abcdef0123"):
        assert secret not in text
    assert "appkey=appkey1" in text  # the appkey is not a secret and stays readable


@pytest.mark.allow_logs("desktop.test")  # logs an error on purpose, to see it redacted
def test_registered_secrets_are_masked_anywhere_even_in_tracebacks(log_file: Path) -> None:
    logs.redact.register(TOKEN)
    log = logging.getLogger("desktop.test")
    try:
        raise RuntimeError(f"failed with token {TOKEN} in the message")
    except RuntimeError:
        log.exception("something went wrong near %s", TOKEN)
    text = written(log_file)
    assert TOKEN not in text
    assert "RuntimeError: failed with token *** in the message" in text


def test_secret_holding_objects_do_not_show_secrets_in_repr() -> None:
    assert TOKEN not in repr(Credentials("appkey1", TOKEN))
    credentials = UploadCredentials("AKID123", TMP_KEY, COS_TOKEN, 1, "http://h/p/")
    assert TMP_KEY not in repr(credentials) and COS_TOKEN not in repr(credentials)


def test_the_log_file_rotates_by_size(tmp_path: Path) -> None:
    handler = logs.RotatingFile(tmp_path / "app.log", max_bytes=200, backups=2)
    handler.setFormatter(logs.RedactingFormatter("%(message)s"))
    logger = logging.getLogger("desktop.rotation")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        for index in range(40):
            logger.warning("line %02d with some padding to fill the file", index)
    finally:
        logger.removeHandler(handler)
        handler.close()
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["app.log", "app.log.1", "app.log.2"]
    assert all(p.stat().st_size < 300 for p in tmp_path.iterdir())
    assert "line 39" in (tmp_path / "app.log").read_text(encoding="utf-8")


SCRIPT = """
import asyncio, logging, sys
logging.basicConfig(level=logging.DEBUG, stream=sys.stderr, format="%(name)s %(message)s")
for noisy in ("asyncio", "httpcore"):
    logging.getLogger(noisy).setLevel(logging.WARNING)
from desktop.api import Client, Credentials, custom
from desktop.api.drive import channel_url
from websockets.asyncio.client import connect

async def main(base):
    async with Client(custom(base, base.replace("http", "ws")), Credentials("key", "the-access-token")) as client:
        try:
            await client.assets.service_assets(page_index=1, page_size=1)
        except Exception as error:
            print("call:", type(error).__name__, file=sys.stderr)
    try:
        async with connect(channel_url(base.replace("http", "ws"), "key", "the-access-token", "s1", 1700000000)):
            pass
    except Exception as error:
        print("channel:", type(error).__name__, file=sys.stderr)

asyncio.run(main(sys.argv[1]))
"""


def test_a_script_using_the_api_at_debug_level_prints_no_signature(scripted_server: ScriptedServer) -> None:
    """httpx logs each request's URL at INFO and websockets the handshake at DEBUG: both signed."""
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, scripted_server.url], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "HTTP Request: POST" in done.stderr and "> GET /v2/ws/ivh" in done.stderr  # both logged their request
    assert "signature=***" in done.stderr
    signature = scripted_server.received[0].query["signature"]
    assert signature and signature not in done.stderr
    assert "the-access-token" not in done.stderr
