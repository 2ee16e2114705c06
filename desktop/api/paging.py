"""PageIndex/PageSize paging (PageSize at most 100, PageIndex from 1, Total in the answer)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class Page(Generic[T]):
    items: tuple[T, ...]
    total: int
    page_index: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size)) if self.page_size else 1

    @property
    def has_more(self) -> bool:
        return self.page_index * self.page_size < self.total and len(self.items) > 0


def check_page(page_index: int, page_size: int) -> None:
    if page_index < 1:
        raise ValueError(f"PageIndex must be at least 1 (got {page_index})")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValueError(f"PageSize must be within [1, {MAX_PAGE_SIZE}] (got {page_size})")


async def iterate(
    fetch: Callable[[int, int], Awaitable[Page[T]]], page_size: int = MAX_PAGE_SIZE, limit: int | None = None
) -> AsyncIterator[T]:
    """Every item of a paged query, fetching page after page until Total is reached (or `limit` items)."""
    check_page(1, page_size)
    index = 1
    seen = 0
    while True:
        page = await fetch(index, page_size)
        for item in page.items:
            yield item
            seen += 1
            if limit is not None and seen >= limit:
                return
        if not page.has_more:
            return
        index += 1


async def collect(
    fetch: Callable[[int, int], Awaitable[Page[T]]], page_size: int = MAX_PAGE_SIZE, limit: int | None = None
) -> list[T]:
    return [item async for item in iterate(fetch, page_size, limit)]
