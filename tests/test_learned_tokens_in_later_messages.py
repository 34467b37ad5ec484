"""A Plex token an answer stores stays out of everything the package itself says afterwards.

A client learns the tokens its answers store (:func:`plex_source_client._logs.add`). Its own
DEBUG attempt record (which quotes authentik's ``X-Authentik-Id`` request id) must not show a
token the same answer's body stores, nor one learned from an earlier answer; and a later call
that ends without a usable answer (h11 quoting a bad status line, header line or chunk header)
must not show a learned token in its TransportError (message, repr, pickle) or in its records.
Both clients, over respx and over real sockets.
"""

from __future__ import annotations

import asyncio
import json
import logging
import pickle
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import respx

from plex_source_client import (
    AsyncPlexSourceClient,
    NotApplied,
    PlexSourceClient,
    PlexSourceError,
    TransportError,
)

from .conftest import TWIN_DEFAULTS, Twin
from .payloads import SLUG, list_page, plex_source
from .raw_server import ScriptServer

ENDPOINT = f"/sources/plex/{SLUG}/"
OTHER = "/sources/plex/other/"
STORED = "ptok-STORED-9876543210abc"
API_TOKEN = "tok-SECRET-api-1234567890"


def _leaked_records(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Records (any logger, any level) showing the stored token or a long run of it."""
    return [
        record.getMessage()
        for record in caplog.records
        if STORED in record.getMessage() or STORED[5:17] in record.getMessage()
    ]


def _shown(error: BaseException) -> str:
    return f"{error}\n{error!r}\n{getattr(error, 'body', '')}\n{pickle.dumps(error)!r}"


def _two_calls(kind: str, options: dict[str, Any], second: Callable[[Any], Any]) -> Any:
    """One client of ``kind``: GET the source (learning its token), then ``second(client)``
    (awaited for the async client); what the second call raised, or returned.
    """
    settings = {**TWIN_DEFAULTS, "max_retries": 0, **options}
    if kind == "sync":
        with PlexSourceClient(**settings) as client:
            assert client.get(SLUG).plex_token == STORED
            try:
                return second(client)
            except PlexSourceError as exc:
                return exc

    async def run() -> Any:
        async with AsyncPlexSourceClient(**settings) as client:
            assert (await client.get(SLUG)).plex_token == STORED
            try:
                return await second(client)
            except PlexSourceError as exc:
                return exc

    return asyncio.run(run())


# --- the request id in the package's own DEBUG attempt record -----------------------------------


def test_own_debug_record_hides_the_stored_token_in_the_request_id(
    twin: Twin, api: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    """A 2xx answer storing T with ``X-Authentik-Id: req-T`` (not in the body whole): the
    record is written once the body says what it stores, and hides the id.
    """
    caplog.set_level(logging.DEBUG)
    api.get(ENDPOINT).respond(
        200, json=plex_source(plex_token=STORED), headers={"X-Authentik-Id": f"req-{STORED}"}
    )
    source = twin.call("get", SLUG, options={"max_retries": 0})
    assert source.plex_token == STORED
    assert not _leaked_records(caplog), _leaked_records(caplog)
    assert any("request id req-***)" in record.getMessage() for record in caplog.records)


def test_own_debug_record_still_quotes_a_plain_request_id(
    twin: Twin, api: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    """The record stays useful: authentik's own id (a UUID's hex) is quoted as it is."""
    caplog.set_level(logging.DEBUG)
    request_id = "5a1c0f3e9b7d4e2a8c6f1b3d5e7a9c0b"
    api.get(ENDPOINT).respond(
        200, json=plex_source(plex_token=STORED), headers={"X-Authentik-Id": request_id}
    )
    twin.call("get", SLUG, options={"max_retries": 0})
    attempts = [r.getMessage() for r in caplog.records if "(attempt 1 of 1" in r.getMessage()]
    assert len(attempts) == 1
    assert "-> 200 in " in attempts[0]
    assert f"request id {request_id})" in attempts[0]


@pytest.mark.parametrize("status", [200, 404])
@pytest.mark.parametrize("kind", ["sync", "async"])
def test_own_debug_record_hides_a_learned_token_in_a_later_request_id(
    kind: str, status: int, api: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    """A later answer's id repeating a token the client learned before, whether that answer
    is an error (which masks it) or a success storing no token.
    """
    api.get(ENDPOINT).respond(200, json=plex_source(plex_token=STORED))
    later = {"detail": "Not found."} if status == 404 else plex_source(plex_token="")
    api.get(OTHER).respond(status, json=later, headers={"X-Authentik-Id": f"req-{STORED}"})
    caplog.set_level(logging.DEBUG)
    outcome = _two_calls(kind, {}, lambda client: client.get("other"))
    if status == 404:
        assert isinstance(outcome, PlexSourceError)
        assert STORED not in _shown(outcome)
    assert not _leaked_records(caplog), _leaked_records(caplog)


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_later_raw_response_hides_a_learned_token_in_its_request_id(
    kind: str, api: respx.MockRouter
) -> None:
    """A later successful PATCH's RawResponse whose id repeats a token the client learned
    before (its own body stores none): neither ``request_id`` nor the repr shows it.
    """
    api.get(ENDPOINT).respond(200, json=plex_source(plex_token=STORED))
    later = plex_source(slug="other", plex_token="")
    api.patch(OTHER).respond(200, json=later, headers={"X-Authentik-Id": f"req-{STORED}"})
    raw = _two_calls(kind, {}, lambda client: client.update_raw("other", {"name": "x"}))
    assert raw.source.slug == "other", raw
    shown = f"{raw.request_id} {raw!r}"
    assert STORED not in shown, shown
    assert "req-***" in shown  # the id is still there, masked


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_retried_answer_record_hides_the_token_its_body_stores(
    kind: str, api: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    """A 503 retried: its record is written before the next attempt, and hides a token its
    own body stores (and the id repeating it), as the error about it would.
    """
    api.get(ENDPOINT).mock(
        side_effect=[
            httpx.Response(
                503,
                json={"detail": "busy", "plex_token": STORED},
                headers={"X-Authentik-Id": f"req-{STORED}", "Retry-After": "0"},
            ),
            httpx.Response(200, json=plex_source(plex_token=STORED)),
        ]
    )
    caplog.set_level(logging.DEBUG)
    twin = Twin(kind)
    try:
        assert twin.call("get", SLUG, options={"max_retries": 1}).plex_token == STORED
    finally:
        twin.fake_sleep(False)
    assert any("-> 503 in " in record.getMessage() for record in caplog.records)
    assert not _leaked_records(caplog), _leaked_records(caplog)


# --- a later call's transport error -------------------------------------------------------------


def _malformed(kind: str) -> bytes:
    token = STORED.encode()
    return {
        "status-line": b"HTTP/1.1 2x0 " + token + b"\r\n\r\n",
        "header-line": b"HTTP/1.1 200 OK\r\nX-Note " + token + b"\r\nContent-Length: 2\r\n\r\n{}",
        "chunk-header": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + token + b"\r\n",
    }[kind]


def _server(malformed: str) -> ScriptServer:
    """The source (storing the token) at ``SLUG``; ``malformed`` bytes for any other path."""
    body = json.dumps(plex_source(plex_token=STORED)).encode()

    def script(conn: Any, request: Any) -> None:
        if request.slug == SLUG:
            conn.send(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
                b"Content-Length: %d\r\n\r\n" % len(body) + body
            )
        else:
            conn.send(_malformed(malformed))

    return ScriptServer(script)


@pytest.mark.parametrize("malformed", ["status-line", "header-line", "chunk-header"])
@pytest.mark.parametrize("kind", ["sync", "async"])
def test_later_transport_error_hides_a_learned_plex_token(
    kind: str, malformed: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with _server(malformed) as server:
        options = {"url": server.url, "token": API_TOKEN, "allow_insecure_http": True}
        error = _two_calls(kind, options, lambda client: client.get("other"))
    assert isinstance(error, PlexSourceError)
    shown = _shown(error)
    assert STORED not in shown, shown
    assert not _leaked_records(caplog), _leaked_records(caplog)


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_retried_transport_error_hides_a_learned_plex_token(
    kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The INFO record announcing a retry quotes the failed attempt's reason: masked too."""
    caplog.set_level(logging.DEBUG)
    with _server("header-line") as server:
        options = {
            "url": server.url,
            "token": API_TOKEN,
            "allow_insecure_http": True,
            "max_retries": 1,
        }
        error = _two_calls(kind, options, lambda client: client.get("other"))
    assert isinstance(error, TransportError)
    assert error.attempts == 2
    assert any("retry 1 of 1" in record.getMessage() for record in caplog.records)
    assert STORED not in _shown(error)
    assert not _leaked_records(caplog), _leaked_records(caplog)


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_later_patch_transport_error_hides_a_learned_plex_token(
    kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Not only GETs: an update of another source whose answer does not parse."""
    caplog.set_level(logging.DEBUG)
    with _server("status-line") as server:
        options = {"url": server.url, "token": API_TOKEN, "allow_insecure_http": True}
        error = _two_calls(kind, options, lambda client: client.update("other", name="x"))
    assert isinstance(error, PlexSourceError)
    assert STORED not in _shown(error)
    assert not _leaked_records(caplog), _leaked_records(caplog)


# --- NotApplied quotes the request id too -------------------------------------------------------


def test_not_applied_hides_a_request_id_repeating_the_token_its_answer_stores(
    twin: Twin, api: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    """A PATCH answer showing a field ignored is a NotApplied, whose message names the request
    id: not one repeating the token the same answer stores.
    """
    caplog.set_level(logging.DEBUG)
    api.patch(ENDPOINT).respond(
        200, json=plex_source(plex_token=STORED), headers={"X-Authentik-Id": f"req-{STORED}"}
    )
    with pytest.raises(NotApplied) as caught:
        twin.update(SLUG, options={"server_version": None, "max_retries": 0}, promoted=True)
    assert STORED not in _shown(caught.value)
    assert not _leaked_records(caplog), _leaked_records(caplog)


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_not_applied_hides_a_request_id_repeating_a_learned_token(
    kind: str, api: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    api.get(ENDPOINT).respond(200, json=plex_source(plex_token=STORED))
    api.patch(OTHER).respond(
        200, json=plex_source(plex_token=""), headers={"X-Authentik-Id": f"req-{STORED}"}
    )
    caplog.set_level(logging.DEBUG)
    error = _two_calls(
        kind, {"server_version": None}, lambda client: client.update("other", promoted=True)
    )
    assert isinstance(error, NotApplied)
    assert STORED not in _shown(error)
    assert not _leaked_records(caplog), _leaked_records(caplog)


# --- a later listing ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_later_pagination_error_hides_a_learned_token_in_the_request_id(
    kind: str, api: respx.MockRouter
) -> None:
    """The pager's own refusal (a short page that says another follows) names the page's
    request id: not one repeating a token an earlier GET returned.
    """
    api.get(ENDPOINT).respond(200, json=plex_source(plex_token=STORED))
    page = list_page([plex_source(slug="b", plex_token="")], next_page=2, count=300)
    api.get("/sources/plex/").respond(200, json=page, headers={"X-Authentik-Id": f"x-{STORED}"})
    error = _two_calls(kind, {}, lambda client: _listed(kind, client))
    assert isinstance(error, PlexSourceError)
    assert "yet says page 2 follows" in str(error)
    assert STORED not in _shown(error)


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_later_page_failing_in_transport_hides_a_token_an_earlier_page_stored(
    kind: str, api: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    """Page 1's sources teach the client their tokens; page 2's protocol error quoting one
    (an HTTP library's message) is masked, in the error and in the records.
    """
    caplog.set_level(logging.DEBUG)
    api.get(ENDPOINT).respond(200, json=plex_source(plex_token=STORED))
    first = list_page([plex_source(slug="a", plex_token=STORED)], next_page=2, count=2)
    api.get("/sources/plex/").mock(
        side_effect=[
            httpx.Response(200, json=first),
            httpx.RemoteProtocolError(f"illegal header line: b'X-Note {STORED}'"),
        ]
    )
    error = _two_calls(kind, {}, lambda client: _listed(kind, client, page_size=1))
    assert isinstance(error, TransportError)
    assert STORED not in _shown(error)
    assert not _leaked_records(caplog), _leaked_records(caplog)


def _listed(kind: str, client: Any, **options: Any) -> Any:
    """Every source ``client.list(**options)`` yields (a coroutine for the async client)."""
    if kind == "sync":
        return list(client.list(**options))

    async def collect() -> list[Any]:
        return [source async for source in client.list(**options)]

    return collect()
