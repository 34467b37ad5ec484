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


TEXT_SECRET = "SeCrEtVaLuE0123456789"


@pytest.mark.parametrize("status", [500, 200])
@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (
            f'<?xml version="1.0"?><MediaContainer><user><authToken>{TEXT_SECRET}</authToken>'
            "</user></MediaContainer>",
            "application/xml",
        ),
        (f"<error><plex_token>{TEXT_SECRET}</plex_token></error>", "text/xml"),
        (f"Parameters: source[plex_token]={TEXT_SECRET}&source[name]=x", "text/plain"),
        (
            '{"detail": "{\\"plex_token\\": \\"' + TEXT_SECRET + '\\", \\"name\\": \\"x',
            "application/json",
        ),
        (f"plex_token\n{TEXT_SECRET}\n", "text/plain"),
    ],
    ids=[
        "xml-element-authToken",
        "xml-element-plex_token",
        "form-brackets",
        "escaped-json-cut",
        "key-newline-value",
    ],
)  # fmt: skip
def test_text_body_forms_of_a_secret_value_are_masked(
    twin: Twin, api: respx.MockRouter, status: int, content: str, content_type: str
) -> None:
    """A body that does not parse as JSON holding a secret-named key's value in a common text
    form the key patterns miss: an XML element (``<authToken>T</authToken>``, as Plex's own
    API writes it), a bracketed form field (``source[plex_token]=T``, Rails/PHP style), JSON
    escaped inside a cut-short JSON string (``{\\"plex_token\\": \\"T\\"``), or the value on
    the line after its key (the message then joins them with a space). The 500's and the
    not-JSON 200's messages mask ``T``.
    """
    api.get(ENDPOINT).respond(
        status, content=content.encode(), headers={"Content-Type": content_type}
    )
    with pytest.raises(PlexSourceError) as caught:
        twin.call("get", SLUG, options={"max_retries": 0})
    error = caught.value
    shown = str(error) + repr(error) + repr(vars(error))
    assert TEXT_SECRET not in shown, str(error)[-200:]


@pytest.mark.parametrize("status", [500, 200])
@pytest.mark.parametrize(
    "content",
    [
        '{"plex_token": ["' + "x" * 4100 + '", "' + TEXT_SECRET + '"]} trailing',
        '{"plex_token": {"old": {"v": "x"}, "new": "' + TEXT_SECRET + '"}} trailing',
    ],
    ids=["list-value-over-4096", "nested-object-value"],
)
def test_unparsed_body_long_or_nested_secret_value_is_masked_whole(
    twin: Twin, api: respx.MockRouter, status: int, content: str
) -> None:
    """A body that does not parse (valid JSON, then garbage) whose ``plex_token`` value is a
    list running past 4,096 characters, or an object with a nested object before its last
    string: masked to its matching bracket, however long or nested.
    """
    api.get(ENDPOINT).respond(
        status, content=content.encode(), headers={"Content-Type": "application/json"}
    )
    with pytest.raises(PlexSourceError) as caught:
        twin.call("get", SLUG, options={"max_retries": 0})
    error = caught.value
    shown = str(error) + repr(error) + repr(vars(error))
    assert TEXT_SECRET not in shown, shown[-300:]
