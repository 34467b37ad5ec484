"""A secret the server stores (``plex_token``'s value) is masked wherever the same answer
repeats it, not only under its own key: in a PlexSource's repr/str/HTML and its masked copy
(``NotApplied.source``), in ``UnexpectedResponse.body``, and in a 4xx error's message and
body. (Red team round 5, issue 18: each of the first three tests failed before the fix.)
JSON repeating a key is not authentik's: read as text, every stored value is masked.
"""

from __future__ import annotations

import json
import pickle
from typing import Any

import pytest
import respx

from plex_source_client import (
    BadRequest,
    NotApplied,
    PlexSourceError,
    PolicyEngineMode,
    UnexpectedResponse,
    _models,
    _secrets,
)
from plex_source_client._answers import DuplicateKey, parse_json
from plex_source_client._answers import errors as answer_errors
from plex_source_client._models import PlexSource, masked_source
from plex_source_client._secrets import stored_secrets

from .conftest import Twin
from .payloads import SLUG, plex_source

STORED = "plexTOKEN-abcdefghijklmnop-XYZ"  # the Plex token the server stores
ENDPOINT = f"/sources/plex/{SLUG}/"


def _echoing(where: str, value: str = STORED) -> dict[str, Any]:
    """A source storing ``value`` as its Plex token and repeating it in ``where``."""
    data = plex_source(plex_token=value)
    if where == "additional_properties":
        data["legacy"] = {"copy": value}
    else:
        data[where] = value
    return data


@pytest.mark.parametrize(
    "where",
    ["name", "user_path_template", "additional_properties", "policy_engine_mode"],
)
def test_source_repr_str_html_show_its_stored_plex_token_echoed_elsewhere(where: str) -> None:
    """``repr()`` masked ``plex_token`` but printed the same value in ``name`` (also ``str()``),
    another string field, a non-secret key of additional_properties, or an enum's UNKNOWN value.
    """
    source = PlexSource.from_dict(_echoing(where))
    shown = repr(source) + str(source) + source._repr_html_()
    assert STORED not in shown, shown
    assert "***" in repr(source).replace("plex_token='***'", "")  # masked where echoed


@pytest.mark.parametrize(
    "where", ["name", "user_path_template", "additional_properties", "policy_engine_mode"]
)
def test_masked_copy_masks_the_stored_token_where_it_is_echoed(where: str) -> None:
    """``masked_source`` (what ``NotApplied.source`` keeps) masked only the secret fields: its
    echo in another field stayed, in its attributes, to_dict() and pickle. An enum's unknown
    value stays a member of its enum, so the copy is still a well-typed source.
    """
    source = PlexSource.from_dict(_echoing(where))
    masked = masked_source(source)
    assert STORED not in json.dumps(masked.to_dict())
    assert STORED.encode() not in pickle.dumps(masked)
    assert isinstance(masked.policy_engine_mode, PolicyEngineMode)
    assert source.to_dict() == _echoing(where)  # the original is left as it is


def test_not_applied_source_masks_the_stored_token_echoed_in_its_name(
    twin: Twin, api: respx.MockRouter
) -> None:
    api.patch(ENDPOINT).respond(200, json=_echoing("name"))
    with pytest.raises(NotApplied) as caught:
        twin.update(SLUG, options={"server_version": None, "max_retries": 0}, promoted=True)
    error = caught.value
    assert error.source.name == "***"
    assert STORED.encode() not in pickle.dumps(error)
    assert STORED not in repr(error.source) + str(error)


def test_a_short_stored_value_is_masked_only_where_it_stands_alone() -> None:
    """A short stored token (``abc``) is masked as a whole value, never inside a word."""
    data = plex_source(plex_token="abc", name="abc", user_path_template="goauthentik.io/abcd")
    source = PlexSource.from_dict(data)
    assert "name='***'" in repr(source)
    assert "user_path_template='goauthentik.io/abcd'" in repr(source)


@pytest.mark.parametrize("field", ["enabled", "pk", "allowed_servers", "user_property_mappings"])
def test_unexpected_response_body_keeps_the_stored_plex_token_of_a_mistyped_field(
    twin: Twin, api: respx.MockRouter, field: str
) -> None:
    """A 2xx answer whose ``field`` (wrong type) holds the stored Plex token: ``.body`` masked
    the ``plex_token`` key's value and showed the very same value in ``field``.
    """
    data = plex_source(plex_token=STORED)
    data[field] = STORED
    api.get(ENDPOINT).respond(200, content=json.dumps(data).encode())
    with pytest.raises(UnexpectedResponse) as caught:
        twin.call("get", SLUG, options={"max_retries": 0})
    error = caught.value
    assert '"plex_token": "***"' in error.body  # masked under its own key...
    assert STORED not in error.body  # ...and where it is echoed
    assert STORED not in str(error)


def test_unexpected_response_body_masks_a_short_stored_token_standing_alone(
    twin: Twin, api: respx.MockRouter
) -> None:
    """A short stored token (5 characters: too short to be masked as a repeat of a value
    found after its key in text) repeated as a mistyped field's whole value: masked there too,
    from the JSON's stored values (a word holding it is left alone)."""
    data = plex_source(plex_token="s3cr5", user_path_template="goauthentik.io/s3cr5x")
    data["enabled"] = "s3cr5"
    api.get(ENDPOINT).respond(200, content=json.dumps(data).encode())
    with pytest.raises(UnexpectedResponse) as caught:
        twin.call("get", SLUG, options={"max_retries": 0})
    body = caught.value.body
    assert '"enabled": "***"' in body
    assert "goauthentik.io/s3cr5x" in body


@pytest.mark.parametrize(
    "body",
    [
        {"plex_token": STORED, "name": [f"{STORED} is not valid"]},
        {"plex_token": STORED, "non_field_errors": [f"plex token {STORED} rejected"]},
        {"detail": "bad", "errors": [{"plex_token": STORED}, {"name": f"{STORED} is taken"}]},
    ],
)
def test_error_body_masks_plex_token_key_but_prints_its_value_in_another_field(
    twin: Twin, api: respx.MockRouter, body: dict[str, object]
) -> None:
    """A 400 whose JSON masks ``plex_token`` (its key) yet quotes the same value in another
    field: the error's message (str) and ``.body`` both showed it.
    """
    api.get(ENDPOINT).respond(400, content=json.dumps(body).encode())
    with pytest.raises(BadRequest) as caught:
        twin.call("get", SLUG, options={"max_retries": 0})
    error = caught.value
    assert "plex_token: ***" in str(error)
    assert STORED not in str(error), str(error)
    assert STORED not in repr(error.body), error.body
    assert "***" in repr(error.body)


def test_stored_secrets_collects_values_under_secret_named_keys_at_any_depth() -> None:
    value = {
        "plex_token": " padded ",
        "name": "not-a-secret",
        "nested": [{"client_secret": ["a-1", {"x": "b-2"}]}, {"password": ""}],
        "api_key": 42,
    }
    assert set(stored_secrets(value)) == {" padded ", "padded", "a-1", "b-2"}
    assert stored_secrets(["plex_token", "x"]) == ()  # a key's name as a value is no secret


def test_a_successful_update_does_not_walk_the_answer_for_stored_secrets(
    twin: Twin, api: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Collecting stored values costs a walk of the answer: only where it is masked or shown
    (an error, a repr), never on update()'s hot path.
    """

    def refuse(value: Any) -> tuple[str, ...]:
        raise AssertionError("stored_secrets called on a successful call")

    for module, name in (
        (_secrets, "stored_secrets"),
        (_models, "stored_secrets"),
        (answer_errors, "json_stored_secrets"),
    ):
        monkeypatch.setattr(module, name, refuse)
    api.patch(ENDPOINT).respond(200, json=plex_source(plex_token=STORED, name=STORED))
    source = twin.update(SLUG, options={"max_retries": 0}, enabled=True)
    assert source.plex_token == STORED


def _repeating_the_key(status: int) -> str:
    """JSON storing :data:`STORED` under ``plex_token``, repeating it in ``name``, then giving
    ``plex_token`` again with another value (``json.loads`` keeps only that last one).
    """
    if status == 200:
        source = json.dumps(plex_source(name=STORED))
        return f'{source[:-1]}, "plex_token": "{STORED}", "plex_token": "another-value"}}'
    return f'{{"plex_token": "{STORED}", "name": ["{STORED} is taken"], "plex_token": "x"}}'


@pytest.mark.parametrize("status", [200, 400, 500])
def test_json_repeating_a_key_is_not_authentiks_and_hides_every_stored_value(
    twin: Twin, api: respx.MockRouter, status: int
) -> None:
    """authentik's JSON never repeats a key; JSON that does is not read as JSON (a 2xx is an
    :class:`UnexpectedResponse`, an error keeps its body as masked text), so a value stored
    under the first ``plex_token`` is not forgotten, and is masked where the body repeats it.
    (Red team round 9, issue 18: the 200's source repr and the 400's/500's message showed it.)
    """
    api.get(ENDPOINT).respond(
        status,
        content=_repeating_the_key(status).encode(),
        headers={"Content-Type": "application/json"},
    )
    with pytest.raises(PlexSourceError) as caught:
        twin.call("get", SLUG, options={"max_retries": 0})
    error = caught.value
    if status == 200:
        assert isinstance(error, UnexpectedResponse)
        assert "repeats a key" in str(error)
    shown = str(error) + repr(error) + repr(vars(error))
    assert STORED not in shown, shown[:300]
    assert "***" in repr(error.body)  # type: ignore[attr-defined]


def test_parse_json_refuses_a_repeated_key_at_any_depth() -> None:
    assert parse_json(b'{"a": {"b": 1, "c": 2}, "d": [{"b": 1}]}') == {
        "a": {"b": 1, "c": 2},
        "d": [{"b": 1}],
    }
    for text in (b'{"a": 1, "a": 1}', b'[{"x": {"k": 1, "k": 2}}]'):
        with pytest.raises(DuplicateKey):
            parse_json(text)


def test_html_caption_masks_a_slug_repeating_the_stored_token(
    twin: Twin, api: respx.MockRouter
) -> None:
    """The notebook table's caption (``PlexSource <slug>``) masks the slug as its row does.
    (Red team round 9, issue 18: the caption was built from the raw slug.)
    """
    api.get(ENDPOINT).respond(200, json=plex_source(plex_token=STORED, slug=STORED))
    source = twin.call("get", SLUG, options={"max_retries": 0})
    html = source._repr_html_()
    assert STORED not in html, html[:120]
    assert html.startswith("<table><caption>PlexSource ***</caption>"), html[:120]


NUMERIC = 918273645546372819


def test_a_numeric_stored_secret_repeated_in_name_is_masked_in_a_source(
    twin: Twin, api: respx.MockRouter
) -> None:
    """A newer server's ``api_key`` stored as a JSON number (a numeric key or PIN), its
    digits repeated as the ``name``: masked there too in the source's repr, str and HTML."""
    data = plex_source(name=str(NUMERIC))
    data["api_key"] = NUMERIC
    api.get(ENDPOINT).respond(200, json=data)
    source = twin.call("get", SLUG, options={"max_retries": 0})
    shown = repr(source) + str(source) + source._repr_html_()
    assert str(NUMERIC) not in shown, shown[:400]


def test_a_numeric_stored_secret_repeated_in_a_400_message_is_masked(
    twin: Twin, api: respx.MockRouter
) -> None:
    """A 400 body ``{"client_secret": <number>, "name": ["<number> is not a valid name."]}``:
    the number is masked in the message quoting it too (message and ``.errors``)."""
    api.get(ENDPOINT).respond(
        400, json={"client_secret": NUMERIC, "name": [f"{NUMERIC} is not a valid name."]}
    )
    with pytest.raises(PlexSourceError) as caught:
        twin.call("get", SLUG, options={"max_retries": 0})
    shown = str(caught.value) + repr(vars(caught.value))
    assert str(NUMERIC) not in shown, shown[:400]
