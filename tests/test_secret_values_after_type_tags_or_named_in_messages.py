"""Review round 33, masked on both clients and the command line: pydantic's ``loc`` with a
type's tag after the field (``["body", "plex_token", "constrained-str"]``, ``"str"``, v1's
``__root__``) beside its ``input``; a small item whose message or code names the field, the
value under any member (``submitted``, ``data``, ``instance``, ``sent``). And a valid source
named "Plex token login" with a newer ``error``, ``errors``, ``message``, ``current`` or
``value`` member is exported: a resource's ``name`` names no field.
"""

from __future__ import annotations

from typing import Any

import pytest
import respx

from .conftest import Twin
from .fixed_server import PLEX_TOKEN, FixedServer, run_main
from .payloads import plex_source
from .shown import shown_by_failed_cli_get, shown_by_failed_get

STORED = "xQ3zR9pL2mN8vB7cD4fG"

BODIES = [
    pytest.param(
        {"detail": [{"type": "string_pattern_mismatch",
                     "loc": ["body", "plex_token", "constrained-str"],
                     "msg": "String should match pattern '^[a-z]+$'", "input": STORED}]},
        id="pydantic-loc-constrained-str-tag",
    ),
    pytest.param(
        {"detail": [{"type": "string_too_short", "loc": ["body", "plex_token", "str"],
                     "msg": "String should have at least 40 characters", "input": STORED}]},
        id="pydantic-loc-union-str-tag",
    ),
    pytest.param(
        {"detail": [{"loc": ["body", "plex_token", "__root__"], "msg": "invalid",
                     "type": "value_error", "input": STORED}]},
        id="pydantic-loc-root",
    ),
    pytest.param(
        {"errors": [{"message": "plex_token is invalid", "submitted": STORED}]},
        id="message-submitted",
    ),
    pytest.param({"errors": [{"code": "invalid_plex_token", "data": STORED}]}, id="code-data"),
    pytest.param(
        {"errors": [{"message": "plex_token does not match pattern", "instance": STORED}]},
        id="message-instance",
    ),
    pytest.param({"error": {"message": "Invalid plex_token", "sent": STORED}}, id="message-sent"),
]  # fmt: skip


@pytest.mark.parametrize("body", BODIES)
def test_both_clients_mask_a_stored_token_in_an_error_item(
    twin: Twin, api: respx.MockRouter, body: Any
) -> None:
    shown = shown_by_failed_get(twin, api, 400, json=body)
    assert STORED not in shown


@pytest.mark.parametrize("body", BODIES)
def test_the_cli_masks_a_stored_token_in_an_error_item(body: Any) -> None:
    out, err = shown_by_failed_cli_get(body, status=400)
    assert STORED not in out + err


NEWER: list[dict[str, Any]] = [
    {"error": None},
    {"errors": []},
    {"message": ""},
    {"current": True},
    {"value": None},
]


def _run(body: dict[str, Any]) -> tuple[int, str, str]:
    with FixedServer([body]) as server:
        code, out, err, _ = run_main(
            ["export"], url=server.url, env={"AUTHENTIK_SERVER_VERSION": "2024.8.2"}
        )
    return code, out, err


@pytest.mark.parametrize("extra", NEWER, ids=lambda e: "-".join(map(str, e)))
def test_export_of_a_valid_source_named_with_token_and_a_newer_member(
    extra: dict[str, Any],
) -> None:
    expected = _run(plex_source(plex_token=PLEX_TOKEN, name="Plex token login"))
    assert expected[0] == 0, expected
    code, out, err = _run(plex_source(plex_token=PLEX_TOKEN, name="Plex token login", **extra))
    assert (code, err) == (0, ""), err
    assert out == expected[1]
