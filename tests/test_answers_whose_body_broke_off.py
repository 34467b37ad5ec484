"""An answer whose head came but whose body broke off (the connection closed before its
Content-Length, an illegal chunk header: a proxy timing out mid-body, a WAF cutting it) is
the answer, cut short, when sending again would repeat what the server answered: a PATCH is
never sent again (it was sent 3 times, round 56b), and a refusal keeps its status (a 403 was
a TransportError). A read's 200 cut off is retried, as no answer.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from plex_source_client import BadRequest, PermissionDenied, PlexSourceError, TransportError

from .conftest import Twin
from .hostile_server import Connection, Request
from .payloads import SLUG, plex_source
from .raw_server import ScriptServer

BROKEN = {
    "400-content-length-unfilled": (
        b"HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n"
        b'Content-Length: 500\r\n\r\n{"plex_token": ["This field'
    ),
    "403-illegal-chunk": (
        b"HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\nzz\r\n"
    ),
    "200-content-length-unfilled": (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        b'Content-Length: 5000\r\n\r\n{"pk": "1", "name": "Plex"'
    ),
}
WHOLE = json.dumps(plex_source()).encode()
OK = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
    + str(len(WHOLE)).encode()
    + b"\r\nConnection: close\r\n\r\n"
    + WHOLE
)


def answering(answers: list[bytes], methods: list[str]) -> Any:
    def script(conn: Connection, request: Request) -> None:
        methods.append(request.method)
        conn.send(answers[min(len(methods), len(answers)) - 1])

    return script


@pytest.mark.parametrize("answer", BROKEN.values(), ids=BROKEN.keys())
def test_an_answered_patch_whose_body_broke_is_sent_once(socket_twin: Twin, answer: bytes) -> None:
    methods: list[str] = []
    with (
        ScriptServer(answering([answer], methods)) as server,
        pytest.raises(PlexSourceError) as caught,
    ):
        socket_twin.update(SLUG, options={"url": server.url, "max_retries": 2}, enabled=False)
    assert methods == ["PATCH"]
    assert not isinstance(caught.value, TransportError)


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (BROKEN["400-content-length-unfilled"], BadRequest),
        (BROKEN["403-illegal-chunk"], PermissionDenied),
    ],
    ids=["400", "403"],
)
@pytest.mark.parametrize("method", ["update", "get"])
def test_a_refusal_whose_body_broke_keeps_its_status(
    socket_twin: Twin, answer: bytes, error: type[PlexSourceError], method: str
) -> None:
    methods: list[str] = []
    with ScriptServer(answering([answer], methods)) as server:
        options: dict[str, Any] = {"url": server.url, "max_retries": 2}
        with pytest.raises(error):
            refused(socket_twin, method, options)
    assert len(methods) == 1


def refused(socket_twin: Twin, method: str, options: dict[str, Any]) -> None:
    """``update`` (a PATCH) or ``get`` (a GET) of the test source, which the server refuses."""
    if method == "update":
        socket_twin.update(SLUG, options=options, enabled=False)
    else:
        socket_twin.call("get", SLUG, options=options)


def test_a_read_whose_200_broke_is_read_again(socket_twin: Twin) -> None:
    methods: list[str] = []
    answers = [BROKEN["200-content-length-unfilled"], OK]
    with ScriptServer(answering(answers, methods)) as server:
        source = socket_twin.call("get", SLUG, options={"url": server.url, "max_retries": 2})
    assert methods == ["GET", "GET"]
    assert source.slug == SLUG


def test_the_patch_answer_cut_short_says_so(socket_twin: Twin) -> None:
    methods: list[str] = []
    with (
        ScriptServer(answering([BROKEN["200-content-length-unfilled"]], methods)) as server,
        pytest.raises(PlexSourceError) as caught,
    ):
        socket_twin.update(SLUG, options={"url": server.url, "max_retries": 2}, enabled=False)
    assert "probably applied" in str(caught.value)
