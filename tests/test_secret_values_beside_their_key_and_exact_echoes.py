"""A stored secret beside a member named after it (``{"plex_token": "invalid", "value":
T}``, ``{"name": "plex_token", "val": T}``) is masked on the command line (the clients:
tests/test_secret_values_named_by_a_sibling_or_after_a_word.py), and a known secret holding
``# $ % & + @ \\ ^ ~`` echoed exactly shows none of its characters: the known secrets are
masked before the rules reading values run; a status or a code right after a secret's name
is no reason to stop reading its line (review round 20).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import respx

from plex_source_client import PlexSourceError

from .conftest import Twin
from .payloads import SLUG
from .shown import everything_shown

ENDPOINT = f"/sources/plex/{SLUG}/"
STORED = "xQ3zR9pL2mN8vB7cD4fG"

# An API token holding one of # $ % & + @ \ ^ ~ (printable ASCII: accepted), echoed EXACTLY
# by the server: a text rule masks from that character on before the exact match runs, so
# the exact match no longer finds the token and its first characters (up to 11, under the
# 12-character fragment rule) are shown in the error, its repr, the CLI's stderr.
PUNCTUATED = "Abc1SECRETx#Zq9Rm4Tk7Wp"


@pytest.mark.parametrize("mark", list("#$%&+@\\^~"))
def test_an_exact_echo_of_an_api_token_with_punctuation_shows_none_of_it(mark: str) -> None:
    import asyncio

    from plex_source_client import AsyncPlexSourceClient, PlexSourceClient

    from .raw_server import ScriptServer, reply

    token = PUNCTUATED.replace("#", mark)
    options: dict[str, Any] = {"token": token, "allow_insecure_http": True,
                               "server_version": "2024.8.2", "max_retries": 0,
                               "timeout": 3}  # fmt: skip
    shown: list[str] = []
    with ScriptServer(reply(400, json.dumps({"detail": token}).encode(), "Bad Request")) as server:
        try:
            PlexSourceClient(url=server.url, **options).get(SLUG)
        except PlexSourceError as error:
            shown.append(everything_shown(error))

        async def go() -> None:
            async with AsyncPlexSourceClient(url=server.url, **options) as client:
                await client.get(SLUG)

        try:
            asyncio.run(go())
        except PlexSourceError as error:
            shown.append(everything_shown(error))
    assert len(shown) == 2
    for text in shown:
        assert "Abc1SECRETx" not in text, text[:300]


@pytest.mark.parametrize("mark", list("#&+"))
def test_an_exact_echo_of_a_sent_plex_token_with_punctuation_shows_none_of_it(mark: str) -> None:
    from plex_source_client import PlexSourceClient

    from .raw_server import ScriptServer, reply

    plex = PUNCTUATED.replace("#", mark)
    body = json.dumps({"detail": f"unknown value {plex}"}).encode()
    with ScriptServer(reply(400, body, "Bad Request")) as server:
        client = PlexSourceClient(url=server.url, token="tok-api-1234567890",
                                  allow_insecure_http=True, server_version="2024.8.2",
                                  max_retries=0, timeout=3)  # fmt: skip
        with pytest.raises(PlexSourceError) as caught:
            client.update(SLUG, plex_token=plex)
    assert "Abc1SECRETx" not in everything_shown(caught.value)


@pytest.mark.parametrize(
    "body",
    [
        {"plex_token": "invalid", "value": STORED},
        {"errors": [{"name": "plex_token", "val": STORED}]},
    ],
    ids=["sibling-value", "name-val"],
)
def test_the_command_line_masks_these_stored_tokens(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], body: object
) -> None:
    from plex_source_client.cli import main

    from .raw_server import ScriptServer, reply

    monkeypatch.setenv("AUTHENTIK_TOKEN", "tok-SECRET-api-1234567890")
    monkeypatch.setenv("AUTHENTIK_SERVER_VERSION", "2024.8.2")
    with ScriptServer(reply(400, json.dumps(body).encode(), "Bad Request")) as server:
        monkeypatch.setenv("AUTHENTIK_URL", server.url)
        main(["get", SLUG, "--max-retries", "0"])
    captured = capsys.readouterr()
    assert STORED not in captured.out + captured.err, captured.err


# A status or a code right after a secret's name, taken by a rule for the value (``plex_token:
# 401 Unauthorized T``): the rest of the line is read on, its token-like words masked.
AFTER_A_CODE = [
    pytest.param(f"plex_token: 401 Unauthorized {STORED}", id="status-then-token"),
    pytest.param(f"plex_token: HTTP 401 {STORED}", id="http-status-then-token"),
    pytest.param(f"plex_token: error 401: {STORED}", id="error-code-then-token"),
    pytest.param(f"plex_token: status=401 value={STORED}", id="status-pair-then-value-pair"),
    pytest.param(f"plex_token: v2 {STORED}", id="version-then-token"),
]


@pytest.mark.parametrize("detail", AFTER_A_CODE)
def test_a_stored_token_after_a_code_word_is_masked(
    twin: Twin, api: respx.MockRouter, detail: str
) -> None:
    api.get(ENDPOINT).respond(400, content=json.dumps({"detail": detail}).encode(),
                              headers={"content-type": "application/json"})  # fmt: skip
    with pytest.raises(PlexSourceError) as caught:
        twin.call("get", SLUG, options={"max_retries": 0})
    assert STORED not in everything_shown(caught.value)


@pytest.mark.parametrize("detail", AFTER_A_CODE)
def test_a_stored_token_after_a_code_word_in_plain_text_is_masked(
    twin: Twin, api: respx.MockRouter, detail: str
) -> None:
    api.get(ENDPOINT).respond(502, content=detail.encode(), headers={"content-type": "text/plain"})
    with pytest.raises(PlexSourceError) as caught:
        twin.call("get", SLUG, options={"max_retries": 0})
    assert STORED not in everything_shown(caught.value)
