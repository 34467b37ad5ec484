"""A Plex token the client sent in one call, quoted by another call's answer, is masked:
the server has it, and may repeat it in any later answer (review round 42b). The client
remembers every Plex token its PATCHes send (as the tokens its answers store), masked in
every later error and log record while it is open: after a call that failed, and during
one still in flight (``asyncio.gather``, threads over one client). The CLI did so already
(tests/test_cli_masks_run_secrets.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from typing import Any

import httpx
import pytest
import respx

from plex_source_client import AsyncPlexSourceClient, PlexSourceClient, PlexSourceError

from .conftest import TWIN_DEFAULTS
from .shown import everything_shown

SENT = "ptok-SENT-earlier-0123456789AB"
ECHO = {"non_field_errors": [f"Conflicting update in progress: {SENT}"]}
OPTIONS: dict[str, Any] = {**TWIN_DEFAULTS, "max_retries": 0}
CALLS: list[tuple[str, dict[str, Any]]] = [("a", {"plex_token": SENT}), ("b", {"name": "B"})]


def _shown_by_second_call(kind: str) -> str:
    """``update("a", plex_token=SENT)`` fails (400, no echo); then ``update("b", name=...)``
    fails with a body quoting SENT: everything the second error shows.
    """

    def second_error(calls: list[Any]) -> PlexSourceError:
        errors = [c for c in calls if isinstance(c, PlexSourceError)]
        assert len(errors) == 2, calls
        return errors[1]

    if kind == "sync":
        calls: list[Any] = []
        with PlexSourceClient(**OPTIONS) as client:
            for slug, change in CALLS:
                try:
                    calls.append(client.update(slug, **change))
                except PlexSourceError as error:
                    calls.append(error)
        return everything_shown(second_error(calls))

    async def run() -> list[Any]:
        found: list[Any] = []
        async with AsyncPlexSourceClient(**OPTIONS) as client:
            for slug, change in CALLS:
                try:
                    found.append(await client.update(slug, **change))
                except PlexSourceError as error:
                    found.append(error)
        return found

    return everything_shown(second_error(asyncio.run(run())))


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_later_error_hides_the_plex_token_an_earlier_failed_call_sent(
    kind: str, api: respx.MockRouter
) -> None:
    api.patch("/sources/plex/a/").mock(
        return_value=httpx.Response(400, json={"detail": "Plex is unreachable"})
    )
    api.patch("/sources/plex/b/").mock(return_value=httpx.Response(400, json=ECHO))
    shown = _shown_by_second_call(kind)
    assert SENT not in shown


def test_an_async_error_hides_the_plex_token_a_concurrent_call_sends(
    api: respx.MockRouter,
) -> None:
    """``asyncio.gather`` over one client: b fails quoting the token a's request carries."""

    async def run() -> BaseException:
        gate = asyncio.Event()

        async def answer_a(request: httpx.Request) -> httpx.Response:
            await gate.wait()
            return httpx.Response(400, json={"detail": "Plex is unreachable"})

        async def answer_b(request: httpx.Request) -> httpx.Response:
            gate.set()
            return httpx.Response(400, json=ECHO)

        api.patch("/sources/plex/a/").mock(side_effect=answer_a)
        api.patch("/sources/plex/b/").mock(side_effect=answer_b)
        async with AsyncPlexSourceClient(**OPTIONS) as client:
            _, second = await asyncio.gather(
                client.update("a", plex_token=SENT),
                client.update("b", name="B"),
                return_exceptions=True,
            )
        assert isinstance(second, PlexSourceError), second
        return second

    assert SENT not in everything_shown(asyncio.run(run()))


def test_a_threaded_error_hides_the_plex_token_a_concurrent_call_sends(
    api: respx.MockRouter,
) -> None:
    """Threads over one sync client (as a thread pool updating many sources would)."""
    sent = threading.Event()
    answered = threading.Event()

    def answer_a(request: httpx.Request) -> httpx.Response:
        sent.set()
        answered.wait(10)
        return httpx.Response(400, json={"detail": "Plex is unreachable"})

    api.patch("/sources/plex/a/").mock(side_effect=answer_a)
    api.patch("/sources/plex/b/").mock(return_value=httpx.Response(400, json=ECHO))
    with PlexSourceClient(**OPTIONS) as client:

        def first() -> None:
            with contextlib.suppress(PlexSourceError):
                client.update("a", plex_token=SENT)

        thread = threading.Thread(target=first)
        thread.start()
        try:
            assert sent.wait(10)
            with pytest.raises(PlexSourceError) as caught:
                client.update("b", name="B")
        finally:
            answered.set()
            thread.join(10)
    assert SENT not in everything_shown(caught.value)


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_later_reason_phrase_quoting_it_is_masked_in_the_http_libraries_records(
    kind: str, api: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    caplog.set_level(logging.DEBUG)
    api.patch("/sources/plex/a/").mock(
        return_value=httpx.Response(400, json={"detail": "Plex is unreachable"})
    )
    api.patch("/sources/plex/b/").mock(
        return_value=httpx.Response(
            409, json={}, extensions={"reason_phrase": f"Conflict {SENT}".encode()}
        )
    )
    shown = _shown_by_second_call(kind)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert SENT not in shown
    assert "Conflict" in logged
    assert SENT not in logged
