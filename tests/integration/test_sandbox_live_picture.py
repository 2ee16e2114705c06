"""The live picture, decoded from the stream: Backgrounds and Foregrounds layers where the cloud's pixels put them,
the alpha half of AlphaChannelEnable, updatesessionconfig moving the avatar, and a CssCustomPushUrl stream."""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import time
import uuid
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pytest
from PIL import Image

from desktop.api import Client
from desktop.sandbox.live import LIVE_SIZE
from desktop.sandbox.scene import Frame, Layer, padding
from tests.fixtures.sandbox import Ready, sandbox_process, upload

T = TypeVar("T")
WIDTH, HEIGHT = LIVE_SIZE
RED, YELLOW, GREEN = (200, 30, 30), (255, 220, 0), (0, 255, 0)


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ready]:
    yield from sandbox_process(tmp_path_factory.mktemp("picture"), "--time-scale", "0.1")


def grab(url: str, width: int = WIDTH) -> np.ndarray:
    """One decoded frame of the stream (blocking)."""
    done = subprocess.run(
        ["ffmpeg", "-v", "error", "-rw_timeout", "5000000", "-i", url, "-frames:v", "1",
         "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        check=False, capture_output=True, timeout=30,
    )  # fmt: skip
    assert done.returncode == 0, f"no frame from {url}: {done.stderr.decode(errors='replace')}"
    return np.frombuffer(done.stdout, dtype=np.uint8).reshape(-1, width, 3).astype(int)


def share(region: np.ndarray, colour: tuple[int, int, int], tolerance: int = 50) -> float:
    return float((np.abs(region - colour) < tolerance).all(axis=-1).mean())


def figure_columns(picture: np.ndarray) -> tuple[int, int]:
    """Leftmost and rightmost columns that are not the green screen."""
    columns = np.nonzero((share_map(picture, GREEN) < 0.5).any(axis=0))[0]
    return int(columns.min()), int(columns.max())


def share_map(picture: np.ndarray, colour: tuple[int, int, int], tolerance: int = 60) -> np.ndarray:
    close: np.ndarray = (np.abs(picture - colour) < tolerance).all(axis=-1).astype(float)
    return close


async def ready_session(client: Client, **options: Any) -> tuple[str, str]:
    key = (await client.assets.avatars(page_size=1)).items[0].virtualman_key
    created = await client.sessions.create_by_asset(key, f"viewer-{time.monotonic_ns()}", **options)
    while (status := await client.sessions.status(created.session_id)).status != 1:
        await asyncio.sleep(0.02)
    return created.session_id, status.play_url


def test_layers_and_the_alpha_channel_shape_the_picture(live: Ready, tmp_path: Path) -> None:
    async def setup() -> tuple[Any, tuple[int, int]]:
        async with Client(live.environment, live.credentials) as client:
            avatar = (await client.assets.avatars(page_size=1)).items[0]
            size = tuple(int(n) for n in avatar.resolution.split("x"))
            return await client.customization.upload_credentials(), (size[0], size[1])

    grant, cloud = run(setup())
    Image.new("RGB", cloud, RED).save(tmp_path / "background.png")
    Image.new("RGB", (cloud[0] // 4, cloud[1] // 8), YELLOW).save(tmp_path / "badge.png")
    background = upload(live, grant, tmp_path / "background.png", "image")
    badge = upload(live, grant, tmp_path / "badge.png", "image")
    badge_layer = {"URL": badge, "X": 0, "Y": 0, "Width": cloud[0] // 4, "Height": cloud[1] // 8}

    async def flow() -> np.ndarray:
        async with Client(live.environment, live.credentials) as client:
            session, url = await ready_session(
                client, extra_info={"AlphaChannelEnable": True}, foregrounds=[badge_layer],
                backgrounds=[{"URL": background, "X": 0, "Y": 0, "Width": cloud[0], "Height": cloud[1]}],
            )  # fmt: skip
            picture = await asyncio.to_thread(grab, url, WIDTH * 2 + padding(WIDTH))
            await client.sessions.close(session)
            return picture

    picture = run(flow())
    colour, alpha = picture[:, :WIDTH], picture[:, WIDTH + padding(WIDTH) :]
    x, y, w, h = Frame(LIVE_SIZE, cloud).place(Layer(Path("badge"), 0, 0, cloud[0] // 4, cloud[1] // 8))
    inner = (slice(y + 2, y + h - 2), slice(x + 2, x + w - 2))
    assert share(colour[inner], YELLOW) > 0.9  # the foreground, where the cloud's pixels put it
    assert share(colour[HEIGHT // 2 :, x + 2 : x + 12], RED) > 0.9  # the background below it
    assert share(alpha[inner], (255, 255, 255)) > 0.9  # the foreground is opaque in the alpha half
    assert share(alpha[HEIGHT // 2 :, x + 2 : x + 12], (0, 0, 0)) > 0.9  # the background is not
    assert share(alpha[HEIGHT // 2 :, WIDTH // 2 - 5 : WIDTH // 2 + 5], (255, 255, 255)) > 0.9  # the avatar is


def wait_for(grab_picture: Callable[[], np.ndarray], condition: Callable[[np.ndarray], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition(grab_picture()):
            return True
    return False


def test_update_session_config_moves_and_zooms_the_avatar(live: Ready) -> None:
    async def flow() -> tuple[tuple[int, int], bool]:
        async with Client(live.environment, live.credentials) as client:
            session, url = await ready_session(client)
            before = figure_columns(await asyncio.to_thread(grab, url))
            await client.sessions.update_config(
                session, space={"ImagePosition": 0.3, "ImagePositionVertical": 0.0, "ImageZoom": 0.5}
            )

            def moved(picture: np.ndarray) -> bool:
                left, right = figure_columns(picture)
                centre = (left + right) / 2
                return abs(centre - (WIDTH / 2 + 0.3 * WIDTH)) < 12 and (right - left) < (before[1] - before[0]) * 0.6

            changed = await asyncio.to_thread(wait_for, lambda: grab(url), moved, 15)
            await client.sessions.close(session)
            return before, changed

    before, changed = run(flow())
    assert abs((before[0] + before[1]) / 2 - WIDTH / 2) < 12  # centred at first
    assert changed  # then right of centre by 0.3 of the width, at half the size


def command_lines() -> list[bytes]:
    """Every process's command line, as `ps` shows it to any local user."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        with contextlib.suppress(OSError):
            found.append(cmdline.read_bytes())
    return found


def test_a_custom_push_url_on_loopback_gets_the_stream_with_no_secret_on_a_command_line(live: Ready) -> None:
    assert live.rtmp is not None
    name = f"custom{time.monotonic_ns()}"
    secret = uuid.uuid4().hex

    async def flow() -> tuple[str, np.ndarray, list[bytes]]:
        async with Client(live.environment, live.credentials) as client:
            push = f"{live.rtmp}/{name}?txSecret={secret}&txTime=6A1B2C3D"
            session, url = await ready_session(client, protocol_option={"CssCustomPushUrl": push})
            picture = await asyncio.to_thread(grab, f"{live.rtmp}/{name}")
            streaming = command_lines()
            await client.sessions.close(session)
            return url, picture, streaming

    url, picture, streaming = run(flow())
    assert url == ""  # no PlayStreamAddr when the caller gives the push URL
    assert share(picture, GREEN) > 0.3  # the avatar on its green screen
    assert any(b"ffmpeg" in line for line in streaming)  # the renderer was running when we looked
    assert not [line for line in streaming if secret.encode() in line]
    written = [p for p in live.data_dir.rglob("*") if p.is_file() and p.stat().st_size < 1 << 24]
    assert not [p for p in written if secret.encode() in p.read_bytes()]  # nor in a file (nginx's log)


def test_a_portrait_avatar_streams_in_portrait(live: Ready) -> None:
    async def flow() -> np.ndarray:
        async with Client(live.environment, live.credentials) as client:
            avatars = (await client.assets.avatars(page_size=20)).items
            portrait = next(a for a in avatars if a.resolution == "1080x1920")
            created = await client.sessions.create_by_asset(portrait.virtualman_key, f"viewer-{time.monotonic_ns()}")
            while (status := await client.sessions.status(created.session_id)).status != 1:
                await asyncio.sleep(0.02)
            picture = await asyncio.to_thread(grab, status.play_url, LIVE_SIZE[1])
            await client.sessions.close(created.session_id)
            return picture

    picture = run(flow())
    assert picture.shape == (WIDTH, HEIGHT, 3)  # 360 wide, 640 high
    columns = np.nonzero((share_map(picture, GREEN) < 0.5).any(axis=0))[0]
    assert columns.min() > 10 and columns.max() < HEIGHT - 10  # the figure stands inside the narrow frame
    rows = np.nonzero((share_map(picture, GREEN) < 0.5).any(axis=1))[0]
    assert rows.max() >= WIDTH - 2  # and reaches its bottom
