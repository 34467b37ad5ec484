"""A newer authentik than the spec: its typed fields (2025.12's promoted, icon_url,
icon_themed_urls), fields no release we know has, new enum values, nulls where 2024.8 had none."""

from __future__ import annotations

import respx

from plex_source_client import PolicyEngineMode, ThemedUrls, UserMatchingMode

from .conftest import Twin
from .payloads import SLUG, plex_source

ENDPOINT = f"/sources/plex/{SLUG}/"

AUTHENTIK_2026 = plex_source(
    promoted=True,
    icon=None,
    icon_url="https://cdn.example.com/plex.svg",
    icon_themed_urls={"light": "https://cdn.example.com/l.svg", "dark": None},
    user_matching_mode="email_link_strict",
    policy_engine_mode="first",
    slug="s" * 80,
)


def test_a_2026_response_parses_and_keeps_everything(twin: Twin, api: respx.MockRouter) -> None:
    api.patch(ENDPOINT).respond(200, json=AUTHENTIK_2026)
    source = twin.update(SLUG, enabled=True)

    assert source.icon is None
    assert source.promoted is True
    assert source.icon_url == "https://cdn.example.com/plex.svg"
    assert isinstance(source.icon_themed_urls, ThemedUrls)
    assert source.icon_themed_urls.light == "https://cdn.example.com/l.svg"
    assert source.icon_themed_urls.dark is None
    assert source.additional_properties == {}
    assert source.user_matching_mode == "email_link_strict"
    assert source.user_matching_mode not in list(UserMatchingMode)
    assert source.policy_engine_mode == "first"
    assert isinstance(source.policy_engine_mode, PolicyEngineMode)
    assert source.to_dict() == AUTHENTIK_2026  # nothing lost on the way through
    assert "UNKNOWN" in repr(source)
