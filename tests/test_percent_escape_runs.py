"""Percent escapes are decoded a run at a time (review round 47): the UTF-8 bytes of one
character (``%C3%A9``) decode together, so a known secret beyond ASCII echoed URL-encoded is
found (each escape decoded alone gave U+FFFD twice), and a page of escapes costs a call per
run, not per escape (a 1 MiB 2xx page of ``%C3%A9`` took 2.1 s, 0.35 s now). Counted, not
timed.
"""

from __future__ import annotations

import urllib.parse
from typing import Any

import pytest
import respx

from plex_source_client import PlexSourceError

from .conftest import Twin
from .payloads import SLUG
from .shown import shown_by_failed_update


@pytest.mark.parametrize("status", [200, 400])
def test_a_page_of_percent_escapes_is_decoded_a_run_at_a_time(
    twin: Twin, api: respx.MockRouter, monkeypatch: pytest.MonkeyPatch, status: int
) -> None:
    calls: list[int] = []
    real = urllib.parse.unquote

    def counted(*args: Any, **kwargs: Any) -> str:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(urllib.parse, "unquote", counted)
    api.get(f"/sources/plex/{SLUG}/").respond(
        status, content=("%C3%A9" * 20_000).encode(), headers={"Content-Type": "text/plain"}
    )
    with pytest.raises(PlexSourceError):
        twin.call("get", SLUG, options={"max_retries": 0})
    assert len(calls) < 20, len(calls)  # 40,000 escapes


def test_a_plex_token_beyond_ascii_echoed_url_encoded_is_masked(
    twin: Twin, api: respx.MockRouter
) -> None:
    plex_token = "pLeX-t\u00f6k\u00e9n-98765"
    echoed = urllib.parse.quote(plex_token)
    assert "%C3%B6" in echoed
    shown = shown_by_failed_update(twin, api, plex_token, f"rejected /pins?t={echoed}")
    assert echoed not in shown
    assert plex_token not in shown
    assert "pLeX" not in shown
