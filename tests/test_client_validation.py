"""Validation before I/O: every spec constraint, every problem at once, nothing sent."""

from __future__ import annotations

from typing import Any

import pytest
import respx

from plex_source_client import InvalidRequest

from .conftest import Twin
from .payloads import PLEX_TOKEN, SLUG, plex_source

SLUG_MESSAGE = 'Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.'
BLANK = "This field may not be blank."

BAD_VALUES: list[tuple[str, Any, str]] = [
    ("name", "", BLANK),
    ("name", "   ", BLANK),
    ("name", 5, "Must be a string, got a number."),
    ("name", None, "May not be null: only authentication_flow and enrollment_flow can be"),
    ("name", "a\x00b", "Null characters are not allowed."),
    ("name", " \x00 ", "Null characters are not allowed."),
    ("name", "a\ud800b", "Holds a lone surrogate (such as \\ud800), which is not text"),
    ("allowed_servers", ["\udfff"], "Item 0: Holds a lone surrogate"),
    ("plex_token", "\udc80tok", "Holds a lone surrogate"),
    ("new_slug", "", BLANK),
    ("new_slug", "has space", SLUG_MESSAGE),
    ("new_slug", "x" * 51, "Ensure this field has no more than 50 characters."),
    ("new_slug", "o k\n", SLUG_MESSAGE),  # trimmed first: the inner space is the problem
    ("new_slug", "ok\x00", "Null characters are not allowed."),
    ("new_slug", "ünïcode", SLUG_MESSAGE),
    ("enabled", "false", 'Must be true or false, got the string "false".'),
    ("enabled", 0, "Must be true or false, got a number."),
    ("enabled", None, "May not be null"),
    ("authentication_flow", "not-a-uuid", '"not-a-uuid" is not a valid UUID.'),
    ("authentication_flow", 42, "Must be a UUID, got a number."),
    ("user_property_mappings", "abc", "Must be a list, got a single string"),
    ("user_property_mappings", ["nope"], 'Item 0: "nope" is not a valid UUID.'),
    ("group_property_mappings", {"a"}, "Must be a list, got a set."),
    ("group_property_mappings", None, "May not be null"),
    ("policy_engine_mode", "bogus", '"bogus" is not a valid choice. Choose one of: all, any.'),
    ("policy_engine_mode", 1, "Must be one of: all, any; got a number."),
    ("user_matching_mode", "name_link", '"name_link" is not a valid choice.'),
    ("group_matching_mode", "email_link", '"email_link" is not a valid choice.'),
    ("user_path_template", "", BLANK),
    ("user_path_template", "a\x00", "Null characters are not allowed."),
    ("client_id", "", BLANK),
    ("client_id", "\x00", "Null characters are not allowed."),
    ("allowed_servers", "abc123", "Must be a list, got a single string"),
    ("allowed_servers", ["ok", ""], "Item 1: " + BLANK),
    ("allowed_servers", [1], "Item 0: Must be a string, got a number."),
    ("allowed_servers", ["ok", "a\x00"], "Item 1: Null characters are not allowed."),
    ("allowed_servers", ["  "], "Item 0: " + BLANK),
    ("allow_friends", "yes", 'Must be true or false, got the string "yes".'),
    ("plex_token", "", BLANK),
    ("plex_token", "tok\x00en", "Null characters are not allowed."),
    ("plex_token", None, "May not be null"),
]


@pytest.mark.parametrize(("field", "value", "message"), BAD_VALUES)
def test_bad_value_is_rejected_before_io(
    twin: Twin, api: respx.MockRouter, field: str, value: Any, message: str
) -> None:
    route = api.patch(f"/sources/plex/{SLUG}/").respond(200, json=plex_source())
    with pytest.raises(InvalidRequest) as caught:
        twin.update(SLUG, **{field: value})
    assert list(caught.value.errors) == [field]
    assert caught.value.errors[field][0].startswith(message)
    assert isinstance(caught.value, ValueError)
    assert route.call_count == 0


def test_a_nul_in_a_slug_breaks_the_pattern_too(twin: Twin, api: respx.MockRouter) -> None:
    """DRF runs every validator of the field: both messages, in its order."""
    with pytest.raises(InvalidRequest) as caught:
        twin.update(SLUG, new_slug="a\x00")
    assert caught.value.errors == {"new_slug": ["Null characters are not allowed.", SLUG_MESSAGE]}
    assert not api.calls


def test_strings_are_sent_trimmed_as_the_server_stores_them(
    twin: Twin, api: respx.MockRouter
) -> None:
    route = api.patch(f"/sources/plex/{SLUG}/").respond(200, json=plex_source())
    twin.update(
        SLUG,
        name="  Plex  ",
        new_slug="\tplex-2\n",
        client_id=" cid ",
        user_path_template=" p/%(slug)s ",
        plex_token=" tok ",
        allowed_servers=[" a ", "b\u2003"],  # str.strip(): Unicode whitespace too, as DRF
        authentication_flow=None,
    )
    assert route.calls.last.request.content == (
        b'{"name":"Plex","slug":"plex-2","authentication_flow":null,'
        b'"user_path_template":"p/%(slug)s","client_id":"cid","allowed_servers":["a","b"],'
        b'"plex_token":"tok"}'
    )


def test_validate_false_sends_strings_as_given(twin: Twin, api: respx.MockRouter) -> None:
    route = api.patch(f"/sources/plex/{SLUG}/").respond(200, json=plex_source())
    twin.update(SLUG, options={"validate": False}, name=" a\x00 ", allowed_servers=[" x "])
    assert route.calls.last.request.content == (b'{"name":" a\\u0000 ","allowed_servers":[" x "]}')


def test_every_problem_is_reported_at_once(twin: Twin, api: respx.MockRouter) -> None:
    with pytest.raises(InvalidRequest) as caught:
        twin.update("..", name="", enabled="no", allowed_servers=["", "x", ""], new_slug="a b")
    assert caught.value.errors == {
        "slug": [SLUG_MESSAGE],
        "name": [BLANK],
        "enabled": ['Must be true or false, got the string "no".'],
        "allowed_servers": [f"Item 0: {BLANK}", f"Item 2: {BLANK}"],
        "new_slug": [SLUG_MESSAGE],
    }
    assert "nothing was sent" in str(caught.value)
    assert not api.calls


@pytest.mark.parametrize(
    "slug", ["..", ".", "", "a/b", "a?b", "a#b", "../users", "%2e%2e", "a b", "ok\n", "é", 7]
)
@pytest.mark.parametrize("validate", [True, False])
def test_path_slug_can_never_leave_the_endpoint(
    twin: Twin, api: respx.MockRouter, slug: Any, validate: bool
) -> None:
    with pytest.raises(InvalidRequest) as caught:
        twin.update(slug, options={"validate": validate}, enabled=True)
    assert list(caught.value.errors) == ["slug"]
    assert not api.calls


def test_long_path_slug_is_allowed(twin: Twin, api: respx.MockRouter) -> None:
    """Only the pattern guards the path; a newer server's longer slug still names a source."""
    long_slug = "s" * 80
    route = api.patch(f"/sources/plex/{long_slug}/").respond(200, json=plex_source())
    twin.update(long_slug, enabled=True)
    assert route.call_count == 1


def test_validate_false_sends_what_a_newer_server_accepts(
    twin: Twin, api: respx.MockRouter
) -> None:
    route = api.patch(f"/sources/plex/{SLUG}/").respond(200, json=plex_source())
    long_slug = "a" * 80
    twin.update(
        SLUG,
        options={"validate": False},
        new_slug=long_slug,
        policy_engine_mode="first_match",
        user_property_mappings=["not-a-uuid-yet"],
    )
    assert route.calls.last.request.content == (
        b'{"slug":"' + long_slug.encode() + b'","user_property_mappings":["not-a-uuid-yet"],'
        b'"policy_engine_mode":"first_match"}'
    )


def test_validate_false_still_rejects_unknown_fields(twin: Twin, api: respx.MockRouter) -> None:
    with pytest.raises(InvalidRequest) as caught:
        twin.call("update_from_mapping", SLUG, {"enabeld": False}, options={"validate": False})
    assert caught.value.errors == {"enabeld": ["Unknown field; did you mean 'enabled'?"]}


def test_validate_false_reports_values_json_cannot_encode(
    twin: Twin, api: respx.MockRouter
) -> None:
    with pytest.raises(InvalidRequest) as caught:
        twin.update(SLUG, options={"validate": False}, name=object())
    assert list(caught.value.errors) == ["body"]
    assert not api.calls


def test_typo_keyword_is_a_type_error(twin: Twin, api: respx.MockRouter) -> None:
    with pytest.raises(TypeError, match="enabeld"):
        twin.update(SLUG, enabeld=False)
    assert not api.calls


@pytest.mark.parametrize("method", ["update", "diff"])
def test_slug_keyword_gets_the_new_slug_hint(
    twin: Twin, api: respx.MockRouter, method: str
) -> None:
    hint = "did you mean 'new_slug'? (the source to change is the first argument)"
    with pytest.raises(TypeError) as caught:
        twin.call(method, SLUG, slug="new")
    assert str(caught.value).endswith(
        f".{method}() got an unexpected keyword argument 'slug'; {hint}"
    )
    assert not api.calls


def test_mapping_unknown_keys_get_suggestions(twin: Twin, api: respx.MockRouter) -> None:
    with pytest.raises(InvalidRequest) as caught:
        twin.call(
            "update_from_mapping",
            SLUG,
            {"enabeld": True, "slug": "new", "alowed_servers": [], "zzz": 1, "name": "ok"},
        )
    assert caught.value.errors == {
        "enabeld": ["Unknown field; did you mean 'enabled'?"],
        "slug": [
            "Unknown field; did you mean 'new_slug'? (the source to change is the first argument)"
        ],
        "alowed_servers": ["Unknown field; did you mean 'allowed_servers'?"],
        "zzz": ["Unknown field."],
    }
    assert not api.calls


@pytest.mark.parametrize("bad_token", [[PLEX_TOKEN], {"t": PLEX_TOKEN}, b"x" + PLEX_TOKEN.encode()])
def test_plex_token_value_never_appears_in_validation_errors(twin: Twin, bad_token: Any) -> None:
    with pytest.raises(InvalidRequest) as caught:
        twin.update(SLUG, plex_token=bad_token)
    assert caught.value.errors["plex_token"][0].startswith("Must be a string, got ")
    assert PLEX_TOKEN not in str(caught.value)
    assert PLEX_TOKEN not in repr(caught.value.errors)


@pytest.mark.parametrize("validate", [True, False])
def test_a_slug_too_long_for_any_url_is_invalid(
    twin: Twin, api: respx.MockRouter, validate: bool
) -> None:
    with pytest.raises(InvalidRequest) as caught:
        twin.update("s" * 70_000, options={"validate": validate}, enabled=True)
    assert list(caught.value.errors) == ["slug"]
    assert len(str(caught.value)) < 300
    assert not api.calls


@pytest.mark.parametrize("validate", [True, False])
@pytest.mark.parametrize(
    ("method", "args"),
    [("update", ()), ("update_from_mapping", ({},)), ("update_raw", ({},))],
)
def test_an_update_without_a_field_is_refused_before_io(
    twin: Twin, api: respx.MockRouter, validate: bool, method: str, args: tuple[Any, ...]
) -> None:
    """An empty PATCH changes nothing, yet authentik logs it: a forgotten field must not
    look like success.
    """
    route = api.patch(f"/sources/plex/{SLUG}/").respond(200, json=plex_source())
    with pytest.raises(InvalidRequest) as caught:
        twin.call(method, SLUG, *args, options={"validate": validate})
    assert caught.value.errors == {
        "changes": [
            "No field to change: give at least one field (such as enabled or name); "
            "an empty update would change nothing."
        ]
    }
    assert not route.called
