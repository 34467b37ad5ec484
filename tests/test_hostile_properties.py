"""Property: whatever bytes a server answers (a random status line, random headers, a random
body, the connection closed at a random point), the client ends in time with a PlexSource or
one of our errors: never RecursionError, UnicodeError, ValueError, httpx.*, ...

On both clients: the sync one and the async one. The server is
:class:`~tests.hostile_server.RandomBytesServer` on 127.0.0.1: it reads the request, sends the
example's bytes and closes the connection.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import time
import traceback
import zlib
from collections.abc import Iterator
from typing import Any, Final

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plex_source_client import AsyncPlexSourceClient, PlexSource, PlexSourceClient, PlexSourceError

from .hostile_server import API_TOKEN, SECRET_FRAGMENTS, SECRETS, RandomBytesServer, stored_source

pytestmark = [pytest.mark.hostile, pytest.mark.property]

KINDS: Final = ("sync", "async-httpx")
TIMEOUT: Final = 2.0
BUDGET: Final = TIMEOUT  # max_retries=0: one attempt, no backoff
MARGIN: Final = 3.0
SETTINGS: Final = settings(
    max_examples=75,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# -- strategies: the bytes of a response -----------------------------------------------------

HEADER_NAMES: Final = (
    "Content-Length",
    "Transfer-Encoding",
    "Content-Encoding",
    "Content-Type",
    "Retry-After",
    "X-Authentik-Id",
    "Location",
    "Connection",
    "Set-Cookie",
    "X-Padding",
)
HEADER_VALUES: Final = (
    "0",
    "1",
    "-1",
    "12",
    "4096",
    "99999999999999999999999",
    "abc",
    "1, 2",
    " 7 ",
    "chunked",
    "gzip",
    "deflate",
    "br",
    "zstd",
    "identity",
    "gzip, deflate",
    "gzip, chunked",
    "application/json",
    "application/json; charset=utf-16",
    "application/json; charset=bogus-9",
    "text/html; charset=latin-1",
    "close",
    "keep-alive",
    "http://[::1",
    "https://evil.example/steal",
    "Wed, 21 Oct 2015 07:28:00 GMT",
    "NaN",
    "inf",
    "1e309",
    "rid-\u00e9",
)
VERSIONS: Final = ("HTTP/1.1", "HTTP/1.0", "HTTP/2", "HTTP/0.9", "http/1.1", "HTTP/1.1 ", "ICE/1.0")
NEWLINES: Final = (b"\r\n", b"\n", b"\r")

printable = st.text(
    st.characters(min_codepoint=32, max_codepoint=0x2FF, exclude_characters="\r\n"), max_size=40
)
status_lines = st.one_of(
    st.builds(
        lambda version, code, reason: f"{version} {code} {reason}".encode(),
        st.sampled_from(VERSIONS),
        st.sampled_from([200, 201, 204, 304, 400, 404, 429, 500, 502]) | st.integers(0, 1200),
        printable,
    ),
    st.builds(
        lambda version, code: f"{version} {code}".encode(), st.sampled_from(VERSIONS), printable
    ),
    st.binary(max_size=60),
)
header_lines = st.one_of(
    st.builds(
        lambda name, value: f"{name}: {value}".encode(),
        st.sampled_from(HEADER_NAMES),
        st.sampled_from(HEADER_VALUES) | printable,
    ),
    st.binary(max_size=80),
    st.builds(lambda n: b"X-Big: " + b"h" * n, st.sampled_from([8200, 70_000, 200_000])),
)
JSON_LEAVES = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
json_values = st.recursive(
    JSON_LEAVES,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)


def chunked(data: bytes, sizes: list[int], lie: bool) -> bytes:
    """``data`` in chunked framing (with wrong sizes if ``lie``)."""
    out, at = b"", 0
    for size in sizes:
        piece = data[at : at + size]
        at += size
        declared = len(piece) + (3 if lie else 0)
        out += b"%x\r\n%s\r\n" % (declared, piece)
    return out + b"0\r\n\r\n"


bodies = st.one_of(
    st.binary(max_size=3000),
    st.just(json.dumps(stored_source()).encode()),
    json_values.map(lambda value: json.dumps(value).encode()),
    st.dictionaries(st.sampled_from(sorted(stored_source())), json_values, max_size=6).map(
        lambda changes: json.dumps(stored_source(**changes)).encode()
    ),
    st.binary(max_size=500).map(gzip.compress),
    st.binary(max_size=500).map(zlib.compress),
    st.builds(
        chunked,
        st.binary(max_size=1000),
        st.lists(st.integers(0, 400), min_size=1, max_size=5),
        st.booleans(),
    ),
)


@st.composite
def responses(draw: st.DrawFn) -> bytes:
    newline = draw(st.sampled_from(NEWLINES))
    lines: list[bytes] = [draw(status_lines), *draw(st.lists(header_lines, max_size=6))]
    body: bytes = draw(bodies)
    data = newline.join(lines) + newline + newline + body
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]  # the connection closes early
    return data


# -- the property ------------------------------------------------------------------------------


def call(kind: str, url: str) -> Any:
    """One update against ``url`` on ``kind``: its PlexSource, or what it raised."""
    options: dict[str, Any] = {
        "url": url,
        "token": API_TOKEN,
        "timeout": TIMEOUT,
        "max_retries": 0,
    }
    try:
        if kind == "sync":
            with PlexSourceClient(**options) as client:
                return client.update("my-plex", name="x")

        async def run() -> PlexSource:
            async with AsyncPlexSourceClient(**options) as client:
                return await client.update("my-plex", name="x")

        return asyncio.run(run())
    except Exception as error:  # noqa: BLE001 - what escapes is what is tested
        return error


@pytest.fixture(scope="module")
def server() -> Iterator[RandomBytesServer]:
    with RandomBytesServer() as running:
        yield running


def check(kind: str, server: RandomBytesServer, reply: bytes) -> None:
    server.reply = reply
    started = time.monotonic()
    outcome = call(kind, server.url)
    elapsed = time.monotonic() - started
    problems = []
    if not isinstance(outcome, PlexSource | PlexSourceError):
        problems.append(f"{type(outcome).__module__}.{type(outcome).__name__} escaped: {outcome}")
    if elapsed > BUDGET + MARGIN:
        problems.append(f"took {elapsed:.1f}s, more than {BUDGET + MARGIN:.1f}s")
    if isinstance(outcome, BaseException):
        shown = [str(outcome), repr(outcome), "".join(traceback.format_exception(outcome))]
        for secret in (*SECRETS, *SECRET_FRAGMENTS):
            if any(secret in text for text in shown):
                problems.append(f"{secret!r} shows in the error")
    assert not problems, f"{kind}, answer {reply[:300]!r}: " + "; ".join(problems)


@pytest.mark.parametrize("kind", KINDS)
@SETTINGS
@given(reply=responses())
def test_random_answers_end_in_our_errors(
    server: RandomBytesServer, kind: str, reply: bytes
) -> None:
    check(kind, server, reply)
