"""A JSON error body may name a secret in one member and hold it in another: pydantic's
``{"loc": ["body", "plex_token"], "input": T}``, HAR's and Kubernetes' ``{"name":
"X-Plex-Token", "value": T}``, ``{"param": "plex_token", "given": T}``. The value is masked
in every place an error shows (message, repr, ``.body``, pickle, log records, the CLI), and
so is its repeat elsewhere in the same answer; what names the field and what says what was
wrong stay shown. A resource's display name (``plex-token-login``) names none of its fields.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
from typing import Any

import pytest
import respx

from plex_source_client import BadRequest, PlexSourceError
from plex_source_client._secrets import MASK, mask_json, redact_json, stored_secrets
from plex_source_client.cli import main

from .conftest import Twin
from .payloads import SLUG, plex_source
from .raw_server import ScriptServer, reply
from .shown import everything_shown

ENDPOINT = f"/sources/plex/{SLUG}/"
#: A Plex token the server stores, unknown to the client: masked only by what names it.
STORED = "Zq9XvT3kLm8NpR2wYs6B"

BODIES: dict[str, Any] = {
    "pydantic-loc-input": {
        "detail": [
            {
                "type": "string_too_long",
                "loc": ["body", "plex_token"],
                "msg": "bad",
                "input": STORED,
            }
        ]
    },
    "pydantic-loc-list-item": {
        "detail": [{"type": "x", "loc": ["body", "plex_token", 0], "msg": "bad", "input": STORED}]
    },
    "har-header": {"request": {"headers": [{"name": "X-Plex-Token", "value": STORED}]}},
    "k8s-env": {"env": [{"name": "PLEX_TOKEN", "value": STORED}]},
    "key-value": {"params": [{"key": "plex_token", "value": STORED}]},
    "field-value": {"errors": [{"field": "plex_token", "value": STORED}]},
    "param-given": {"param": "plex_token", "given": STORED},
    "json-pointer": {"errors": [{"pointer": "/data/attributes/plex_token", "value": STORED}]},
    "dotted-path": {"errors": [{"path": "source.plex_token", "received": STORED}]},
    "ajv-instance-path": {"instancePath": "/plexToken", "data": STORED, "message": "bad"},
    "joi-context": {
        "details": [
            {
                "message": "bad",
                "path": ["plex_token"],
                "context": {"label": "plex_token", "value": STORED},
            }
        ]
    },
    "nested-value": {"name": "plex_token", "value": {"given": [STORED]}},
    "settings-label": {"settings": [{"label": "API Token", "value": STORED}]},
}


@pytest.mark.parametrize("body", list(BODIES.values()), ids=list(BODIES))
def test_json_error_body_masks_a_value_named_by_a_sibling_field(
    twin: Twin, api: respx.MockRouter, caplog: pytest.LogCaptureFixture, body: Any
) -> None:
    caplog.set_level(logging.DEBUG)
    api.get(ENDPOINT).respond(400, json=body)
    with pytest.raises(PlexSourceError) as caught:
        twin.call("get", SLUG, options={"max_retries": 0})
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert STORED not in everything_shown(caught.value), str(caught.value)
    assert STORED not in logged, logged


def test_a_value_named_by_a_sibling_is_masked_where_the_same_answer_repeats_it(
    twin: Twin, api: respx.MockRouter
) -> None:
    """The repeat in another member (no key names it) and in the request id (with other
    text around it, so not the body's own repeat) is masked as a stored value.
    """
    body = {
        "detail": [{"loc": ["body", "plex_token"], "msg": "Invalid token.", "input": STORED}],
        "hint": f"the server saw {STORED} in the form",
    }
    api.get(ENDPOINT).respond(400, json=body, headers={"X-Authentik-Id": f"id-{STORED}"})
    with pytest.raises(BadRequest) as caught:
        twin.call("get", SLUG, options={"max_retries": 0})
    assert STORED not in everything_shown(caught.value), str(caught.value)
    assert caught.value.body["hint"] == f"the server saw {MASK} in the form"
    assert caught.value.request_id == f"id-{MASK}"


def test_what_names_the_field_and_says_what_was_wrong_stays_shown() -> None:
    """Only the given value is masked: the name (even under ``key``, which otherwise names a
    secret itself), the message, its type and its documentation link are what a reader needs.
    """
    pydantic = {
        "type": "string_too_long",
        "loc": ["body", "plex_token"],
        "msg": "String should have at most 3 characters",
        "input": STORED,
        "ctx": {"max_length": 3},
        "url": "https://errors.pydantic.dev/2.9/v/string_too_long",
    }
    assert mask_json(pydantic, stored_secrets(pydantic)) == {**pydantic, "input": MASK, "ctx": MASK}
    pair = {"key": "plex_token", "value": STORED}
    assert mask_json(pair, stored_secrets(pair)) == {"key": "plex_token", "value": MASK}
    assert stored_secrets(pair) == (STORED,)


def test_a_json_api_source_pointer_shows_the_error_as_it_is() -> None:
    """JSON:API names the field in ``source.pointer``, an object of its own: nothing beside it
    holds a value, and the error's detail stays shown.
    """
    body = {
        "errors": [
            {
                "status": "422",
                "source": {"pointer": "/data/attributes/plex_token"},
                "title": "Invalid Attribute",
                "detail": "must be 20 characters",
            }
        ]
    }
    assert mask_json(body, stored_secrets(body)) == body


@pytest.mark.parametrize(
    "body",
    [
        # a request's URL (Spring's error body): a folder, no field
        {"path": "/api/v3/core/tokens/", "status": 400, "timestamp": "2026-12-04T09:00:00Z"},
        # a field under a secret-named list: the pointer names the field, not the list
        {"pointer": "/data/tokens/0/expires", "value": "2026-12-04T09:00:00Z"},
        {"loc": ["body", "tokens", 0, "expires"], "input": "2026-12-04T09:00:00Z"},
    ],
    ids=["url-folder", "pointer-into-a-list", "loc-into-a-list"],
)
def test_a_path_names_the_field_of_its_last_step(body: dict[str, Any]) -> None:
    assert mask_json(body, stored_secrets(body)) == body
    assert stored_secrets(body) == ()


@pytest.mark.parametrize(
    "name", ["plex-token-login", "Passwordless", "Plex Token login", "Plex (Bearer dev)"]
)
def test_a_display_name_is_no_field_name(twin: Twin, api: respx.MockRouter, name: str) -> None:
    """A source's ``name`` holding a secret's word (no ``value`` beside it, as a name/value
    pair has) does not mask the source's other fields, in an error body or a source's repr.
    """
    source = plex_source(name=name, slug="passwordless")
    assert stored_secrets(source) == (source["plex_token"],)
    masked = mask_json(source, ())
    assert masked["slug"] == "passwordless"
    assert masked["client_id"] == source["client_id"]
    assert redact_json(source, ())["slug"] == "passwordless"
    api.get(ENDPOINT).respond(200, json=source)
    got = twin.call("get", SLUG, options={"token": "test-api-token-4f1c9d", "max_retries": 0})
    assert "slug='passwordless'" in repr(got), repr(got)
    assert "client_id='plex-client-id'" in repr(got), repr(got)


def test_cli_get_masks_a_stored_plex_token_in_a_pydantic_input_echo(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The CLI's error line for a 400 whose body is a pydantic validation error."""
    server = ScriptServer(reply(400, json.dumps(BODIES["pydantic-loc-input"]).encode()))
    monkeypatch.setenv("AUTHENTIK_URL", server.url)
    monkeypatch.setenv("AUTHENTIK_TOKEN", "test-api-token-4f1c9d")
    monkeypatch.setenv("AUTHENTIK_SERVER_VERSION", "2024.8.2")
    out, err = io.StringIO(), io.StringIO()
    with server, contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["get", SLUG, "--max-retries", "0"])
    assert code != 0
    assert STORED not in out.getvalue() + err.getvalue(), err.getvalue()
    assert "plex_token" in err.getvalue(), err.getvalue()
