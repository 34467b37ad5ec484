"""End to end over real sockets, against a scripted HTTP/1.1 server on 127.0.0.1."""

from __future__ import annotations

import json
import time

import pytest

from plex_source_client import RateLimited, RequestTimeout, ServerError, TransportError

from .conftest import Twin
from .payloads import SLUG, TOKEN
from .scripted_server import Drop, Hang, Reply, ScriptedServer


def test_update_over_a_socket(socket_twin: Twin) -> None:
    with ScriptedServer() as server:
        source = socket_twin.update(SLUG, options={"url": server.url}, enabled=False, name="Plex")
    assert source.slug == SLUG
    [request] = server.received
    assert request.method == "PATCH"
    assert request.path == f"/api/v3/sources/plex/{SLUG}/"
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert json.loads(request.body) == {"enabled": False, "name": "Plex"}


def test_a_server_that_never_answers_times_out(socket_twin: Twin) -> None:
    with ScriptedServer(Hang(), Hang()) as server:
        started = time.monotonic()
        with pytest.raises(RequestTimeout) as caught:
            socket_twin.update(
                SLUG, options={"url": server.url, "timeout": 0.3, "max_retries": 1}, enabled=True
            )
        elapsed = time.monotonic() - started
    assert caught.value.attempts == 2
    assert len(server.received) == 2
    assert elapsed < 10  # two 0.3 s timeouts plus a sub-second backoff: it never hangs


def test_dropped_connection_is_retried(socket_twin: Twin) -> None:
    with ScriptedServer(Drop()) as server:
        raw = socket_twin.call("update_raw", SLUG, {"enabled": True}, options={"url": server.url})
    assert raw.attempts == 2
    assert len(server.received) == 2


def test_dropped_every_time_is_a_transport_error(socket_twin: Twin) -> None:
    with ScriptedServer(Drop(), Drop(), Drop()) as server, pytest.raises(TransportError) as caught:
        socket_twin.update(SLUG, options={"url": server.url}, enabled=True)
    assert caught.value.attempts == 3
    assert "disconnected" in str(caught.value).lower()


def test_429_retry_after_is_really_waited_for(socket_twin: Twin) -> None:
    socket_twin.fake_sleep(False)
    with ScriptedServer(Reply(429, headers={"Retry-After": "1"})) as server:
        started = time.monotonic()
        raw = socket_twin.call("update_raw", SLUG, {"enabled": True}, options={"url": server.url})
        elapsed = time.monotonic() - started
    assert raw.attempts == 2
    assert 1.0 <= elapsed < 10


def test_503_three_times_then_gives_up(socket_twin: Twin) -> None:
    busy = Reply(503, json={"detail": "busy"}, headers={"X-Authentik-Id": "r-503"})
    with ScriptedServer(busy, busy, busy) as server, pytest.raises(ServerError) as caught:
        socket_twin.update(SLUG, options={"url": server.url}, enabled=True)
    assert caught.value.attempts == 3
    assert caught.value.request_id == "r-503"
    assert len(server.received) == 3


def test_rate_limited_every_time(socket_twin: Twin) -> None:
    limited = Reply(429, headers={"Retry-After": "0"}, json={"detail": "slow down"})
    with ScriptedServer(limited, limited, limited) as server, pytest.raises(RateLimited) as caught:
        socket_twin.update(SLUG, options={"url": server.url}, enabled=True)
    assert caught.value.retry_after == 0.0
    assert len(server.received) == 3


def test_keep_alive_reuses_one_connection() -> None:
    from plex_source_client import PlexSourceClient

    with ScriptedServer() as server, PlexSourceClient(url=server.url, token=TOKEN) as client:
        for _ in range(3):
            client.update(SLUG, enabled=True)
    assert len(server.received) == 3
    assert len({request.peer for request in server.received}) == 1


def test_refused_connection(socket_twin: Twin) -> None:
    with ScriptedServer() as server:
        url = server.url
    # The server is gone: its port now refuses connections.
    with pytest.raises(TransportError) as caught:
        socket_twin.update(SLUG, options={"url": url}, enabled=True)
    assert caught.value.attempts == 3
