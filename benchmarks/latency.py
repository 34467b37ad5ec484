"""The async transports at a realistic latency (issue 19).

Does the transport matter to a user when every answer takes as long as a real authentik's
(tens of milliseconds per PATCH)?

The bench server (benchmarks/server.py) answers each request ``delay`` ms after it arrived,
any number at once. Against it, PATCHing a plan of N sources with ``concurrency`` in flight,
over each transport, every other setting the same:

- ``sharded httpx pools``: :class:`~plex_source_client._http.transports.ShardedAsyncTransport`
  (the client's);
- ``one httpx pool``: httpx's own ``AsyncHTTPTransport`` with the limits the client sets, as a
  plain ``httpx.AsyncClient`` has (the baseline).

(aiohttp's transport was compared too; it was within noise of the sharded pools and was removed
from the client: benchmarks/RESULTS.md keeps the rows as measured.)

Two ways: the whole ``plex-source apply --no-read`` process (as a CI job runs it: startup
included), and :meth:`AsyncPlexSourceClient.update` called directly, ``concurrency`` tasks at a
time (the run only). Wall time and CPU time (user + system, of the process) per request: the
CPU is what the sharding saves; the question is whether the wall time shows it.
The transport is chosen by replacing the one function the client makes its transport with
(:func:`forced`), and each run checks the transport it got.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from .contenders import CHANGES, TOKEN
from .measure import rotated, summary

SHARDED = "sharded httpx pools"
ONE_POOL = "one httpx pool"
APPLY = "`plex-source apply --no-read`"
DIRECT = "`AsyncPlexSourceClient.update`"
#: The function in plex_source_client/_http/clients.py that makes the async client's transports.
MAKER = "async_transport"


def transports() -> list[str]:
    """The transports to compare."""
    return [SHARDED, ONE_POOL]


def expected_type(kind: str) -> type[httpx.AsyncBaseTransport]:
    """The transport class ``kind`` must produce (a run that got another one is refused)."""
    if kind == SHARDED:
        from plex_source_client._http.transports import ShardedAsyncTransport

        return ShardedAsyncTransport
    return httpx.AsyncHTTPTransport


@contextmanager
def forced(kind: str) -> Iterator[list[httpx.AsyncBaseTransport]]:
    """Every :class:`AsyncPlexSourceClient` made inside uses ``kind``'s transport, with the
    verify, limits and proxy the client passes; yields the transports made, to check.
    """
    from plex_source_client._http import clients
    from plex_source_client._http.transports import async_transport

    made: list[httpx.AsyncBaseTransport] = []

    def chosen(
        *, verify: Any, limits: httpx.Limits, proxy: httpx.Proxy | None = None
    ) -> httpx.AsyncBaseTransport:
        transport: httpx.AsyncBaseTransport
        if kind == ONE_POOL:
            transport = httpx.AsyncHTTPTransport(verify=verify, limits=limits, proxy=proxy)
        else:
            transport = async_transport(verify=verify, limits=limits, proxy=proxy)
        made.append(transport)
        return transport

    original = getattr(clients, MAKER)
    setattr(clients, MAKER, chosen)
    try:
        yield made
    finally:
        setattr(clients, MAKER, original)


def check_made(kind: str, made: list[httpx.AsyncBaseTransport]) -> None:
    if not made or not all(type(t) is expected_type(kind) for t in made):
        raise RuntimeError(f"{kind}: the client made {[type(t).__name__ for t in made]}")


def direct(url: str, n: int, concurrency: int, kind: str) -> tuple[float, float]:
    """``n`` updates through the async client, ``concurrency`` at a time, over ``kind``'s
    transport, with the limits ``plex-source apply`` sets: (wall seconds, CPU seconds).
    """
    from plex_source_client import AsyncPlexSourceClient, PlexSource

    async def run() -> list[PlexSource]:
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        semaphore = asyncio.Semaphore(concurrency)
        async with AsyncPlexSourceClient(url=url, token=TOKEN, limits=limits) as client:

            async def one(i: int) -> PlexSource:
                async with semaphore:
                    return await client.update(f"s{i}", **CHANGES)

            return await asyncio.gather(*(one(i) for i in range(n)))

    with forced(kind) as made:
        cpu, started = time.process_time(), time.perf_counter()
        sources = asyncio.run(run())
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    check_made(kind, made)
    assert len(sources) == n, len(sources)
    assert all(s.name == "Plex" for s in sources), sources[:3]
    return wall, cpu


def apply_process(url: str, plan: Path, concurrency: int, kind: str) -> tuple[float, float]:
    """The whole ``plex-source apply PLAN --no-read`` process over ``kind``'s transport
    (benchmarks/cli_with.py): (wall seconds, CPU seconds of the process, from its rusage).
    """
    argv = [sys.executable, "-m", "benchmarks.cli_with", kind, "apply", str(plan)]
    argv += ["--no-read", "--output", "json", "--concurrency", str(concurrency)]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env |= {"AUTHENTIK_URL": url, "AUTHENTIK_TOKEN": TOKEN}
    root = Path(__file__).resolve().parents[1]
    started = time.perf_counter()
    child = subprocess.Popen(
        argv, cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert child.stderr is not None
    errors = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.stderr.close()
    child.returncode = code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise RuntimeError(f"{kind}: plex-source apply exited {code}: {errors[-800:]!r}")
    return wall, usage.ru_utime + usage.ru_stime


Runner = Callable[[str, int, int, str], tuple[float, float]]


def latency_tables(
    delays_ms: list[int], sizes: list[int], concurrencies: list[int], rounds: int
) -> tuple[str, dict[tuple[int, str, int, int, str], float]]:
    """One table per delay, and a line on how noisy the runs were; and the median seconds by
    (delay, way, items, concurrency, transport).
    """
    from .__main__ import bench_server, table

    kinds = transports()
    tables, medians, spreads = [], {}, []
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as folder:
        plans = {}
        for size in sizes:
            plans[size] = Path(folder) / f"plan-{size}.json"
            items = [{"slug": f"s{i}", "changes": CHANGES} for i in range(size)]
            plans[size].write_text(json.dumps(items))
        ways: dict[str, Runner] = {
            APPLY: lambda url, n, c, kind: apply_process(url, plans[n], c, kind),
            DIRECT: direct,
        }
        for delay in delays_ms:
            wall: dict[tuple[str, int, int, str], list[float]] = {}
            cpu: dict[tuple[str, int, int, str], list[float]] = {}
            with bench_server(delay) as url:
                for kind in kinds:  # warm up: imports, the file cache
                    direct(url, 2 * max(concurrencies), max(concurrencies), kind)
                for number in range(rounds):
                    for way, runner in ways.items():
                        for size in sizes:
                            for concurrency in concurrencies:
                                for kind in rotated(kinds, number):
                                    key = (way, size, concurrency, kind)
                                    seconds, used = runner(url, size, concurrency, kind)
                                    wall.setdefault(key, []).append(seconds)
                                    cpu.setdefault(key, []).append(used)
            rows = []
            for (way, size, concurrency, kind), values in wall.items():
                median, low, high = summary(values)
                medians[(delay, way, size, concurrency, kind)] = median
                spreads.append((high - low) / median)
                base = summary(wall[(way, size, concurrency, ONE_POOL)])[0]
                cpu_ms = statistics.median(cpu[(way, size, concurrency, kind)]) / size * 1000
                rows.append(
                    [
                        way,
                        str(size),
                        str(concurrency),
                        kind,
                        f"{size * delay / concurrency / 1000:.2f}",
                        f"{median:.2f}",
                        f"{low:.2f}–{high:.2f}",
                        f"{size / median:.0f}",
                        f"{base / median:.2f}×",
                        f"{base - median:+.2f}",
                        f"{cpu_ms:.2f}",
                    ]
                )
            header = [
                f"{delay} ms per answer",
                "items",
                "concurrency",
                "transport",
                "floor s",
                "s (median)",
                "min–max",
                "req/s",
                "speed vs one pool",
                "s saved vs one pool",
                "CPU ms/request",
            ]
            tables.append(table(header, rows))
    load_after = os.getloadavg()[0]
    note = (
        f"Medians of {rounds} run(s) each, transports in rotating order. Floor: items × "
        f"latency ÷ concurrency, the time the server's latency alone takes. CPU: user + "
        f"system of the process (for `plex-source apply`, its startup included). Run-to-run "
        f"spread, (max − min) ÷ median: median {statistics.median(spreads):.0%}, worst "
        f"{max(spreads):.0%}; load average {load_before:.1f} before, {load_after:.1f} after."
    )
    return "\n\n".join([*tables, note]), medians
