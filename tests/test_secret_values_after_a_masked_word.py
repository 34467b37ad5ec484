"""A stored token after a ``***`` that is not its value, on the line naming it: a reason a
rule masked (``{'plex_token': 'invalid', 'value': T}`` as text, logfmt, ``input:``, ``(got
T)``), a word after a quoted or bracketed name (``"plex_token": rejected value T``), the
client's own API token masked first or a ``***`` the server wrote (``plex_token rejected for
Bearer ***, got T``): masked in the masking, both clients (text and JSON bodies) and on the
command line (review round 21). PostgreSQL's key lists keep their other columns' values.
"""

from __future__ import annotations

import json

import pytest
import respx

from .conftest import Twin
from .fixed_server import API_TOKEN
from .payloads import TOKEN
from .shown import shown_by_failed_cli_get, shown_by_failed_get, text_masked_everywhere

STORED = "xQ3zR9pL2mN8vB7cD4fG"

# 1. A masked reason ends the window before the value given beside it.
SIBLING_VALUE_IN_TEXT = [
    pytest.param(f"{{'plex_token': 'invalid', 'value': '{STORED}'}}", id="python-dict-repr"),
    pytest.param(
        "<pre>" + json.dumps({"plex_token": "invalid", "value": STORED}) + "</pre>",
        id="json-in-an-html-page",
    ),
    pytest.param(f'plex_token="invalid" value="{STORED}"', id="logfmt"),
    pytest.param(f"plex_token: 'must be 40 hex characters', input: '{STORED}'", id="input"),
    pytest.param(f'plex_token: "invalid format" (got "{STORED}")', id="got-in-parentheses"),
    pytest.param(f"{{'plex_token': 'invalid', 'detail': 'got {STORED}'}}", id="detail"),
]

# 2. A quoted or bracketed name, then a word the rule takes for the value.
QUOTED_NAME_THEN_WORDS = [
    pytest.param(f'"plex_token": rejected value {STORED}', id="double-quoted"),
    pytest.param(f"'plex_token': rejected value [{STORED}]", id="single-quoted"),
    pytest.param(
        f"Field error in object 'plexSource' on field 'plexToken': rejected value [{STORED}]",
        id="on-field-rejected-value",
    ),
    pytest.param(f"[plex_token]: rejected {STORED}", id="bracketed"),
]

# 3. The client's own API token (masked first) between the name and the stored token.
API_TOKEN_BETWEEN = [
    pytest.param(f"plex_token rejected for Bearer {TOKEN}, got {STORED}", id="bearer-then-got"),
    pytest.param(f"the plex_token of the source owned by Bearer {TOKEN} is {STORED}", id="prose"),
]

# 3b. The server's own mask (it hid the caller's header itself) between them.
SERVER_MASK_BETWEEN = [
    pytest.param(f"plex_token rejected for Bearer ***, got {STORED}", id="bearer-masked"),
]


@pytest.mark.parametrize(
    "text", SIBLING_VALUE_IN_TEXT + QUOTED_NAME_THEN_WORDS + SERVER_MASK_BETWEEN
)
def test_a_stored_token_after_a_masked_first_word_is_masked_in_text(text: str) -> None:
    assert STORED not in text_masked_everywhere(text)


@pytest.mark.parametrize("text", SIBLING_VALUE_IN_TEXT + QUOTED_NAME_THEN_WORDS)
def test_both_clients_mask_it_in_a_text_body(twin: Twin, api: respx.MockRouter, text: str) -> None:
    shown = shown_by_failed_get(
        twin, api, 400, content=text.encode(), headers={"Content-Type": "text/plain"}
    )
    assert STORED not in shown


@pytest.mark.parametrize("text", SIBLING_VALUE_IN_TEXT + QUOTED_NAME_THEN_WORDS)
def test_both_clients_mask_it_in_a_json_detail(
    twin: Twin, api: respx.MockRouter, text: str
) -> None:
    assert STORED not in shown_by_failed_get(twin, api, 400, json={"detail": text})


@pytest.mark.parametrize("text", API_TOKEN_BETWEEN + SERVER_MASK_BETWEEN)
def test_both_clients_mask_a_stored_token_after_the_masked_api_token(
    twin: Twin, api: respx.MockRouter, text: str
) -> None:
    for answer in (
        {"json": {"detail": text}},
        {"content": text.encode(), "headers": {"Content-Type": "text/plain"}},
    ):
        shown = shown_by_failed_get(twin, api, 403, **answer)
        assert TOKEN not in shown
        assert STORED not in shown


@pytest.mark.parametrize(
    "text",
    [
        f"{{'plex_token': 'invalid', 'value': '{STORED}'}}",
        f"'plex_token': rejected value [{STORED}]",
        f"plex_token rejected for Bearer {API_TOKEN}, got {STORED}",
    ],
    ids=["sibling-value", "quoted-name", "api-token-between"],
)
def test_the_command_line_masks_these(text: str) -> None:
    out, err = shown_by_failed_cli_get({"detail": text})
    for shown in (out, err):
        assert API_TOKEN not in shown
        assert STORED not in shown


@pytest.mark.parametrize(
    "text",
    [
        f"plex_token: rejected value {STORED}",  # the name unquoted
        f"plex_token rejected for the caller, got {STORED}",  # nothing masked between
    ],
    ids=["unquoted-name", "no-api-token"],
)
def test_the_nearest_texts_without_a_mask_between_are_masked(text: str) -> None:
    assert STORED not in text_masked_everywhere(text)


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (
            f"Key (plex_token, slug)=({STORED}, plex-2) is not present in table.",
            "Key (plex_token, slug)=(***, plex-2) is not present in table.",
        ),
        (f"Key (plex_token ~> {STORED}", "Key (plex_token ~> ***"),  # no key list: read on
    ],
)
def test_postgresql_key_lists_keep_the_other_columns_values(text: str, masked: str) -> None:
    from plex_source_client._secrets import mask_text

    assert mask_text(text, ()) == masked
