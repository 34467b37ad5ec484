"""A stored, token-like Plex token the client never saw, quoted by a server error as the URL
path segment after its field's name (``https://plex.tv/pins/plex_token/T/check``, an upstream
call's URL), is masked, on both clients, in text and in a JSON ``detail`` (review round 37).
A path's other segments stay shown (``/core/tokens/view_key/``, a slug).
"""

from __future__ import annotations

from typing import Any

import pytest

from plex_source_client._secrets import mask_text

from .conftest import Twin
from .shown import shown_by_failed_get

_STORED = "xZ3yPq7Lm9AbCdEfGh1J"

#: A server error quoting a URL (its own or an upstream one) whose path holds the stored
#: token as the segment after the field's name: ``.../plex_token/T``.
_PATHS = [
    f"Upstream error: https://plex.tv/pins/plex_token/{_STORED}/check returned 401",
    f"GET https://plex.tv/api/v2/plex_token/{_STORED}: 401",
    f"/sources/plex/my-plex/plexToken/{_STORED}/ not found",
]


@pytest.mark.parametrize("text", _PATHS)
@pytest.mark.parametrize("kind", ["text", "json"])
def test_a_stored_token_as_the_path_segment_after_its_name_is_masked(
    twin: Twin, api: Any, kind: str, text: str
) -> None:
    if kind == "json":
        answer: dict[str, Any] = {"json": {"detail": text}}
    else:
        answer = {"content": text.encode(), "headers": {"Content-Type": "text/plain"}}
    shown = shown_by_failed_get(twin, api, 400, **answer)
    assert _STORED not in shown


@pytest.mark.parametrize(
    "text",
    ["/api/v3/core/tokens/view_key/ failed", "GET /api/v3/sources/plex/my-plex/ -> 404"],
)
def test_a_paths_other_segments_stay_shown(text: str) -> None:
    assert mask_text(text, ()) == text
