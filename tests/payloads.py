"""Realistic authentik 2024.8.2 payloads for the Plex source endpoint, shared by the tests."""

from __future__ import annotations

from typing import Any

SLUG = "my-plex"
TOKEN = "test-api-token-4f1c9d"
PLEX_TOKEN = "plex-secret-7b2e0a"
FLOW_UUID = "5e8a9f7c-1d2b-4c3a-9e8f-7a6b5c4d3e2f"
MAPPING_UUID = "0b6f0c1e-3e0a-4d7b-8a4f-2c1d9e8f7a6b"
SOURCE_PK = "c0ffee00-1234-4abc-8def-0123456789ab"


def plex_source(**overrides: Any) -> dict[str, Any]:
    """A full PlexSource response body as authentik 2024.8.2 returns it."""
    body: dict[str, Any] = {
        "pk": SOURCE_PK,
        "name": "Plex",
        "slug": SLUG,
        "enabled": True,
        "authentication_flow": FLOW_UUID,
        "enrollment_flow": None,
        "user_property_mappings": [MAPPING_UUID],
        "group_property_mappings": [],
        "component": "ak-source-plex-form",
        "verbose_name": "Plex Source",
        "verbose_name_plural": "Plex Sources",
        "meta_model_name": "authentik_sources_plex.plexsource",
        "policy_engine_mode": "any",
        "user_matching_mode": "identifier",
        "managed": None,
        "user_path_template": "goauthentik.io/sources/%(slug)s",
        "icon": "/static/authentik/sources/plex.svg",
        "group_matching_mode": "identifier",
        "client_id": "plex-client-id",
        "allowed_servers": ["abc123"],
        "allow_friends": True,
        "plex_token": PLEX_TOKEN,
    }
    body.update(overrides)
    return body


def plex_source_2026(**overrides: Any) -> dict[str, Any]:
    """A PlexSource body as authentik 2025.12.2 and newer return it: ``promoted``, ``icon``
    the stored value, ``icon_url`` and ``icon_themed_urls``, in the serializer's order.
    """
    old = plex_source()
    body: dict[str, Any] = {}
    for key, value in old.items():
        if key == "icon":
            body.update(icon="plex.svg", icon_url="/files/media/public/plex.svg")
            body["icon_themed_urls"] = None
            continue
        body[key] = value
        if key == "enabled":
            body["promoted"] = False
    body.update(overrides)
    return body


VALIDATION_ERROR = {
    "slug": ['Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.'],
    "non_field_errors": ["Something about the whole object."],
}
PERMISSION_DENIED = {"detail": "You do not have permission to perform this action."}


def list_page(
    results: list[dict[str, Any]], *, next_page: int = 0, count: int | None = None
) -> dict[str, Any]:
    """A list answer's page 1 holding ``results``; ``next_page``/``count`` as the server says
    (by default: the last page, as many sources as it holds).
    """
    count = len(results) if count is None else count
    pagination = {
        "next": next_page, "previous": 0, "count": count, "current": 1,
        "total_pages": max(1, count) if next_page else 1, "start_index": 1,
        "end_index": len(results),
    }  # fmt: skip
    return {"pagination": pagination, "results": results}
