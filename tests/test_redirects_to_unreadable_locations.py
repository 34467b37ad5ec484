"""A redirect whose Location httpx cannot read (a template left unfilled, a bad port; an
unclosed IPv6 bracket) is an answer, not a broken connection. httpx builds the next request of
every redirect, even one it does not follow, and raises RemoteProtocolError on such a
Location: the client took it for a transport failure and sent the PATCH the server had
answered again (3 PATCHes for one update, round 55). Now: UnexpectedStatus with the status
and the Location (masked), sent once; with the user's own http_client (whose hooks the client
leaves alone), httpx's error, sent once.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from plex_source_client import PlexSourceClient, TransportError, UnexpectedStatus

from .hostile_server import Connection, Request
from .payloads import SLUG, TOKEN
from .raw_server import ScriptServer

LOCATIONS = ["https://sso.example.com:${PORT}/login", "https://[fd00::1/login"]


def redirecting(location: str, methods: list[str]) -> Any:
    def script(conn: Connection, request: Request) -> None:
        methods.append(request.method)
        conn.send(
            f"HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\n"
            "Connection: close\r\n\r\n".encode()
        )

    return script


@pytest.mark.parametrize("location", LOCATIONS)
def test_a_redirect_to_a_location_httpx_cannot_read_is_not_retried(
    twin: Any, location: str
) -> None:
    methods: list[str] = []
    with (
        ScriptServer(redirecting(location, methods)) as server,
        pytest.raises(UnexpectedStatus) as caught,
    ):
        twin.update(SLUG, options={"url": server.url, "max_retries": 2}, enabled=False)
    assert methods == ["PATCH"]
    assert caught.value.status_code == 302
    assert caught.value.location == location
    assert "redirected to" in str(caught.value)


def test_the_location_holding_the_api_token_is_masked(twin: Any) -> None:
    methods: list[str] = []
    location = f"https://sso.example.com:{TOKEN}/login"
    with (
        ScriptServer(redirecting(location, methods)) as server,
        pytest.raises(UnexpectedStatus) as caught,
    ):
        twin.call("get", SLUG, options={"url": server.url, "max_retries": 2})
    assert methods == ["GET"]
    assert TOKEN not in str(caught.value) + repr(caught.value) + str(caught.value.location)


def test_with_your_own_http_client_it_is_sent_once() -> None:
    methods: list[str] = []
    with (
        ScriptServer(redirecting(LOCATIONS[0], methods)) as server,
        httpx.Client() as own,
        PlexSourceClient(url=server.url, token=TOKEN, http_client=own, max_retries=2) as client,
        pytest.raises(TransportError),
    ):
        client.update(SLUG, enabled=False)
    assert methods == ["PATCH"]


def test_a_readable_redirect_keeps_its_location(twin: Any) -> None:
    methods: list[str] = []
    with (
        ScriptServer(redirecting("/if/flow/login/", methods)) as server,
        pytest.raises(UnexpectedStatus) as caught,
    ):
        twin.call("get", SLUG, options={"url": server.url, "max_retries": 2})
    assert methods == ["GET"]
    assert caught.value.location == "/if/flow/login/"
