"""The request flow itself, driven step by step with scripted outcomes: no sockets, no HTTP
transport, no sleeping. What is retried and how long is waited (each status, a dropped
connection, Retry-After absent, absurd, huge or a date), the budget and size limit each
attempt gets, the typed error each final outcome becomes, NotApplied, and the refusal of an
answer echoing the API token.

The flow is what both clients perform (:mod:`plex_source_client._flow`): that each performs a
``Send`` and a ``Sleep`` step as it should is the socket suites' part
(tests/test_client_real_server.py, tests/test_faults.py).
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from plex_source_client import (
    AsyncPlexSourceClient,
    BadRequest,
    NotApplied,
    NotFound,
    PermissionDenied,
    PlexSourceClient,
    RateLimited,
    RequestTimeout,
    ServerError,
    TransportError,
    UnexpectedResponse,
    UnexpectedStatus,
    _flow,
)
from plex_source_client._config import NOT_GIVEN
from plex_source_client._flow import Flow, Send, Sleep
from plex_source_client._http.body import Answer
from plex_source_client._retry import (
    BACKOFF_INITIAL,
    BACKOFF_MAX,
    RETRY_AFTER_MAX,
    parse_retry_after,
)

from .payloads import SLUG, TOKEN, plex_source

#: An attempt's scripted outcome: made from the request sent (an answer needs it), or an
#: exception the HTTP layer would have raised.
Scripted = Callable[[httpx.Request], Any]


def answer(status: int, body: Any = None, headers: dict[str, str] | None = None) -> Scripted:
    """An answer with ``status``, a JSON ``body`` (bytes as they are), and ``headers``."""
    content = body if isinstance(body, bytes) else json.dumps(body).encode()

    def make(request: httpx.Request) -> Answer:
        response = httpx.Response(status, headers=headers or {}, request=request)
        return Answer(response, content, 1 << 20)

    return make


def fails(error: Exception) -> Scripted:
    return lambda _request: error


OK = answer(200, plex_source())


def drive(flow: Flow[Any], *script: Scripted) -> tuple[Any, list[Send | Sleep]]:
    """Run ``flow`` to its end, answering its Send steps from ``script`` in turn: (its result,
    or the exception it raised; the steps it yielded). Fails if the script is not used up.
    """
    steps: list[Send | Sleep] = []
    outcomes = list(script)
    result: Any
    try:
        step = next(flow)
        while True:
            steps.append(step)
            outcome = outcomes.pop(0)(step.request) if isinstance(step, Send) else None
            step = flow.send(outcome)
    except StopIteration as stop:
        result = stop.value
    except Exception as error:  # noqa: BLE001 - the flow's typed error is the result
        result = error
    assert outcomes == [], f"{len(outcomes)} scripted outcomes left unsent"
    return result, steps


def update(
    *script: Scripted,
    max_retries: int = 2,
    timeout: float | None = None,
    server_version: str | None = "2024.8.2",
    **changes: Any,
) -> tuple[Any, list[Send | Sleep]]:
    """``update(SLUG, **changes)``'s flow (``enabled=True`` by default) against ``script``."""
    options: dict[str, Any] = {"max_retries": max_retries, "server_version": server_version}
    if timeout is not None:
        options["timeout"] = timeout
    with PlexSourceClient(url="https://auth.example.com", token=TOKEN, **options) as client:
        flow = client._core.update_flow(SLUG, changes or {"enabled": True}, NOT_GIVEN)
        return drive(flow, *script)


def sends(steps: list[Send | Sleep]) -> list[Send]:
    return [step for step in steps if isinstance(step, Send)]


def waits(steps: list[Send | Sleep]) -> list[float]:
    return [step.seconds for step in steps if isinstance(step, Sleep)]


# -- what is retried ---------------------------------------------------------------------------


def test_a_success_is_one_send_and_no_wait() -> None:
    raw, steps = update(OK)
    assert raw.attempts == 1
    assert raw.source.slug == SLUG
    assert [type(step) for step in steps] == [Send]


@pytest.mark.parametrize("status", [502, 503, 504, 429])
def test_busy_statuses_are_retried_with_backoff_then_succeed(status: int) -> None:
    raw, steps = update(answer(status), answer(status), OK)
    assert raw.attempts == 3
    assert [type(step) for step in steps] == [Send, Sleep, Send, Sleep, Send]
    first, second = waits(steps)
    # Exponential backoff with jitter in [0.5, 1]: of 0.5 s, then of 1 s.
    assert BACKOFF_INITIAL * 0.5 <= first <= BACKOFF_INITIAL
    assert BACKOFF_INITIAL <= second <= 2 * BACKOFF_INITIAL


def test_backoff_is_capped() -> None:
    error, steps = update(*[answer(503)] * 9, max_retries=8)
    assert isinstance(error, ServerError)
    assert max(waits(steps)) <= BACKOFF_MAX
    assert min(waits(steps)[5:]) >= BACKOFF_MAX / 2  # 0.5 * 2**5 = 16 s, capped at 8


@pytest.mark.parametrize(("status", "kind"), [(503, ServerError), (429, RateLimited)])
def test_retries_are_bounded_by_max_retries(status: int, kind: type[Exception]) -> None:
    busy = answer(status, {"detail": "busy"}, {"X-Authentik-Id": "r-busy"})
    error, steps = update(*[busy] * 5, max_retries=4)
    assert isinstance(error, kind)
    assert error.request_id == "r-busy"  # type: ignore[attr-defined]
    assert error.attempts == 5  # type: ignore[attr-defined]
    assert len(sends(steps)) == 5
    assert len(waits(steps)) == 4


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (400, BadRequest),
        (403, PermissionDenied),
        (404, NotFound),
        (500, ServerError),
        (501, ServerError),
        (409, UnexpectedStatus),
        (302, UnexpectedStatus),
    ],
)
def test_other_statuses_are_never_retried(status: int, kind: type[Exception]) -> None:
    error, steps = update(answer(status, {"detail": "no"}))
    assert isinstance(error, kind)
    assert error.attempts == 1  # type: ignore[attr-defined]
    assert [type(step) for step in steps] == [Send]


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (httpx.ConnectError("refused"), TransportError),
        (
            httpx.RemoteProtocolError("Server disconnected without sending a response."),
            TransportError,
        ),
        (httpx.ReadTimeout("timed out"), RequestTimeout),
        (TimeoutError(), RequestTimeout),
    ],
)
def test_no_answer_is_retried_then_its_typed_error(error: Exception, kind: type[Exception]) -> None:
    raised, steps = update(fails(error), fails(error), fails(error))
    assert type(raised) is kind
    assert raised.attempts == 3  # type: ignore[attr-defined]
    assert len(waits(steps)) == 2


def test_no_answer_then_an_answer_succeeds() -> None:
    raw, _steps = update(fails(httpx.ConnectError("refused")), OK)
    assert raw.attempts == 2


def test_max_retries_zero_sends_once() -> None:
    error, steps = update(fails(httpx.ConnectError("refused")), max_retries=0)
    assert isinstance(error, TransportError)
    assert [type(step) for step in steps] == [Send]


def test_a_wrong_scheme_is_not_retried() -> None:
    """https:// to a plain-HTTP server fails the same way every time: one attempt, the fix."""
    wrong = httpx.ConnectError("[SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1000)")
    error, steps = update(fails(wrong))
    assert isinstance(error, TransportError)
    assert "use http://auth.example.com:443" in str(error)
    assert [type(step) for step in steps] == [Send]


def test_each_retry_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="plex_source_client"):
        update(answer(503), OK)
    retries = [r.getMessage() for r in caplog.records if "retry" in r.getMessage()]
    assert len(retries) == 1
    assert "503; retry 1 of 2 in" in retries[0]
    assert f"/sources/plex/{SLUG}/" in retries[0]


# -- Retry-After -------------------------------------------------------------------------------


def test_retry_after_seconds_are_waited_for() -> None:
    raw, steps = update(answer(429, headers={"Retry-After": "3"}), OK)
    assert raw.attempts == 2
    assert waits(steps) == [3.0]


def test_retry_after_an_http_date_is_waited_until() -> None:
    when = email.utils.formatdate(time.time() + 5, usegmt=True)
    _raw, steps = update(answer(503, headers={"Retry-After": when}), OK)
    (waited,) = waits(steps)
    assert 3.0 <= waited <= 5.0


@pytest.mark.parametrize("value", ["soon", "nan", "inf", "1" * 5000, "Mon, 99 Foo 99999999999"])
def test_an_absurd_retry_after_is_treated_as_absent(value: str) -> None:
    """Backoff instead: nothing raises, nothing waits forever."""
    raw, steps = update(answer(429, headers={"Retry-After": value}), OK)
    assert raw.attempts == 2
    (waited,) = waits(steps)
    assert BACKOFF_INITIAL * 0.5 <= waited <= BACKOFF_INITIAL


def test_a_retry_after_beyond_the_cap_fails_at_once_with_it() -> None:
    """A CI job must not hang for an hour: the error comes at once, with retry_after set."""
    error, steps = update(answer(429, {"detail": "slow"}, {"Retry-After": "3600"}))
    assert isinstance(error, RateLimited)
    assert error.retry_after == 3600.0
    assert [type(step) for step in steps] == [Send]
    assert RETRY_AFTER_MAX < 3600


def test_rate_limited_every_time_keeps_the_last_retry_after() -> None:
    slow = answer(429, {"detail": "slow"}, {"Retry-After": "2"})
    error, steps = update(slow, slow, slow)
    assert isinstance(error, RateLimited)
    assert error.retry_after == 2.0
    assert error.attempts == 3
    assert waits(steps) == [2.0, 2.0]


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("2", 2.0),
        ("0.5", 0.5),
        (" 7 ", 7.0),
        ("soon", None),
        (None, None),
        ("nan", None),
        # Not delay-seconds (RFC 9110: ASCII digits), though float() reads them (round 45):
        ("-3", None),
        ("\u0661\u0662", None),  # Arabic-Indic digits
        ("1_0", None),
        ("1e3", None),
        ("inf", None),
    ],
)
def test_parse_retry_after(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header) == seconds


# -- each attempt's budget and limit -----------------------------------------------------------


def test_every_attempt_gets_the_whole_timeout_and_the_size_limit() -> None:
    _error, steps = update(*[answer(503)] * 3, timeout=7.5)
    assert [(send.budget, send.limit) for send in sends(steps)] == [(7.5, 1 << 20)] * 3
    assert len({id(send.request) for send in sends(steps)}) == 1  # the same request resent


# -- answers -----------------------------------------------------------------------------------


def test_a_2xx_that_is_not_a_plex_source_is_unexpected_and_not_retried() -> None:
    error, steps = update(answer(200, b"<html>Welcome to nginx</html>"))
    assert isinstance(error, UnexpectedResponse)
    assert "nginx" in str(error.body)
    assert [type(step) for step in steps] == [Send]


def test_an_answer_echoing_the_api_token_is_refused_masked() -> None:
    error, steps = update(answer(200, plex_source(name=TOKEN)))
    assert isinstance(error, UnexpectedResponse)
    assert "contains your API token" in str(error)
    assert TOKEN not in f"{error} {error!r} {error.body!r}"
    assert [type(step) for step in steps] == [Send]


def test_an_answer_echoing_the_token_behind_a_json_escape_is_refused() -> None:
    escaped = "".join(f"\\u{ord(c):04x}" for c in TOKEN)
    content = json.dumps(plex_source(name="NAME")).replace("NAME", escaped).encode()
    error, _steps = update(answer(200, content))
    assert isinstance(error, UnexpectedResponse)
    assert "contains your API token" in str(error)


def test_a_field_the_server_ignored_is_not_applied() -> None:
    """2025.12 writes ``promoted``; an answer without it shows the server did not."""
    error, steps = update(OK, server_version="2025.12", promoted=True)
    assert isinstance(error, NotApplied)
    assert error.not_applied == ("promoted",)
    assert error.needs == {"promoted": "2025.12"}
    assert [type(step) for step in steps] == [Send]


def test_the_release_is_learned_first_when_a_change_needs_it() -> None:
    version = answer(200, {"version_current": "2025.12.1"})
    raw, steps = update(
        version, answer(200, plex_source(promoted=True)), promoted=True, server_version=None
    )
    assert [send.request.url.path for send in sends(steps)] == [
        "/api/v3/admin/version/",
        f"/api/v3/sources/plex/{SLUG}/",
    ]
    assert raw.attempts == 1


# -- the clients' sleeps are real outside these tests -------------------------------------------


def test_the_sync_client_sleeps_with_time_sleep() -> None:
    assert PlexSourceClient._sleep is time.sleep


def test_the_async_client_sleeps_with_asyncio_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []

    async def recorded(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr(asyncio, "sleep", recorded)
    asyncio.run(AsyncPlexSourceClient._sleep(0.25))
    assert slept == [0.25]


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(200, extensions={"reason_phrase": b"OK tok-SECRET-api-1234567890"}),
        httpx.Response(200, headers={"Via": "1.1 user:tok-SECRET-api-1234567890@proxy"}),
    ],
    ids=["reason-phrase", "header"],
)
def test_the_echo_check_reads_the_status_line_and_headers(response: httpx.Response) -> None:
    """The API token (what the check is given) in a 2xx's reason phrase or a header: refused,
    as in its body; the same answer without it passes. (A proxy's password is not given to the
    check: tests/test_proxy_password_is_no_echo.py.)
    """
    secrets = ("tok-SECRET-api-1234567890",)
    with pytest.raises(ValueError, match="contains your API token"):
        _flow._refuse_echoed_credentials(Answer(response, b"{}", 1 << 20), secrets)
    _flow._refuse_echoed_credentials(Answer(httpx.Response(200), b"{}", 1 << 20), secrets)
