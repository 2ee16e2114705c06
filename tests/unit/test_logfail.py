"""The suite's rule that a logged warning or error fails the test that caused it (tests/fixtures/logfail.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

INNER = """
import logging
import threading

import pytest

log = logging.getLogger("desktop.inner")


def test_quiet():
    log.info("information is fine")


def test_warns():
    log.warning("something is off")


def test_errors_on_another_thread():
    thread = threading.Thread(target=lambda: log.error("engine side failure"))
    thread.start()
    thread.join()


@pytest.mark.allow_logs
def test_logs_on_purpose():
    log.error("expected")


@pytest.mark.allow_logs("desktop.inner")
def test_logs_from_the_named_logger():
    log.warning("expected too")


@pytest.mark.allow_logs("desktop.elsewhere")
def test_logs_from_another_logger():
    log.warning("not the one allowed")


@pytest.fixture
def noisy_teardown():
    yield
    log.warning("cleanup went wrong")


def test_teardown_logs(noisy_teardown):
    pass
"""


def test_logged_warnings_and_errors_fail_their_test(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makepyfile(test_inner=INNER)
    result = pytester.runpytest_subprocess("-p", "tests.fixtures.logfail", "-p", "no:cacheprovider", "-rA")
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed") == 4  # quiet, on purpose, named logger, and test_teardown_logs' call phase
    assert outcomes.get("failed") == 3
    assert outcomes.get("errors") == 1  # the teardown
    result.stdout.fnmatch_lines(["*unexpected log record(s)*", "*WARNING desktop.inner*something is off*"])
    result.stdout.fnmatch_lines(["*ERROR desktop.inner [Thread-*engine side failure*"])
    for name in ("test_warns", "test_errors_on_another_thread", "test_logs_from_another_logger"):
        result.stdout.fnmatch_lines([f"FAILED test_inner.py::{name}*"])
    result.stdout.fnmatch_lines(["ERROR test_inner.py::test_teardown_logs*"])
