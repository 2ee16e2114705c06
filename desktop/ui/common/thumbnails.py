"""Thumbnails for the views that show records as pictures (the Assets grid, the detail pane, the pickers).

A view asks `pixmap(url)` while it paints. A picture already in memory comes back at once; otherwise the view gets
None, draws a placeholder, and the address joins a last-in-first-out queue: what was painted last (what the user is
looking at now) is fetched first, and addresses scrolled past long ago fall off the bottom. At most IN_FLIGHT are
fetched at once, on the engine: from the disk store when kept there, else downloaded with httpx, shrunk and kept.
Pictures are decoded and shrunk to a QImage in a worker thread, with Pillow (which lets go of the GIL); only the
QPixmap is made on the GUI thread. Then `ready(url)` (or `failed(url)`) tells the views to paint again; `retry(url)`
asks again for one that failed.

`close()` drops the queue and ignores what is still in flight.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import io
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator
from functools import partial
from typing import TYPE_CHECKING

from PIL import Image, ImageOps

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QImage, QPixmap

from desktop.services.engine import Bridge
from desktop.services.thumbnail_store import ThumbnailStore, address_key

if TYPE_CHECKING:
    import httpx  # imported when the first picture is fetched, on the engine: not on the GUI thread at start

log = logging.getLogger("desktop.ui.common.thumbnails")

EDGE = 192  # the longest side of a kept thumbnail, in pixels: the grid's largest cell on a 2x screen
IN_FLIGHT = 6
QUEUE_LIMIT = 256  # addresses waiting; older ones are forgotten (asked again if painted again)
MEMORY_LIMIT = 600  # pixmaps kept in memory (~150 KB each at most: ~90 MB at worst, far less in practice)
MAX_DOWNLOAD_BYTES = 16 * 1024 * 1024
TIMEOUT_S = 20.0
KEY_CACHE = 50_000
BATCH_MS = 40
LINGER_S = 30.0  # an idle HTTP client kept this long


class ThumbnailError(Exception):
    """Why a picture could not be shown, in words."""


def shrink(data: bytes) -> tuple[QImage, bytes]:
    """Blocking, for a worker thread: the picture decoded and shrunk to EDGE, and that thumbnail as PNG bytes.

    With Pillow, not QImage: Pillow lets go of the GIL while it decodes, scales and encodes, and PySide6's QImage
    does not (a 1080p JPEG held it 7 ms, a smooth scale longer), so the GUI thread, which needs the GIL for every
    Python slot and paint, stalled 20-35 ms while pictures arrived during a scroll."""
    picture = _open(data, "not a picture that can be read")
    try:
        if picture.format == "JPEG":
            picture.draft("RGB", (EDGE, EDGE))  # decoded at 1/2, 1/4 or 1/8 of its size: most of the work saved
        picture = ImageOps.exif_transpose(picture)  # a photo shown upright
        picture.thumbnail((EDGE, EDGE), Image.Resampling.LANCZOS)
        picture = picture.convert("RGBA")
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
        raise ThumbnailError("not a picture that can be read") from error
    kept = io.BytesIO()
    picture.save(kept, "PNG", compress_level=3)
    return _qimage(picture), kept.getvalue()


def decode(data: bytes) -> QImage:
    """Blocking, for a worker thread: a kept thumbnail decoded (with Pillow, for the GIL: see shrink)."""
    picture = _open(data, "the kept thumbnail is unreadable")
    try:
        return _qimage(picture.convert("RGBA"))
    except (OSError, ValueError, SyntaxError) as error:
        raise ThumbnailError("the kept thumbnail is unreadable") from error


def _open(data: bytes, why: str) -> Image.Image:
    try:
        picture = Image.open(io.BytesIO(data))
        picture.seek(0)  # an animation: its first frame
    except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError) as error:
        raise ThumbnailError(why) from error
    return picture


def _qimage(picture: Image.Image) -> QImage:
    """An RGBA Pillow image as a QImage that owns its pixels (copy(): the bytes object is not kept alive by Qt)."""
    raw = picture.tobytes("raw", "RGBA")
    return QImage(raw, picture.width, picture.height, picture.width * 4, QImage.Format.Format_RGBA8888).copy()


class ThumbnailLoader(QObject):
    ready = Signal(str)  # an address key whose pixmap is now in memory
    failed = Signal(str)  # an address key that could not be shown
    # The address keys that arrived or failed, at most every BATCH_MS: what views repaint on. One signal for many
    # pictures, because each signal into Python slots waits for the GIL while the engine thread is busy fetching.
    changed = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.bridge: Bridge | None = None
        self.fetcher: ThumbnailFetcher | None = None
        self._pixmaps: OrderedDict[str, QPixmap] = OrderedDict()  # address key -> pixmap, least recent first
        self._failures: dict[str, str] = {}  # address key -> why
        self._waiting: OrderedDict[str, str] = OrderedDict()  # address key -> url, the next to fetch last
        self._fetching: set[str] = set()
        self._keys: dict[str, str] = {}  # address -> address key
        self._batch: set[str] = set()
        self._batch_timer = QTimer(self)
        self._batch_timer.setSingleShot(True)
        self._batch_timer.setInterval(BATCH_MS)
        self._batch_timer.timeout.connect(self._send_batch)
        self._closed = False
        self.fetched = 0  # answers received (for tests and the bench)

    def start(self, bridge: Bridge, store: ThumbnailStore) -> None:
        """Begin fetching (what was asked for before waits until now)."""
        self.bridge = bridge
        self.fetcher = ThumbnailFetcher(store)
        self._pump()

    # --- for the views ---

    def pixmap(self, url: str) -> QPixmap | None:
        """The thumbnail for `url` when it is in memory; otherwise None, and it is asked for (unless it failed)."""
        if not url:
            return None
        key = self.key(url)
        found = self._pixmaps.get(key)
        if found is not None:
            self._pixmaps.move_to_end(key)
            return found
        if key not in self._failures:
            self._want(key, url)
        return None

    def failure(self, url: str) -> str | None:
        """Why the thumbnail for `url` could not be shown, or None when it has not failed."""
        return self._failures.get(self.key(url)) if url else None

    def key(self, url: str) -> str:
        """address_key, remembered: views ask for every visible cell at each paint, and parsing a URL costs."""
        key = self._keys.get(url)
        if key is None:
            if len(self._keys) > KEY_CACHE:
                self._keys.clear()
            key = self._keys[url] = address_key(url)
        return key

    def retry(self, url: str) -> None:
        key = self.key(url)
        if self._failures.pop(key, None) is not None:
            self._want(key, url)

    def close(self) -> None:
        """Stop: nothing more is fetched, and what is still in flight is not delivered."""
        self._closed = True
        self._waiting.clear()

    # --- the queue ---

    def _want(self, key: str, url: str) -> None:
        if self._closed or key in self._fetching:
            return
        self._waiting[key] = url
        self._waiting.move_to_end(key)  # painted again: the most wanted now
        while len(self._waiting) > QUEUE_LIMIT:
            self._waiting.popitem(last=False)
        self._pump()

    def _pump(self) -> None:
        bridge, fetcher = self.bridge, self.fetcher
        if bridge is None or fetcher is None or self._closed or not bridge.engine.running:
            return
        while self._waiting and len(self._fetching) < IN_FLIGHT:
            key, url = self._waiting.popitem(last=True)
            self._fetching.add(key)
            # Not bridge.call: thumbnails are background work that must not make the window's busy indicator
            # spin, and one signal per picture (not three) reaches the GUI thread.
            future = bridge.engine.submit(fetcher.fetch(url))
            future.add_done_callback(partial(self._done, bridge, key))

    def _done(self, bridge: Bridge, key: str, future: concurrent.futures.Future[QImage]) -> None:
        """On the engine thread: hand the outcome to the GUI thread (dropped if the loader is gone by then)."""
        if future.cancelled():
            return
        error = future.exception()
        if error is not None:
            bridge.post(partial(self._failed, key, error), self)
        else:
            bridge.post(partial(self._arrived, key, future.result()), self)

    def _arrived(self, key: str, image: QImage) -> None:
        self._fetching.discard(key)
        self.fetched += 1
        if self._closed:
            return
        self._pixmaps[key] = QPixmap.fromImage(image)
        while len(self._pixmaps) > MEMORY_LIMIT:
            self._pixmaps.popitem(last=False)
        self.ready.emit(key)
        self._note(key)
        self._pump()

    def _failed(self, key: str, error: BaseException) -> None:
        self._fetching.discard(key)
        self.fetched += 1
        if self._closed:
            return
        self._failures[key] = _reason(error)
        log.info("thumbnail %s not shown: %s", key, self._failures[key])  # the key: the address without its query
        self.failed.emit(key)
        self._note(key)
        self._pump()

    def _note(self, key: str) -> None:
        self._batch.add(key)
        if not self._batch_timer.isActive():
            self._batch_timer.start()

    def _send_batch(self) -> None:
        batch, self._batch = frozenset(self._batch), set()
        if batch and not self._closed:
            self.changed.emit(batch)


class ThumbnailFetcher:
    """The engine's side: the disk store and one HTTP client, used on the engine thread only (no Qt object)."""

    def __init__(self, store: ThumbnailStore) -> None:
        self.store = store
        self._http: httpx.AsyncClient | None = None  # while downloads run
        self._users = 0
        self._closer: asyncio.Task[None] | None = None  # closes the idle client after LINGER_S

    async def fetch(self, url: str) -> QImage:
        kept = await asyncio.to_thread(self.store.get, url)
        if kept is not None:
            try:
                return await asyncio.to_thread(decode, kept)
            except ThumbnailError:
                pass  # fetched again below, and the bad copy replaced
        data = await self._download(url)
        image, thumbnail = await asyncio.to_thread(shrink, data)
        await asyncio.to_thread(self.store.put, url, thumbnail)
        return image

    async def _download(self, url: str) -> bytes:
        if not url.startswith(("http://", "https://")):
            raise ThumbnailError("not an http(s) address")
        async with self._lease() as http, http.stream("GET", url) as answer:
            if answer.status_code != 200:
                raise ThumbnailError(f"HTTP {answer.status_code}")
            data = bytearray()
            async for chunk in answer.aiter_bytes():
                data += chunk
                if len(data) > MAX_DOWNLOAD_BYTES:
                    raise ThumbnailError("larger than 16 MB")
        return bytes(data)

    @contextlib.asynccontextmanager
    async def _lease(self) -> AsyncIterator[httpx.AsyncClient]:
        """The shared HTTP client while downloads need it: made by the first download, closed LINGER_S after the
        last one finished (or when that wait is cancelled, as at quit), so that no client outlives the work, whoever
        stops the engine. Not closed at once: a client's SSL context took 20-40 ms to make with the GIL held, and
        between two pages of a scroll the downloads do drop to none (the GUI thread stalled each time)."""
        import httpx

        if self._http is None:
            self._http = httpx.AsyncClient(timeout=TIMEOUT_S, follow_redirects=True)
        http = self._http
        self._users += 1
        if self._closer is not None:
            self._closer.cancel()
            self._closer = None
        try:
            yield http
        finally:
            self._users -= 1
            if self._users == 0 and self._http is http:
                task = asyncio.current_task()
                if task is not None and task.cancelling():
                    # Cancelled, as when the engine stops: a task made now would outlive the loop (the engine
                    # cancels the tasks it saw), leaving the client's sockets unclosed.
                    self._http = None
                    await http.aclose()
                else:
                    self._closer = asyncio.get_running_loop().create_task(self._close_later(http))

    async def _close_later(self, http: httpx.AsyncClient) -> None:
        try:
            await asyncio.sleep(LINGER_S)
        finally:  # also when cancelled: by a new download (which then uses it) or by the engine stopping
            if self._users == 0 and self._http is http:
                self._http = None
                self._closer = None
                await http.aclose()


def _reason(error: BaseException) -> str:
    """In words, without the address: an httpx error's text names the request's URL, signature included."""
    if isinstance(error, ThumbnailError):
        return str(error)
    if "Timeout" in type(error).__name__:
        return "timed out"
    return type(error).__name__
