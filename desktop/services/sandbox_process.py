"""Starts the local sandbox (`python -m desktop.sandbox`) as a child process for the Sandbox profile, reads its
one-line JSON "ready" announcement, and stops it (SIGTERM, then kill) when the app exits. Runs on the engine loop."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sys
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("desktop.services.sandbox")

READY_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class SandboxInfo:
    api: str
    ws: str
    cos: str
    rtmp: str | None
    appkey: str
    accesstoken: str


class SandboxUnavailableError(Exception):
    """The sandbox could not be started; the message says why in words."""


class SandboxProcess:
    def __init__(self, data_dir: Path, time_scale: float = 1.0, python: str = sys.executable) -> None:
        self.data_dir = data_dir
        self.time_scale = time_scale
        self.python = python
        self.info: SandboxInfo | None = None
        self._process: asyncio.subprocess.Process | None = None
        self._stderr_tail: list[str] = []
        self._drain: asyncio.Task[None] | None = None
        self._creating: asyncio.Future[asyncio.subprocess.Process] | None = None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.returncode is None

    async def start(self) -> SandboxInfo:
        if self.running and self.info is not None:
            return self.info
        self.data_dir.mkdir(parents=True, exist_ok=True)
        command = [self.python, "-m", "desktop.sandbox", "--port", "0", "--data-dir", str(self.data_dir)]
        command.append("--exit-with-parent")
        if self.time_scale != 1.0:
            command += ["--time-scale", str(self.time_scale)]
        # Shielded: a cancel in the middle of process creation would leave a child that asyncio may never reap;
        # this way the process always exists afterwards and stop() can terminate it.
        self._creating = asyncio.ensure_future(
            asyncio.create_subprocess_exec(
                *command,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
        )
        try:
            self._process = await asyncio.shield(self._creating)
        except OSError as exc:
            raise SandboxUnavailableError(f"the sandbox could not be started: {exc.strerror or exc}") from exc
        finally:
            if self._creating.done():
                self._creating = None
        self._drain = asyncio.create_task(self._read_stderr())
        assert self._process.stdout is not None
        try:
            line = await asyncio.wait_for(self._process.stdout.readline(), READY_TIMEOUT_S)
        except TimeoutError:
            await self.stop()
            raise SandboxUnavailableError(f"the sandbox did not become ready within {READY_TIMEOUT_S:.0f} s") from None
        if not line:
            await self._process.wait()
            if self._drain is not None:
                await self._drain
            reason = self._stderr_tail[-1] if self._stderr_tail else f"exit code {self._process.returncode}"
            raise SandboxUnavailableError(f"the sandbox exited: {reason}")
        try:
            data = json.loads(line)
            self.info = SandboxInfo(
                data["api"], data["ws"], data["cos"], data.get("rtmp"), data["appkey"], data["accesstoken"]
            )
        except (ValueError, KeyError, TypeError) as exc:
            await self.stop()
            raise SandboxUnavailableError("the sandbox's ready line is not the documented JSON") from exc
        log.info("sandbox ready at %s", self.info.api)
        return self.info

    async def _read_stderr(self) -> None:
        assert self._process is not None and self._process.stderr is not None
        stream = self._process.stderr  # held: stop() lets go of the process while this still reads its last lines
        while line := await stream.readline():
            text = line.decode(errors="replace").rstrip()
            if text:
                self._stderr_tail = [*self._stderr_tail[-19:], text]
                log.info("sandbox: %s", text)

    async def stop(self, timeout: float = 5.0) -> None:
        if self._creating is not None:
            creating, self._creating = self._creating, None
            with contextlib.suppress(Exception):
                self._process = await asyncio.wait_for(creating, timeout)
        process, self._process = self._process, None
        self.info = None
        if process is None or process.returncode is not None:
            return
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), timeout)
        except TimeoutError:
            log.warning("the sandbox ignored SIGTERM for %.0f s; killing it", timeout)
            process.kill()
            await process.wait()
        if self._drain is not None:
            self._drain.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._drain
