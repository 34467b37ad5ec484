"""Cookies a server sets: the client's own HTTP client keeps none (authentik's API authenticates
every request by its token; a cookie jar would cost every answer the standard library's cookie
parsing and send back whatever a server chose to set), on both clients. A user's own
``http_client`` keeps httpx's cookie handling, as it was configured.
"""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from plex_source_client import AsyncPlexSourceClient, PlexSourceClient

from .payloads import SLUG, plex_source
from .raw_server import ScriptServer

TOKEN = "tok-cookie-test-1234567890"
BODY = json.dumps(plex_source()).encode()


def _server(cookies_seen: list[str | None]) -> ScriptServer:
    """Answers every request with a source and ``Set-Cookie: session=abc``; records the
    ``Cookie`` header each request carried (None: none).
    """

    def script(conn: object, request: object) -> None:
        headers = {k.lower(): v for k, v in request.headers.items()}  # type: ignore[attr-defined]
        cookies_seen.append(headers.get("cookie"))
        conn.send(  # type: ignore[attr-defined]
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            b"Set-Cookie: session=abc; Path=/\r\nConnection: close\r\n"
            b"Content-Length: " + str(len(BODY)).encode() + b"\r\n\r\n" + BODY
        )

    return ScriptServer(script)


def _get_twice(kind: str, url: str, http_client: object = None) -> None:
    options: dict[str, object] = {"url": url, "token": TOKEN, "max_retries": 0}
    if http_client is not None:
        options["http_client"] = http_client
    if kind == "sync":
        with PlexSourceClient(**options) as client:  # type: ignore[arg-type]
            client.get(SLUG)
            client.get(SLUG)
        return

    async def run() -> None:
        async with AsyncPlexSourceClient(**options) as client:  # type: ignore[arg-type]
            await client.get(SLUG)
            await client.get(SLUG)

    asyncio.run(run())


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_the_own_client_sends_back_no_cookie_a_server_set(kind: str) -> None:
    seen: list[str | None] = []
    with _server(seen) as server:
        _get_twice(kind, server.url)
    assert seen == [None, None]


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_users_own_http_client_keeps_its_cookies(kind: str) -> None:
    seen: list[str | None] = []
    with _server(seen) as server:
        if kind == "sync":
            with httpx.Client() as own:
                _get_twice(kind, server.url, own)
        else:
            _get_twice_async_own(server.url)
    assert seen == [None, "session=abc"]


def _get_twice_async_own(url: str) -> None:
    """:func:`_get_twice` for the async client over an httpx.AsyncClient made in its loop."""

    async def run() -> None:
        async with (
            httpx.AsyncClient() as own,
            AsyncPlexSourceClient(url=url, token=TOKEN, max_retries=0, http_client=own) as client,
        ):
            await client.get(SLUG)
            await client.get(SLUG)

    asyncio.run(run())
