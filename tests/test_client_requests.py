"""What the clients send: exactly the fields asked for, to exactly the right URL."""

from __future__ import annotations

import asyncio
import json
from typing import Any
from uuid import UUID

import httpx
import pytest
import respx

from plex_source_client import (
    GroupMatchingMode,
    InvalidRequest,
    PlexSource,
    PlexSourceClient,
    PolicyEngineMode,
    RawResponse,
    UserMatchingMode,
    __version__,
)

from .conftest import API, Twin
from .payloads import FLOW_UUID, MAPPING_UUID, PLEX_TOKEN, SLUG, SOURCE_PK, TOKEN, plex_source

ENDPOINT = f"/sources/plex/{SLUG}/"


def sent_json(route: respx.Route) -> Any:
    return json.loads(route.calls.last.request.content)


def test_request_line_and_headers(twin: Twin, api: respx.MockRouter) -> None:
    route = api.patch(ENDPOINT).respond(200, json=plex_source())
    twin.update(SLUG, enabled=False)

    request = route.calls.last.request
    assert route.call_count == 1
    assert request.method == "PATCH"
    assert str(request.url) == f"{API}{ENDPOINT}"
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Accept"] == "application/json"
    assert request.headers["User-Agent"].startswith(f"plex-source-client/{__version__} ")


def test_only_given_fields_are_sent_and_none_is_null(twin: Twin, api: respx.MockRouter) -> None:
    route = api.patch(ENDPOINT).respond(200, json=plex_source())
    twin.update(SLUG, enabled=False, allowed_servers=["abc123"], authentication_flow=None)
    assert sent_json(route) == {
        "enabled": False,
        "allowed_servers": ["abc123"],
        "authentication_flow": None,
    }


def test_no_changes_sends_nothing(twin: Twin, api: respx.MockRouter) -> None:
    """An empty PATCH would change nothing (and still be logged by authentik): refused, see
    test_client_validation.py.
    """
    route = api.patch(ENDPOINT).respond(200, json=plex_source())
    with pytest.raises(InvalidRequest, match="No field to change"):
        twin.update(SLUG)
    assert not route.called


EVERY_FIELD: dict[str, Any] = {
    "name": "Plex",
    "new_slug": "renamed",
    "enabled": True,
    "authentication_flow": UUID(FLOW_UUID),
    "enrollment_flow": FLOW_UUID,
    "user_property_mappings": [UUID(MAPPING_UUID), MAPPING_UUID],
    "group_property_mappings": (),
    "policy_engine_mode": PolicyEngineMode.ALL,
    "user_matching_mode": "email_link",
    "user_path_template": "goauthentik.io/sources/%(slug)s",
    "group_matching_mode": GroupMatchingMode.NAME_DENY,
    "client_id": "client",
    "allowed_servers": [],
    "allow_friends": False,
    "plex_token": PLEX_TOKEN,
}
EVERY_FIELD_ON_THE_WIRE: dict[str, Any] = {
    "name": "Plex",
    "slug": "renamed",
    "enabled": True,
    "authentication_flow": FLOW_UUID,
    "enrollment_flow": FLOW_UUID,
    "user_property_mappings": [MAPPING_UUID, MAPPING_UUID],
    "group_property_mappings": [],
    "policy_engine_mode": "all",
    "user_matching_mode": "email_link",
    "user_path_template": "goauthentik.io/sources/%(slug)s",
    "group_matching_mode": "name_deny",
    "client_id": "client",
    "allowed_servers": [],
    "allow_friends": False,
    "plex_token": PLEX_TOKEN,
}


def test_all_fifteen_fields(twin: Twin, api: respx.MockRouter) -> None:
    route = api.patch(ENDPOINT).respond(200, json=plex_source())
    twin.update(SLUG, **EVERY_FIELD)
    assert len(EVERY_FIELD) == 15
    assert sent_json(route) == EVERY_FIELD_ON_THE_WIRE


@pytest.mark.parametrize("field", sorted(EVERY_FIELD))
def test_each_field_alone(twin: Twin, api: respx.MockRouter, field: str) -> None:
    route = api.patch(ENDPOINT).respond(200, json=plex_source())
    twin.update(SLUG, **{field: EVERY_FIELD[field]})
    wire = "slug" if field == "new_slug" else field
    assert sent_json(route) == {wire: EVERY_FIELD_ON_THE_WIRE[wire]}


def test_update_from_mapping_sends_the_same(twin: Twin, api: respx.MockRouter) -> None:
    route = api.patch(ENDPOINT).respond(200, json=plex_source())
    twin.call("update_from_mapping", SLUG, dict(EVERY_FIELD))
    assert sent_json(route) == EVERY_FIELD_ON_THE_WIRE


def test_returns_the_parsed_source(twin: Twin, api: respx.MockRouter) -> None:
    api.patch(ENDPOINT).respond(200, json=plex_source(enabled=False))
    source = twin.update(SLUG, enabled=False)
    assert isinstance(source, PlexSource)
    assert source.pk == UUID(SOURCE_PK)
    assert source.enabled is False
    assert source.user_matching_mode is UserMatchingMode.IDENTIFIER
    assert source.plex_token == PLEX_TOKEN
    assert source.to_dict() == plex_source(enabled=False)


def test_update_raw_exposes_the_exchange(twin: Twin, api: respx.MockRouter) -> None:
    api.patch(ENDPOINT).respond(
        200, json=plex_source(), headers={"X-Authentik-Id": "abc-123", "X-Extra": "1"}
    )
    raw = twin.call("update_raw", SLUG, {"name": "Plex"})
    assert isinstance(raw, RawResponse)
    assert raw.status_code == 200
    assert raw.request_id == "abc-123"
    assert raw.headers["X-Extra"] == "1"
    assert raw.attempts == 1
    assert raw.elapsed >= 0
    assert isinstance(raw.http_response, httpx.Response)
    assert raw.source.slug == SLUG
    assert raw.json() == plex_source()


@pytest.mark.parametrize(
    ("url", "endpoint"),
    [
        ("https://auth.example.com", "https://auth.example.com/api/v3"),
        ("https://auth.example.com/", "https://auth.example.com/api/v3"),
        ("https://auth.example.com/api/v3", "https://auth.example.com/api/v3"),
        ("https://auth.example.com/api/v3/", "https://auth.example.com/api/v3"),
        ("https://example.com/authentik", "https://example.com/authentik/api/v3"),
        ("https://example.com:9443/authentik/api/v3/", "https://example.com:9443/authentik/api/v3"),
        ("http://localhost:9000", "http://localhost:9000/api/v3"),
    ],
)
def test_url_rule(twin: Twin, url: str, endpoint: str) -> None:
    with respx.mock(assert_all_mocked=True) as router:
        route = router.patch(f"{endpoint}{ENDPOINT}").respond(200, json=plex_source())
        twin.update(SLUG, options={"url": url}, enabled=True)
    assert route.call_count == 1


def test_enum_accepts_a_member_or_its_value(twin: Twin, api: respx.MockRouter) -> None:
    route = api.patch(ENDPOINT).respond(200, json=plex_source())
    twin.update(SLUG, policy_engine_mode="any")
    assert sent_json(route) == {"policy_engine_mode": "any"}
    twin.update(SLUG, policy_engine_mode=PolicyEngineMode.ANY)
    assert sent_json(route) == {"policy_engine_mode": "any"}


def test_sync_client_works_inside_a_running_event_loop(api: respx.MockRouter) -> None:
    """Jupyter runs an event loop; the sync client must not need one of its own."""
    api.patch(ENDPOINT).respond(200, json=plex_source())

    async def notebook_cell() -> PlexSource:
        with PlexSourceClient(url=API, token=TOKEN) as client:
            return client.update(SLUG, enabled=True)

    assert asyncio.run(notebook_cell()).slug == SLUG


def test_caller_http_client_is_used_not_mutated_and_not_closed(api: respx.MockRouter) -> None:
    route = api.patch(ENDPOINT).respond(200, json=plex_source())
    headers = {"X-Team": "infra"}
    own = httpx.Client(headers=headers)
    with PlexSourceClient(url=API, token=TOKEN, http_client=own) as client:
        client.update(SLUG, enabled=True)
    assert route.calls.last.request.headers["X-Team"] == "infra"
    assert route.calls.last.request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert headers == {"X-Team": "infra"}
    assert "authorization" not in own.headers
    assert not own.is_closed
    own.close()
