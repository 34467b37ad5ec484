"""What the clients log (stdlib logger ``plex_source_client``): enough to debug, never a secret."""

from __future__ import annotations

import logging

import pytest
import respx

from .conftest import Twin
from .payloads import SLUG, plex_source


def test_debug_log_of_an_update(
    twin: Twin, api: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    api.patch(f"/sources/plex/{SLUG}/").respond(
        200, json=plex_source(), headers={"X-Authentik-Id": "rid-7"}
    )
    with caplog.at_level(logging.DEBUG, logger="plex_source_client"):
        twin.update(SLUG, enabled=True, plex_token="plex-secret-7b2e0a")
    ours = [r for r in caplog.records if r.name == "plex_source_client"]
    messages = [r.getMessage() for r in ours]
    assert messages[0] == (
        f"PATCH https://auth.example.com/api/v3/sources/plex/{SLUG}/: "
        "sending fields enabled, plex_token"
    )
    assert "-> 200 in" in messages[1]
    assert "(attempt 1 of 3, request id rid-7)" in messages[1]
    assert all(r.levelno == logging.DEBUG for r in ours)
