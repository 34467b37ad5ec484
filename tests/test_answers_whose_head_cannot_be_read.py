"""A PATCH answered with a head the client or the HTTP parser refuses is not sent again
(round 57b: 3 PATCHes, the change applied each time): headers over the client's 64 KiB limit
(the status came: a 2xx is "probably applied", UnexpectedResponse), or a head h11 refuses
(two Content-Lengths, a Transfer-Encoding other than chunked, a status line that is none):
a TransportError that says the server answered unreadably and may have applied it. A
connection closed before any answer (a kept-alive connection the server had closed; a 102
then nothing) is still sent again, and a read is retried as before.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from plex_source_client import PlexSourceError, TransportError, UnexpectedResponse

from .conftest import Twin
from .fixed_server import run_main
from .hostile_server import Connection, Request
from .payloads import SLUG, plex_source
from .raw_server import ScriptServer

WHOLE = json.dumps(plex_source()).encode()


def ok_with_headers(extra: bytes) -> bytes:
    return (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
        + str(len(WHOLE)).encode()
        + b"\r\n"
        + extra
        + b"Connection: close\r\n\r\n"
        + WHOLE
    )


HUGE_HEAD = ok_with_headers(
    b"".join(b"Set-Cookie: c%d=%s\r\n" % (i, b"x" * 1000) for i in range(70))
)
UNREADABLE = {
    "transfer-encoding-gzip-chunked": (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\nConnection: close\r\n\r\n0\r\n\r\n"
    ),
    "conflicting-content-length": (
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n"
        b"Connection: close\r\n\r\nhello!"
    ),
    "103-then-garbage": b"HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nnot http at all\r\n\r\n",
}


def answering(answers: dict[str, bytes], methods: list[str]) -> Any:
    def script(conn: Connection, request: Request) -> None:
        methods.append(request.method)
        conn.send(answers.get(request.method, answers.get("*", b"")))

    return script


def updated(socket_twin: Twin, answer: bytes) -> tuple[list[str], PlexSourceError]:
    """The methods the server got, and the error ``update`` raised, when it answers each
    request with ``answer`` (two retries allowed).
    """
    methods: list[str] = []
    with ScriptServer(answering({"*": answer}, methods)) as server:
        try:
            socket_twin.update(SLUG, options={"url": server.url, "max_retries": 2}, enabled=False)
        except PlexSourceError as error:
            return methods, error
    raise AssertionError("update did not fail")


def test_a_2xx_head_over_the_limit_is_probably_applied(socket_twin: Twin) -> None:
    methods, error = updated(socket_twin, HUGE_HEAD)
    assert methods == ["PATCH"]
    assert isinstance(error, UnexpectedResponse)
    assert "probably applied" in str(error)


@pytest.mark.parametrize("answer", UNREADABLE.values(), ids=UNREADABLE.keys())
def test_a_patch_answered_unreadably_is_sent_once(socket_twin: Twin, answer: bytes) -> None:
    methods, error = updated(socket_twin, answer)
    assert methods == ["PATCH"]
    assert isinstance(error, TransportError)
    assert "may have been applied" in str(error)


@pytest.mark.parametrize(
    "answer",
    [HUGE_HEAD, UNREADABLE["conflicting-content-length"]],
    ids=["huge-head", "two-lengths"],
)
def test_a_read_answered_so_is_retried(socket_twin: Twin, answer: bytes) -> None:
    methods: list[str] = []
    with (
        ScriptServer(answering({"*": answer}, methods)) as server,
        pytest.raises(TransportError),
    ):
        socket_twin.call("get", SLUG, options={"url": server.url, "max_retries": 2})
    assert methods == ["GET", "GET", "GET"]


def test_a_patch_whose_connection_closed_unanswered_is_sent_again(socket_twin: Twin) -> None:
    methods, error = updated(socket_twin, b"HTTP/1.1 102 Processing\r\n\r\n")
    assert methods == ["PATCH"] * 3
    assert isinstance(error, TransportError)
    assert "may have been applied" not in str(error)


def test_cli_apply_of_such_an_answer_sends_the_patch_once(tmp_path: Path) -> None:
    methods: list[str] = []
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps([{"slug": SLUG, "changes": {"enabled": False}}]))
    answers = {"PATCH": HUGE_HEAD, "GET": ok_with_headers(b"")}
    with ScriptServer(answering(answers, methods)) as server:
        code, _out, err, _ = run_main(["apply", str(plan), "--max-retries", "2"], url=server.url)
    assert methods.count("PATCH") == 1, (methods, err)
    assert code == 3
    assert "probably applied" in err
