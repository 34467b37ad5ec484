"""What the client itself costs per call: ``PlexSourceClient.update()`` next to the same PATCH
through a raw ``httpx.Client``, both over an ``httpx.MockTransport`` that returns the bench
server's canned answer at once. No socket, no server, no other process: the CPU time left is
the Python work of each side (for the client: checking the change, building the body, the
echo check, parsing and checking the answer, making the PlexSource), which the sequential
table's wall-clock ratio mixes with the network and the server.

``python -m benchmarks --overhead-only`` prints just this table.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx

from .contenders import CHANGES, PATH, SLUG, TOKEN
from .measure import rotated, summary
from .server import BODY

#: The bench server's headers (benchmarks/server.py), but for Content-Length (httpx sets it).
HEADERS = {"Content-Type": "application/json", "X-Authentik-Id": "bench"}


def _answer(request: httpx.Request) -> httpx.Response:
    request.read()
    return httpx.Response(200, headers=HEADERS, content=BODY)


def mocked_contenders() -> dict[str, tuple[Callable[[], object], Callable[[], object]]]:
    """Each contender by name: (call, close), raw httpx and the client over mock transports."""
    from plex_source_client import PlexSourceClient

    raw = httpx.Client(base_url="http://bench.invalid", transport=httpx.MockTransport(_answer))
    own = httpx.Client(transport=httpx.MockTransport(_answer))
    client = PlexSourceClient(url="http://127.0.0.1:1", token=TOKEN, http_client=own)
    authorization = {"Authorization": f"Bearer {TOKEN}"}

    def raw_call() -> object:
        return raw.patch(PATH, json=CHANGES, headers=authorization).json()

    def client_call() -> object:
        return client.update(SLUG, **CHANGES)

    def close_client() -> None:
        client.close()
        own.close()

    return {
        "httpx.Client (raw), mocked transport": (raw_call, raw.close),
        "PlexSourceClient.update, mocked transport": (client_call, close_client),
    }


def cpu_per_call(call: Callable[[], object], count: int) -> float:
    """The process CPU time of ``count`` calls, per call, in µs."""
    started = time.process_time_ns()
    for _ in range(count):
        call()
    return (time.process_time_ns() - started) / count / 1000


def client_overhead(rounds: int, count: int) -> tuple[str, dict[str, float]]:
    """The table, and each contender's median CPU µs per call."""
    from .__main__ import table

    calls = mocked_contenders()
    for call, _ in calls.values():
        cpu_per_call(call, max(5, count // 10))  # warm up: caches, the first-call imports
    samples: dict[str, list[float]] = {name: [] for name in calls}
    for number in range(rounds):
        for name in rotated(list(calls), number):
            samples[name].append(cpu_per_call(calls[name][0], count))
    for _, close in calls.values():
        close()
    raw = summary(samples["httpx.Client (raw), mocked transport"])[0]
    medians, rows = {}, []
    for name, values in samples.items():
        median, low, high = summary(values)
        medians[name] = median
        rows.append(
            [
                name,
                f"{median:.0f}",
                f"{low:.0f}–{high:.0f}",
                f"{median - raw:+.0f}",
                f"{median / raw:.2f}×",
            ]
        )
    header = [
        f"{count} updates, no network",
        "CPU µs/call (median)",
        "min–max",
        "µs added",
        "vs raw httpx",
    ]
    return table(header, rows), medians
