"""The async client's transports: how concurrent requests reach the network quickly.

httpcore's connection pool rescans every connection on each request and response
(encode/httpx#3215), so one pool of 32 busy connections spends most of its time scanning.
:class:`ShardedAsyncTransport` splits the connection limit over several small pools and sends
each request to the least busy one: same limits and keep-alive, a fraction of the scanning.
``benchmarks/`` measures it (aiohttp's transport, once an option, was no faster against a
server with realistic latency: benchmarks/RESULTS.md).
"""

from __future__ import annotations

import math
import ssl
from typing import Literal

import httpx

from .tls import verify_context

#: What ``AsyncPlexSourceClient(backend=...)`` accepts: both mean httpx over sharded pools.
Backend = Literal["auto", "httpx"]

#: Connections per pool: small enough that rescans stay cheap, large enough to reuse them.
SHARD_SIZE = 8


class ShardedAsyncTransport(httpx.AsyncBaseTransport):
    """Several httpcore pools behind one transport; each request goes to the least busy.

    Pools are made as concurrency calls for them (one at first), and share one TLS context.
    """

    def __init__(self, *, verify: bool | ssl.SSLContext, limits: httpx.Limits) -> None:
        total = limits.max_connections or 100
        keepalive = limits.max_keepalive_connections
        self._max_pools = max(1, math.ceil(total / SHARD_SIZE))
        per_pool = math.ceil(total / self._max_pools)
        self._limits = httpx.Limits(
            max_connections=per_pool,
            max_keepalive_connections=(
                None if keepalive is None else max(1, math.ceil(keepalive / self._max_pools))
            ),
            keepalive_expiry=limits.keepalive_expiry,
        )
        # The shared context now, not at the first request: a bad SSL_CERT_FILE is the
        # constructor's ConfigurationError, as the sync client's.
        self._verify = verify_context(verify)
        self._pools: list[httpx.AsyncHTTPTransport] = []
        self._in_flight: list[int] = []

    def _pick(self) -> int:
        if self._pools:
            least = min(self._in_flight)
            if least == 0 or len(self._pools) == self._max_pools:
                return self._in_flight.index(least)
        if self._verify is False:  # one for all the pools
            self._verify = httpx.create_ssl_context(verify=False)
        self._pools.append(httpx.AsyncHTTPTransport(verify=self._verify, limits=self._limits))
        self._in_flight.append(0)
        return len(self._pools) - 1

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        index = self._pick()
        self._in_flight[index] += 1
        try:
            return await self._pools[index].handle_async_request(request)
        finally:
            self._in_flight[index] -= 1

    async def aclose(self) -> None:
        for pool in self._pools:
            await pool.aclose()


def async_transport(
    *, verify: bool | ssl.SSLContext, limits: httpx.Limits, proxy: httpx.Proxy | None = None
) -> httpx.AsyncBaseTransport:
    """The async client's transport: sharded httpx pools, or one pool through ``proxy`` when
    given (the proxy is the only peer).
    """
    if proxy is not None:
        return httpx.AsyncHTTPTransport(verify=verify_context(verify), limits=limits, proxy=proxy)
    return ShardedAsyncTransport(verify=verify, limits=limits)
