"""The fake server survives misbehaving clients: idle and trickling connections, huge bodies,
bodies it cannot parse; over sockets and in process, never a traceback or an exception.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from plex_source_client.testing import FakeAuthentik

PATH = "/api/v3/sources/plex/plex/"
IDLE = 0.5  # seconds: the idle timeout of the fakes below


@pytest.fixture
def served() -> Iterator[FakeAuthentik]:
    with FakeAuthentik(idle_timeout=IDLE, max_body_size=64 * 1024) as fake:
        yield fake


def _connect(fake: FakeAuthentik) -> socket.socket:
    host, port = fake.url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=5)
    sock.settimeout(5)  # the test's own bound: the server must act well before
    return sock


def _request(fake: FakeAuthentik, body: bytes, *, length: int | None = None) -> bytes:
    size = len(body) if length is None else length
    head = (
        f"PATCH {PATH} HTTP/1.1\r\nHost: fake\r\nAuthorization: Bearer {fake.token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {size}\r\n\r\n"
    )
    return head.encode() + body


def _read_all(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def _read_answer(sock: socket.socket) -> bytes:
    """One whole answer (its headers and its Content-Length of body) off a kept-alive socket."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
    while len(body) < length:
        body += sock.recv(65536)
    return head + b"\r\n\r\n" + body


def _closed_within(sock: socket.socket, seconds: float) -> float:
    started = time.monotonic()
    assert _read_all(sock) == b""  # closed without an answer
    elapsed = time.monotonic() - started
    assert elapsed < seconds
    return elapsed


# -- idle and slow connections ---------------------------------------------------------------


def test_a_connection_that_sends_nothing_is_dropped(served: FakeAuthentik) -> None:
    with _connect(served) as sock:
        assert _closed_within(sock, IDLE + 1.5) >= IDLE - 0.1


def test_a_trickling_client_is_dropped_at_the_deadline(served: FakeAuthentik) -> None:
    """Bytes that keep coming do not extend the deadline: it is for the whole request."""
    request = _request(served, b'{"name": "slow"}')
    started = time.monotonic()
    with _connect(served) as sock:
        try:
            for byte in request:
                sock.sendall(bytes([byte]))
                time.sleep(0.05)  # all of it would take about 7 s
                if time.monotonic() - started > 3:
                    break
        except OSError:  # the server closed it: the send failed
            pass
        else:
            assert _read_all(sock) == b""
    assert time.monotonic() - started < IDLE + 1.5
    assert served.sources["plex"]["name"] == "Plex"  # never handled


def test_a_slow_body_is_dropped_too(served: FakeAuthentik) -> None:
    with _connect(served) as sock:
        sock.sendall(_request(served, b'{"na', length=16))  # 4 of 16 bytes, then silence
        _closed_within(sock, IDLE + 1.5)
    assert served.sources["plex"]["name"] == "Plex"


def test_keep_alive_connections_get_a_fresh_deadline_per_request(served: FakeAuthentik) -> None:
    with _connect(served) as sock:
        for name in ("one", "two"):
            time.sleep(IDLE * 0.6)  # idle, but less than the timeout each time
            sock.sendall(_request(served, f'{{"name": "{name}"}}'.encode()))
            assert _read_answer(sock).startswith(b"HTTP/1.1 200 ")
        _closed_within(sock, IDLE + 1.5)  # then idle for good
    assert served.sources["plex"]["name"] == "two"


def test_an_idle_connection_does_not_block_others(served: FakeAuthentik) -> None:
    with _connect(served), httpx.Client(base_url=served.url) as client:
        answer = client.get(PATH, headers={"Authorization": f"Bearer {served.token}"})
        assert answer.status_code == 200


def test_the_idle_timeout_defaults_to_a_few_seconds() -> None:
    assert 1 <= FakeAuthentik().idle_timeout <= 30


# -- request size --------------------------------------------------------------------------


def test_the_default_limit_is_well_above_any_real_request() -> None:
    assert FakeAuthentik().max_body_size == 1024 * 1024


def test_a_body_over_the_limit_is_refused_unread(served: FakeAuthentik) -> None:
    with _connect(served) as sock:
        # Announce 10 MiB, send none of it: the answer comes from the headers alone.
        sock.sendall(_request(served, b"", length=10 * 1024 * 1024))
        answer = _read_all(sock)  # answered, then closed
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert b"Connection: close" in answer
    assert served.requests == []  # never reached authentik


def test_a_body_at_the_limit_is_taken(served: FakeAuthentik) -> None:
    body = b'{"name": "big", "x": "' + b"x" * (64 * 1024 - 24) + b'"}'
    assert len(body) == served.max_body_size
    with httpx.Client(base_url=served.url) as client:
        headers = {"Authorization": f"Bearer {served.token}", "Content-Type": "application/json"}
        ok = client.patch(PATH, content=body, headers=headers)
        too_big = client.patch(PATH, content=body + b" ", headers=headers)
    assert ok.status_code == 200
    assert too_big.status_code == 413


def test_the_limit_holds_in_process_too() -> None:
    fake = FakeAuthentik(max_body_size=100)
    with httpx.Client(base_url=fake.url, transport=fake.transport()) as client:
        answer = client.patch(PATH, content=b"{" + b" " * 100 + b"}")
    assert answer.status_code == 413
    assert fake.requests == []


def test_an_invalid_content_length_is_a_400(served: FakeAuthentik) -> None:
    with _connect(served) as sock:
        sock.sendall(_request(served, b"{}", length=-5))
        assert _read_all(sock).startswith(b"HTTP/1.1 400 ")


# -- bodies it cannot parse, in both modes ----------------------------------------------------

UNPARSABLE = [
    (b"{nope", "unexpected character: line 1 column 2 (char 1)"),
    (b"[" * 100_000, "array and object recursion depth exceeded: line 1 column 1026 (char 1025)"),
    (
        b'{"name": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",
        "array and object recursion depth exceeded: line 1 column 1034 (char 1033)",
    ),
    (
        b'{"name": "\xfe"}',
        "'utf-8' codec can't decode byte 0xfe in position 10: invalid start byte",
    ),
]


@pytest.mark.parametrize("mode", ["over a socket", "in process"])
@pytest.mark.parametrize(
    ("body", "detail"), UNPARSABLE, ids=["malformed", "deep", "deep value", "not utf-8"]
)
def test_unparsable_bodies_get_authentiks_400(
    mode: str, body: bytes, detail: str, capfd: pytest.CaptureFixture[str]
) -> None:
    fake = FakeAuthentik()
    headers = {"Authorization": f"Bearer {fake.token}", "Content-Type": "application/json"}
    if mode == "in process":
        with httpx.Client(base_url=fake.url, transport=fake.transport()) as client:
            answer = client.patch(PATH, content=body, headers=headers)
    else:
        with fake, httpx.Client(base_url=fake.url) as client:
            answer = client.patch(PATH, content=body, headers=headers)
            assert client.get(PATH, headers=headers).status_code == 200  # still serving
    assert (answer.status_code, answer.json()) == (400, {"detail": f"JSON parse error - {detail}"})
    assert answer.headers["Allow"] == "GET, PUT, PATCH, DELETE, HEAD, OPTIONS"
    assert "Traceback" not in capfd.readouterr().err
    assert fake.sources["plex"]["name"] == "Plex"


def test_stopping_the_fake_ends_its_server_at_once() -> None:
    """A stop wakes the server's loop (socketserver's ``serve_forever`` would notice it only at
    its next poll, ~25 ms on average at 0.05 s): 20 fakes started, served and stopped within
    0.25 s of stopping, where polling would have taken ~0.5 s. Still served until then.
    """
    fakes = [FakeAuthentik().start() for _ in range(20)]
    for fake in fakes:
        answer = httpx.get(
            f"{fake.url}/api/v3/sources/plex/", headers={"Authorization": f"Bearer {fake.token}"}
        )
        assert answer.status_code == 200
    started = time.monotonic()
    for fake in fakes:
        fake.stop()
    assert time.monotonic() - started < 0.25


def test_stop_does_not_wait_for_an_idle_keep_alive_connection() -> None:
    """A client holding a keep-alive connection open (a notebook's client, a test's) must not
    hold up :meth:`FakeAuthentik.stop` (and so Ctrl-C of ``plex-source fake``) until its idle
    timeout: socketserver's ``server_close`` joins every handler thread, daemon ones too.
    """
    import threading

    fake = FakeAuthentik(idle_timeout=600).start()
    host, port = fake.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall(b"GET /api/v3/admin/version/ HTTP/1.1\r\nHost: x\r\n\r\n")
        assert sock.recv(100).startswith(b"HTTP/1.1 ")  # answered; the connection stays open
        stopper = threading.Thread(target=fake.stop, daemon=True)
        stopper.start()
        stopper.join(timeout=60)  # a hang guard, not a timing: the idle timeout is 600 s
        assert not stopper.is_alive(), "stop() waited for the idle connection"


def test_connections_opened_at_once_are_taken_while_the_fake_is_busy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``plex-source apply`` opens up to its concurrency (8 by default, 32 in CI jobs) of
    connections at once. The kernel completes them while the fake's thread has not yet
    accepted them, up to the listen backlog; beyond it, it drops the SYN and the client sends it
    again only a second later (socketserver's backlog of 5 cost every such apply ~1 s). Here
    the fake accepts nothing until 32 connections are open: each completes at once.
    """
    from plex_source_client.testing import _server

    accepting = threading.Event()
    handle_request = _server._QuietServer.handle_request

    def held(self: _server._QuietServer) -> None:
        accepting.wait(timeout=30)
        handle_request(self)

    monkeypatch.setattr(_server._QuietServer, "handle_request", held)
    with FakeAuthentik() as fake:
        host, port = fake.url.removeprefix("http://").split(":")
        opened: list[socket.socket] = []
        try:
            for _ in range(32):  # a dropped SYN is sent again after 1 s: the 0.5 s bound fails
                opened.append(socket.create_connection((host, int(port)), timeout=0.5))
        finally:
            accepting.set()
            for sock in opened:
                sock.close()
        assert len(opened) == 32
