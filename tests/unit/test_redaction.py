"""No access token, temporary COS key, COS token, signature or userSig reaches a log file."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop import logs
from desktop.api.customization import UploadCredentials
from desktop.api.environments import Credentials
from desktop.api.signing import signed_url

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
