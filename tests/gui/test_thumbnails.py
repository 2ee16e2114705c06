"""Thumbnails: fetched off the GUI thread (newest wish first, a few at a time), kept on disk, drawn in the grid;
a picture that cannot be had shows the placeholder with a Retry that works; the Assets grid and detail pane show
the sandbox's real pictures."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PIL import Image
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QStandardItem, QStandardItemModel

from desktop.services.engine import Bridge, Engine
from desktop.services.thumbnail_store import ThumbnailStore, thumbnail_dir
from desktop.ui.assets.pictures import avatar_picture
from desktop.ui.common import thumbnails
from desktop.ui.common.thumbnail_grid import PAD, ThumbnailGrid
from desktop.ui.common.thumbnails import ThumbnailLoader
from desktop.ui.common.word_filter import ITEM_ROLE
from tests.fixtures.app import AppFactory
from tests.gui.test_assets_page import assets_page

GREEN = (20, 160, 60)


class PictureServer:
    """Loopback HTTP: /N.png is a green square, after `failures` answers of 503; every path asked is recorded."""

    def __init__(self) -> None:
        self.failures = 0
        self.asked: list[str] = []
        self.lock = threading.Lock()
        picture = io.BytesIO()
        Image.new("RGB", (64, 64), GREEN).save(picture, format="PNG")
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with owner.lock:
                    owner.asked.append(self.path)
                    failing = owner.failures > 0
                    owner.failures -= failing
                body = b"busy" if failing else picture.getvalue()
                self.send_response(503 if failing else 200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def pictures() -> Iterator[PictureServer]:
    server = PictureServer()
    yield server
    server.close()


@pytest.fixture
def bridge(qtbot: QtBot) -> Iterator[Bridge]:
    engine = Engine().start()
    yield Bridge(engine)
    engine.stop()


def grid_of(urls: list[str], loader: ThumbnailLoader, qtbot: QtBot) -> tuple[ThumbnailGrid, QStandardItemModel]:
    model = QStandardItemModel()
    for url in urls:
        item = QStandardItem(url)
        item.setData(url, ITEM_ROLE)
        model.appendRow(item)
    grid = ThumbnailGrid(loader, lambda url: url or "", lambda url: ("Anna", "Blue suit"))
    grid.setModel(model)
    grid.resize(520, 400)
    qtbot.addWidget(grid)
    grid.show()
    qtbot.waitExposed(grid)
    return grid, model


def looks(grid: ThumbnailGrid, point: QPoint, expected: tuple[int, int, int]) -> bool:
    """Whether the grid shows about `expected` at `point` (a screen's depth can shift a channel by a few steps)."""
    colour = QColor(grid.viewport().grab().toImage().pixel(point))
    return all(abs(a - b) <= 10 for a, b in zip((colour.red(), colour.green(), colour.blue()), expected, strict=True))


def test_a_failed_thumbnail_shows_the_placeholder_and_its_retry_loads_it(
    qtbot: QtBot, bridge: Bridge, pictures: PictureServer, tmp_path: Path
) -> None:
    pictures.failures = 1
    url = f"{pictures.base}/0.png?sign=abc"
    loader = ThumbnailLoader()
    loader.start(bridge, ThumbnailStore(tmp_path))
    grid, model = grid_of([url], loader, qtbot)
    with qtbot.waitSignal(loader.failed, timeout=10000):
        grid.viewport().update()
    assert loader.failure(url) == "HTTP 503" and loader.pixmap(url) is None
    cell = grid.visualRect(model.index(0, 0))
    corner = cell.topLeft() + QPoint(PAD + 3, PAD + 3)
    qtbot.waitUntil(lambda: looks(grid, corner, (0xF6, 0xE3, 0xE1)), timeout=5000)  # the failed placeholder
    retry = grid.delegate.retry_rect(cell)
    with qtbot.waitSignal(loader.ready, timeout=10000):
        qtbot.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=retry.center())
    assert loader.failure(url) is None and loader.pixmap(url) is not None
    qtbot.waitUntil(lambda: looks(grid, corner, GREEN), timeout=5000)  # the picture itself
    assert pictures.asked == ["/0.png?sign=abc", "/0.png?sign=abc"]


def test_the_newest_wish_is_fetched_first_a_few_at_a_time_and_kept_on_disk(
    qtbot: QtBot, bridge: Bridge, pictures: PictureServer, tmp_path: Path
) -> None:
    loader = ThumbnailLoader()
    urls = [f"{pictures.base}/{n}.png" for n in range(20)]
    for url in urls:  # painted in this order before the loader starts
        assert loader.pixmap(url) is None
    store = ThumbnailStore(tmp_path)
    loader.start(bridge, store)
    assert len(loader._fetching) == thumbnails.IN_FLIGHT
    qtbot.waitUntil(lambda: loader.fetched == len(urls), timeout=20000)
    assert sorted(pictures.asked) == sorted(f"/{n}.png" for n in range(20))
    first = {int(path[1:].split(".")[0]) for path in pictures.asked[: thumbnails.IN_FLIGHT]}
    assert first == set(range(20 - thumbnails.IN_FLIGHT, 20))  # the last painted went first
    assert all(store.get(url) for url in urls)
    # a new loader (the next start) draws them from the disk: nothing is asked of the network again
    again = ThumbnailLoader()
    again.start(bridge, store)
    assert again.pixmap(urls[0]) is None
    with qtbot.waitSignal(again.ready, timeout=10000):
        pass
    assert again.pixmap(urls[0]) is not None and len(pictures.asked) == len(urls)


def test_the_assets_grid_and_details_show_the_sandbox_pictures(qtbot: QtBot, make_app: AppFactory) -> None:
    page = assets_page(qtbot, make_app)
    qtbot.waitUntil(lambda: page.avatars.shown_count() > 0, timeout=30000)
    grid = page.avatars.grid
    assert grid is not None and page.avatars.view == "grid" and page.avatars.stack.currentWidget() is grid
    first = page.avatars.proxy.index(0, 0)
    url = avatar_picture(first.data(ITEM_ROLE))
    qtbot.waitUntil(lambda: page.thumbnails.pixmap(url) is not None, timeout=20000)
    assert page.catalog is not None
    assert ThumbnailStore(thumbnail_dir(page.catalog.data_dir)).get(url) is not None
    grid.setCurrentIndex(first)
    qtbot.waitUntil(lambda: len(page.avatars.details.images) >= 2, timeout=20000)  # header and pose at least
    assert "Pose" in page.avatars.details.toPlainText()
    # Ctrl+G: the same selection in the table
    page.toggle_view()
    assert page.avatars.view == "list" and page.avatars.stack.currentWidget() is page.avatars.table
    assert page.avatars.selected() is first.data(ITEM_ROLE)


def encoded(picture: Image.Image, kind: str, **options: object) -> bytes:
    out = io.BytesIO()
    picture.save(out, format=kind, **options)
    return out.getvalue()


def test_a_large_photo_is_shrunk_upright_and_its_kept_copy_decodes_the_same() -> None:
    photo = Image.new("RGB", (1600, 900), GREEN)
    photo.paste((200, 30, 30), (0, 0, 800, 900))  # the left half red
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: shown rotated 90° clockwise
    image, kept = thumbnails.shrink(encoded(photo, "JPEG", quality=95, exif=exif))
    assert (image.width(), image.height()) == (108, thumbnails.EDGE)  # upright: taller than wide, the edge kept
    top = QColor(image.pixel(54, 20))
    assert top.red() > 150 and top.green() < 80  # the red half is on top once turned
    again = thumbnails.decode(kept)
    assert (again.width(), again.height()) == (image.width(), image.height())
    assert again.pixel(54, 20) == image.pixel(54, 20) and again.pixel(54, 180) == image.pixel(54, 180)


def test_a_small_picture_keeps_its_size_and_alpha_and_an_animation_gives_its_first_frame() -> None:
    clear = Image.new("RGBA", (40, 30), (0, 0, 255, 0))
    image, _ = thumbnails.shrink(encoded(clear, "PNG"))
    assert (image.width(), image.height()) == (40, 30) and QColor.fromRgba(image.pixel(5, 5)).alpha() == 0
    frames = [Image.new("RGB", (32, 32), colour) for colour in (GREEN, (250, 250, 0))]
    animation = io.BytesIO()
    frames[0].save(animation, format="GIF", save_all=True, append_images=frames[1:], duration=100)
    first, _ = thumbnails.shrink(animation.getvalue())
    colour = QColor(first.pixel(16, 16))
    assert abs(colour.green() - GREEN[1]) < 20 and colour.red() < 60


@pytest.mark.parametrize(
    "data",
    [b"", b"<html>not found</html>", encoded(Image.new("RGB", (64, 64)), "PNG")[:60]],
    ids=["empty", "html", "truncated"],
)
def test_what_is_not_a_picture_is_refused_in_words(data: bytes) -> None:
    with pytest.raises(thumbnails.ThumbnailError, match="not a picture"):
        thumbnails.shrink(data)
    with pytest.raises(thumbnails.ThumbnailError, match="unreadable"):
        thumbnails.decode(data)


def test_the_http_client_outlives_a_pause_between_downloads_and_not_the_engine(
    bridge: Bridge, pictures: PictureServer, tmp_path: Path
) -> None:
    fetcher = thumbnails.ThumbnailFetcher(ThumbnailStore(tmp_path))
    engine = bridge.engine
    engine.submit(fetcher.fetch(f"{pictures.base}/1.png")).result(10)
    first = fetcher._http
    assert first is not None and not first.is_closed  # kept for the next download (its SSL context is costly)
    engine.submit(fetcher.fetch(f"{pictures.base}/2.png")).result(10)
    assert fetcher._http is first
    engine.stop()  # the wait to close it is cancelled: it is closed then
    assert first.is_closed and fetcher._http is None
