"""A stored token in error items a little larger or nested (review round 32), masked on both
clients and the command line: Ajv's item with ``verbose: true, messages: false`` (7 members),
jsonschema's ``ValidationError`` attributes without a message, JSON:API errors with a ``title``
or ``code`` but no ``detail``, naming the field in ``source.pointer``/``source.parameter``,
the value in ``meta``.
"""

from __future__ import annotations

from typing import Any

import pytest
import respx

from .conftest import Twin
from .shown import shown_by_failed_cli_get, shown_by_failed_get

STORED = "xQ3zR9pL2mN8vB7cD4fG"

BODIES = [
    pytest.param(
        # Ajv with ``{allErrors: true, verbose: true, messages: false}``: schema, parentSchema
        # and data added, no message: seven members.
        {"errors": [{"instancePath": "/plex_token", "schemaPath": "#/properties/plex_token/pattern",
                     "keyword": "pattern", "params": {"pattern": "^[a-z]+$"},
                     "schema": "^[a-z]+$",
                     "parentSchema": {"type": "string", "pattern": "^[a-z]+$"}, "data": STORED}]},
        id="ajv-verbose-messages-false",
    ),
    pytest.param(
        # Python jsonschema's ValidationError attributes, serialized without its message.
        {"errors": [{"path": ["plex_token"], "instance": STORED, "validator": "pattern",
                     "validator_value": "^[a-z]+$",
                     "schema_path": ["properties", "plex_token", "pattern"],
                     "absolute_path": ["plex_token"], "relative_schema_path": ["pattern"]}]},
        id="jsonschema-attributes-without-message",
    ),
    pytest.param(
        # JSON:API: title, no detail (both optional); the value in meta.
        {"errors": [{"status": "422", "title": "Invalid Attribute",
                     "source": {"pointer": "/data/attributes/plex_token"},
                     "meta": {"value": STORED}}]},
        id="jsonapi-pointer-meta-value",
    ),
    pytest.param(
        {"errors": [{"status": "400", "title": "Invalid Query Parameter",
                     "source": {"parameter": "plex_token"}, "meta": {"received": STORED}}]},
        id="jsonapi-parameter-meta-received",
    ),
    pytest.param(
        {"errors": [{"code": "invalid", "source": {"pointer": "/data/attributes/plex_token"},
                     "meta": {"input": STORED}}]},
        id="jsonapi-code-meta-input",
    ),
]  # fmt: skip


@pytest.mark.parametrize("body", BODIES)
def test_both_clients_mask_a_stored_token_in_a_larger_or_detail_less_error_item(
    twin: Twin, api: respx.MockRouter, body: Any
) -> None:
    shown = shown_by_failed_get(twin, api, 400, json=body)
    assert STORED not in shown


@pytest.mark.parametrize("body", BODIES)
def test_the_cli_masks_a_stored_token_in_a_larger_or_detail_less_error_item(body: Any) -> None:
    out, err = shown_by_failed_cli_get(body, status=400)
    assert STORED not in out + err
