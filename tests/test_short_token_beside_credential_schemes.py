"""A short API token (``dev``) shows in a 2xx answer only as an echoed credential: after an
``Authorization`` header's name, or ending its line, its string or a quoted value
(``Bearer dev``, ``seen: Bearer dev.``). The scheme's word inside a source's name
(``Basic dev login``, ``Plex (Bearer dev)``) is no echo, and the answer is accepted; a long
token after the same word is an echo wherever it shows. However the echo writes the header
(review round 16): form-encoded (``Authorization=Bearer+tok``), as a server's environment
names it (``HTTP_AUTHORIZATION=``), in a code span, before a control character or a
terminal's color sequence.
"""

from __future__ import annotations

import httpx
import pytest
import respx

from plex_source_client import UnexpectedResponse
from plex_source_client._secrets import json_holds_secret

from .conftest import Twin
from .fixed_server import FixedServer, run_main, source
from .payloads import SLUG, TOKEN, plex_source

ENDPOINT = f"/sources/plex/{SLUG}/"
SHORT = "dev"
#: Mixed case and a digit: found nowhere by chance in a payload.
ECHOED = "Ab3"


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


ECHOES = [
    "Authorization=Bearer+{t}",
    "Authorization%3A+Bearer+{t}",
    "authorization%3a%20Bearer%20{t}",
    "HTTP_AUTHORIZATION=Bearer {t} HTTP_HOST=auth",
    "Authorization: Bearer `{t}`",
    "Authorization: Bearer {t}\x00",
    "Authorization: Bearer {t}\x1b[0m",
    "seen: Bearer {t}\x1b[0m",
    "Authorization=Bearer+{t}&next=1",
]


@pytest.mark.parametrize(
    ("name", "token"),
    [(name, ECHOED) for name in ECHOES]
    # a long token after the scheme's word is an echo wherever it shows
    + [("Basic {t} login", TOKEN), ("Plex (Bearer {t})", TOKEN)],
)
def test_an_echoed_api_token_is_refused(
    twin: Twin, api: respx.MockRouter, name: str, token: str
) -> None:
    api.get(ENDPOINT).respond(200, json=plex_source(name=name.format(t=token)))
    with pytest.raises(UnexpectedResponse, match="contains your API token") as caught:
        twin.call("get", SLUG, options={"token": token, "max_retries": 0})
    assert token not in f"{caught.value} {caught.value!r} {vars(caught.value)!r}"


@pytest.mark.parametrize(
    "name",
    [
        "Bearer+{t} club",
        "Token {t}s",
        "Basic {t} login",
        "Plex Bearer {t} (old)",
        "my_authorization {t}",
    ],
)
def test_a_scheme_word_or_a_header_name_inside_a_name_is_no_echo(
    twin: Twin, api: respx.MockRouter, name: str
) -> None:
    api.get(ENDPOINT).respond(200, json=plex_source(name=name.format(t=ECHOED)))
    source_ = twin.call("get", SLUG, options={"token": ECHOED, "max_retries": 0})
    assert source_.name == name.format(t=ECHOED)


def test_get_refuses_an_api_token_echoed_form_encoded() -> None:
    with FixedServer([source(slug="echo", name=f"Authorization=Bearer+{ECHOED}")]) as fixed:
        code, out, err, _ = run_main(
            ["get", "echo"], url=fixed.url, env={"AUTHENTIK_TOKEN": ECHOED}
        )
    assert code != 0, out
    assert ECHOED not in out + err, out
