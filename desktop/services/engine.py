"""The engine: one asyncio event loop in its own thread, where all network I/O runs (httpx, WebSockets, pollers,
the audio pacer), so that neither waits on the GUI nor the GUI on it.

GUI -> engine: `engine.submit(coro)` returns a concurrent Future. Engine -> GUI: `Bridge.call(coro, context,
on_result, on_error)` runs the coroutine on the engine and calls back on the GUI thread, through a queued Qt signal of
a QObject that lives there, unless `context` was deleted meanwhile. Callbacks never run on the engine thread.
Blocking disk work goes through `Bridge.call_blocking(function, context, ...)`: it runs on one of the engine's
worker threads and answers from there, so a loop busy for a moment does not hold its answer back.

What runs on the engine gets plain values captured on the GUI thread (never a QWidget, QSettings or any other
GUI-thread object), and hands its results back through the bridge.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
import weakref
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal, Slot

log = logging.getLogger("desktop.services.engine")

T = TypeVar("T")


class Engine:
    """Owns the engine thread and its event loop."""

    def __init__(self, name: str = "engine") -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._started = threading.Event()
        self._stopping = False
        # Blocking work (the disk) whose answer must not wait for the loop: a loop busy with synchronous work (a
        # client being made, its imports and TLS context) held the cached catalogue's delivery back 60 ms.
        self._workers = concurrent.futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix=f"{name}-worker")

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        return self._loop

    @property
    def thread(self) -> threading.Thread:
        return self._thread

    @property
    def running(self) -> bool:
        return self._thread.is_alive() and not self._stopping

    def start(self) -> Engine:
        self._thread.start()
        self._started.wait()
        return self

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.call_soon(self._started.set)
        try:
            self._loop.run_forever()
        finally:
            self._loop.close()

    def submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Schedule a coroutine on the engine; safe from any thread."""
        if not self.running:
            coro.close()
            raise RuntimeError("the engine is not running")
        return asyncio.run_coroutine_threadsafe(coro, self._loop)

    def run_blocking(self, function: Callable[[], T]) -> concurrent.futures.Future[T]:
        """Run a blocking function on a worker thread of the engine's; safe from any thread."""
        if not self.running:
            raise RuntimeError("the engine is not running")
        return self._workers.submit(function)

    def stop(self, timeout: float = 5.0) -> None:
        """Cancel what is running, give it `timeout` seconds to finish, stop the loop and join the thread."""
        if not self._thread.is_alive():
            return
        self._stopping = True

        async def shutdown() -> None:
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            if tasks:
                _, pending = await asyncio.wait(tasks, timeout=timeout)
                for task in pending:
                    where = "".join(f"\n  {frame.f_code.co_filename}:{frame.f_lineno}" for frame in task.get_stack())
                    log.warning("engine task %s did not end when cancelled; it was at:%s", task.get_name(), where)
            await self._loop.shutdown_asyncgens()

        try:
            asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(timeout + 1)
        except (concurrent.futures.TimeoutError, RuntimeError):
            log.warning("engine tasks did not finish within %.1f s", timeout)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout + 1)
        self._workers.shutdown(wait=True, cancel_futures=True)


class Bridge(QObject):
    """Delivers engine results to the GUI thread. Create it on the GUI thread.

    Every call names a context QObject, as Qt's `connect(signal, context, slot)` does: when the context has been
    deleted by the time the answer arrives (a dialog closed while its request was in flight), the callbacks are
    dropped, silently. The check runs on the GUI thread, where Qt deletes objects, so it cannot race a deletion.
    """

    _deliver = Signal(object)
    busy_changed = Signal(int)  # how many engine calls are running

    def __init__(self, engine: Engine, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.in_flight = 0
        self.dropped = 0  # answers dropped because their context was gone (for tests and the soak)
        # Queued even when emitted on the GUI thread (a future that is already done runs its done-callback at once,
        # on the caller's thread): a callback never runs inside call() itself, before its caller has moved on.
        self._deliver.connect(self._run_on_gui_thread, Qt.ConnectionType.QueuedConnection)

    def _count(self, change: int) -> None:
        self.in_flight += change
        self.busy_changed.emit(self.in_flight)

    @Slot(object)
    def _run_on_gui_thread(self, callback: Callable[[], None]) -> None:
        try:
            callback()
        except Exception:
            log.exception("a GUI callback failed")

    def post(self, callback: Callable[[], None], context: QObject | None = None) -> None:
        """Run `callback` on the GUI thread soon, unless `context` is deleted first; callable from any thread."""
        self._deliver.emit(callback if context is None else self._guarded(callback, context))

    def _guarded(self, callback: Callable[[], None], context: QObject) -> Callable[[], None]:
        # A weak reference: a pending answer must not keep a closed window's wrapper alive.
        ref = weakref.ref(context)

        def run() -> None:
            alive = ref()
            if alive is None or not shiboken6.isValid(alive):
                self.dropped += 1
                return
            callback()

        return run

    def call(
        self,
        coro: Coroutine[Any, Any, T],
        context: QObject,
        on_result: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> concurrent.futures.Future[T]:
        """Run `coro` on the engine; call `on_result` or `on_error` on the GUI thread when it ends, if `context`
        still exists then. Errors with no `on_error` are logged."""
        future = self.engine.submit(coro)
        self._deliver_when_done(future, context, on_result, on_error)
        return future

    def call_blocking(
        self,
        function: Callable[[], T],
        context: QObject,
        on_result: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> concurrent.futures.Future[T]:
        """As call(), for a blocking function (disk work): it runs on one of the engine's worker threads, and its
        answer is posted from there, not through the event loop."""
        future = self.engine.run_blocking(function)
        self._deliver_when_done(future, context, on_result, on_error)
        return future

    def _deliver_when_done(
        self,
        future: concurrent.futures.Future[T],
        context: QObject,
        on_result: Callable[[T], None] | None,
        on_error: Callable[[BaseException], None] | None,
    ) -> None:
        self._count(+1)

        def done(finished: concurrent.futures.Future[T]) -> None:  # on the engine's thread or a worker's
            self.post(lambda: self._count(-1))
            if finished.cancelled():
                return
            error = finished.exception()
            if error is not None:
                if on_error is not None:
                    self.post(lambda: on_error(error), context)
                else:
                    log.error("engine task failed: %s", error)
            elif on_result is not None:
                result = finished.result()
                self.post(lambda: on_result(result), context)

        future.add_done_callback(done)
