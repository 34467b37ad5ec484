"""A short API token (``dev``) shows in a 2xx answer only as an echoed credential: after an
``Authorization`` header's name, or ending its line, its string or a quoted value
(``Bearer dev``, ``seen: Bearer dev.``). The scheme's word inside a source's name
(``Basic dev login``, ``Plex (Bearer dev)``) is no echo, and the answer is accepted; a long
token after the same word is an echo wherever it shows.
"""

from __future__ import annotations

import httpx
import pytest
import respx

from plex_source_client import UnexpectedResponse
from plex_source_client._secrets import json_holds_secret

from .conftest import Twin
from .payloads import SLUG, TOKEN, plex_source

ENDPOINT = f"/sources/plex/{SLUG}/"
SHORT = "dev"


@pytest.mark.parametrize(
    "name", ["Basic dev login", "Plex (Bearer dev)", "Bearer dev, Basic dev and more"]
)
def test_short_api_token_after_basic_or_bearer_in_a_name_does_not_fail_a_valid_answer(
    twin: Twin, api: respx.MockRouter, name: str
) -> None:
    api.get(ENDPOINT).respond(200, json=plex_source(name=name))
    source = twin.call("get", SLUG, options={"token": SHORT, "max_retries": 0})
    assert source.slug == SLUG


@pytest.mark.parametrize(
    "name",
    [
        "Bearer dev",  # a header's value, whole
        "seen: Bearer dev.",  # ending a sentence
        "Authorization: Bearer dev was refused",  # after the header's name
        "(Authorization: Bearer dev)",
        'proxy said {"authorization": "Basic dev"}',  # JSON quoted in a text
        'upstream sent {"X-Echo": "Bearer dev"}',  # a quoted value, whole
        "first line: Bearer dev\nsecond line",  # ending a line
    ],
)
def test_a_short_api_token_echoed_as_a_credential_is_refused(
    twin: Twin, api: respx.MockRouter, name: str
) -> None:
    api.get(ENDPOINT).respond(200, json=plex_source(name=name))
    with pytest.raises(UnexpectedResponse, match="contains your API token") as caught:
        twin.call("get", SLUG, options={"token": SHORT, "max_retries": 0})
    assert "Bearer dev" not in f"{caught.value} {caught.value!r} {caught.value.body}"


def test_a_short_api_token_echoed_in_a_header_line_is_refused(
    twin: Twin, api: respx.MockRouter
) -> None:
    """The headers are read as lines: a credential ending one is an echo, one in a word of a
    header's value is not.
    """
    api.get(ENDPOINT).mock(
        side_effect=[
            httpx.Response(200, json=plex_source(), headers={"X-Note": "Basic dev login"}),
            httpx.Response(200, json=plex_source(), headers={"X-Echo": "Bearer dev"}),
        ]
    )
    options = {"token": SHORT, "max_retries": 0}
    assert twin.call("get", SLUG, options=options).slug == SLUG
    with pytest.raises(UnexpectedResponse, match="contains your API token"):
        twin.call("get", SLUG, options=options)


@pytest.mark.parametrize("name", ["Basic {token} login", "Plex (Bearer {token})"])
def test_a_long_api_token_after_basic_or_bearer_in_a_name_is_refused(
    twin: Twin, api: respx.MockRouter, name: str
) -> None:
    api.get(ENDPOINT).respond(200, json=plex_source(name=name.format(token=TOKEN)))
    with pytest.raises(UnexpectedResponse, match="contains your API token") as caught:
        twin.call("get", SLUG, options={"token": TOKEN, "max_retries": 0})
    assert TOKEN not in f"{caught.value} {caught.value!r} {caught.value.body}"


def test_a_short_secret_counts_only_where_a_credential_is_written() -> None:
    assert not json_holds_secret({"name": "Basic dev login"}, [SHORT])
    assert not json_holds_secret({"name": "Plex (Bearer dev)"}, [SHORT])
    assert json_holds_secret({"name": "Plex (Authorization: Bearer dev)"}, [SHORT])
    assert json_holds_secret(
        {"headers": [{"name": "Authorization", "value": "Bearer dev"}]}, [SHORT]
    )


def test_a_short_secret_beside_json_escapes_in_an_unparsed_text_is_masked() -> None:
    r"""A refused 2xx answer is kept as its JSON text, where a line break or a quote inside a
    string is an escape (``\n``, ``\"``): the value it ends or starts is a whole one.
    """
    from plex_source_client._secrets import redact

    text = r'{"name": "a\ndev\tb", "note": "\"dev\"", "path": "C:\\dev\\x", "word": "devices"}'
    assert redact(text, [SHORT]) == (
        r'{"name": "a\n***\tb", "note": "\"***\"", "path": "C:\\dev\\x", "word": "devices"}'
    )
