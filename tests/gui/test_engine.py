"""The engine thread and its bridge: coroutines run on the engine, results come back on the GUI thread."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

import shiboken6
from PySide6.QtCore import QObject

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

    bridge.call(answer(), bridge, on_result)
    bridge.call(boom(), bridge, on_error=on_error)
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

    bridge.call(wait_for_release(), bridge)
    assert bridge.in_flight == 1
    engine.loop.call_soon_threadsafe(release.set)
    qtbot.waitUntil(lambda: bridge.in_flight == 0, timeout=5000)
    assert counts == [1, 0]


def test_callbacks_are_queued_even_from_the_gui_thread(qtbot: QtBot, engine: Engine) -> None:
    """A future that is already done calls back at once on the caller's thread: that must still not run the
    callback inside call() or post(), before their caller has moved on."""
    bridge = Bridge(engine)
    seen: list[str] = []
    bridge.post(lambda: seen.append("posted"))
    assert seen == []
    qtbot.waitUntil(lambda: seen == ["posted"], timeout=5000)


def test_an_answer_for_a_deleted_context_is_dropped(qtbot: QtBot, engine: Engine) -> None:
    """Like Qt's connect(signal, context, slot): the dialog that asked is gone, so nothing is called, nothing logged;
    the busy count still falls, and a caller whose context lives gets its answer."""
    bridge = Bridge(engine)
    release = asyncio.Event()
    delivered: list[str] = []

    async def answer_later(value: str) -> str:
        await release.wait()
        return value

    async def fail_later() -> str:
        await release.wait()
        raise ValueError("an error for nobody")

    doomed, living = QObject(), QObject()
    bridge.call(answer_later("to the doomed"), doomed, delivered.append)
    bridge.call(fail_later(), doomed, on_error=lambda error: delivered.append(str(error)))
    bridge.call(answer_later("to the living"), living, delivered.append)
    with qtbot.waitSignal(doomed.destroyed):
        doomed.deleteLater()
    del doomed
    engine.loop.call_soon_threadsafe(release.set)
    qtbot.waitUntil(lambda: bridge.in_flight == 0, timeout=5000)
    assert delivered == ["to the living"]
    assert bridge.dropped == 2


def test_a_context_whose_wrapper_outlives_its_object_still_drops(qtbot: QtBot, engine: Engine) -> None:
    """A Python reference can keep the wrapper of a deleted QObject: deletion of the C++ object is what counts."""
    bridge = Bridge(engine)
    delivered: list[int] = []
    parent = QObject()
    child = QObject(parent)
    release = asyncio.Event()

    async def later() -> int:
        await release.wait()
        return 1

    bridge.call(later(), child, delivered.append)
    parent.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(child), timeout=5000)
    engine.loop.call_soon_threadsafe(release.set)
    qtbot.waitUntil(lambda: bridge.in_flight == 0, timeout=5000)
    assert delivered == []
    assert bridge.dropped == 1


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
