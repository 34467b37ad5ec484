"""Secrets a server echoes back where plain masking could miss them: as JSON keys, with
spaces around a sent Plex token, in a 2xx answer, escaped or oddly written, and a proxy's
password as Basic credentials.
"""

from __future__ import annotations

import pytest
import respx

from plex_source_client import (
    BadRequest,
    PlexSourceError,
    ServerError,
    UnexpectedResponse,
)
from plex_source_client._secrets import mask_text

from .conftest import Twin
from .payloads import PLEX_TOKEN, SLUG, TOKEN, plex_source
from .scripted_server import Reply, ScriptedServer

ENDPOINT = f"/sources/plex/{SLUG}/"


def shown(error: BaseException) -> str:
    return f"{error} {error!r} {getattr(error, 'body', '')} {getattr(error, 'errors', '')}"


def test_secrets_echoed_as_keys_are_masked(twin: Twin, api: respx.MockRouter) -> None:
    api.patch(ENDPOINT).respond(400, json={TOKEN: ["x"], PLEX_TOKEN: ["y"]})
    with pytest.raises(BadRequest) as caught:
        twin.update(SLUG, options={"max_retries": 0}, plex_token=PLEX_TOKEN, enabled=True)
    assert TOKEN not in shown(caught.value)
    assert PLEX_TOKEN not in shown(caught.value)


def test_a_sent_plex_token_with_spaces_is_masked_trimmed_too(
    twin: Twin, api: respx.MockRouter
) -> None:
    api.patch(ENDPOINT).respond(400, json={"non_field_errors": [f"token {PLEX_TOKEN} invalid"]})
    with pytest.raises(BadRequest) as caught:
        twin.update(SLUG, plex_token=f"  {PLEX_TOKEN}\n", enabled=True)
    assert PLEX_TOKEN not in shown(caught.value)


def test_an_answer_carrying_the_api_token_is_refused(twin: Twin, api: respx.MockRouter) -> None:
    api.patch(ENDPOINT).respond(200, json=plex_source(name=TOKEN))
    with pytest.raises(UnexpectedResponse, match="contains your API token") as caught:
        twin.update(SLUG, enabled=True)
    assert TOKEN not in shown(caught.value)


@pytest.mark.parametrize(
    "text",
    [
        "<pre>data = {&quot;plex_token&quot;: &quot;STORED-secret-789&quot;}</pre>",
        '{"plex_\\u0074oken": "STORED-secret-789"',
        '{"plex_token": ["STORED-secret-789"',
        '{"plex_token": {"value": "STORED-secret-789"}}',
        "X-Authentik-Id: plex_token STORED-secret-789",
        "plex_token\tSTORED-secret-789",
        "plex-token -> STORED-secret-789",
        "plex_token%22%3A%22STORED-secret-789",
        "Proxy-Authorization: Basic U1RPUkVELXNlY3JldC03ODk=",
    ],
)
def test_escaped_and_odd_forms_of_secret_keys_are_masked(text: str) -> None:
    masked = mask_text(text, ())
    assert "STORED-secret-789" not in masked
    assert "U1RPUkVELXNlY3JldC03ODk" not in masked


def test_the_proxy_password_never_shows_even_as_basic_credentials(socket_twin: Twin) -> None:
    password = "pw-SECRET-proxy-31337"
    import base64

    basic = base64.b64encode(f"user:{password}".encode()).decode()
    echo = f"proxy says: Proxy-Authorization: Basic {basic} / {basic}".encode()
    reply = Reply(502, body=echo, headers={"Content-Type": "text/plain"})
    with ScriptedServer(reply) as proxy, pytest.raises(ServerError) as caught:
        socket_twin.update(
            SLUG,
            options={
                "url": "http://127.0.0.1:9",
                "proxy": proxy.url.replace("http://", f"http://user:{password}@"),
                "max_retries": 0,
            },
            enabled=False,
        )
    assert basic not in shown(caught.value)
    assert password not in shown(caught.value)


@pytest.mark.parametrize(
    ("token", "decoded"),
    [
        ("k3y%2Fab%3Dcd%26ef%3Fgh", "k3y/ab=cd&ef?gh"),
        ("ghijklmnopq%41bc", "ghijklmnopqAbc"),
        ("ab&amp;cdefghijkl&lt;mn", "ab&cdefghijkl<mn"),
    ],
)
def test_a_token_holding_escape_like_text_is_masked_raw_and_decoded(
    twin: Twin, api: respx.MockRouter, token: str, decoded: str
) -> None:
    """An API token (printable ASCII, accepted) that holds ``%XX`` or ``&name;`` text, echoed
    in a 403's ``detail`` as written and decoded (``k3y/ab=cd&ef?gh``, one step from the
    token): masked in both forms.
    """
    api.get(ENDPOINT).respond(403, json={"detail": f"Token {token} invalid, read {decoded}"})
    with pytest.raises(PlexSourceError) as caught:
        twin.call("get", SLUG, options={"token": token, "max_retries": 0})
    error = caught.value
    shown = str(error) + repr(error) + repr(vars(error))
    assert token not in shown
    assert decoded not in shown, str(error)[-120:]


@pytest.mark.parametrize(
    ("reason", "headers"),
    [
        (TOKEN, {}),
        ("OK", {"X-Echo-Authorization": f"Bearer {TOKEN}"}),
        ("OK", {"Set-Cookie": f"session={TOKEN}; Path=/"}),
        ("OK", {f"X-{TOKEN}": "1"}),
        ("OK", {"Location": f"/login?next=%2F&t={TOKEN.replace('-', '%2D')}"}),  # URL-escaped
    ],
    ids=["reason-phrase", "header-credential", "header-value", "header-name", "escaped"],
)
def test_a_2xx_carrying_the_api_token_outside_its_body_is_refused(
    twin: Twin, api: respx.MockRouter, reason: str, headers: dict[str, str]
) -> None:
    """The status line and the headers are the answer too: a RawResponse keeps them (its
    ``http_response`` repr shows the reason phrase, ``headers`` every header).
    """
    import httpx

    api.patch(ENDPOINT).mock(
        return_value=httpx.Response(
            200, json=plex_source(), headers=headers, extensions={"reason_phrase": reason.encode()}
        )
    )
    with pytest.raises(UnexpectedResponse, match="contains your API token") as caught:
        twin.call("update_raw", SLUG, {"name": "x"})
    assert TOKEN not in shown(caught.value)


def test_a_short_api_token_counts_outside_the_body_only_as_a_credential(
    twin: Twin, api: respx.MockRouter
) -> None:
    """A 3-letter token's letters in a header (``Server: abc``) are no echo; ``Bearer abc``
    in one is.
    """
    import httpx

    def answer(headers: dict[str, str]) -> httpx.Response:
        return httpx.Response(200, json=plex_source(), headers=headers)

    api.patch(ENDPOINT).mock(
        side_effect=[answer({"Server": "abc", "Vary": "abc"}), answer({"X-Echo": "Bearer abc"})]
    )
    options = {"token": "abc", "max_retries": 0}
    assert twin.call("update_raw", SLUG, {"name": "x"}, options=options).status_code == 200
    with pytest.raises(UnexpectedResponse, match="contains your API token"):
        twin.call("update_raw", SLUG, {"name": "x"}, options=options)
