"""Reading the current sources a command needs (``plan``, ``export``), concurrently: the list
when many are named (:data:`~.runner.LIST_FROM` or more), one GET each otherwise, and a GET
for any the list lacks (so an unknown slug is a 404 with its request id).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .._changes import path_slug_problems
from .._errors import NotFound, PlexSourceError
from .._text import shorten
from .exits import Invalid
from .guard import remember_source
from .runner import LIST_FROM, READ_PAGE_SIZE, list_not_found

if TYPE_CHECKING:
    from .._async_client import AsyncPlexSourceClient
    from .._models import PlexSource


def require_path_slugs(slugs: Iterable[str], *, named: bool) -> None:
    """:class:`~.exits.Invalid` (exit 2, nothing sent) for every slug no source can have
    (``a b``, 5,000 characters: see :func:`~plex_source_client._changes.path_slug_problems`),
    checked before a request: the client refuses them unsent, which is no server's refusal
    (exit 1). ``named``: several slugs, each named in its problem; else the one is ``SLUG``.
    """
    problems = [
        f"SLUG {shorten(slug)!r}: {message}" if named else f"SLUG: {message}"
        for slug in slugs
        for message in path_slug_problems(slug)
    ]
    if problems:
        raise Invalid(problems)


async def list_all(client: AsyncPlexSourceClient) -> list[PlexSource]:
    """Every source on the server, :data:`~.runner.READ_PAGE_SIZE` a request; each one's Plex
    token remembered as a run secret (:func:`~.guard.remember_source`).
    """
    sources = [source async for source in client.list(page_size=READ_PAGE_SIZE)]
    for source in sources:
        remember_source(source)
    return sources


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
                found[slug] = source = await client.get(slug)
                remember_source(source)
            except PlexSourceError as error:
                found[slug] = error

    await asyncio.gather(*(get(slug) for slug in wanted if slug not in found))
    read = {slug: found[slug] for slug in wanted}
    if read and all(isinstance(value, NotFound) and not value.wrong_url for value in read.values()):
        list_error = await list_not_found(client)
        if list_error is not None:  # the URL is wrong, not every slug
            return dict.fromkeys(read, list_error)
    return read
