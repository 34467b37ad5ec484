"""Odd inputs become our errors, never Python's: options of the wrong kind, changes that are
not a mapping, a value JSON cannot carry (even unvalidated), and an error body too big to parse.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import respx

from plex_source_client import (
    ConfigurationError,
    InvalidRequest,
    PlexSourceError,
)
from plex_source_client._answers import MAX_PARSED_ERROR, error_body
from plex_source_client._http.body import Answer

from .conftest import Twin
from .payloads import SLUG, TOKEN


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"timeout": 10**400}, "timeout"),
        ({"timeout": httpx.Timeout(10**400)}, "timeout"),
        ({"limits": 5}, "limits"),
        ({"max_response_size": 10**23}, "max_response_size"),
    ],
)
def test_odd_options_are_configuration_errors(
    twin: Twin, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message):
        twin.client_class(url="https://auth.example.com", token=TOKEN, **options)


@pytest.mark.parametrize("changes", [[("enabled", True)], None, "enabled"])
def test_changes_that_are_not_a_mapping_are_invalid(
    twin: Twin, api: respx.MockRouter, changes: Any
) -> None:
    for method in ("update_from_mapping", "update_raw", "diff_from_mapping"):
        with pytest.raises(InvalidRequest, match="mapping"):
            twin.call(method, SLUG, changes)
    assert not api.calls


def test_a_value_json_cannot_carry_is_invalid_even_unvalidated(
    twin: Twin, api: respx.MockRouter
) -> None:
    with pytest.raises(PlexSourceError):
        twin.update(SLUG, options={"validate": False}, policy_engine_mode=object())
    assert not api.calls


def test_a_big_error_body_is_kept_as_short_text_not_parsed() -> None:
    big = json.dumps([{}] * (MAX_PARSED_ERROR // 3)).encode()
    answer = Answer(httpx.Response(400), big, 1 << 20)
    kept = error_body(answer, ())
    assert isinstance(kept, str)
    assert len(kept) < 5000
