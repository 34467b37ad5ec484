"""A tiny run of the benchmark harness, so it never rots. It asserts that every table is
produced, never how fast anything was: timings on a shared 2-core machine are noise.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from benchmarks.__main__ import bench_server
from benchmarks.latency import ONE_POOL, SHARDED, forced, transports
from plex_source_client import AsyncPlexSourceClient
from plex_source_client._http.transports import ShardedAsyncTransport

ROOT = Path(__file__).resolve().parents[1]


def test_benchmark_harness_smoke_run(tmp_path: Path) -> None:
    output = tmp_path / "results.md"
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--output", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    text = output.read_text()
    for heading in (
        "| sequential PATCH, keep-alive |",
        "| PlexSourceClient.update |",
        "| 20 updates, no network | CPU µs/call (median) |",
        "| PlexSourceClient.update, mocked transport |",
        "| httpx.AsyncClient (raw, defaults) |",
        "| plex-source apply --no-read (async client) |",
        "| `import httpx, attrs` (baseline) |",
        "| `plex-source --help` |",
        "| `import plex_source_client.testing.pytest_plugin` |",
        "| `plex-source apply`, peak RSS MiB |",
        "| 20 items matching the server, concurrency 32 | GETs | PATCHes |",
        "| `plex-source apply` (reads first: no-op) | 1 | 0 |",
        "| `plex-source apply --no-read` (blind) | 0 | 20 |",
        "| 5 sources, 1000-character tokens |",
        "| 20 ms per answer | items | concurrency | transport |",
        "| `plex-source apply --no-read` | 16 | 8 | one httpx pool |",
        "| `plex-source apply --no-read` | 16 | 8 | sharded httpx pools |",
        "| `AsyncPlexSourceClient.update` | 16 | 8 | one httpx pool |",
        "| `AsyncPlexSourceClient.update` | 16 | 8 | sharded httpx pools |",
    ):
        assert heading in text, heading
    assert text.startswith("# Benchmark results\n\nMeasured ")


def test_latency_server_answers_after_its_delay() -> None:
    """The latency scenario's premise: each answer takes the delay, and concurrent requests
    wait it out together (timers, nothing blocks), not one after another.
    """

    async def timed(url: str, count: int) -> float:
        async with httpx.AsyncClient(base_url=url) as client:
            started = time.perf_counter()
            await asyncio.gather(*(client.patch("/api/v3/sources/plex/s/") for _ in range(count)))
            return time.perf_counter() - started

    with bench_server(300) as url:
        assert asyncio.run(timed(url, 1)) >= 0.3
        assert 0.3 <= asyncio.run(timed(url, 20)) < 3  # 20 in turn would take 6 s


@pytest.mark.parametrize(
    ("kind", "expected"),
    [(SHARDED, ShardedAsyncTransport), (ONE_POOL, httpx.AsyncHTTPTransport)],
)
def test_forced_transport_is_the_one_the_client_uses(kind: str, expected: type) -> None:
    """What the latency scenario compares is what it says: the client's own transport
    replaced, with the limits the client passes.
    """
    assert kind in transports()
    limits = httpx.Limits(max_connections=8, max_keepalive_connections=8)
    with forced(kind) as made:
        client = AsyncPlexSourceClient(url="http://127.0.0.1:1", token="t", limits=limits)
    assert type(client._http._transport) is expected
    assert made == [client._http._transport]
    asyncio.run(client.aclose())
