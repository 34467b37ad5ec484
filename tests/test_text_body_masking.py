"""A plain-text error body: the value after a secret-named key is masked whole (to the next
space, so a token holding ``&`` or ``;`` is not cut), in a text table too, and wherever the
body repeats it.
"""

from __future__ import annotations

import pytest
import respx

from plex_source_client import PlexSourceError

from .conftest import Twin
from .payloads import SLUG

ENDPOINT = f"/sources/plex/{SLUG}/"


_TEXT_BODIES = {
    # a bare value holding & or ; (and repeated later)
    "ampersand": b"plex_token=abcdefgh&ijklmnopqrstuv\nname: abcdefgh&ijklmnopqrstuv is bad",
    "semicolon": b"plex_token=abcdefgh;ijklmnopqrstuv",
    # a plain-text table: key and value separated by a column bar
    "table": b"field      | value\nplex_token | abcdefghijklmnopqrstuv\n",
}


@pytest.mark.parametrize("kind", list(_TEXT_BODIES))
def test_400_text_body_shows_rest_of_stored_token(
    twin: Twin, api: respx.MockRouter, kind: str
) -> None:
    """The stored token's tail (``ijklmnopqrstuv``, 14 characters) is masked too."""
    api.get(ENDPOINT).respond(
        400, content=_TEXT_BODIES[kind], headers={"Content-Type": "text/plain"}
    )
    with pytest.raises(PlexSourceError) as caught:
        twin.call("get", SLUG, options={"max_retries": 0})
    error = caught.value
    shown = str(error) + repr(getattr(error, "body", "")) + repr(vars(error))
    assert "ijklmnopqrstuv" not in shown, shown[:600]
