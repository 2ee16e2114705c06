"""Shared fixtures. Every test gets a fresh data directory, settings file and keyring backend."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from tests.fixtures.memory_keyring import MemoryKeyring
from tests.fixtures.scripted_server import ScriptedServer

pytest_plugins = ["pytester", "tests.fixtures.logfail", "tests.fixtures.app", "tests.fixtures.pulse"]


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def scripted_server() -> Iterator[ScriptedServer]:
    server = ScriptedServer().start()
    yield server
    server.stop()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path
