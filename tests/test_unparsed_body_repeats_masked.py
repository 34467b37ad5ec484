"""A body that does not parse as JSON (plain text, invalid JSON, a 5000-digit number, JSON
over the 64 KiB parse limit) is masked as text: the value after a secret-named key
(``plex_token=T``) is masked there and wherever else the text repeats it, in an error's
message and ``.body`` and in ``UnexpectedResponse.body``. (Red team round 7, issue 18: each
failed before the fix.)
"""

from __future__ import annotations

import json

import pytest
import respx

from plex_source_client import PlexSourceError, UnexpectedResponse
from plex_source_client._secrets import MASK, mask_text

from .conftest import Twin
from .payloads import SLUG, plex_source

STORED = "plexTOKEN-abcdefghijklmnop-XYZ"
ENDPOINT = f"/sources/plex/{SLUG}/"
_ECHO = {"plex_token": STORED, "name": [f"{STORED} is not valid"]}
_BODIES_400 = {
    # text/plain (or HTML) error page: plex_token=... and its repeat
    "text": f"plex_token={STORED}\nname: {STORED} is not valid".encode(),
    # JSON with a trailing comma: not JSON, read as text
    "trailing-comma": json.dumps(_ECHO).encode()[:-1] + b",}",
    # JSON holding a 5000-digit int (ValueError: int max str digits)
    "huge-int": json.dumps(_ECHO).encode()[:-1] + b', "n": ' + b"9" * 5000 + b"}",
    # valid JSON over the 64 KiB parse limit: read as text (the echo sits before the cut)
    "over-parse-limit": json.dumps({**_ECHO, "pad": "x" * 70_000}).encode(),
}


@pytest.mark.parametrize("kind", list(_BODIES_400))
def test_400_body_read_as_text_masks_the_stored_token_where_repeated(
    twin: Twin, api: respx.MockRouter, kind: str
) -> None:
    api.get(ENDPOINT).respond(400, content=_BODIES_400[kind])
    with pytest.raises(PlexSourceError) as caught:
        twin.call("get", SLUG, options={"max_retries": 0})
    error = caught.value
    shown = str(error) + repr(getattr(error, "body", "")) + repr(vars(error))
    assert STORED not in shown, shown[:600]


def test_unexpected_response_body_read_as_text_masks_the_stored_token_where_repeated(
    twin: Twin, api: respx.MockRouter
) -> None:
    data = plex_source(plex_token=STORED, name=STORED)
    body = json.dumps(data).encode()[:-1] + b', "n": ' + b"9" * 5000 + b"}"
    api.get(ENDPOINT).respond(200, content=body)
    with pytest.raises(UnexpectedResponse) as caught:
        twin.call("get", SLUG, options={"max_retries": 0})
    error = caught.value
    assert STORED not in error.body + str(error), error.body[:400]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # quoted, bare and spaced values, then repeated in clear elsewhere
        (
            f'"client_secret": "{STORED}", "name": "{STORED}!"',
            '"client_secret": "***", "name": "***!"',
        ),
        (f"password={STORED} then {STORED}", "password=*** then ***"),
        (f"plex_token {STORED} and {STORED}", "plex_token *** and ***"),
        # every string of a masked list is masked where it is repeated
        (f'"tokens": ["{STORED}", "other-secret-1"] other-secret-1', '"tokens": [***] ***'),
    ],
)
def test_mask_text_masks_a_value_after_a_secret_key_where_repeated(
    text: str, expected: str
) -> None:
    assert mask_text(text, ()) == expected


def test_mask_text_leaves_a_short_value_alone_elsewhere() -> None:
    """A value shorter than 8 characters (``plex``) may be a word: masked after its key only."""
    assert mask_text("password=plex at /sources/plex/", ()) == f"password={MASK} at /sources/plex/"
