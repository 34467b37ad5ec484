"""Fault injection over real sockets: every way a network or server can misbehave.

Each scenario asserts the outcome, the number of attempts, that the time taken respects the
timeouts and backoff caps, that the token went nowhere but the original host, and (the secret
sweep) that neither the API token nor the Plex token shows in any log record, exception or repr.
"""

from __future__ import annotations

import json
import logging
import time
import traceback
from typing import Any

import attrs
import pytest

from plex_source_client import (
    PlexSource,
    PlexSourceError,
    RequestTimeout,
    ServerError,
    TransportError,
    UnexpectedResponse,
    UnexpectedStatus,
)

from .conftest import Twin
from .payloads import PLEX_TOKEN, SLUG, TOKEN, plex_source
from .scripted_server import (
    Action,
    Drop,
    Hang,
    Partial,
    Reply,
    Reset,
    ScriptedServer,
    SlowBody,
    Trickle,
)

pytestmark = pytest.mark.faults

OK = Reply(200, json=plex_source(), headers={"X-Authentik-Id": "rid-ok"})
BUSY = Reply(503, json={"detail": "Service Unavailable"})


@attrs.frozen
class Scenario:
    script: tuple[Action, ...]
    outcome: type[Any]
    attempts: int
    max_seconds: float  # generous: an upper bound that proves nothing hung
    options: dict[str, Any] = attrs.field(factory=dict)
    min_seconds: float = 0.0
    #: The waits between attempts the client asks for, each within (low, high) seconds:
    #: recorded, not slept (the twin's fake sleep).
    waits: tuple[tuple[float, float], ...] | None = None
    redirect_elsewhere: bool = False


SCENARIOS: dict[str, Scenario] = {
    "connection refused": Scenario((), TransportError, 3, 10),
    "reset before the response": Scenario((Reset(), Reset(), Reset()), TransportError, 3, 10),
    "reset then success": Scenario((Reset(), OK), PlexSource, 2, 10),
    # The head came: the PATCH was answered (a 200), its body cut short: not sent again, and
    # reported as an answer that is no source, probably applied (round 56b).
    "reset during the response": Scenario((Partial(),), UnexpectedResponse, 1, 10),
    "dropped then success": Scenario((Drop(), OK), PlexSource, 2, 10),
    # Where the server never answers, nothing races the deadline: short timeouts prove as much.
    "accepts and never answers": Scenario(
        (Hang(), Hang()), RequestTimeout, 2, 8, {"timeout": 0.25, "max_retries": 1}, 0.5
    ),
    "slow body": Scenario(
        (SlowBody(), SlowBody()), RequestTimeout, 2, 8, {"timeout": 0.3, "max_retries": 1}, 0.6
    ),
    # One byte every 50 ms never trips a per-read timeout: without a deadline on the whole
    # attempt these would take about a minute (the answer is about 900 bytes).
    "trickled status line and headers": Scenario(
        (Trickle(),), RequestTimeout, 1, 4, {"timeout": 0.3, "max_retries": 0}, 0.27
    ),
    "trickled body": Scenario(
        (Trickle(headers_first=True),),
        RequestTimeout,
        1,
        4,
        {"timeout": 0.3, "max_retries": 0},
        0.27,
    ),
    "429 retry-after 1 then success": Scenario(
        (Reply(429, headers={"Retry-After": "1"}), OK), PlexSource, 2, 10, waits=((1.0, 1.0),)
    ),
    "503 x3 then success": Scenario(
        (BUSY, BUSY, BUSY, OK),
        PlexSource,
        4,
        10,
        {"max_retries": 3},
        waits=((0.25, 0.5), (0.5, 1.0), (1.0, 2.0)),  # backoff 0.5 * 2**n, jitter [0.5, 1]
    ),
    "503 every time": Scenario((BUSY, BUSY, BUSY), ServerError, 3, 10),
    "5xx html page": Scenario(
        (
            Reply(
                500,
                body=b"<html><h1>Internal Server Error</h1></html>",
                headers={"Content-Type": "text/html"},
            ),
        ),
        ServerError,
        1,
        10,
    ),
    "truncated json": Scenario(
        (Reply(200, body=json.dumps(plex_source()).encode()[:-30]),), UnexpectedResponse, 1, 10
    ),
    "wrong content type": Scenario(
        (
            Reply(
                200, body=json.dumps(plex_source()).encode(), headers={"Content-Type": "text/html"}
            ),
        ),
        PlexSource,
        1,
        10,
    ),
    "html instead of json": Scenario(
        (Reply(200, body=b"<html>Welcome to nginx</html>", headers={"Content-Type": "text/html"}),),
        UnexpectedResponse,
        1,
        10,
    ),
    "redirect to another host": Scenario((), UnexpectedStatus, 1, 10, redirect_elsewhere=True),
}


def secrets_in(texts: list[str]) -> list[str]:
    return [text[:200] for text in texts if TOKEN in text or PLEX_TOKEN in text]


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_fault(socket_twin: Twin, caplog: pytest.LogCaptureFixture, name: str) -> None:
    scenario = SCENARIOS[name]
    with ScriptedServer(*scenario.script) as server, ScriptedServer() as elsewhere:
        if scenario.redirect_elsewhere:
            server.push(Reply(302, headers={"Location": f"{elsewhere.url}/steal"}))
        url = server.url
        if name == "connection refused":
            server_gone = ScriptedServer()
            with server_gone:
                url = server_gone.url
        started = time.monotonic()
        with caplog.at_level(logging.DEBUG):
            outcome = call(socket_twin, url, scenario.options)
        elapsed = time.monotonic() - started
        received_here, received_elsewhere = list(server.received), list(elsewhere.received)

    assert isinstance(outcome, scenario.outcome), repr(outcome)
    attempts = getattr(outcome, "attempts", None)
    if isinstance(outcome, PlexSource):
        attempts = len(received_here)
    assert attempts == scenario.attempts
    if name != "connection refused" and name != "redirect to another host":
        assert len(received_here) == scenario.attempts
    assert scenario.min_seconds <= elapsed <= scenario.max_seconds, elapsed
    if scenario.waits is not None:
        assert len(socket_twin.sleeps) == len(scenario.waits), socket_twin.sleeps
        for waited, (low, high) in zip(socket_twin.sleeps, scenario.waits, strict=True):
            assert low <= waited <= high, socket_twin.sleeps
    # The token went to the original host only, on every attempt.
    assert received_elsewhere == []
    assert all(r.headers["authorization"] == f"Bearer {TOKEN}" for r in received_here)
    # The secret sweep: nothing the user (or their log) can see holds a secret.
    seen = [repr(outcome), str(outcome)]
    if isinstance(outcome, BaseException):
        seen.append("".join(traceback.format_exception(outcome)))
        seen.append(repr(getattr(outcome, "body", None)))
    seen += [record.getMessage() for record in caplog.records]
    seen += [logging.Formatter().format(record) for record in caplog.records]
    assert caplog.records
    assert secrets_in(seen) == []


def call(socket_twin: Twin, url: str, options: dict[str, Any]) -> Any:
    try:
        return socket_twin.update(
            SLUG, options={"url": url, **options}, enabled=False, plex_token=PLEX_TOKEN
        )
    except PlexSourceError as error:
        return error
