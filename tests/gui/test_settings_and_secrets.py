"""Settings round-trip through the INI file with their declared types; tokens live in the keyring or, without one,
in memory for the session only; neither ever lands in the settings file."""

from __future__ import annotations

from pathlib import Path

import pytest
from keyring.backends.fail import Keyring as FailKeyring
from pytestqt.qtbot import QtBot

from desktop.services import settings as opt
from desktop.services.secrets import SERVICE, SecretStore, token_name
from desktop.services.settings import Settings
from tests.fixtures.memory_keyring import MemoryKeyring


def test_settings_round_trip_with_their_types(qtbot: QtBot, data_dir: Path) -> None:
    path = data_dir / "settings.ini"
    first = Settings(path)
    assert first.get(opt.PROFILE) == "sandbox"
    assert first.get(opt.REQUEST_TIMEOUT_S) == 30.0
    with qtbot.waitSignal(first.changed) as changed:
        first.set(opt.PROFILE, "international")
    assert changed.args == [opt.PROFILE.key]
    first.set(opt.REQUEST_TIMEOUT_S, 12.5)
    first.set(opt.WINDOW_GEOMETRY, b"\x01\x02\xff")
    first.set(opt.APPKEY_INTERNATIONAL, "ak-123")
    first.sync()

    second = Settings(path)
    assert second.get(opt.PROFILE) == "international"
    assert second.get(opt.REQUEST_TIMEOUT_S) == 12.5
    assert second.get(opt.WINDOW_GEOMETRY) == b"\x01\x02\xff"
    assert second.get(opt.APPKEY_INTERNATIONAL) == "ak-123"
    second.reset(opt.PROFILE)
    assert second.get(opt.PROFILE) == "sandbox"


def test_settings_refuse_the_wrong_type_and_survive_a_garbled_file(data_dir: Path) -> None:
    path = data_dir / "settings.ini"
    settings = Settings(path)
    with pytest.raises(TypeError, match="settings/connection/timeout_s takes float, not str"):
        settings.set(opt.REQUEST_TIMEOUT_S, "fast")  # type: ignore[misc]
    path.write_text("[settings]\nconnection\\timeout_s=not-a-number\n", encoding="utf-8")
    assert Settings(path).get(opt.REQUEST_TIMEOUT_S) == 30.0


def test_tokens_go_to_the_keyring_not_the_settings_file(memory_keyring: MemoryKeyring, data_dir: Path) -> None:
    settings = Settings(data_dir / "settings.ini")
    settings.set(opt.APPKEY_MAINLAND, "appkey-1")
    settings.sync()
    store = SecretStore()
    assert store.persistent
    store.set(token_name("mainland"), "tok-secret-value")
    assert memory_keyring.store[(SERVICE, "access-token/mainland")] == "tok-secret-value"
    assert SecretStore().get(token_name("mainland")) == "tok-secret-value"
    assert "tok-secret-value" not in (data_dir / "settings.ini").read_text(encoding="utf-8")
    store.set(token_name("mainland"), "")
    assert (SERVICE, "access-token/mainland") not in memory_keyring.store


def test_without_a_keyring_the_token_lives_for_the_session_only(data_dir: Path) -> None:
    store = SecretStore(FailKeyring())
    assert not store.persistent
    assert "this session only" in store.description
    store.set(token_name("international"), "tok-kept-in-memory")
    assert store.get(token_name("international")) == "tok-kept-in-memory"
    assert SecretStore(FailKeyring()).get(token_name("international")) == ""
    for file in data_dir.rglob("*"):
        assert "tok-kept-in-memory" not in file.read_text(encoding="utf-8", errors="ignore")
