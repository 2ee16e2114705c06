"""`python -m desktop.sandbox` / `avatar-studio-sandbox`: the local emulator of the platform.

Contract (tests and tools rely on it): binds loopback only; prints ONE JSON line on stdout when ready,
{"api", "ws", "cos", "rtmp", "appkey", "accesstoken"}; exits cleanly on SIGTERM, stopping its children.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import json
import logging
import os
import signal
import sys
import tempfile
from pathlib import Path

from desktop.sandbox.config import (
    DEFAULT_CATALOG_SIZE,
    DEFAULT_TIMBRE_COUNT,
    DEMO_ACCESS_TOKEN,
    DEMO_APPKEY,
    SandboxConfig,
)


def parse_args(argv: list[str] | None) -> SandboxConfig:
    parser = argparse.ArgumentParser(prog="avatar-studio-sandbox", description="Local emulator of the platform")
    parser.add_argument("--host", default="127.0.0.1", help="a loopback address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="API and WebSocket port (0: any free one)")
    parser.add_argument("--cos-port", type=int, default=0, help="COS endpoint port (0: any free one)")
    parser.add_argument("--data-dir", type=Path, help="where uploads, results and state go (default: a temp dir)")
    parser.add_argument(
        "--time-scale", type=float, default=1.0, help="multiplies simulated work: loading, stages, queues, rendering"
    )
    parser.add_argument(
        "--protocol-timeout-scale", type=float, default=1.0,
        help="multiplies the timeouts a client must respect (3 min without traffic, 10 min without a drive); tests",
    )  # fmt: skip
    parser.add_argument("--appkey", default=DEMO_APPKEY)
    parser.add_argument("--accesstoken", default=DEMO_ACCESS_TOKEN)
    parser.add_argument("--catalog-size", type=int, default=DEFAULT_CATALOG_SIZE, help="how many avatars to seed")
    parser.add_argument(
        "--timbre-count", type=int, default=DEFAULT_TIMBRE_COUNT,
        help=f"how many timbres to seed (default {DEFAULT_TIMBRE_COUNT}; a larger count keeps those first)",
    )  # fmt: skip
    parser.add_argument("--log-level", default="WARNING")
    parser.add_argument("--exit-with-parent", action="store_true", help="stop when the process that started it dies")
    args = parser.parse_args(argv)
    if args.exit_with_parent:
        exit_with_parent()
    if args.time_scale <= 0:
        parser.error(f"--time-scale must be positive (got {args.time_scale})")
    if args.protocol_timeout_scale <= 0:
        parser.error(f"--protocol-timeout-scale must be positive (got {args.protocol_timeout_scale})")
    if args.timbre_count < 0:
        parser.error(f"--timbre-count must be at least 0 (got {args.timbre_count})")
    logging.basicConfig(level=args.log_level, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="avatar-studio-sandbox-"))
    return SandboxConfig(
        host=args.host,
        port=args.port,
        data_dir=data_dir.expanduser().resolve(),
        time_scale=args.time_scale,
        protocol_timeout_scale=args.protocol_timeout_scale,
        appkey=args.appkey,
        access_token=args.accesstoken,
        catalog_size=args.catalog_size,
        cos_port=args.cos_port,
        timbre_count=args.timbre_count,
    )


def exit_with_parent() -> None:
    """Linux: have the kernel send SIGTERM when the parent dies, even by SIGKILL, so no sandbox is orphaned."""
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    libc = ctypes.CDLL(None, use_errno=True)
    pr_set_pdeathsig = 1
    libc.prctl(pr_set_pdeathsig, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the request took effect
        raise SystemExit(0)


async def serve(config: SandboxConfig) -> None:
    from desktop.sandbox.runtime import Sandbox

    sandbox = Sandbox(config)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    ready = await sandbox.start()
    print(json.dumps(ready), flush=True)
    try:
        await stop.wait()
    finally:
        await sandbox.stop()


def main(argv: list[str] | None = None) -> int:
    # The event loop shares the GIL with the live renderers' threads (numpy drawing, pipes to ffmpeg); at Python's
    # default 5 ms switch interval a drive packet could wait that long to be read, and the arrival times the sandbox
    # keeps (/_sandbox/arrivals: how a client paced its audio, as the cloud sees it) would show that wait as the
    # client's jitter. 1 ms keeps them within a millisecond of the socket.
    sys.setswitchinterval(0.001)
    try:
        config = parse_args(argv)
        asyncio.run(serve(config))
    except ValueError as exc:
        print(f"avatar-studio-sandbox: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"avatar-studio-sandbox: cannot listen: {exc.strerror or exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
