"""Logging: a named logger per subsystem, a rotating file in the data directory, and redaction of secrets.

Redaction works on the formatted text (message and traceback): values of secret-named fields in query strings,
JSON and headers, and the literal values registered at run time (the access token, temporary COS keys).
"""

from __future__ import annotations

import functools
import logging
import os
import re
import threading
from pathlib import Path

MASK = "***"

_SECRET_NAMES = (
    "signature",
    "accesstoken",
    "access_token",
    "AccessToken",
    "token",
    "Token",
    "TmpSecretKey",
    "tmp_secret_key",
    "SecretKey",
    "secret_key",
    "userSig",
    "UserSig",
    "usersig",
    "PrivateMapKey",
    "TrtcUserSig",
    "TrtcPrivateMapKey",
    "x-cos-security-token",
    "q-signature",
    "txSecret",
    "password",
)


@functools.cache
def _patterns() -> tuple[re.Pattern[str], ...]:
    """Compiled on first use: the alternation of names costs milliseconds the window should not wait for."""
    names = "|".join(re.escape(name) for name in sorted(_SECRET_NAMES, key=len, reverse=True))
    return (
        # key=value in query strings and COS Authorization headers
        re.compile(rf"(?i)(?<![\w-])({names})=([^&\s\"',;]+)"),
        # "Key": "value" in JSON, and 'Key': 'value' in Python reprs
        re.compile(rf"""(?i)(["']({names})["']\s*:\s*)(["'])((?:\\.|(?!\3).)*)\3"""),
        # Key: value in HTTP headers and prose
        re.compile(rf"(?i)(?<![\w-])(({names}):[ \t]*)([^\s\"',;]+)"),
    )


class Redactor:
    """Masks secrets in text. Thread-safe; register secrets as they become known."""

    def __init__(self) -> None:
        self._secrets: set[str] = set()
        self._lock = threading.Lock()

    def register(self, secret: str) -> None:
        if secret and len(secret) >= 4:  # masking tiny strings would mangle ordinary text
            with self._lock:
                self._secrets.add(secret)

    def forget(self, secret: str) -> None:
        with self._lock:
            self._secrets.discard(secret)

    def __call__(self, text: str) -> str:
        query, quoted, header = _patterns()
        text = query.sub(lambda m: f"{m.group(1)}={MASK}", text)
        text = quoted.sub(lambda m: f"{m.group(1)}{m.group(3)}{MASK}{m.group(3)}", text)
        text = header.sub(lambda m: f"{m.group(1)}{MASK}", text)
        with self._lock:
            secrets = sorted(self._secrets, key=len, reverse=True)
        for secret in secrets:
            text = text.replace(secret, MASK)
        return text


redact = Redactor()


class RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class RotatingFile(logging.FileHandler):
    """Size-rotated log file: name.log, name.log.1 ... name.log.N. (logging.handlers would bring sockets, pickle
    and queues into every start for one feature.)"""

    def __init__(self, path: Path, max_bytes: int, backups: int) -> None:
        super().__init__(path, encoding="utf-8", delay=True)
        self.max_bytes = max_bytes
        self.backups = backups

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if self.stream is not None and self.stream.tell() >= self.max_bytes:
                self._rotate()
        except (OSError, ValueError):
            self.handleError(record)
        super().emit(record)

    def _rotate(self) -> None:
        stream = self.stream
        if stream is not None:
            stream.close()
        self.stream = None  # the next emit reopens the file (delay=True)
        base = self.baseFilename
        for index in range(self.backups - 1, 0, -1):
            if os.path.exists(f"{base}.{index}"):
                os.replace(f"{base}.{index}", f"{base}.{index + 1}")
        if os.path.exists(base):
            os.replace(base, f"{base}.1")


FORMAT = "%(asctime)s %(levelname)-7s %(name)s [%(threadName)s] %(message)s"


def setup(log_dir: Path | None, level: int = logging.INFO, console_level: int = logging.WARNING) -> Path | None:
    """Root logging: a rotating file under log_dir (1 MB x 5) and stderr for warnings; both redacted."""
    root = logging.getLogger()
    root.setLevel(min(level, console_level))
    for handler in list(root.handlers):
        if getattr(handler, "_avatar_studio", False):
            root.removeHandler(handler)
            handler.close()
    formatter = RedactingFormatter(FORMAT)
    console = logging.StreamHandler()
    console.setLevel(console_level)
    console.setFormatter(formatter)
    console._avatar_studio = True  # type: ignore[attr-defined]
    root.addHandler(console)
    if log_dir is None:
        return None
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / "avatar-studio.log"
    file_handler = RotatingFile(path, max_bytes=1_000_000, backups=5)
    file_handler.setLevel(level)
    file_handler.setFormatter(formatter)
    file_handler._avatar_studio = True  # type: ignore[attr-defined]
    root.addHandler(file_handler)
    return path
