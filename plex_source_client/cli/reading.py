"""Reading the current sources a command needs (``plan``, ``export``), concurrently: the list
when many are named (:data:`~.runner.LIST_FROM` or more), one GET each otherwise, and a GET
for any the list lacks (so an unknown slug is a 404 with its request id).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .._errors import PlexSourceError
from .runner import LIST_FROM, READ_PAGE_SIZE

if TYPE_CHECKING:
    from .._async_client import AsyncPlexSourceClient
    from .._models import PlexSource


async def list_all(client: AsyncPlexSourceClient) -> list[PlexSource]:
    """Every source on the server, :data:`~.runner.READ_PAGE_SIZE` a request."""
    return [source async for source in client.list(page_size=READ_PAGE_SIZE)]


async def read_slugs(
    slugs: Iterable[str], client: AsyncPlexSourceClient, *, concurrency: int
) -> dict[str, PlexSource | PlexSourceError]:
    """Each slug's source, or the error reading it raised (a :class:`NotFound` for an unknown
    one), in the order given.
    """
    wanted = list(dict.fromkeys(slugs))
    found: dict[str, PlexSource | PlexSourceError] = {}
    if len(wanted) >= LIST_FROM:
        try:
            listed = {source.slug: source for source in await list_all(client)}
        except PlexSourceError:
            listed = {}  # e.g. a token that may read sources but not list them: GET each
        found.update((slug, listed[slug]) for slug in wanted if slug in listed)
    gate = asyncio.Semaphore(max(1, concurrency))

    async def get(slug: str) -> None:
        async with gate:
            try:
                found[slug] = await client.get(slug)
            except PlexSourceError as error:
                found[slug] = error

    await asyncio.gather(*(get(slug) for slug in wanted if slug not in found))
    return {slug: found[slug] for slug in wanted}
