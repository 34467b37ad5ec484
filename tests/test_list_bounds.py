"""A listing always ends: a count beyond any server's, a short page that says more follow."""

from __future__ import annotations

from typing import Any

import pytest
import respx

from plex_source_client import (
    UnexpectedResponse,
)

from .conftest import Twin
from .payloads import plex_source

LIST = "/sources/plex/"


def page(count: int, results: list[dict[str, Any]], next_page: int) -> dict[str, Any]:
    numbers = {"previous": 0, "current": 1, "total_pages": 1, "start_index": 1, "end_index": 1}
    return {"pagination": {**numbers, "count": count, "next": next_page}, "results": results}


def test_a_list_claiming_more_sources_than_any_server_holds_ends(
    twin: Twin, api: respx.MockRouter
) -> None:
    route = api.get(LIST).respond(200, json=page(10**15, [plex_source()], 2))
    with pytest.raises(UnexpectedResponse, match="claims 1,000,000,000,000,000 sources"):
        twin.list_sources(page_size=1)
    assert route.call_count == 1


def test_a_short_page_that_says_more_follow_ends_the_list(
    twin: Twin, api: respx.MockRouter
) -> None:
    route = api.get(LIST).respond(200, json=page(10**5, [plex_source()], 2))
    with pytest.raises(UnexpectedResponse, match="has 1 of 100 sources, yet says page 2"):
        twin.list_sources()
    assert route.call_count == 1
