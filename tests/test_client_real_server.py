"""End to end over real sockets, against a scripted HTTP/1.1 server on 127.0.0.1: what a
request looks like on the wire, keep-alive, and h11's word for a dropped connection. Faults
and retries over sockets are tests/test_faults.py's; the retry policy itself is
tests/test_request_flow.py's.
"""

from __future__ import annotations

import json

import pytest

from plex_source_client import TransportError

from .conftest import Twin
from .payloads import SLUG, TOKEN
from .scripted_server import Drop, ScriptedServer


def test_update_over_a_socket(socket_twin: Twin) -> None:
    with ScriptedServer() as server:
        source = socket_twin.update(SLUG, options={"url": server.url}, enabled=False, name="Plex")
    assert source.slug == SLUG
    [request] = server.received
    assert request.method == "PATCH"
    assert request.path == f"/api/v3/sources/plex/{SLUG}/"
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert json.loads(request.body) == {"enabled": False, "name": "Plex"}


def test_dropped_every_time_is_a_transport_error(socket_twin: Twin) -> None:
    with ScriptedServer(Drop(), Drop(), Drop()) as server, pytest.raises(TransportError) as caught:
        socket_twin.update(SLUG, options={"url": server.url}, enabled=True)
    assert caught.value.attempts == 3
    assert "disconnected" in str(caught.value).lower()


def test_keep_alive_reuses_one_connection() -> None:
    from plex_source_client import PlexSourceClient

    with ScriptedServer() as server, PlexSourceClient(url=server.url, token=TOKEN) as client:
        for _ in range(3):
            client.update(SLUG, enabled=True)
    assert len(server.received) == 3
    assert len({request.peer for request in server.received}) == 1
