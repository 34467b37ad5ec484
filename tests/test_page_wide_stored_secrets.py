"""A list answer's sources mask each other's stored secrets: the server may store a token on
source A and repeat it in source B's ``name`` (same page). Every source of a parsed page masks
what any source of that page stores, in ``repr()``, ``str()`` and the notebook table.
(Red team round 7, issue 18: failed before the fix.)
"""

from __future__ import annotations

import asyncio
import gc
import json
import pickle
from typing import Any

import attrs
import pytest

from plex_source_client import AsyncPlexSourceClient, PlexSource, PlexSourceClient
from plex_source_client._answers import page_from_json
from plex_source_client._models import _PAGE_SECRETS

from .payloads import list_page, plex_source
from .raw_server import ScriptServer, reply

API_TOKEN = "tok-SECRET-api-1234567890"
TOKEN_A = "plexTOKEN-of-source-A-abcdefghij"  # source A's stored Plex token


def _two_sources() -> list[dict[str, Any]]:
    """Source A stores TOKEN_A; source B (another source, same list answer) is named after it."""
    a = plex_source(slug="a", name="A", plex_token=TOKEN_A)
    b = plex_source(slug="b", name=TOKEN_A, plex_token="b-own-token-zzzzzzzzzzzz")
    b["pk"] = "5b0b6a1c-0000-4000-8000-00000000000b"
    return [a, b]


def _shown(sources: list[PlexSource]) -> str:
    return repr(sources) + "".join(str(s) + s._repr_html_() for s in sources)


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_list_masks_a_token_another_source_of_the_page_stores(kind: str) -> None:
    server = ScriptServer(reply(200, json.dumps(list_page(_two_sources())).encode()))
    settings: dict[str, Any] = {"url": server.url, "token": API_TOKEN, "max_retries": 0}
    with server:
        if kind == "sync":
            with PlexSourceClient(**settings) as client:
                sources = list(client.list())
        else:

            async def read() -> list[PlexSource]:
                async with AsyncPlexSourceClient(**settings) as client:
                    return [source async for source in client.list()]

            sources = asyncio.run(read())
    assert [s.slug for s in sources] == ["a", "b"]
    assert sources[1].name == TOKEN_A  # the data itself is the server's, unchanged
    shown = _shown(sources)
    assert TOKEN_A not in shown, shown
    assert "***" in str(sources[1])


def test_a_page_of_one_source_masks_its_own_secret_only_where_repeated() -> None:
    """The page-wide secrets add to the source's own: nothing else is masked (name "A")."""
    page = page_from_json(list_page(_two_sources()[:1]))
    assert str(page.results[0]) == "PlexSource(slug='a', name='A', enabled=True)"


def test_a_pickled_source_keeps_its_data_and_masks_its_own_secrets() -> None:
    """A source travels (pickle) without the page's secrets, and still shows as before."""
    source = page_from_json(list_page(_two_sources())).results[1]
    copy = pickle.loads(pickle.dumps(source))  # noqa: S301 - our own bytes
    assert copy == source
    assert "b-own-token" not in repr(copy)


def test_a_pages_secrets_stay_out_of_its_sources_data() -> None:
    """Each source masks the page's secrets when shown, but does not hold them: not in
    ``attrs.asdict()``, ``to_dict()`` or a pickle of a source that does not store them itself.
    """
    other = plex_source(slug="c", name="C", plex_token="c-own-token-yyyyyyyyyyyy")
    other["pk"] = "5b0b6a1c-0000-4000-8000-00000000000c"
    source = page_from_json(list_page([_two_sources()[0], other])).results[1]
    source.name = f"C, not {TOKEN_A}"  # the page's secret, repeated after parsing: still masked
    assert TOKEN_A not in _shown([source])
    source.name = "C"
    assert TOKEN_A not in repr(attrs.asdict(source)) + json.dumps(source.to_dict())
    assert TOKEN_A.encode() not in pickle.dumps(source)


def test_a_pages_secrets_are_dropped_with_its_sources() -> None:
    sources = page_from_json(list_page(_two_sources())).results
    ids = [id(source) for source in sources]
    assert all(number in _PAGE_SECRETS for number in ids)
    del sources
    gc.collect()
    assert not any(number in _PAGE_SECRETS for number in ids)
