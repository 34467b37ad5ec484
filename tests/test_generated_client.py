"""The generated low-level client (plex_source_client._generated) against a mocked server.

These pin down what the generator produces from openapi.yaml: the exact request it sends and the
models it parses, for each of the four call styles and each documented status. The facade builds
on exactly this behaviour.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx
import pytest
import respx

from plex_source_client._generated import AuthenticatedClient
from plex_source_client._generated.api.sources import sources_plex_partial_update as operation
from plex_source_client._generated.models import (
    GenericError,
    GroupMatchingMode,
    PatchedPlexSourceRequest,
    PlexSource,
    PolicyEngineMode,
    UserMatchingMode,
    ValidationError,
)
from plex_source_client._generated.types import UNSET, Response

from .payloads import (
    FLOW_UUID,
    MAPPING_UUID,
    PERMISSION_DENIED,
    PLEX_TOKEN,
    SLUG,
    SOURCE_PK,
    TOKEN,
    VALIDATION_ERROR,
    plex_source,
)

BASE_URL = "https://auth.example.com/api/v3"
ENDPOINT = f"{BASE_URL}/sources/plex/{SLUG}/"

ParsedResult = GenericError | PlexSource | ValidationError | None


@pytest.fixture
def server() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=True, assert_all_mocked=True) as router:
        yield router


def client() -> AuthenticatedClient:
    return AuthenticatedClient(base_url=BASE_URL, token=TOKEN)


def body() -> PatchedPlexSourceRequest:
    """Three fields set, one of them a nullable set to None; the other twelve left unset."""
    return PatchedPlexSourceRequest(
        enabled=False, allowed_servers=["abc123", "def456"], authentication_flow=None
    )


def call(style: str, request_body: PatchedPlexSourceRequest) -> Response[Any] | ParsedResult:
    """Run one of the four generated call styles; the async ones on a fresh event loop."""
    if style == "sync":
        with client() as sync_client:
            return operation.sync(SLUG, client=sync_client, body=request_body)
    if style == "sync_detailed":
        with client() as sync_client:
            return operation.sync_detailed(SLUG, client=sync_client, body=request_body)

    async def run_async() -> Response[Any] | ParsedResult:
        async with client() as async_client:
            if style == "asyncio":
                return await operation.asyncio(SLUG, client=async_client, body=request_body)
            return await operation.asyncio_detailed(SLUG, client=async_client, body=request_body)

    return asyncio.run(run_async())


STYLES = ["sync", "sync_detailed", "asyncio", "asyncio_detailed"]


def parsed(style: str, result: Response[Any] | ParsedResult, status: int) -> ParsedResult:
    """The parsed model; for *_detailed styles, also check the Response wrapper around it."""
    if style.endswith("_detailed"):
        assert isinstance(result, Response)
        assert result.status_code == HTTPStatus(status)
        assert result.headers["X-Authentik-Id"] == "req-1"
        assert json.loads(result.content)  # raw body kept
        value: ParsedResult = result.parsed
        return value
    assert not isinstance(result, Response)
    return result


def assert_request(request: httpx.Request) -> None:
    assert request.method == "PATCH"
    assert str(request.url) == ENDPOINT
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.headers["Content-Type"] == "application/json"
    # Only the three set fields, the nullable one as JSON null.
    assert json.loads(request.content) == {
        "enabled": False,
        "allowed_servers": ["abc123", "def456"],
        "authentication_flow": None,
    }


@pytest.mark.parametrize("style", STYLES)
def test_200_parses_plex_source(server: respx.MockRouter, style: str) -> None:
    route = server.patch(ENDPOINT).respond(
        200, json=plex_source(enabled=False), headers={"X-Authentik-Id": "req-1"}
    )
    source = parsed(style, call(style, body()), 200)

    assert route.call_count == 1
    assert_request(route.calls.last.request)
    assert isinstance(source, PlexSource)
    assert source.pk == UUID(SOURCE_PK)
    assert source.slug == SLUG
    assert source.enabled is False
    assert source.authentication_flow == UUID(FLOW_UUID)
    assert source.enrollment_flow is None
    assert source.user_property_mappings == [UUID(MAPPING_UUID)]
    assert source.group_property_mappings == []
    assert source.policy_engine_mode is PolicyEngineMode.ANY
    assert source.user_matching_mode is UserMatchingMode.IDENTIFIER
    assert source.group_matching_mode is GroupMatchingMode.IDENTIFIER
    assert source.managed is None
    assert source.allowed_servers == ["abc123"]
    assert source.allow_friends is True
    assert source.plex_token == PLEX_TOKEN
    assert source.to_dict() == plex_source(enabled=False)  # lossless round trip


@pytest.mark.parametrize("style", STYLES)
def test_400_parses_validation_error(server: respx.MockRouter, style: str) -> None:
    route = server.patch(ENDPOINT).respond(
        400, json=VALIDATION_ERROR, headers={"X-Authentik-Id": "req-1"}
    )
    error = parsed(style, call(style, body()), 400)

    assert route.call_count == 1
    assert_request(route.calls.last.request)
    assert isinstance(error, ValidationError)
    assert error.non_field_errors == VALIDATION_ERROR["non_field_errors"]
    assert error.code is UNSET
    assert error["slug"] == VALIDATION_ERROR["slug"]  # per-field errors are additional properties
    assert error.to_dict() == VALIDATION_ERROR


@pytest.mark.parametrize("style", STYLES)
def test_403_parses_generic_error(server: respx.MockRouter, style: str) -> None:
    route = server.patch(ENDPOINT).respond(
        403, json=PERMISSION_DENIED, headers={"X-Authentik-Id": "req-1"}
    )
    error = parsed(style, call(style, body()), 403)

    assert route.call_count == 1
    assert_request(route.calls.last.request)
    assert isinstance(error, GenericError)
    assert error.detail == PERMISSION_DENIED["detail"]
    assert error.to_dict() == PERMISSION_DENIED


def test_every_field_serialises_to_its_json_value(server: respx.MockRouter) -> None:
    route = server.patch(ENDPOINT).respond(200, json=plex_source())
    every_field = PatchedPlexSourceRequest(
        name="Plex",
        slug="renamed",
        enabled=True,
        authentication_flow=UUID(FLOW_UUID),
        enrollment_flow=None,
        user_property_mappings=[UUID(MAPPING_UUID)],
        group_property_mappings=[],
        policy_engine_mode=PolicyEngineMode.ALL,
        user_matching_mode=UserMatchingMode.EMAIL_LINK,
        user_path_template="goauthentik.io/sources/plex",
        group_matching_mode=GroupMatchingMode.NAME_DENY,
        client_id="client",
        allowed_servers=[],
        allow_friends=False,
        plex_token=PLEX_TOKEN,
    )
    call("sync", every_field)

    assert json.loads(route.calls.last.request.content) == {
        "name": "Plex",
        "slug": "renamed",
        "enabled": True,
        "authentication_flow": FLOW_UUID,
        "enrollment_flow": None,
        "user_property_mappings": [MAPPING_UUID],
        "group_property_mappings": [],
        "policy_engine_mode": "all",
        "user_matching_mode": "email_link",
        "user_path_template": "goauthentik.io/sources/plex",
        "group_matching_mode": "name_deny",
        "client_id": "client",
        "allowed_servers": [],
        "allow_friends": False,
        "plex_token": PLEX_TOKEN,
    }


def test_empty_body_sends_empty_object(server: respx.MockRouter) -> None:
    route = server.patch(ENDPOINT).respond(200, json=plex_source())
    call("sync", PatchedPlexSourceRequest())
    assert json.loads(route.calls.last.request.content) == {}


def test_path_slug_is_percent_encoded(server: respx.MockRouter) -> None:
    """The generator quotes the path parameter; '/' can never split the path."""
    route = server.patch(f"{BASE_URL}/sources/plex/a%2Fb/").respond(200, json=plex_source())
    with client() as sync_client:
        operation.sync_detailed("a/b", client=sync_client, body=PatchedPlexSourceRequest())
    assert route.call_count == 1
