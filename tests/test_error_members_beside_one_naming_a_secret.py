"""A JSON error naming a secret field in one member's text and holding the value in another
member, whatever that member is called (structlog's ``event`` and ``value``, parallel
``fields``/``values`` arrays, ``sql`` and ``params``, ``query`` and ``bindings``, a format
and its arguments, a message id and its params): the value is masked in the error, its
message, its ``errors`` and the command line's output, and wherever the answer repeats it; the
member naming the field stays shown.
"""

from __future__ import annotations

from typing import Any

import pytest
import respx

from plex_source_client._secrets import mask_json

from .conftest import Twin
from .shown import shown_by_failed_cli_get, shown_by_failed_get

STORED = "Zq8xPL2vKm4nRw7tYb3c"

JSON_ERRORS: dict[str, dict[str, Any]] = {
    "structlog-event": {"event": "plex_token rejected", "value": STORED},
    "structlog-event-other-name": {"event": "plex_token rejected", "submitted_as": STORED},
    "parallel-arrays": {"fields": ["plex_token", "client_id"], "values": [STORED, "abc"]},
    "sql-and-params": {
        "sql": "UPDATE plexsource SET plex_token=%s WHERE id=%s",
        "params": [STORED, 5],
    },
    "query-and-bindings": {
        "query": "UPDATE plexsource SET plex_token = $1",
        "bindings": [STORED],
    },
    "format-and-arguments": {"format": "plex_token={0}", "arguments": [STORED]},
    "message-id-and-params": {"message_id": "invalid_plex_token", "params": [STORED]},
    "nested-under-context": {"event": "plex_token rejected", "context": {"got": STORED}},
}


@pytest.mark.parametrize("body", list(JSON_ERRORS.values()), ids=list(JSON_ERRORS))
def test_stored_token_in_a_member_beside_one_naming_the_field_is_not_shown(
    twin: Twin, api: respx.MockRouter, body: dict[str, Any]
) -> None:
    shown = shown_by_failed_get(twin, api, 400, json=body)
    assert STORED not in shown


@pytest.mark.parametrize("body", list(JSON_ERRORS.values()), ids=list(JSON_ERRORS))
def test_cli_get_does_not_show_a_stored_token_beside_a_member_naming_the_field(
    body: dict[str, Any],
) -> None:
    out, err = shown_by_failed_cli_get(body)
    assert STORED not in out + err


def test_the_value_is_masked_where_a_header_repeats_it(twin: Twin, api: respx.MockRouter) -> None:
    shown = shown_by_failed_get(
        twin, api, 400, json=JSON_ERRORS["sql-and-params"], headers={"X-Request-Id": STORED}
    )
    assert STORED not in shown


def test_the_member_naming_the_field_stays_shown() -> None:
    """What names the field is what a reader needs; what was wrong stays too, and so do a
    ``true``/``false``/``null`` (no secret).
    """
    body = {"event": "plex_token rejected", "value": STORED, "retryable": False, "code": "bad"}
    assert mask_json(body, ()) == {
        "event": "plex_token ***",
        "value": "***",
        "retryable": False,
        "code": "bad",
    }


def test_a_message_naming_no_secret_hides_nothing() -> None:
    body = {"event": "slug rejected", "value": "my-plex", "sql": "UPDATE plexsource SET slug=%s"}
    assert mask_json(body, ()) == body


def test_a_resource_whose_name_names_a_secret_hides_nothing_else() -> None:
    """Only an error's small item: an object of many members (a source called ``Plex token
    login``) is a resource, its other members its own.
    """
    body = {"title": "Plex token login", **{f"field_{n}": f"value {n}" for n in range(12)}}
    assert mask_json(body, ()) == body
