"""A stored secret an error writes where no syntax marks it as the value (review round 18):
in a JSON error item whose sibling names the field (drf-standardized-errors' ``attr``,
JSON:API's ``source.pointer``, RFC 9457's ``invalid-params`` ``name``/``reason``, Joi's
``path``/``message``), the token-like words of the message members are masked (the message
itself stays readable); after a secret's name and a word that is no value (SQL's ``LIKE``,
``mismatch:``, ``rejected``), the word stays and the token-like words of the line are masked.
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
#: A Plex token the server stores, never seen by the client before this answer.
STORED = "xQ3zR9pL2mN8vB7cD4fG"


SIBLING_BODIES = [
    # drf-standardized-errors (a DRF package authentik-style servers use): attr names the field
    pytest.param(
        {"type": "validation_error",
         "errors": [{"code": "invalid", "detail": STORED, "attr": "plex_token"}]},
        id="drf-standardized-errors-attr-detail",
    ),
    # JSON:API error objects: source.pointer names the field
    pytest.param(
        {"errors": [{"source": {"pointer": "/data/attributes/plex_token"}, "detail": STORED}]},
        id="jsonapi-pointer-detail",
    ),
    # Stripe-style: param names the field
    pytest.param({"param": "plex_token", "message": STORED}, id="param-message"),
    # RFC 7807/9457's own example extension: invalid-params [{name, reason}]
    pytest.param(
        {"invalid-params": [{"name": "plex_token", "reason": STORED}]}, id="rfc7807-name-reason"
    ),
    # Joi (Node): details [{message, path}]
    pytest.param({"details": [{"message": STORED, "path": ["plex_token"]}]}, id="joi-path"),
    pytest.param({"errors": [{"key": "plex_token", "message": STORED}]}, id="key-message"),
    pytest.param({"target": "plex_token", "got": STORED}, id="target-got"),
    pytest.param({"error": {"argument": "plex_token", "description": STORED}}, id="argument"),
    # the value quoted inside the message of a drf-standardized-errors item
    pytest.param(
        {"errors": [
            {"code": "invalid", "detail": f"'{STORED}' is not valid", "attr": "plex_token"}
        ]},
        id="drf-standardized-errors-quoted",
    ),
    # a member named after the secret beside the value given (review round 20)
    pytest.param({"plex_token": "invalid", "value": STORED}, id="secret-member-sibling-value"),
    pytest.param({"plex_token": ["invalid"], "input": STORED}, id="secret-member-sibling-input"),
    pytest.param({"errors": [{"plex_token": "invalid", "value": STORED}]}, id="nested-item"),
    pytest.param({"name": "plex_token", "val": STORED}, id="name-val"),
]  # fmt: skip


@pytest.mark.parametrize("body", SIBLING_BODIES)
def test_a_stored_token_in_a_message_beside_a_member_naming_its_field_is_masked(
    twin: Twin, api: respx.MockRouter, body: dict[str, Any]
) -> None:
    api.get(ENDPOINT).respond(400, content=json.dumps(body).encode(),
                              headers={"content-type": "application/json"})  # fmt: skip
    with pytest.raises(PlexSourceError) as caught:
        twin.call("get", SLUG, options={"max_retries": 0})
    assert STORED not in everything_shown(caught.value)


@pytest.mark.parametrize(
    "detail",
    [
        f"plex_token LIKE '{STORED}'",  # SQL: the keyword LIKE is masked, the value shown
        f"plex_token ILIKE '{STORED}'",
        f"plex_token eq {STORED}",
        # a word between the name and the value that is no grammar word: the word is masked
        f"plex_token mismatch: {STORED}",
        f"plex_token rejected {STORED}",
        f"plex_token starts with {STORED}",
        f"plex_token [redacted] {STORED}",
        f"token_hash mismatch for {STORED}",
    ],
)
def test_a_stored_token_after_its_name_and_a_word_that_is_no_value_is_masked(
    twin: Twin, api: respx.MockRouter, detail: str
) -> None:
    api.get(ENDPOINT).respond(400, json={"detail": detail})
    with pytest.raises(PlexSourceError) as caught:
        twin.call("get", SLUG, options={"max_retries": 0})
    assert STORED not in everything_shown(caught.value)


def test_the_command_line_masks_a_stored_token_after_its_name_in_sql() -> None:
    from .fixed_server import FixedServer, run_main, source

    with FixedServer([source(slug="locked")], {"locked": f"plex_token LIKE '{STORED}'"}) as server:
        code, out, err, _ = run_main(["get", "locked"], url=server.url)
    assert code != 0
    assert STORED not in out + err, err


@pytest.mark.parametrize(
    ("body", "shown"),
    [
        (
            {"errors": [{"attr": "plex_token", "detail": "This field may not be blank."}]},
            {"errors": [{"attr": "plex_token", "detail": "This field may not be blank."}]},
        ),
        (
            {"errors": [{"attr": "plex_token", "detail": f"'{STORED}' is not valid"}]},
            {"errors": [{"attr": "plex_token", "detail": "'***' is not valid"}]},
        ),
        (  # a name beside a message that names no secret
            {"name": "plex-eu", "detail": "Not found 2024-12-01T10:00:00Z"},
            {"name": "plex-eu", "detail": "Not found 2024-12-01T10:00:00Z"},
        ),
    ],
)
def test_a_message_beside_a_member_naming_a_secret_keeps_its_sentence(
    body: dict[str, Any], shown: dict[str, Any]
) -> None:
    from plex_source_client._secrets import mask_json, stored_secrets

    assert mask_json(body, ()) == shown
    assert STORED in stored_secrets(body) or STORED not in json.dumps(body)


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("plex_token is required", "plex_token is required"),
        ("plex_token LIKE 'abc' failed", "plex_token LIKE 'abc' failed"),
        ("plex_token secretvalue", "plex_token ***"),
        (f"plex_token {STORED} is invalid", "plex_token *** is invalid"),
        (f"plex_token LIKE '{STORED}'", "plex_token LIKE '***'"),
    ],
)
def test_a_word_after_a_secret_name_is_its_value_when_token_like_or_alone(
    text: str, masked: str
) -> None:
    from plex_source_client._secrets import mask_text

    assert mask_text(text, ()) == masked
