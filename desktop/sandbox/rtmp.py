"""The live streams' server: an nginx with the RTMP module, run as the sandbox's child on a free loopback port, with
its configuration and temporary files under the data directory. `idle_streams off` so that playing a stream that
does not (or no longer) exist ends at once instead of hanging (platform recipes). nginx is given a parent-death
signal, so it never outlives the sandbox, even a killed one. Its error log comes into the sandbox's log (stderr),
URL queries masked, never into a file: a relayed CssCustomPushUrl names its txSecret there."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import shutil
import socket
from pathlib import Path

log = logging.getLogger("desktop.sandbox.rtmp")

_URL_QUERY = re.compile(r"\?[^\s'\",]*")

MODULE_PATHS = (
    Path("/usr/lib/nginx/modules/ngx_rtmp_module.so"),
    Path("/usr/lib64/nginx/modules/ngx_rtmp_module.so"),
)

CONFIG = """load_module {module};
daemon off;
master_process off;
worker_processes 1;
pid {root}/nginx.pid;
error_log stderr warn;
events {{ worker_connections 256; }}
rtmp {{
    server {{
        listen {host}:{port};
        chunk_size 4096;
        application live {{
            live on;
            record off;
            idle_streams off;
            wait_key on;
            drop_idle_publisher 10s;
            {notify}
        }}
    }}
}}
"""


def _free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


class RtmpServer:
    def __init__(self, root: Path, host: str = "127.0.0.1") -> None:
        self.root = root
        self.host = host
        self.port = 0
        self._process: asyncio.subprocess.Process | None = None
        self._log_reader: asyncio.Task[None] | None = None

    @property
    def base_url(self) -> str:
        return f"rtmp://{self.host}:{self.port}/live"

    async def start(self, notify_url: str = "") -> str:
        """Start nginx; with `notify_url`, it POSTs each publish start and end there (form field `name`)."""
        module = next((m for m in MODULE_PATHS if m.is_file()), None)
        if module is None:
            raise RuntimeError("nginx's RTMP module is not installed (apt-get install nginx libnginx-mod-rtmp)")
        self.root.mkdir(parents=True, exist_ok=True)
        for folder in ("client_body_temp", "logs"):
            (self.root / folder).mkdir(exist_ok=True)
        self.port = _free_port(self.host)
        config = self.root / "nginx.conf"
        notify = f"on_publish {notify_url}/publish; on_publish_done {notify_url}/done;" if notify_url else ""
        config.write_text(CONFIG.format(module=module, root=self.root, host=self.host, port=self.port, notify=notify))
        # setpriv sets the parent-death signal before exec (preexec_fn is unsafe in a process with threads).
        guard = ["setpriv", "--pdeathsig", "TERM", "--"] if shutil.which("setpriv") else []
        self._process = await asyncio.create_subprocess_exec(
            *guard, "nginx", "-p", str(self.root), "-c", str(config), "-e", "stderr",
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        for _ in range(200):  # up to 10 s for it to listen
            if self._process.returncode is not None:
                error = (await self._process.stderr.read()).decode(errors="replace") if self._process.stderr else ""
                raise RuntimeError(f"nginx stopped at start: {error.strip()[-300:]}")
            try:
                _, writer = await asyncio.open_connection(self.host, self.port)
                writer.close()
                await writer.wait_closed()
                log.info("nginx-rtmp listening at %s", self.base_url)
                self._log_reader = asyncio.create_task(self._relay_log())
                return self.base_url
            except OSError:
                await asyncio.sleep(0.05)
        raise RuntimeError("nginx did not start listening within 10 s")

    async def _relay_log(self) -> None:
        """nginx's error log, into ours with URL queries masked: a relayed push names its txSecret there."""
        assert self._process is not None and self._process.stderr is not None
        while line := await self._process.stderr.readline():
            text = _URL_QUERY.sub("?…", line.decode(errors="replace").rstrip())
            # Lines about one client ("stream not found" for a player that came late, a relay's push) are routine;
            # the rest (nginx's own trouble) are warnings.
            routine = ", client: " in text or "notify: push" in text
            log.log(logging.INFO if routine else logging.WARNING, "nginx: %s", text)

    async def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.returncode is not None:
            return
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 5)
        except TimeoutError:
            process.kill()
            with contextlib.suppress(ProcessLookupError):
                await process.wait()
        reader, self._log_reader = self._log_reader, None
        if reader is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(reader, 2)
