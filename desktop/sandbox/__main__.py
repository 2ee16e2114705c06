"""`python -m desktop.sandbox` / `avatar-studio-sandbox`: the local emulator of the platform.

Not built yet (the sandbox issues come next): it says so on stderr and exits with status 3, and the app shows
"Sandbox not available" with that reason.
"""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="avatar-studio-sandbox", description="Local emulator of the platform")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--data-dir")
    parser.add_argument("--time-scale", type=float, default=1.0)
    parser.add_argument("--appkey")
    parser.add_argument("--accesstoken")
    parser.parse_args(argv)
    print("the local sandbox is not part of this build yet", file=sys.stderr)
    return 3


if __name__ == "__main__":
    sys.exit(main())
