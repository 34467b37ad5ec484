"""A 2xx answer that is no Plex source (a proxy's or captive portal's page, a JSON list) is
read for the values it stores under secret-named keys once, as an error page is. A text body
was scanned twice more and masked whole to quote its first 100 characters (review round 46:
1 MiB of ``token: Ab1`` lines took ~6 s on a 200, ~2 s on a 400); a JSON one was walked
twice (round 46b: a 1 MiB list of ``"token:A1"`` strings, ~3.7 s). Counted, not timed: the
passes over more than the kept start of the body, the walks of its JSON.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import respx

from plex_source_client import PlexSourceError, UnexpectedResponse
from plex_source_client._secrets import text as masking
from plex_source_client._secrets.members import stored_secrets

from .conftest import Twin
from .payloads import SLUG
from .shown import whole_body_passes

LINE = "token: Ab1\n"
BODY = (LINE * ((160 * 1024) // len(LINE))).encode()


@pytest.mark.parametrize("status", [200, 400])
def test_a_large_text_page_is_scanned_whole_once(
    twin: Twin, api: respx.MockRouter, monkeypatch: pytest.MonkeyPatch, status: int
) -> None:
    passes = whole_body_passes(monkeypatch)
    api.get(f"/sources/plex/{SLUG}/").respond(
        status, content=BODY, headers={"Content-Type": "text/plain"}
    )
    with pytest.raises(PlexSourceError) as caught:
        twin.call("get", SLUG, options={"max_retries": 0})
    assert passes == [len(BODY)], passes
    assert "Ab1" not in str(caught.value)


def test_a_large_json_answer_that_is_no_source_is_walked_once(
    twin: Twin, api: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    walks: list[int] = []

    def counted(value: Any, **kinds: Any) -> Any:
        if isinstance(value, list) and len(value) > 1000:
            walks.append(len(value))
        return stored_secrets(value, **kinds)

    monkeypatch.setattr(masking, "stored_secrets", counted)
    api.get(f"/sources/plex/{SLUG}/").respond(
        200, content=json.dumps(["token:A1"] * 5000).encode(),
        headers={"Content-Type": "application/json"},
    )  # fmt: skip
    with pytest.raises(UnexpectedResponse) as caught:  # a list is no source
        twin.call("get", SLUG, options={"max_retries": 0})
    assert walks == [5000]
    assert "A1" not in str(caught.value) + caught.value.body
