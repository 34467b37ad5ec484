"""The HTTP libraries' log records mask more than the secrets a client was given: the value of
a secret-named response header (httpcore's DEBUG record lists every header) or key
(``plex_token=...`` in a reason phrase, httpx's INFO record), and every Plex token an answer
stored, for as long as the client that read it lives (a later answer may repeat it).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Iterator

import pytest

from plex_source_client import (
    AsyncPlexSourceClient,
    PlexSource,
    PlexSourceClient,
    PlexSourceError,
    _logs,
)
from plex_source_client._secrets import mask_record

from .payloads import SLUG, plex_source
from .raw_server import ScriptServer

TOKEN = "tok-SECRET-api-1234567890"
HEADER_SECRET = "HeaderSecret-value-0123456789xyz"


@pytest.fixture
def records() -> Iterator[list[str]]:
    """Every record's message, of every logger, at DEBUG."""
    kept: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            kept.append(record.getMessage())

    handler = Keep(logging.DEBUG)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield kept
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


def _server(head: Callable[[int], str], body: bytes) -> ScriptServer:
    """Answers each request with the status line and headers ``head(n)`` (n: 1, 2, ...)."""
    calls = {"n": 0}

    def script(conn: object, request: object) -> None:
        calls["n"] += 1
        conn.send(  # type: ignore[attr-defined]
            f"{head(calls['n'])}\r\nContent-Length: {len(body)}\r\n"
            "Content-Type: application/json\r\nConnection: close\r\n\r\n".encode()
            + body
        )

    return ScriptServer(script)


def _get_twice(kind: str, url: str) -> tuple[object, object]:
    """Two reads of the source through one client, sync or async."""
    if kind == "sync":
        with PlexSourceClient(url=url, token=TOKEN, max_retries=0) as client:
            return client.get(SLUG), client.get(SLUG)

    async def run() -> tuple[object, object]:
        async with AsyncPlexSourceClient(url=url, token=TOKEN, max_retries=0) as client:
            return await client.get(SLUG), await client.get(SLUG)

    return asyncio.run(run())


@pytest.mark.parametrize("kind", ["sync", "async"])
@pytest.mark.parametrize(
    "head",
    [
        f"HTTP/1.1 200 OK\r\nX-Plex-Token: {HEADER_SECRET}",
        f"HTTP/1.1 200 OK\r\nX-Api-Key: {HEADER_SECRET}",
        f"HTTP/1.1 200 OK\r\nX-Auth: Bearer {HEADER_SECRET}",
        f"HTTP/1.1 200 plex_token={HEADER_SECRET}",
        f"HTTP/1.1 200 apiKey: {HEADER_SECRET}",
    ],
    ids=["x-plex-token", "x-api-key", "bearer-value", "reason-key-value", "reason-camelcase"],
)
def test_secret_named_header_or_reason_value_is_masked(
    records: list[str], kind: str, head: str
) -> None:
    server = _server(lambda n: head, json.dumps(plex_source()).encode())
    with server:
        _get_twice(kind, server.url)
    assert any("HTTP Request" in r for r in records)  # httpx did log the requests
    assert [r for r in records if HEADER_SECRET in r] == []


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_stored_token_read_earlier_is_masked_in_later_records(
    records: list[str], kind: str
) -> None:
    """The client read a source (its Plex token T); the next answer's reason phrase repeats T
    bare: httpx's INFO and httpcore's DEBUG records mask it."""
    stored = "plexTOKEN-learned-earlier-abcdefghij"
    server = _server(
        lambda n: "HTTP/1.1 200 OK" if n == 1 else f"HTTP/1.1 200 OK {stored}",
        json.dumps(plex_source(plex_token=stored)).encode(),
    )
    with server:
        first, _ = _get_twice(kind, server.url)
    assert first.plex_token == stored  # type: ignore[attr-defined]
    assert sum(f"OK {'***'}" in r for r in records) >= 2  # httpx and httpcore, masked
    assert [r for r in records if stored in r] == []


def test_other_code_records_change_only_where_a_secret_is() -> None:
    """The filter sees other code's requests too: their text is left as it is (escapes not
    decoded, nothing reworded) unless it holds a secret."""
    plain = 'HTTP Request: GET https://x.test/a%20b?q=%22v%22 "HTTP/1.1 200 OK"'
    assert mask_record(plain, ()) == plain
    headers = "return_value=(b'HTTP/1.1', 200, b'OK', [(b'Content-Type', b'text/plain')])"
    assert mask_record(headers, ()) == headers
    assert mask_record("(b'Set-Password', b\"it's-s3cret\")", ()) == "(b'Set-Password', b\"***\")"
    assert mask_record("GET /?plex_token=abcdef HTTP", ()) == "GET /?plex_token=*** HTTP"
    # an escaped key is found decoded (and then shown decoded)
    assert mask_record("GET /?plex_tok%65n=abcdef HTTP", ()) == "GET /?plex_token=*** HTTP"


def test_learned_secrets_are_bounded_and_never_push_out_the_client_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_logs, "MAX_LEARNED", 3)

    class Owner:
        pass

    owner = Owner()
    _logs.register(owner, (TOKEN,))
    try:
        _logs.add(owner, ("learned-1",))
        _logs.add(owner, ("learned-2", "learned-3", "learned-4"))
        live = _logs.live_secrets()
        assert TOKEN in live
        assert "learned-4" in live
        assert "learned-1" not in live
        other = Owner()
        _logs.add(other, ("never-registered",))  # closed (or never open): learns nothing
        assert "never-registered" not in _logs.live_secrets()
    finally:
        _logs.unregister(owner)
    assert not {TOKEN, "learned-4"} & set(_logs.live_secrets())


def _page(*sources: dict[str, object]) -> bytes:
    pagination = {
        "next": 0, "previous": 0, "count": len(sources), "current": 1, "total_pages": 1,
        "start_index": 1, "end_index": len(sources),
    }  # fmt: skip
    return json.dumps({"pagination": pagination, "results": list(sources)}).encode()


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_tokens_a_listed_page_stored_are_masked_in_later_records(
    records: list[str], kind: str
) -> None:
    """Every source of a listed page is learned: the second source's token, repeated by a
    later answer's reason phrase, is masked."""
    stored = "plexTOKEN-of-the-second-source-xyz"
    page = _page(plex_source(slug="first"), plex_source(slug="second", plex_token=stored))
    server = _server(lambda n: "HTTP/1.1 200 OK" if n == 1 else f"HTTP/1.1 404 gone {stored}", page)
    with server:
        if kind == "sync":
            with PlexSourceClient(url=server.url, token=TOKEN, max_retries=0) as client:
                listed = list(client.list())
                with pytest.raises(PlexSourceError):
                    client.get(SLUG)
        else:

            async def run() -> list[PlexSource]:
                async with AsyncPlexSourceClient(
                    url=server.url, token=TOKEN, max_retries=0
                ) as client:
                    found: list[PlexSource] = [source async for source in client.list()]
                    with pytest.raises(PlexSourceError):
                        await client.get(SLUG)
                    return found

            listed = asyncio.run(run())
    assert len(listed) == 2
    assert any("404 gone ***" in r for r in records)
    assert [r for r in records if stored in r] == []
