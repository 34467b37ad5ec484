"""A stored token beside a member naming its field in a small error item, whatever the value
member's name (Ajv's ``{"instancePath": "/plex_token", "data": T}``, jsonschema's ``path`` and
``instance``, ``sent``, ``submitted``, ``content``), masked on both clients and the command line
(review round 31); and an object of thousands of ``...Value`` members is masked in linear
time (was quadratic: 75 KB ~30 s).
"""

from __future__ import annotations

from typing import Any

import pytest
import respx

from .conftest import Twin
from .shown import finishes_in_a_child, shown_by_failed_cli_get, shown_by_failed_get

STORED = "xQ3zR9pL2mN8vB7cD4fG"

BODIES = [
    pytest.param(
        {"errors": [{"instancePath": "/plex_token", "schemaPath": "#/properties/plex_token/pattern",
                     "keyword": "pattern", "params": {"pattern": "^[a-z]+$"}, "data": STORED}]},
        id="ajv-verbose-without-messages-data",
    ),
    pytest.param(
        {"errors": [{"path": ["plex_token"], "instance": STORED, "validator": "pattern",
                     "validator_value": "^[a-z]+$"}]},
        id="jsonschema-path-instance",
    ),
    pytest.param({"errors": [{"path": "/plex_token", "instance": STORED}]}, id="pointer-instance"),
    pytest.param({"errors": [{"field": "plex_token", "data": STORED}]}, id="field-data"),
    pytest.param({"errors": [{"field": "plex_token", "sent": STORED}]}, id="field-sent"),
    pytest.param(
        {"errors": [{"header": "X-Plex-Token", "content": STORED}]}, id="header-content"
    ),
    pytest.param(
        {"errors": [{"field": "plex_token", "submitted": STORED, "constraint": "maxLength"}]},
        id="field-submitted-constraint",
    ),
    pytest.param([{"path": ["plex_token"], "instance": STORED}], id="top-level-list"),
]  # fmt: skip


@pytest.mark.parametrize("body", BODIES)
def test_both_clients_mask_a_stored_token_beside_a_member_naming_its_field(
    twin: Twin, api: respx.MockRouter, body: Any
) -> None:
    shown = shown_by_failed_get(twin, api, 400, json=body)
    assert STORED not in shown


@pytest.mark.parametrize("body", BODIES)
def test_the_cli_masks_a_stored_token_beside_a_member_naming_its_field(body: Any) -> None:
    out, err = shown_by_failed_cli_get(body, status=400)
    assert STORED not in out + err


_MANY_VALUES_SCRIPT = """
from plex_source_client._secrets import json_stored_secrets, mask_json
body = {f"v{i}value": "x" for i in range(12_000)}  # 230 KB: quadratic took minutes
json_stored_secrets(body)
mask_json(body, ())
print("done")
"""


def test_an_error_body_of_many_value_members_is_masked_in_linear_time() -> None:
    """A hang guard, not a speed target: the child is killed after 20 s (linear: well under
    one second; the quadratic reading took minutes).
    """
    finishes_in_a_child(_MANY_VALUES_SCRIPT, "masking 12,000 '...value' members (quadratic)")
