"""A call interrupted (a cancelled task, Ctrl-C) while it asks the server's release leaves
the client able to ask again: the flow is closed however its run ends. A pickled RawResponse
carries no request headers (the API token). Found by the twelfth outside review; each
docstring says what happened before the fix.
"""

from __future__ import annotations

from plex_source_client.testing import FakeAuthentik

from .conftest import Twin

DETAIL = "/api/v3/sources/plex/plex/"
RELEASES = ("2024.8.2", "2026.2.2")


def test_a_pickled_raw_response_carries_no_api_token(twin: Twin, fake: FakeAuthentik) -> None:
    """``update_raw()`` returns a :class:`RawResponse` whose ``http_response`` keeps the
    request that was sent; pickling the result (to a ``multiprocessing`` parent, a notebook
    cache, joblib) writes ``Authorization: Bearer <API token>`` in clear into the pickle. The
    token is no part of the result (its ``repr`` leaves it out; every error of the package
    is pickled without it), so a result handed on leaks the client's credential.
    Severity: medium (the API token written wherever the pickle goes).
    """
    import pickle

    raw = twin.call(
        "update_raw",
        "plex",
        {"name": "renamed"},
        options={"url": fake.url, "token": fake.token, "server_version": None},
    )
    assert fake.token.encode() not in pickle.dumps(raw)
    again = pickle.loads(pickle.dumps(raw))  # noqa: S301 - our own pickle
    assert again.source == raw.source
    assert again.http_response.status_code == raw.status_code


def test_a_cancelled_release_lookup_leaves_later_calls_free_to_ask() -> None:
    """Async client, a change that needs the server's release (``promoted``): the first call
    asks ``/api/v3/admin/version/`` and is cancelled while waiting (a task cancelled, an
    outer ``asyncio.timeout``). ``ClientCore.learn_release`` resets ``_learning`` only in a
    ``finally`` of its generator, which is not closed while the ``CancelledError`` (and its
    traceback, holding the frame and the flow) lives, e.g. kept by
    ``asyncio.gather(..., return_exceptions=True)``, the usual way to run many updates.
    Every later call needing the release then polls for the whole ``timeout`` (30 s by
    default) "waiting for the other call", never learns the release, and sends unchecked.
    Severity: medium (each call slowed by a full timeout, without end; release checks lost).
    """
    import asyncio
    import time

    import httpx

    from plex_source_client import AsyncPlexSourceClient

    fake = FakeAuthentik(version="2026.2.2")
    hang = {"version": True}

    async def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/admin/version/") and hang["version"]:
            hang["version"] = False
            await asyncio.sleep(60)
        answer = fake.handle(
            request.method,
            request.url.raw_path.decode(),
            dict(request.headers),
            await request.aread(),
        )
        return httpx.Response(answer.status, headers=answer.headers, content=answer.body)

    async def scenario() -> float:
        http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
        async with AsyncPlexSourceClient(
            url="http://127.0.0.1:1", token=fake.token, http_client=http, timeout=2
        ) as client:
            first = asyncio.create_task(client.update("plex", promoted=True))
            await asyncio.sleep(0.2)
            first.cancel()
            kept = await asyncio.gather(first, return_exceptions=True)
            assert isinstance(kept[0], asyncio.CancelledError)
            started = time.monotonic()
            await client.update("plex", promoted=True)
            took = time.monotonic() - started
        await http.aclose()
        return took

    took = asyncio.run(scenario())
    assert took < 1.0, f"the call after a cancelled one waited {took:.1f} s (its timeout)"


def test_an_interrupted_release_lookup_leaves_later_sync_calls_free_to_ask() -> None:
    """The sync twin of the finding above: Ctrl-C (a notebook's "interrupt kernel") while the
    client asks the server's release. IPython keeps the ``KeyboardInterrupt`` (``sys.last_exc``,
    the traceback it shows), so the flow is never closed and ``_learning`` stays True: every
    later call needing the release waits its whole ``timeout`` and sends unchecked.
    Severity: medium.
    """
    import time

    import httpx

    from plex_source_client import PlexSourceClient

    fake = FakeAuthentik(version="2026.2.2")
    interrupt = {"version": True}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/admin/version/") and interrupt["version"]:
            interrupt["version"] = False
            raise KeyboardInterrupt
        answer = fake.handle(
            request.method, request.url.raw_path.decode(), dict(request.headers), request.read()
        )
        return httpx.Response(answer.status, headers=answer.headers, content=answer.body)

    http = httpx.Client(transport=httpx.MockTransport(handler))
    client = PlexSourceClient(
        url="http://127.0.0.1:1", token=fake.token, http_client=http, timeout=2
    )
    kept: list[BaseException] = []
    try:
        client.update("plex", promoted=True)
    except KeyboardInterrupt as interrupted:
        kept.append(interrupted)  # as IPython keeps it
    started = time.monotonic()
    client.update("plex", promoted=True)
    took = time.monotonic() - started
    client.close()
    http.close()
    assert took < 1.0, f"the call after an interrupted one waited {took:.1f} s (its timeout)"
