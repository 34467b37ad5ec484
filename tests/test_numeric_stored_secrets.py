"""A number stored under a secret-named key (a numeric key, a PIN of 6 digits or more) is
masked where the same JSON repeats it, as a string secret is: in an error's message, body and
pickle, and in a source's repr and HTML (review round 13).
"""

from __future__ import annotations

import json
import pickle
from typing import Any

import pytest
import respx

from plex_source_client import APIError

from .conftest import Twin
from .payloads import SLUG, plex_source

ENDPOINT = f"/sources/plex/{SLUG}/"
NUMERIC = 98765432101234


def _shown(error: BaseException) -> str:
    return f"{error}\n{error!r}\n{getattr(error, 'body', '')}\n{pickle.dumps(error)!r}"


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (400, {"plex_token": NUMERIC, "name": [NUMERIC]}),
        (403, {"plex_token": NUMERIC, "detail": NUMERIC}),
        (500, {"api_key": NUMERIC, "echo": {"value": NUMERIC}}),
    ],
)
def test_a_numeric_secret_repeated_in_an_error_body_is_masked(
    twin: Twin, api: respx.MockRouter, status: int, body: dict[str, Any]
) -> None:
    api.get(ENDPOINT).respond(status, json=body)
    with pytest.raises(APIError) as caught:
        twin.call("get", SLUG, options={"max_retries": 0})
    shown = _shown(caught.value)
    assert '"***"' in json.dumps(caught.value.body)  # masked under its key
    assert str(NUMERIC) not in shown, shown  # and where the body repeats it


def test_a_numeric_secret_repeated_in_a_source_is_masked(twin: Twin, api: respx.MockRouter) -> None:
    data = plex_source(legacy={"api_key": NUMERIC, "copy": NUMERIC, "count": 7})
    api.get(ENDPOINT).respond(200, json=data)
    source = twin.call("get", SLUG, options={"max_retries": 0})
    shown = repr(source) + source._repr_html_()
    assert "'api_key': '***'" in repr(source)
    assert "'count': 7" in repr(source)  # a small number is no secret
    assert str(NUMERIC) not in shown, shown
