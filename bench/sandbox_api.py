"""Sandbox throughput: signed queries from 20 concurrent clients (goal >= 300 req/s on 2 cores) and the sandbox
process's memory (goal < 200 MB RSS). Loopback only, bounded in time and count. Prints `name: value unit`.

The load generator shares the machine with the sandbox, so the figure is a floor for the sandbox alone. It is
aiohttp's client: httpx spends about 3 ms of CPU per request, so with it the figure was the load generator's own
(some 270 req/s on two cores while the sandbox sat idle in epoll two thirds of the time).
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

from desktop.api.signing import signed_query
from desktop.spec import endpoint

CLIENTS = 20
SECONDS = 8.0
MAX_REQUESTS = 20_000
PAYLOAD = json.dumps({"Header": {}, "Payload": {"PageIndex": 1, "PageSize": 20}}).encode()


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def load(ready: dict[str, str]) -> tuple[int, int, float, list[float]]:
    path = endpoint("assets.describetimbre").path
    done = errors = 0
    latencies: list[float] = []
    stop_at = time.monotonic() + SECONDS

    async def client(http: aiohttp.ClientSession) -> None:
        nonlocal done, errors
        while time.monotonic() < stop_at and done + errors < MAX_REQUESTS:
            url = f"{ready['api']}{path}?{signed_query(ready['appkey'], ready['accesstoken'], int(time.time()))}"
            started = time.perf_counter()
            async with http.post(url, data=PAYLOAD, headers={"Content-Type": "application/json"}) as response:
                answer = await response.read()
            latencies.append(time.perf_counter() - started)
            if response.status == 200 and json.loads(answer)["Header"]["Code"] == 0:
                done += 1
            else:
                errors += 1

    started = time.monotonic()
    connector = aiohttp.TCPConnector(limit=CLIENTS)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=30)) as http:
        await asyncio.gather(*(client(http) for _ in range(CLIENTS)))
    return done, errors, time.monotonic() - started, latencies


def main() -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        command = [sys.executable, "-m", "desktop.sandbox", "--data-dir", data_dir]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            assert process.stdout is not None
            ready = json.loads(process.stdout.readline())
            idle_rss = rss_mb(process.pid)
            done, errors, elapsed, latencies = asyncio.run(load(ready))
            loaded_rss = rss_mb(process.pid)
        finally:
            process.terminate()
            process.communicate(timeout=15)
    latencies.sort()
    p50 = latencies[len(latencies) // 2] * 1000 if latencies else float("nan")
    p99 = latencies[int(len(latencies) * 0.99)] * 1000 if latencies else float("nan")
    print(f"sandbox_signed_queries_per_second: {done / elapsed:.0f} req/s (goal >= 300; {CLIENTS} clients)")
    print(f"sandbox_query_errors: {errors} count")
    print(f"sandbox_latency_p50: {p50:.1f} ms")
    print(f"sandbox_latency_p99: {p99:.1f} ms")
    print(f"sandbox_rss_idle: {idle_rss:.0f} MB")
    print(f"sandbox_rss_after_load: {loaded_rss:.0f} MB (goal < 200)")


if __name__ == "__main__":
    main()
