"""Queries the Assets page makes for one record, on demand, on the engine: an avatar's actions (crm getaction or the
legacy broadcastservice one), the timbres bound to an avatar (the deprecated getimagetimbre and gettimbre), a legacy
anchor's images (getresourcebyanchor), and a pose image's size in pixels (for the FAQ's initial size).

No Qt here. The answers are plain records; the page keeps them per key, so asking twice costs nothing. httpx,
Pillow and asyncio are imported where they are used, on the engine: the Assets page imports this module as the app
starts, and there they would hold up its first drawing by ~0.1 s.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from desktop.api.assets import Action, Avatar, Timbre

if TYPE_CHECKING:
    from desktop.api import Client

MAX_PICTURE_BYTES = 16 * 1024 * 1024
_PICTURE_TIMEOUT_S = 20.0


async def actions(client: Client, virtualman_key: str, legacy: bool) -> list[Action]:
    if legacy:
        return await client.video.legacy_actions(virtualman_key)
    return await client.assets.actions(virtualman_key)


async def bound_timbres(client: Client, virtualman_key: str, legacy: bool) -> list[Timbre]:
    """Deprecated: timbres are no longer bound to avatars; kept for accounts whose tools still use them."""
    if legacy:
        return await client.video.legacy_timbres(virtualman_key)
    return await client.assets.image_timbres(virtualman_key)


async def legacy_images(client: Client, anchor_code: str) -> list[Avatar]:
    found = await client.video.legacy_images(anchor_code)
    return [avatar for avatars in found.values() for avatar in avatars]


async def picture_size(url: str) -> tuple[int, int]:
    """The width and height of the picture at `url`, read from its header (the pixels are not decoded)."""
    if not url.startswith(("http://", "https://")):
        raise ValueError("not an http(s) picture address")
    import httpx

    async with (
        httpx.AsyncClient(timeout=_PICTURE_TIMEOUT_S, follow_redirects=True) as http,
        http.stream("GET", url) as answer,
    ):
        answer.raise_for_status()
        data = bytearray()
        async for chunk in answer.aiter_bytes():
            data += chunk
            if len(data) > MAX_PICTURE_BYTES:
                raise ValueError("the picture is larger than 16 MB")
    import asyncio

    return await asyncio.to_thread(_size_of, bytes(data))


def _size_of(data: bytes) -> tuple[int, int]:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as picture:
        return picture.size
