"""A stored token masked inside one string of a JSON error body (``"plex_token=T"``,
``"X-Plex-Token: T"``, ``<plex_token>T</plex_token>``, a ``[name, value]`` pair) is masked
where the body repeats it elsewhere (another string, a member, a traceback's frame) and in
the answer's ``Location``: the values masked in the strings are learned as the body's
stored secrets, as a text body's are (review round 26). Both clients and the command line.
"""

from __future__ import annotations

from typing import Any

import pytest
import respx

from .conftest import Twin
from .shown import shown_by_failed_cli_get, shown_by_failed_get

STORED = "xQ3zR9pL2mN8vB7cD4fG"


# --- 1. A value masked inside one JSON string, repeated in another ---------------------------

REPEATED_IN_JSON = [
    pytest.param(
        {
            "detail": f"plex.tv refused the request: plex_token={STORED}",
            "upstream": f"GET https://plex.tv/api/v2/user -> 401 (client {STORED})",
        },
        id="key-value-in-detail-repeated-in-another-member",
    ),
    pytest.param(
        {
            "errors": [f"X-Plex-Token: {STORED}"],
            "request": {"path": "/api/v2/resources", "client": STORED},
        },
        id="header-line-in-a-message-repeated-in-a-nested-member",
    ),
    pytest.param(
        {
            "detail": "Plex answered with an XML error",
            "response": f"<user><plex_token>{STORED}</plex_token></user>",
            "cache": f"plex:user:{STORED}",
        },
        id="xml-element-in-a-string-repeated-beside-it",
    ),
    pytest.param(
        {
            "type": "http.request",
            "scope": {
                "path": "/api/v3/sources/plex/my-plex/",
                "headers": [["host", "auth.example.com"], ["x-plex-token", STORED]],
            },
            "detail": f"upstream 401 Unauthorized for {STORED}",
        },
        id="asgi-scope-header-pairs-repeated-in-detail",
    ),
    pytest.param(
        {
            "detail": f"Internal error: invalid plex_token '{STORED}'",
            "traceback": [
                'File "/authentik/sources/plex/models.py", line 88, in check',
                f"    raise ValueError({STORED!r})",
            ],
        },
        id="quoted-after-name-in-detail-repeated-in-a-traceback-line",
    ),
]


@pytest.mark.parametrize("body", REPEATED_IN_JSON)
def test_both_clients_mask_a_json_bodys_repeat_of_a_value_masked_in_one_of_its_strings(
    twin: Twin, api: respx.MockRouter, body: Any
) -> None:
    shown = shown_by_failed_get(twin, api, 500, json=body)
    assert STORED not in shown


@pytest.mark.parametrize("body", REPEATED_IN_JSON)
def test_the_cli_masks_a_json_bodys_repeat_of_a_value_masked_in_one_of_its_strings(
    body: Any,
) -> None:
    out, err = shown_by_failed_cli_get(body, status=400)
    assert STORED not in out + err


@pytest.mark.parametrize("body", REPEATED_IN_JSON)
def test_the_same_text_as_a_text_body_is_masked(
    twin: Twin, api: respx.MockRouter, body: Any
) -> None:
    """Control: the same content as a text body is masked (the second pass), on both clients."""
    import json

    text = json.dumps(body, indent=1)[:-1] + ",\n"  # cut-short JSON: read as text
    shown = shown_by_failed_get(
        twin, api, 500, content=text.encode(), headers={"Content-Type": "application/json"}
    )
    assert STORED not in shown


# --- 2. The same, where the answer's head repeats it: a redirect's Location ------------------


def test_both_clients_mask_a_location_repeating_a_value_masked_in_a_json_string(
    twin: Twin, api: respx.MockRouter
) -> None:
    """A 302 whose JSON body says ``"plex_token=T"`` (masked there) and whose ``Location``
    repeats ``T`` bare: the message and ``.location`` quote it. The body's secret-named keys
    (``{"plex_token": T}``) are masked in a ``Location`` (round 22); a value a text rule finds
    inside one of its strings is not.
    """
    shown = shown_by_failed_get(
        twin,
        api,
        302,
        json={"detail": f"session expired: plex_token={STORED}"},
        headers={"Location": f"https://auth.example.com/if/flow/plex-login/{STORED}/"},
    )
    assert STORED not in shown


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param({"json": {"plex_token": STORED}}, id="json-key"),
        pytest.param({"content": f"session expired: plex_token={STORED}".encode()}, id="text-body"),
    ],
)
def test_a_location_repeating_a_json_key_or_a_text_bodys_value_is_masked(
    twin: Twin, api: respx.MockRouter, answer: dict[str, Any]
) -> None:
    """Control: the same repeat after a JSON key, or in a text body, is masked (passes)."""
    shown = shown_by_failed_get(
        twin,
        api,
        302,
        **answer,
        headers={"Location": f"https://auth.example.com/if/flow/plex-login/{STORED}/"},
    )
    assert STORED not in shown
