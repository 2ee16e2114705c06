"""The engine thread and its bridge: coroutines run on the engine, results come back on the GUI thread."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from desktop.services.engine import Bridge, Engine


@pytest.fixture
def engine() -> Iterator[Engine]:
    running = Engine().start()
    yield running
    running.stop()


def test_coroutines_run_on_the_engine_thread(engine: Engine) -> None:
    async def where() -> str:
        return threading.current_thread().name

    assert engine.submit(where()).result(5) == "engine"


def test_results_and_errors_arrive_on_the_gui_thread(qtbot: QtBot, engine: Engine) -> None:
    bridge = Bridge(engine)
    seen: dict[str, object] = {}

    async def answer() -> int:
        await asyncio.sleep(0)
        return 42

    async def boom() -> None:
        raise ValueError("engine side failure")

    def on_result(value: int) -> None:
        seen["result"] = (value, threading.current_thread() is threading.main_thread())

    def on_error(error: BaseException) -> None:
        seen["error"] = (str(error), threading.current_thread() is threading.main_thread())

    bridge.call(answer(), on_result)
    bridge.call(boom(), on_error=on_error)
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=5000)
    assert seen["result"] == (42, True)
    assert seen["error"] == ("engine side failure", True)


def test_busy_count_rises_and_falls(qtbot: QtBot, engine: Engine) -> None:
    bridge = Bridge(engine)
    counts: list[int] = []
    bridge.busy_changed.connect(counts.append)
    release = asyncio.Event()

    async def wait_for_release() -> None:
        await release.wait()

    bridge.call(wait_for_release())
    assert bridge.in_flight == 1
    engine.loop.call_soon_threadsafe(release.set)
    qtbot.waitUntil(lambda: bridge.in_flight == 0, timeout=5000)
    assert counts == [1, 0]


def test_stop_cancels_what_runs_and_refuses_new_work() -> None:
    engine = Engine().start()
    cancelled = threading.Event()

    async def forever() -> None:
        try:
            await asyncio.Event().wait()
        finally:
            cancelled.set()

    future = engine.submit(forever())
    engine.stop(timeout=2)
    assert cancelled.is_set()
    assert future.cancelled()
    assert not engine.thread.is_alive()
    coroutine = forever()
    with pytest.raises(RuntimeError, match="not running"):
        engine.submit(coroutine)
