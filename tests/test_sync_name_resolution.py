"""The sync client's attempt budget covers name resolution: ``getaddrinfo`` inside
``socket.create_connection`` has no timeout, so a slow or hostile resolver held a
``timeout=1`` call for as long as it liked (real resolvers retry for 10-30 s). The deadline
backend resolves in a worker thread bounded by the time left, then connects.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from typing import Any

import pytest

from plex_source_client import PlexSourceClient, RequestTimeout, TransportError

from .payloads import SLUG, plex_source
from .raw_server import ScriptServer, reply

API_TOKEN = "tok-SECRET-api-1234567890"


def slow_resolver(monkeypatch: pytest.MonkeyPatch, seconds: float) -> list[Any]:
    """``slow-dns.invalid`` takes ``seconds`` to fail; the other names resolve; each call is
    recorded.
    """
    real = socket.getaddrinfo
    calls: list[Any] = []

    def resolve(host: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append((host, threading.current_thread().name))
        if host == "slow-dns.invalid":
            time.sleep(seconds)
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    return calls


def test_sync_client_timeout_bounds_a_slow_dns_lookup(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 6 s resolver, timeout=1: the call ends within its budget (the async clients do)."""
    slow_resolver(monkeypatch, 6)
    started = time.monotonic()
    with (
        pytest.raises(RequestTimeout),
        PlexSourceClient(
            url="https://slow-dns.invalid", token=API_TOKEN, timeout=1, max_retries=0,
            server_version="2024.8.2",
        ) as client,
    ):  # fmt: skip
        client.get(SLUG)
    assert time.monotonic() - started < 3, "the call outlived its 1 s budget"


def test_a_name_that_does_not_resolve_is_a_transport_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    slow_resolver(monkeypatch, 0)
    with (
        pytest.raises(TransportError, match="Name or service not known") as caught,
        PlexSourceClient(
            url="https://slow-dns.invalid", token=API_TOKEN, timeout=5, max_retries=0,
            server_version="2024.8.2",
        ) as client,
    ):  # fmt: skip
        client.get(SLUG)
    assert not isinstance(caught.value, RequestTimeout)


def test_a_host_name_is_resolved_in_a_worker_then_connected(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``localhost`` is resolved in the worker thread, then its address is connected to."""
    calls = slow_resolver(monkeypatch, 0)
    body = json.dumps(plex_source()).encode()
    with (
        ScriptServer(reply(200, body)) as server,
        PlexSourceClient(
            url=server.url.replace("127.0.0.1", "localhost"), token=API_TOKEN, timeout=5,
            max_retries=0, server_version="2024.8.2", allow_insecure_http=True,
        ) as client,
    ):  # fmt: skip
        assert client.get(SLUG).slug == SLUG
    assert ("localhost", "plex-source-resolve") in calls, calls


def test_an_address_is_not_resolved_in_a_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = slow_resolver(monkeypatch, 0)
    body = json.dumps(plex_source()).encode()
    with (
        ScriptServer(reply(200, body)) as server,
        PlexSourceClient(
            url=server.url, token=API_TOKEN, timeout=5, max_retries=0,
            server_version="2024.8.2",
        ) as client,
    ):  # fmt: skip
        assert client.get(SLUG).slug == SLUG
    assert all(thread != "plex-source-resolve" for _host, thread in calls), calls
