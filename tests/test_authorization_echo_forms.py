"""A 2xx answer echoing a short API token as an ``Authorization`` header is refused, however
the echo writes the header (review round 16): form- or URL-encoded
(``Authorization=Bearer+tok``, ``Authorization%3A+Bearer+tok``), as a server's environment
names it (``HTTP_AUTHORIZATION=``), in a code span, before a control character or a
terminal's color sequence. A scheme's word inside a name stays a name.
"""

from __future__ import annotations

import pytest
import respx

from plex_source_client import PlexSourceError

from .conftest import Twin
from .fixed_server import FixedServer, run_main, source
from .payloads import SLUG, plex_source

ENDPOINT = f"/sources/plex/{SLUG}/"
SHORT = "Ab3"

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


@pytest.mark.parametrize("name", ECHOES)
def test_an_authorization_echo_of_a_short_api_token_in_any_encoding_is_refused(
    twin: Twin, api: respx.MockRouter, name: str
) -> None:
    api.get(ENDPOINT).respond(200, json=plex_source(name=name.format(t=SHORT)))
    with pytest.raises(PlexSourceError, match="your API token") as caught:
        twin.call("get", SLUG, options={"token": SHORT, "max_retries": 0})
    assert SHORT not in f"{caught.value} {caught.value!r} {vars(caught.value)!r}"


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
    api.get(ENDPOINT).respond(200, json=plex_source(name=name.format(t=SHORT)))
    source_ = twin.call("get", SLUG, options={"token": SHORT, "max_retries": 0})
    assert source_.name == name.format(t=SHORT)


def test_get_refuses_an_api_token_echoed_form_encoded() -> None:
    with FixedServer([source(slug="echo", name=f"Authorization=Bearer+{SHORT}")]) as fixed:
        code, out, err, _ = run_main(["get", "echo"], url=fixed.url, env={"AUTHENTIK_TOKEN": SHORT})
    assert code != 0, out
    assert SHORT not in out + err, out
