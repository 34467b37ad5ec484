"""The wrong scheme for the server: ``https://`` to plain HTTP, ``http://`` to TLS. Over real
sockets, on the sync client and the async one: one attempt, however many
retries are allowed (the same request would fail the same way), and a message saying which
URL to use. A connection dropped for any other reason is still retried.
"""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Iterator

import httpx
import pytest

from plex_source_client import TransportError, UnexpectedStatus
from plex_source_client._mismatch import answer_hint, transport_hint

from .conftest import Twin
from .payloads import SLUG, TOKEN

#: A plain-HTTP server's answer, which a TLS client reads as a record of the wrong version.
PLAIN_ANSWER = b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
#: A TLS alert record (fatal, protocol_version): what some TLS servers send to plain HTTP.
TLS_ALERT = b"\x15\x03\x01\x00\x02\x02\x46"
#: Go's net/http (authentik's own server) to plain HTTP on its TLS port.
GO_ANSWER = b"HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n"


@pytest.fixture
def server() -> Iterator[tuple[list[bytes], list[int], int]]:
    """A TCP server answering each connection with ``reply[0]`` (read first) then closing;
    ``connections`` counts them. Yields ``(reply, connections, port)``.
    """
    reply: list[bytes] = [b""]
    connections: list[int] = []
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            connections.append(1)
            with conn:
                conn.settimeout(2)
                try:
                    conn.recv(65536)
                    if reply[0]:
                        conn.sendall(reply[0])
                except OSError:
                    pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield reply, connections, listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(5)
        listener.close()


def options(url: str) -> dict[str, object]:
    return {"url": url, "token": TOKEN, "max_retries": 2, "timeout": 5}


def test_https_to_a_plain_http_server_is_not_retried_and_says_use_http(
    socket_twin: Twin, server: tuple[list[bytes], list[int], int]
) -> None:
    reply, connections, port = server
    reply[0] = PLAIN_ANSWER
    with pytest.raises(TransportError) as caught:
        socket_twin.call("get", SLUG, options=options(f"https://127.0.0.1:{port}"))
    assert caught.value.attempts == 1
    assert len(connections) == 1
    assert socket_twin.sleeps == []
    message = str(caught.value)
    assert "failed after 1 attempt: the server speaks plain HTTP, not TLS: use " in message
    assert f"use http://127.0.0.1:{port} (" in message


def test_http_to_a_tls_alert_is_not_retried_and_says_use_https(
    socket_twin: Twin, server: tuple[list[bytes], list[int], int]
) -> None:
    reply, connections, port = server
    reply[0] = TLS_ALERT
    with pytest.raises(TransportError) as caught:
        socket_twin.call("get", SLUG, options=options(f"http://127.0.0.1:{port}"))
    assert caught.value.attempts == 1
    assert len(connections) == 1
    assert f"the server speaks TLS (HTTPS): use https://127.0.0.1:{port} (" in str(caught.value)


def test_http_to_a_go_tls_port_says_use_https(
    socket_twin: Twin, server: tuple[list[bytes], list[int], int]
) -> None:
    reply, connections, port = server
    reply[0] = GO_ANSWER
    with pytest.raises(UnexpectedStatus) as caught:
        socket_twin.call("get", SLUG, options=options(f"http://127.0.0.1:{port}"))
    assert len(connections) == 1
    assert caught.value.status_code == 400
    assert f"the server speaks TLS (HTTPS): use https://127.0.0.1:{port} (it answered 400: " in (
        str(caught.value)
    )


def test_a_dropped_connection_is_still_retried(
    socket_twin: Twin, server: tuple[list[bytes], list[int], int]
) -> None:
    _reply, connections, port = server  # closes without a word: not a scheme mismatch
    with pytest.raises(TransportError) as caught:
        socket_twin.call("get", SLUG, options=options(f"http://127.0.0.1:{port}"))
    assert caught.value.attempts == 3
    assert len(connections) == 3
    assert "speaks" not in str(caught.value)


@pytest.mark.parametrize(
    "text",
    [
        "[SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1006)",
        "[SSL: RECORD_LAYER_FAILURE] record layer failure (_ssl.c:1000)",
        "[SSL: PACKET_LENGTH_TOO_LONG] packet length too long (_ssl.c:1000)",
    ],
)
def test_every_openssl_wording_of_a_plain_answer_is_recognised(text: str) -> None:
    error = httpx.ConnectError(text)
    assert transport_hint(error, "https://auth.example.com/api/v3/sources/plex/") == (
        "the server speaks plain HTTP, not TLS: use http://auth.example.com:443"
    )
    assert transport_hint(error, "http://auth.example.com:8080/api/v3/") is None
    wrapped = httpx.ConnectError("connection failed")
    wrapped.__cause__ = ssl.SSLError(1, text)
    assert transport_hint(wrapped, "https://auth.example.com:9443/") == (
        "the server speaks plain HTTP, not TLS: use http://auth.example.com:9443"
    )


def test_other_failures_have_no_hint() -> None:
    url = "https://auth.example.com/api/v3/"
    assert transport_hint(httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED]"), url) is None
    assert transport_hint(httpx.RemoteProtocolError("illegal request line"), url) is None
    assert transport_hint(httpx.ReadError("illegal request line"), "http://a:80/") is None
    assert transport_hint(httpx.RemoteProtocolError("Server disconnected"), "http://a/") is None
    assert answer_hint(400, '{"name": ["This field may not be blank."]}', "http://a/") is None
    assert answer_hint(404, "Client sent an HTTP request to an HTTPS server.", "http://a/") is None


@pytest.mark.parametrize(
    "body",
    [
        "Client sent an HTTP request to an HTTPS server.\n",
        "<html><center>The plain HTTP request was sent to HTTPS port</center></html>",
        "<p>You're speaking plain HTTP to an SSL-enabled server port.<br />",
    ],
)
def test_web_servers_answers_to_plain_http_on_a_tls_port(body: str) -> None:
    assert answer_hint(400, body, "http://auth.example.com/api/v3/") == (
        "the server speaks TLS (HTTPS): use https://auth.example.com:80"
    )
    assert answer_hint(400, body, "http://auth.example.com:443/") == (
        "the server speaks TLS (HTTPS): use https://auth.example.com"
    )
    assert answer_hint(400, body, "https://auth.example.com/") is None
