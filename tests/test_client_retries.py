"""Bounded retries: what is retried, how often, and how long the client waits in between."""

from __future__ import annotations

import email.utils
import logging
import time

import httpx
import pytest
import respx

from plex_source_client import (
    BadRequest,
    NotFound,
    PermissionDenied,
    RateLimited,
    ServerError,
    TransportError,
)
from plex_source_client._retry import BACKOFF_INITIAL, RETRY_AFTER_MAX, parse_retry_after

from .conftest import Twin
from .payloads import SLUG, plex_source

ENDPOINT = f"/sources/plex/{SLUG}/"


@pytest.mark.parametrize("status", [502, 503, 504])
def test_gateway_errors_are_retried_then_succeed(
    twin: Twin, api: respx.MockRouter, status: int
) -> None:
    route = api.patch(ENDPOINT)
    route.side_effect = [
        httpx.Response(status),
        httpx.Response(status),
        httpx.Response(200, json=plex_source()),
    ]
    raw = twin.call("update_raw", SLUG, {"enabled": True})
    assert raw.attempts == 3
    assert route.call_count == 3
    assert len(twin.sleeps) == 2
    # Exponential backoff with jitter in [0.5, 1] of 0.5 s, then of 1 s.
    assert BACKOFF_INITIAL * 0.5 <= twin.sleeps[0] <= BACKOFF_INITIAL
    assert BACKOFF_INITIAL <= twin.sleeps[1] <= 2 * BACKOFF_INITIAL


def test_retries_are_bounded_by_max_retries(twin: Twin, api: respx.MockRouter) -> None:
    route = api.patch(ENDPOINT).respond(503, json={"detail": "busy"})
    with pytest.raises(ServerError) as caught:
        twin.update(SLUG, options={"max_retries": 4}, enabled=True)
    assert route.call_count == 5
    assert caught.value.attempts == 5
    assert len(twin.sleeps) == 4


def test_max_retries_zero_tries_once(twin: Twin, api: respx.MockRouter) -> None:
    route = api.patch(ENDPOINT).mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(TransportError):
        twin.update(SLUG, options={"max_retries": 0}, enabled=True)
    assert route.call_count == 1
    assert twin.sleeps == []


def test_connection_errors_are_retried_then_succeed(twin: Twin, api: respx.MockRouter) -> None:
    route = api.patch(ENDPOINT)
    route.side_effect = [httpx.ConnectError("refused"), httpx.Response(200, json=plex_source())]
    assert twin.update(SLUG, enabled=True).slug == SLUG
    assert route.call_count == 2


def test_429_honours_retry_after_seconds(twin: Twin, api: respx.MockRouter) -> None:
    route = api.patch(ENDPOINT)
    route.side_effect = [
        httpx.Response(429, headers={"Retry-After": "3"}),
        httpx.Response(200, json=plex_source()),
    ]
    twin.update(SLUG, enabled=True)
    assert twin.sleeps == [3.0]
    assert route.call_count == 2


def test_429_honours_retry_after_http_date(twin: Twin, api: respx.MockRouter) -> None:
    when = email.utils.formatdate(time.time() + 5, usegmt=True)
    route = api.patch(ENDPOINT)
    route.side_effect = [
        httpx.Response(429, headers={"Retry-After": when}),
        httpx.Response(200, json=plex_source()),
    ]
    twin.update(SLUG, enabled=True)
    assert len(twin.sleeps) == 1
    assert 3.0 <= twin.sleeps[0] <= 5.0


def test_429_every_time_is_rate_limited(twin: Twin, api: respx.MockRouter) -> None:
    route = api.patch(ENDPOINT).respond(429, headers={"Retry-After": "2"}, json={"detail": "slow"})
    with pytest.raises(RateLimited) as caught:
        twin.update(SLUG, enabled=True)
    assert caught.value.retry_after == 2.0
    assert caught.value.attempts == 3
    assert twin.sleeps == [2.0, 2.0]
    assert route.call_count == 3


def test_retry_after_beyond_the_cap_is_not_waited_for(twin: Twin, api: respx.MockRouter) -> None:
    """A CI job must not hang for an hour: the error comes at once, with retry_after set."""
    route = api.patch(ENDPOINT).respond(429, headers={"Retry-After": "3600"})
    with pytest.raises(RateLimited) as caught:
        twin.update(SLUG, enabled=True)
    assert caught.value.retry_after == 3600.0
    assert route.call_count == 1
    assert twin.sleeps == []
    assert RETRY_AFTER_MAX < 3600


@pytest.mark.parametrize(
    ("status", "error"), [(400, BadRequest), (403, PermissionDenied), (404, NotFound)]
)
def test_client_errors_are_never_retried(
    twin: Twin, api: respx.MockRouter, status: int, error: type[Exception]
) -> None:
    route = api.patch(ENDPOINT).respond(status, json={"detail": "no"})
    with pytest.raises(error):
        twin.update(SLUG, enabled=True)
    assert route.call_count == 1
    assert twin.sleeps == []


def test_each_retry_is_logged(
    twin: Twin, api: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    route = api.patch(ENDPOINT)
    route.side_effect = [httpx.Response(503), httpx.Response(200, json=plex_source())]
    with caplog.at_level(logging.INFO, logger="plex_source_client"):
        twin.update(SLUG, enabled=True)
    retries = [r.getMessage() for r in caplog.records if "retry" in r.getMessage()]
    assert len(retries) == 1
    assert "503; retry 1 of 2 in" in retries[0]
    assert f"/sources/plex/{SLUG}/" in retries[0]


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("2", 2.0), ("0.5", 0.5), ("-3", 0.0), ("soon", None), (None, None), ("nan", None)],
)
def test_parse_retry_after(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header) == seconds
