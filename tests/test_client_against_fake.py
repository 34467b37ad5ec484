"""The clients end to end against FakeAuthentik over real sockets: state, errors, faults."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from plex_source_client import (
    BadRequest,
    NotFound,
    PermissionDenied,
    RateLimited,
    RequestTimeout,
    ServerError,
    UnexpectedResponse,
)
from plex_source_client.testing import FakeAuthentik

from .conftest import Twin, opts


def test_update_changes_the_servers_state(socket_twin: Twin, fake: FakeAuthentik) -> None:
    mapping = fake.add_property_mapping()
    source = socket_twin.update(
        "plex",
        options=opts(fake),
        enabled=False,
        enrollment_flow=None,
        user_property_mappings=[mapping],
        allowed_servers=["abc123"],
    )
    state = fake.sources["plex"]
    assert (state["enabled"], state["enrollment_flow"]) == (False, None)
    assert state["user_property_mappings"] == [str(mapping)]
    assert source.to_dict() == state
    assert fake.requests[-1].json == {
        "enabled": False,
        "enrollment_flow": None,
        "user_property_mappings": [str(mapping)],
        "allowed_servers": ["abc123"],
    }


def test_rename(socket_twin: Twin, fake: FakeAuthentik) -> None:
    socket_twin.update("plex", options=opts(fake), new_slug="plex-2")
    assert list(fake.sources) == ["plex-2"]
    with pytest.raises(NotFound):
        socket_twin.update("plex", options=opts(fake), enabled=True)


def test_server_side_errors(socket_twin: Twin, fake: FakeAuthentik) -> None:
    fake.add_source(slug="taken")
    with pytest.raises(BadRequest) as caught:
        socket_twin.update("plex", options=opts(fake), new_slug="taken")
    assert caught.value.errors == {"slug": ["source with this slug already exists."]}
    assert caught.value.request_id

    missing_flow = uuid.uuid4()
    with pytest.raises(BadRequest) as caught:
        socket_twin.update("plex", options=opts(fake), authentication_flow=missing_flow)
    assert caught.value.errors == {
        "authentication_flow": [f'Invalid pk "{missing_flow}" - object does not exist.']
    }


@pytest.mark.parametrize(
    ("token", "detail"),
    [("wrong-token", "Token invalid/expired"), ("unprivileged", "You do not have permission")],
)
def test_permission_denied(socket_twin: Twin, fake: FakeAuthentik, token: str, detail: str) -> None:
    if token == "unprivileged":
        token = fake.unprivileged_token
    with pytest.raises(PermissionDenied, match=detail):
        socket_twin.update("plex", options=opts(fake, token=token), enabled=False)
    assert fake.sources["plex"]["enabled"] is True


def test_503_twice_then_success(socket_twin: Twin, fake: FakeAuthentik) -> None:
    fake.fail_next(2, status=503)
    raw = socket_twin.call("update_raw", "plex", {"enabled": False}, options=opts(fake))
    assert raw.attempts == 3
    assert fake.sources["plex"]["enabled"] is False
    assert len(socket_twin.sleeps) == 2


def test_500_html_page(socket_twin: Twin, fake: FakeAuthentik) -> None:
    fake.fail_next(status=500, body="<html><h1>Internal Server Error</h1></html>")
    with pytest.raises(ServerError, match="Internal Server Error"):
        socket_twin.update("plex", options=opts(fake), enabled=False)


def test_429_with_retry_after_waits_then_succeeds(socket_twin: Twin, fake: FakeAuthentik) -> None:
    fake.fail_next(status=429, retry_after=1)
    raw = socket_twin.call("update_raw", "plex", {"enabled": False}, options=opts(fake))
    assert raw.attempts == 2
    assert socket_twin.sleeps == [1.0]  # the fake's Retry-After, waited for (recorded)


def test_429_every_time(socket_twin: Twin, fake: FakeAuthentik) -> None:
    fake.fail_next(3, status=429, retry_after=0)
    with pytest.raises(RateLimited):
        socket_twin.update("plex", options=opts(fake), enabled=False)
    assert fake.sources["plex"]["enabled"] is True


def test_dropped_connection_is_retried(socket_twin: Twin, fake: FakeAuthentik) -> None:
    fake.drop_next(1)
    raw = socket_twin.call("update_raw", "plex", {"name": "After drop"}, options=opts(fake))
    assert raw.attempts == 2
    assert fake.sources["plex"]["name"] == "After drop"


def test_latency_beyond_the_timeout(socket_twin: Twin, fake: FakeAuthentik) -> None:
    fake.latency = 0.5
    with pytest.raises(RequestTimeout) as caught:
        socket_twin.update("plex", options=opts(fake, timeout=0.1, max_retries=1), enabled=False)
    assert caught.value.attempts == 2


def test_corrupted_success(socket_twin: Twin, fake: FakeAuthentik) -> None:
    fake.corrupt_next(body="<html>proxy</html>")
    with pytest.raises(UnexpectedResponse, match="probably applied"):
        socket_twin.update("plex", options=opts(fake), enabled=False)
    assert fake.sources["plex"]["enabled"] is False


def test_in_process_sync_client() -> None:
    fake = FakeAuthentik()
    with fake.client() as client:
        client.update("plex", enabled=False)
    assert fake.sources["plex"]["enabled"] is False
    assert fake.url == FakeAuthentik.IN_PROCESS_URL


def test_in_process_async_client() -> None:
    fake = FakeAuthentik()

    async def run() -> None:
        async with fake.async_client() as client:
            await client.update("plex", enabled=False)

    asyncio.run(run())
    assert fake.sources["plex"]["enabled"] is False
