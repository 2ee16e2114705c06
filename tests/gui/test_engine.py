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


def test_blocking_work_answers_while_the_loop_is_busy(qtbot: QtBot, engine: Engine) -> None:
    """call_blocking runs on a worker thread and posts its answer from there: a loop held by synchronous work (a
    client being made) does not hold it back, and a deleted context still drops it."""
    bridge = Bridge(engine)
    hold = threading.Event()
    engine.loop.call_soon_threadsafe(lambda: hold.wait(10))  # the loop busy until released
    delivered: list[tuple[str, bool]] = []
    doomed = QObject()
    main = threading.main_thread()

    def work() -> str:
        return threading.current_thread().name

    gate = threading.Event()

    def work_after_the_gate() -> str:
        gate.wait(10)
        return "late"

    bridge.call_blocking(work, bridge, lambda name: delivered.append((name, threading.current_thread() is main)))
    bridge.call_blocking(work_after_the_gate, doomed, lambda name: delivered.append((name, False)))
    try:
        qtbot.waitUntil(lambda: len(delivered) == 1, timeout=5000)  # while the loop is still held
        with qtbot.waitSignal(doomed.destroyed):
            doomed.deleteLater()
    finally:
        gate.set()
        hold.set()
    assert delivered[0][0].startswith("engine-worker") and delivered[0][1]
    qtbot.waitUntil(lambda: bridge.in_flight == 0, timeout=5000)
    assert len(delivered) == 1 and bridge.dropped == 1


def test_blocking_failures_reach_on_error(qtbot: QtBot, engine: Engine) -> None:
    bridge = Bridge(engine)
    errors: list[str] = []

    def broken() -> None:
        raise OSError("the disk said no")

    bridge.call_blocking(broken, bridge, on_error=lambda error: errors.append(str(error)))
    qtbot.waitUntil(lambda: errors == ["the disk said no"], timeout=5000)
