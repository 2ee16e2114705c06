"""Resource discipline: the live renderers and nginx end with the sandbox, even when it is killed outright."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

from desktop.api import Client
from tests.fixtures.sandbox import start_sandbox


def descendants(pid: int) -> dict[int, str]:
    """Every process below `pid`, with its program's name."""
    found: dict[int, str] = {}
    pending = [pid]
    while pending:
        parent = pending.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            try:
                children = [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
            for child in children:
                try:
                    found[child] = Path(f"/proc/{child}/comm").read_text().strip()
                except OSError:
                    continue
                pending.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_renderers_and_nginx_die_with_a_killed_sandbox(tmp_path: Path) -> None:
    ready = start_sandbox(tmp_path, "--time-scale", "0.05")

    async def two_streams() -> None:
        async with Client(ready.environment, ready.credentials) as client:
            key = (await client.assets.avatars(page_size=1)).items[0].virtualman_key
            sessions = [(await client.sessions.create_by_asset(key, f"user-{n}")).session_id for n in range(2)]
            for session in sessions:
                while (await client.sessions.status(session)).status != 1:
                    await asyncio.sleep(0.02)

    try:
        asyncio.run(two_streams())
        children = descendants(ready.process.pid)
        assert sorted(children.values()).count("ffmpeg") == 2 and "nginx" in children.values()
        os.kill(ready.process.pid, signal.SIGKILL)
        ready.process.wait(10)
        deadline = time.monotonic() + 10
        while any(alive(pid) for pid in children) and time.monotonic() < deadline:
            time.sleep(0.05)  # polling a condition with a deadline: the processes are not ours to wait on
        assert not [name for pid, name in children.items() if alive(pid)]
    finally:
        if ready.process.poll() is None:
            ready.process.kill()
        ready.process.communicate(timeout=10)
