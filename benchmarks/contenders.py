"""What the benchmarks time: the same PATCH through each client, sequentially and in bulk.

Every contender sends ``CHANGES`` to the bench server and reads (and, but for the
``http.client`` floor, parses) the answer. The optional contender (the official client) is
left out when its package is not installed.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import httpx

TOKEN = "bench-token"
SLUG = "bench"
CHANGES: dict[str, Any] = {"enabled": False, "allowed_servers": ["abc123"], "name": "Plex"}
PATH = f"/api/v3/sources/plex/{SLUG}/"
HEADERS = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}

#: name -> factory; a factory returns (call, close) for one sequential contender.
Sequential = Callable[[str], tuple[Callable[[], object], Callable[[], object]]]


def official_client_available() -> bool:
    try:
        import authentik_client  # noqa: F401
    except ImportError:
        return False
    return True


# -- sequential: one request at a time over one keep-alive connection --------------------------


def seq_http_client(url: str) -> tuple[Callable[[], object], Callable[[], object]]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port)
    body = json.dumps(CHANGES).encode()

    def call() -> object:
        connection.request("PATCH", PATH, body=body, headers=HEADERS)
        return connection.getresponse().read()

    return call, connection.close


def seq_httpx(url: str) -> tuple[Callable[[], object], Callable[[], object]]:
    client = httpx.Client(base_url=url)

    def call() -> object:
        response = client.patch(
            PATH, json=CHANGES, headers={"Authorization": HEADERS["Authorization"]}
        )
        return response.json()

    return call, client.close


def seq_generated(url: str) -> tuple[Callable[[], object], Callable[[], object]]:
    from plex_source_client._generated import AuthenticatedClient
    from plex_source_client._generated.api.sources import sources_plex_partial_update as op
    from plex_source_client._generated.models import PatchedPlexSourceRequest

    client = AuthenticatedClient(base_url=url + "/api/v3", token=TOKEN)

    def call() -> object:
        body = PatchedPlexSourceRequest(**CHANGES)
        return op.sync_detailed(SLUG, client=client, body=body).parsed

    return call, client.get_httpx_client().close


def seq_facade(url: str) -> tuple[Callable[[], object], Callable[[], object]]:
    from plex_source_client import PlexSourceClient

    client = PlexSourceClient(url=url, token=TOKEN)

    def call() -> object:
        return client.update(SLUG, **CHANGES)

    return call, client.close


def seq_official(url: str) -> tuple[Callable[[], object], Callable[[], object]]:
    from authentik_client import ApiClient, Configuration, PatchedPlexSourceRequest, SourcesApi

    api_client = ApiClient(Configuration(host=url + "/api/v3", access_token=TOKEN))
    sources = SourcesApi(api_client)

    def call() -> object:
        body = PatchedPlexSourceRequest(**CHANGES)
        return sources.sources_plex_partial_update(SLUG, patched_plex_source_request=body)

    return call, lambda: api_client.rest_client.pool_manager.clear()


def sequential_contenders() -> dict[str, Sequential]:
    contenders: dict[str, Sequential] = {
        "http.client (floor)": seq_http_client,
        "httpx.Client (raw)": seq_httpx,
        "generated sync_detailed": seq_generated,
        "PlexSourceClient.update": seq_facade,
    }
    if official_client_available():
        contenders["official authentik-client"] = seq_official
    return contenders


# -- bulk: N updates, `concurrency` in flight ---------------------------------------------------


def bulk_apply(url: str, n: int, concurrency: int, *, one_pool: bool = False) -> float:
    """Our ``plex-source apply --no-read`` path: the plan runner over the async client, every
    item PATCHed. Returns seconds.

    ``one_pool``: over a plain ``httpx.AsyncClient`` (one connection pool) instead of the
    client's sharded pools, to show what the sharding buys.
    """
    from plex_source_client import AsyncPlexSourceClient
    from plex_source_client.cli.planfile import PlanItem
    from plex_source_client.cli.runner import run_plan

    items = [PlanItem(index=i, slug=f"s{i}", changes=dict(CHANGES)) for i in range(n)]

    async def run() -> float:
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        options: dict[str, Any] = {"limits": limits}
        started = time.perf_counter()
        own = httpx.AsyncClient(limits=limits, timeout=30) if one_pool else None
        if own is not None:
            options = {"http_client": own}
        async with AsyncPlexSourceClient(url=url, token=TOKEN, **options) as client:
            # Blind (--no-read): 2,000 PATCHes, as the raw contenders send; the no-op table
            # (benchmarks/noop.py) measures the reading apply.
            results = await run_plan(items, client, concurrency=concurrency, read=False)
        if own is not None:
            await own.aclose()
        elapsed = time.perf_counter() - started
        assert all(r.outcome == "applied" for r in results), results[:3]
        return elapsed

    return asyncio.run(run())


def bulk_raw_httpx(url: str, n: int, concurrency: int) -> float:
    """Raw ``httpx.AsyncClient`` with its default settings, ``concurrency`` tasks at a time."""

    async def run() -> float:
        started = time.perf_counter()
        async with httpx.AsyncClient(base_url=url) as client:
            semaphore = asyncio.Semaphore(concurrency)

            async def one(i: int) -> None:
                async with semaphore:
                    response = await client.patch(
                        f"/api/v3/sources/plex/s{i}/", json=CHANGES, headers=HEADERS
                    )
                    response.json()

            await asyncio.gather(*(one(i) for i in range(n)))
        return time.perf_counter() - started

    return asyncio.run(run())


def bulk_official_threads(url: str, n: int, concurrency: int) -> float:
    """The official client in a pool of ``concurrency`` threads (its pool sized to match)."""
    from authentik_client import ApiClient, Configuration, PatchedPlexSourceRequest, SourcesApi

    configuration = Configuration(host=url + "/api/v3", access_token=TOKEN)
    configuration.connection_pool_maxsize = concurrency
    sources = SourcesApi(ApiClient(configuration))

    def one(i: int) -> object:
        body = PatchedPlexSourceRequest(**CHANGES)
        return sources.sources_plex_partial_update(f"s{i}", patched_plex_source_request=body)

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, range(n)))
    return time.perf_counter() - started


def bulk_contenders() -> dict[str, Callable[[str, int, int], float]]:
    contenders: dict[str, Callable[[str, int, int], float]] = {
        "plex-source apply --no-read (async client)": bulk_apply,
        "plex-source apply --no-read, one httpx pool": lambda u, n, c: bulk_apply(
            u, n, c, one_pool=True
        ),
        "httpx.AsyncClient (raw, defaults)": bulk_raw_httpx,
    }
    if official_client_available():
        contenders["official client, 32 threads"] = bulk_official_threads
    return contenders


@contextmanager
def quiet() -> Iterator[None]:
    """Silence httpx's per-request INFO logs while timing."""
    import logging

    level = logging.getLogger("httpx").level
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        yield
    finally:
        logging.getLogger("httpx").setLevel(level)
