"""One sandbox process for the integration tests (time scaled down 500 times), and a fault reset after each.

Its protocol timeouts are scaled down too (10 minutes without a drive close a session in 1.2 s), so that the sessions
the tests leave behind free their concurrency quota within a second."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fixtures.sandbox import Ready, fault, sandbox_process


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ready]:
    yield from sandbox_process(
        tmp_path_factory.mktemp("sandbox"), "--time-scale", "0.002", "--protocol-timeout-scale", "0.002"
    )


@pytest.fixture
def clean_faults(sandbox: Ready) -> Iterator[Ready]:
    yield sandbox
    fault(sandbox, fault="clear")
