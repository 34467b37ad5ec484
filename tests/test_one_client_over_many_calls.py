"""One client over many calls, a closed client used again, and the dict and pickled forms of
``diff()`` results (review round 43b):

- the Plex tokens a client's PATCHes sent are kept apart from those its answers stored: an
  answer storing thousands of "secrets" pushes out earlier answers' tokens, never a sent one;
- a closed client refuses every call (``ConfigurationError``, nothing sent): over the user's
  own ``http_client`` it went on sending, with its secrets no longer masked in httpx's records;
  over its own closed pool it retried a dead pool;
- a ``FieldChange`` keeps the secrets it masks beside it, not in a field: ``attrs.asdict()``
  and ``pickle`` of a diff changing only the name held the stored Plex token.
"""

from __future__ import annotations

import asyncio
import logging
import pickle
from typing import Any

import attrs
import httpx
import pytest
import respx

from plex_source_client import (
    AsyncPlexSourceClient,
    ConfigurationError,
    PlexSourceClient,
    PlexSourceError,
)

from .conftest import TWIN_DEFAULTS, Twin
from .payloads import PLEX_TOKEN, SLUG, TOKEN, plex_source
from .shown import everything_shown

SENT = "ptok-SENT-earlier-0123456789AB"
OPTIONS: dict[str, Any] = {**TWIN_DEFAULTS, "max_retries": 0}


def _errors_of_calls(kind: str, calls: list[tuple[str, str, dict[str, Any]]]) -> list[Any]:
    """Each ``(method, slug, keywords)`` in turn on ONE client of ``kind``: results/errors."""

    if kind == "sync":
        found: list[Any] = []
        with PlexSourceClient(**OPTIONS) as client:
            for method, slug, keywords in calls:
                try:
                    found.append(getattr(client, method)(slug, **keywords))
                except PlexSourceError as error:
                    found.append(error)
        return found

    async def run() -> list[Any]:
        done: list[Any] = []
        async with AsyncPlexSourceClient(**OPTIONS) as client:
            for method, slug, keywords in calls:
                try:
                    done.append(await getattr(client, method)(slug, **keywords))
                except PlexSourceError as error:
                    done.append(error)
        return done

    return asyncio.run(run())


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_sent_plex_token_is_not_forgotten_after_an_answer_storing_many_secrets(
    kind: str, api: respx.MockRouter
) -> None:
    """A GET answered with a valid source holding 4,200 secret-named extra members (~200 KB)
    fills the learned secrets (at most 4096, oldest dropped first); the Plex token a PATCH
    sent before is kept apart, and masked in the next error quoting it.
    """
    api.patch("/sources/plex/a/").respond(400, json={"detail": "Plex is unreachable"})
    extra = {f"api_key_{i}": f"k{i:05d}-Zz9-stored-secret" for i in range(4200)}
    api.get("/sources/plex/b/").respond(200, json={**plex_source(slug="b"), **extra})
    api.get("/sources/plex/c/").respond(
        400, json={"non_field_errors": [f"Conflicting update in progress: {SENT}"]}
    )
    results = _errors_of_calls(
        kind, [("update", "a", {"plex_token": SENT}), ("get", "b", {}), ("get", "c", {})]
    )
    assert isinstance(results[0], PlexSourceError), results[0]
    assert not isinstance(results[1], PlexSourceError), results[1]
    assert isinstance(results[2], PlexSourceError), results[2]
    assert SENT not in everything_shown(results[2])


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_closed_client_over_the_users_http_client_masks_its_token_in_httpx_records(
    kind: str, api: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    """A notebook cell re-run after the ``with`` block: the user's pool is still open, but
    the client is closed and its secrets are no longer masked in httpx's records, so it
    refuses the call, sending nothing.
    """
    api.get(f"/sources/plex/{SLUG}/").mock(
        return_value=httpx.Response(
            404,
            json={"detail": "Not found."},
            extensions={"reason_phrase": f"Unknown token {TOKEN}".encode()},
        )
    )
    caplog.set_level(logging.DEBUG)
    error: PlexSourceError | None = None
    if kind == "sync":
        with httpx.Client() as own:
            client = PlexSourceClient(**OPTIONS, http_client=own)
            with client:
                pass
            try:
                client.get(SLUG)
            except PlexSourceError as exc:
                error = exc
    else:

        async def run() -> PlexSourceError | None:
            async with httpx.AsyncClient() as own:
                client = AsyncPlexSourceClient(**OPTIONS, http_client=own)
                async with client:
                    pass
                try:
                    await client.get(SLUG)
                except PlexSourceError as exc:
                    return exc
            return None

        error = asyncio.run(run())
    assert isinstance(error, ConfigurationError), error
    assert "the client is closed: nothing was sent" in str(error)
    assert not api.calls
    assert TOKEN not in everything_shown(error)
    shown = [r.getMessage() for r in caplog.records if TOKEN in r.getMessage()]
    assert shown == []


@pytest.mark.parametrize("method", ["get", "update", "list", "diff"])
def test_a_closed_client_refuses_every_call_at_once(
    twin: Twin, api: respx.MockRouter, method: str
) -> None:
    arguments: dict[str, tuple[Any, ...]] = {
        "get": (SLUG,),
        "update": (SLUG,),
        "list": (),
        "diff": (SLUG,),
    }
    keywords = {"name": "N"} if method in ("update", "diff") else {}
    options = {**OPTIONS, "max_retries": 3}
    if twin.kind == "sync":
        client = PlexSourceClient(**options)
        client.close()
        call: Any = getattr(client, method)

        def run_sync() -> None:
            result = call(*arguments[method], **keywords)
            if method == "list":
                list(result)

        with pytest.raises(ConfigurationError, match="the client is closed"):
            run_sync()
    else:

        async def run() -> None:
            client = AsyncPlexSourceClient(**options)
            await client.aclose()
            call: Any = getattr(client, method)
            if method == "list":
                [source async for source in call()]
            else:
                await call(*arguments[method], **keywords)

        with pytest.raises(ConfigurationError, match="the client is closed"):
            asyncio.run(run())
    assert not api.calls


def test_a_diff_of_the_name_keeps_the_stored_plex_token_in_its_dict_and_pickle(
    twin: Twin, api: respx.MockRouter
) -> None:
    """A diff saved as JSON for a review (``attrs.asdict``) or pickled (multiprocessing, a
    notebook's cache) holds no stored secret; its repr still masks the stored token where a
    value repeats it (the secrets kept beside each FieldChange).
    """
    api.get(f"/sources/plex/{SLUG}/").respond(200, json=plex_source())
    diff = twin.call("diff", SLUG, options=OPTIONS, name="Plex login")
    assert list(diff.changes) == ["name"]
    assert PLEX_TOKEN not in f"{diff} {diff!r}"
    assert PLEX_TOKEN not in repr(attrs.asdict(diff))
    assert PLEX_TOKEN.encode() not in pickle.dumps(diff)


def test_a_field_change_still_masks_the_stored_token_a_value_repeats(
    twin: Twin, api: respx.MockRouter
) -> None:
    api.get(f"/sources/plex/{SLUG}/").respond(200, json=plex_source(name=f"Plex {PLEX_TOKEN}"))
    diff = twin.call("diff", SLUG, options=OPTIONS, name="Plex login")
    assert PLEX_TOKEN not in f"{diff} {diff!r}"
    assert "***" in str(diff)
