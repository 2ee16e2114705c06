"""Thumbnails kept on disk: one small picture per image address, so the Assets grid and the pickers draw at once on
the next start and offline. The store is capped in bytes and forgets the least recently used first.

A thumbnail is keyed by its address without the query: the platform's picture links are signed COS URLs whose
signature changes with every answer, while the picture behind them does not. The name on disk is a hash of that
key, so no address (and no signature) is ever written into a file name.

No Qt here, and every method blocks on the disk: call them from a worker thread (`asyncio.to_thread`), never from
the GUI thread. Methods may run on several workers at once; the byte count and the trimming are under one lock.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

log = logging.getLogger("desktop.services.thumbnail_store")

DEFAULT_CAP_BYTES = 256 * 1024 * 1024
TRIM_TO = 0.9  # trimming goes a little below the cap, so the next few writes do not trim again
SUFFIX = ".thumb"


def address_key(url: str) -> str:
    """The address without its query and fragment: what stays the same when a signed link is signed again."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, "", ""))


def thumbnail_dir(data_dir: Path) -> Path:
    return data_dir / "cache" / "thumbnails"


class ThumbnailStore:
    def __init__(self, directory: Path, cap_bytes: int = DEFAULT_CAP_BYTES) -> None:
        self.directory = directory
        self.cap_bytes = cap_bytes
        self._lock = threading.Lock()
        self._total: int | None = None  # bytes on disk, counted on first use

    def path_for(self, url: str) -> Path:
        digest = hashlib.sha256(address_key(url).encode("utf-8")).hexdigest()
        return self.directory / digest[:2] / f"{digest}{SUFFIX}"

    def get(self, url: str) -> bytes | None:
        """The kept thumbnail for `url`, marked as just used; None when there is none."""
        path = self.path_for(url)
        try:
            data = path.read_bytes()
            os.utime(path)  # the modification time is the LRU clock: access times are often not kept (noatime)
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.warning("could not read a kept thumbnail: %s", exc)
            return None
        return data

    def put(self, url: str, data: bytes) -> None:
        """Keep `data` for `url` (written whole or not at all), then trim the store to its cap."""
        path = self.path_for(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{uuid.uuid4().hex}.part")
        try:
            temporary.write_bytes(data)
            previous = path.stat().st_size if path.exists() else 0
            temporary.replace(path)
        except OSError as exc:
            temporary.unlink(missing_ok=True)
            log.warning("could not keep a thumbnail: %s", exc)
            return
        with self._lock:
            total = self._count() + len(data) - previous
            self._total = total
            if total > self.cap_bytes:
                self._trim()

    def total_bytes(self) -> int:
        with self._lock:
            return self._count()

    def _count(self) -> int:
        if self._total is None:
            self._total = sum(size for _path, size, _when in self._files())
        return self._total

    def _files(self) -> list[tuple[Path, int, float]]:
        found = []
        for path in self.directory.glob(f"*/*{SUFFIX}"):
            try:
                status = path.stat()
            except OSError:
                continue  # removed meanwhile
            found.append((path, status.st_size, status.st_mtime))
        return found

    def _trim(self) -> None:
        """Forget the least recently used thumbnails until the store is under TRIM_TO of its cap (lock held)."""
        files = sorted(self._files(), key=lambda file: file[2])
        total = sum(size for _path, size, _when in files)
        goal = self.cap_bytes * TRIM_TO
        for path, size, _when in files:
            if total <= goal:
                break
            try:
                path.unlink()
            except OSError:
                continue
            total -= size
        self._total = total
