"""Shared fixtures. ``twin`` runs each facade behaviour test on the sync and the async client."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Generator, Iterator
from typing import Any

import pytest
import respx

from plex_source_client import AsyncPlexSourceClient, PlexSourceClient
from plex_source_client.testing import FakeAuthentik

from .payloads import TOKEN

pytest_plugins = ["pytester"]

URL = "https://auth.example.com"
API = f"{URL}/api/v3"

# Bytecode caching on, as scripts/check has it, even where the session sets
# PYTHONDONTWRITEBYTECODE: else pytest rewrites every test module's assertions again in each
# worker, and every process the tests start (CLI runs, hostile-suite drivers, pytest in pytest)
# compiles all it imports, ~0.1 s of CPU per CLI run. Set here, in the process that starts the
# xdist workers and every subprocess, before any test module is imported; the caches go to the
# git-ignored __pycache__ folders.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.dont_write_bytecode = False


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> Generator[None, None, None]:
    """Group, for ``--dist loadgroup`` (how scripts/check runs the suite), the tests that use a
    module- or session-scoped fixture of this suite (Prism, the hostile servers and their
    runner, a built site): a file's such tests run on one worker, which sets the fixture up
    once. Every other test is handed to whichever worker is free, one at a time, so no worker
    sits idle while the other finishes a slow file.

    xdist's worker tells its controller a test's group by a ``@GROUP`` suffix on the node id,
    which it sets in this same hook by assigning ``item._nodeid``; pytest 9.2 keeps the id in
    ``item._id``, so that assignment does nothing and every group was spread over both
    workers, each setting the fixture up (and the hostile runner running every case) again
    (pytest-dev/pytest-xdist#1386). Once xdist's hook has run, the suffix it failed to set
    is set here. tests/test_suite_grouping.py checks that a group stays on one worker.
    """
    for item in items:
        if not isinstance(item, pytest.Function):
            continue
        shared = any(
            fixture.scope != "function" and fixture.func.__module__.startswith("tests.")
            for fixtures in item._fixtureinfo.name2fixturedefs.values()
            for fixture in fixtures
        )
        if shared:
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))
    yield  # xdist's worker adds (or fails to add) the suffix
    if not getattr(config.option, "loadgroup", False):  # set on xdist's workers only
        return
    for item in items:
        groups = sorted({str(mark.args[0]) for mark in item.iter_markers("xdist_group")})
        suffix = "@" + "_".join(groups)
        if groups and not item.nodeid.endswith(suffix) and hasattr(item, "_id"):
            from _pytest.nodeid import coerce_node_id

            item._id = coerce_node_id(item.nodeid + suffix)


@pytest.hookimpl(wrapper=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> Generator[None, int, int]:
    """``-n auto`` (how scripts/check runs the suite): half as many workers again as xdist
    counts cores (3 on 2 cores), unless ``PYTEST_XDIST_AUTO_NUM_WORKERS`` says how many.

    A good part of the suite's time is spent waiting, not computing: for a timeout or a
    deadline to pass (the point of the fault, hostile and robustness tests), for a server,
    Prism, a kernel or a child process to answer. With one worker per core, a core sits idle
    whenever its worker waits (about a quarter of the run on 2 cores); the extra worker runs
    tests meanwhile. Measured on the 2-core machine, on tests/test_[c-f]*.py: 41-51 s with 2
    workers, 22-33 s with 3, no better with 4 (each worker also pays its own start and
    collection, ~3 s of CPU).
    """
    counted = yield
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return counted
    return counted + max(1, counted // 2)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class Twin:
    """Runs the same call through :class:`PlexSourceClient` or :class:`AsyncPlexSourceClient`.

    Each call opens a client with ``options`` (default: the test URL and token), runs one
    method, and closes it; the async one inside its own event loop. Backoff waits are recorded
    in ``sleeps`` instead of slept (``fake_sleep(False)`` restores the real ones).
    """

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.sleeps: list[float] = []
        self._monkeypatch = pytest.MonkeyPatch()  # its own: undoing it touches nothing else
        self.fake_sleep(True)

    def fake_sleep(self, enabled: bool) -> None:
        if not enabled:
            self._monkeypatch.undo()
            return

        def record(seconds: float) -> None:
            self.sleeps.append(seconds)

        async def record_async(seconds: float) -> None:
            self.sleeps.append(seconds)

        self._monkeypatch.setattr(PlexSourceClient, "_sleep", staticmethod(record))
        self._monkeypatch.setattr(AsyncPlexSourceClient, "_sleep", staticmethod(record_async))

    @property
    def client_class(self) -> type[PlexSourceClient] | type[AsyncPlexSourceClient]:
        return PlexSourceClient if self.kind == "sync" else AsyncPlexSourceClient

    def call(
        self, method: str, *args: Any, options: dict[str, Any] | None = None, **kw: Any
    ) -> Any:
        settings = {**TWIN_DEFAULTS, **(options or {})}
        if self.kind == "sync":
            with PlexSourceClient(**settings) as client:
                return getattr(client, method)(*args, **kw)

        async def run() -> Any:
            async with AsyncPlexSourceClient(**settings) as client:
                return await getattr(client, method)(*args, **kw)

        return asyncio.run(run())

    def update(self, slug: str, options: dict[str, Any] | None = None, **changes: Any) -> Any:
        return self.call("update", slug, options=options, **changes)

    def call_many(
        self,
        method: str,
        slug: str,
        keywords: list[dict[str, Any]],
        options: dict[str, Any] | None = None,
    ) -> list[Any]:
        """``method(slug, **kw)`` for each ``kw`` in turn, on one client (one event loop)."""
        settings = {**TWIN_DEFAULTS, **(options or {})}
        if self.kind == "sync":
            with PlexSourceClient(**settings) as client:
                return [getattr(client, method)(slug, **kw) for kw in keywords]

        async def run() -> list[Any]:
            async with AsyncPlexSourceClient(**settings) as client:
                return [await getattr(client, method)(slug, **kw) for kw in keywords]

        return asyncio.run(run())

    def list_sources(self, options: dict[str, Any] | None = None, **filters: Any) -> list[Any]:
        """Every source ``client.list(**filters)`` yields (``async for`` on the async client)."""
        settings = {**TWIN_DEFAULTS, **(options or {})}
        if self.kind == "sync":
            with PlexSourceClient(**settings) as client:
                return list(client.list(**filters))

        async def run() -> list[Any]:
            async with AsyncPlexSourceClient(**settings) as client:
                return [source async for source in client.list(**filters)]

        return asyncio.run(run())


#: The twins' client options unless a test gives its own: told the server runs authentik
#: 2024.8.2 (what tests/payloads.py answers), the clients never ask the version endpoint,
#: which respx does not mock. tests/test_releases_client.py covers learning the release;
#: ``options={"server_version": None}`` lets a twin learn it.
TWIN_DEFAULTS: dict[str, Any] = {"url": URL, "token": TOKEN, "server_version": "2024.8.2"}


def _twin(kind: str) -> Iterator[Twin]:
    made = Twin(kind)
    yield made
    made.fake_sleep(False)


@pytest.fixture(params=["sync", "async"])
def twin(request: pytest.FixtureRequest) -> Iterator[Twin]:
    """The sync client and the async one over httpx (what respx can mock)."""
    yield from _twin(request.param)


SOCKET_TWINS = ["sync", "async"]


@pytest.fixture(params=SOCKET_TWINS)
def socket_twin(request: pytest.FixtureRequest) -> Iterator[Twin]:
    """For tests over real sockets: the sync client and the async one."""
    yield from _twin(request.param)


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    """respx mocking every request; nothing reaches the network, unmatched requests fail."""
    with respx.mock(base_url=API, assert_all_called=False, assert_all_mocked=True) as router:
        yield router


@pytest.fixture
def fake(fake_authentik: FakeAuthentik) -> FakeAuthentik:
    """A running fake authentik (the pytest plugin's ``fake_authentik``), by a short name."""
    return fake_authentik


def opts(fake: FakeAuthentik, **more: object) -> dict[str, object]:
    """Client options pointing at ``fake``, plus ``more``."""
    return {"url": fake.url, "token": fake.token, **more}
