"""Render cost of the sandbox's media: one live session streaming for a while, and one ~30 s videomake.

The cost is CPU time (the sandbox process, whose painter threads draw the frames, plus its ffmpeg children) divided
by the media time produced; goal <= 0.5 for live at 640x360. RSS is the renderer's: the ffmpeg encoder's peak plus
the sandbox's growth while rendering. Prints `name: value unit`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from websockets.asyncio.client import connect

from desktop.api import Client, Credentials, custom
from desktop.api import drive as messages

LIVE_SECONDS = 12.0
TICKS = os.sysconf("SC_CLK_TCK")
# About 30 s of espeak-ng speech at the default speed.
LONG_TEXT = " ".join(
    [
        "Welcome to the sandbox of the digital human platform.",
        "Everything you hear was synthesized on this machine, and every frame you see was drawn for it.",
        "The avatar opens its mouth with the loudness of the speech, blinks every few seconds,",
        "and breathes gently while it waits for the next sentence.",
        "Videos come back as files with subtitles whose cues follow the words as they are spoken.",
        "Live sessions stream through a local RTMP server, so the player works without an account.",
        "This paragraph is long enough to last about half a minute when it is read aloud,",
        "which is what the render benchmark needs to measure the cost per second of media.",
    ]
)


@dataclass
class Cpu:
    own: float  # utime + stime of the process
    children: float  # cutime + cstime: children that have exited and been waited for


def cpu(pid: int) -> Cpu:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    utime, stime, cutime, cstime = (int(value) / TICKS for value in fields[11:15])
    return Cpu(utime + stime, cutime + cstime)


def status_kb(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def command_of(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0].decode()
    except OSError:
        return ""


def ffmpeg_children(pid: int) -> list[int]:
    return [child for child in children(pid) if command_of(child).endswith("ffmpeg")]


async def live(client: Client, ready: dict[str, str], sandbox_pid: int) -> list[tuple[str, float, float]]:
    """Cost ratio and encoder RSS (MB) of one session, idle and then speaking a long text, and the sandbox's growth."""
    key = (await client.assets.avatars(page_size=1)).items[0].virtualman_key
    before_rss = status_kb(sandbox_pid, "VmRSS")
    created = await client.sessions.create_by_asset(key, "bench-viewer")
    while (await client.sessions.status(created.session_id)).status != 1:
        await asyncio.sleep(0.05)
    encoders = ffmpeg_children(sandbox_pid)
    assert len(encoders) == 1, f"expected one live renderer, found {encoders}"
    encoder = encoders[0]
    await asyncio.sleep(1.0)  # past the encoder's start-up

    async def cost(seconds: float) -> float:
        start_own, start_encoder, started = cpu(sandbox_pid).own, cpu(encoder).own, time.monotonic()
        await asyncio.sleep(seconds)
        spent = cpu(sandbox_pid).own - start_own + cpu(encoder).own - start_encoder
        return spent / (time.monotonic() - started)

    figures = [("idle", await cost(LIVE_SECONDS), status_kb(encoder, "VmRSS") / 1024)]
    await client.sessions.start(created.session_id)
    session = created.session_id
    link = messages.channel_url(ready["ws"], ready["appkey"], ready["accesstoken"], session, int(time.time()))
    async with connect(link) as ws:
        await ws.send(json.dumps(messages.send_text(created.session_id, LONG_TEXT)))
        while json.loads(await asyncio.wait_for(ws.recv(), 30))["Payload"].get("SpeakStatus") != "TextStart":
            pass
        figures.append(("speaking", await cost(LIVE_SECONDS), status_kb(encoder, "VmRSS") / 1024))
    figures.append(("sandbox growth", 0.0, (status_kb(sandbox_pid, "VmRSS") - before_rss) / 1024))
    await client.sessions.close(created.session_id)
    return figures


async def videomake(client: Client, sandbox_pid: int) -> tuple[float, float, float, float]:
    """Returns the cost ratio, the media seconds, the encoders' peak RSS and the sandbox's growth (MB)."""
    key = (await client.assets.avatars(page_size=1)).items[0].virtualman_key
    before, before_rss = cpu(sandbox_pid), status_kb(sandbox_pid, "VmRSS")
    peak_encoder = peak_sandbox = 0
    task = await client.video.videomake({"VirtualmanKey": key, "InputSsml": LONG_TEXT, "SpeechParam": {"Speed": 1.0}})
    while not (progress := await client.video.progress(task)).finished:
        for child in ffmpeg_children(sandbox_pid):
            with contextlib.suppress(OSError):  # it finished between the listing and the reading
                peak_encoder = max(peak_encoder, status_kb(child, "VmHWM"))
        peak_sandbox = max(peak_sandbox, status_kb(sandbox_pid, "VmRSS"))
        await asyncio.sleep(0.1)
    assert progress.status == "SUCCESS", progress.fail_message
    after = cpu(sandbox_pid)
    spent = after.own - before.own + after.children - before.children
    media_s = progress.duration_ms / 1000
    return spent / media_s, media_s, peak_encoder / 1024, (peak_sandbox - before_rss) / 1024


async def measure(ready: dict[str, str], sandbox_pid: int) -> None:
    environment, credentials = custom(ready["api"], ready["ws"]), Credentials(ready["appkey"], ready["accesstoken"])
    async with Client(environment, credentials) as client:
        idle, speaking, live_growth = await live(client, ready, sandbox_pid)
        for name, ratio, rss in (idle, speaking):
            print(f"render_live_{name}_cost: {ratio:.2f} cpu-s per media-s (goal <= 0.5; 640x360 at 25 fps)")
            print(f"render_live_{name}_encoder_rss: {rss:.0f} MB")
        print(f"render_live_sandbox_growth: {live_growth[2]:.0f} MB")
        ratio, media_s, encoder_peak, growth = await videomake(client, sandbox_pid)
        print(f"render_videomake_cost: {ratio:.2f} cpu-s per media-s ({media_s:.1f} s of MP4, speech included)")
        print(f"render_videomake_encoder_peak_rss: {encoder_peak:.0f} MB")
        print(f"render_videomake_sandbox_growth: {growth:.0f} MB")


def main() -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        command = [
            sys.executable,
            "-m",
            "desktop.sandbox",
            "--data-dir",
            data_dir,
            "--time-scale",
            "0.1",
        ]  # idle close after 60 s
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            assert process.stdout is not None
            ready = json.loads(process.stdout.readline())
            asyncio.run(measure(ready, process.pid))
        finally:
            process.terminate()
            process.communicate(timeout=15)


if __name__ == "__main__":
    main()
