"""Red team round 5 (third review): a Plex token the server stores, masked under its own key
(``plex_token``) but echoed by the same answer in another field, is shown by the library:
in a PlexSource's repr/str/HTML, in UnexpectedResponse.body, and in a 4xx error's message and
body. The CLI masks these (stored Plex tokens are remembered there); the library does not.
Each test FAILS on the current code.
"""

from __future__ import annotations

import json

import pytest

from plex_source_client import BadRequest, PlexSourceClient, UnexpectedResponse
from plex_source_client._models import PlexSource

from .payloads import SLUG, plex_source
from .raw_server import ScriptServer, reply

API_TOKEN = "tok-SECRET-api-1234567890"
STORED = "plexTOKEN-abcdefghijklmnop-XYZ"  # the Plex token the server stores


def _client(server: ScriptServer) -> PlexSourceClient:
    return PlexSourceClient(
        url=server.url, token=API_TOKEN, max_retries=0, server_version="2024.8.2"
    )


@pytest.mark.parametrize(
    "where",
    ["name", "user_path_template", "additional_properties", "policy_engine_mode"],
)
def test_source_repr_str_html_show_its_stored_plex_token_echoed_elsewhere(where: str) -> None:
    """``repr()`` masks ``plex_token`` but prints the same value in ``name`` (also ``str()``),
    another string field, a non-secret key of additional_properties, or an enum's UNKNOWN value.
    """
    data = plex_source(plex_token=STORED)
    if where == "additional_properties":
        data["legacy"] = {"copy": STORED}
    else:
        data[where] = STORED
    source = PlexSource.from_dict(data)
    shown = repr(source) + str(source) + source._repr_html_()
    assert STORED not in shown, shown


@pytest.mark.parametrize("field", ["enabled", "pk", "allowed_servers", "user_property_mappings"])
def test_unexpected_response_body_keeps_the_stored_plex_token_of_a_mistyped_field(
    field: str,
) -> None:
    """A 2xx answer whose ``field`` (wrong type) holds the stored Plex token: ``.body`` masks
    the ``plex_token`` key's value and shows the very same value in ``field``.
    """
    data = plex_source(plex_token=STORED)
    data[field] = STORED
    with ScriptServer(reply(200, json.dumps(data).encode())) as server:
        client = _client(server)
        try:
            with pytest.raises(UnexpectedResponse) as caught:
                client.get(SLUG)
        finally:
            client.close()
    error = caught.value
    assert '"plex_token": "***"' in error.body  # masked under its own key...
    assert STORED not in error.body  # ...but not where it is echoed


@pytest.mark.parametrize(
    "body",
    [
        {"plex_token": STORED, "name": [f"{STORED} is not valid"]},
        {"plex_token": STORED, "non_field_errors": [f"plex token {STORED} rejected"]},
    ],
)
def test_error_body_masks_plex_token_key_but_prints_its_value_in_another_field(
    body: dict[str, object],
) -> None:
    """A 400 whose JSON masks ``plex_token`` (its key) yet quotes the same value in another
    field: the error's message (str) and ``.body`` both show it.
    """
    with ScriptServer(reply(400, json.dumps(body).encode())) as server:
        client = _client(server)
        try:
            with pytest.raises(BadRequest) as caught:
                client.get(SLUG)
        finally:
            client.close()
    error = caught.value
    assert "plex_token: ***" in str(error)
    assert STORED not in str(error), str(error)
    assert STORED not in repr(error.body), error.body
