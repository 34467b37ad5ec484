"""A hostile version endpoint cannot hang a call, exhaust memory or fail an update: asking the
release is one attempt within the call's timeout and size limit, and failing to learn it is
not an error. Over real sockets, on every client.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from plex_source_client import PlexSource

from .conftest import Twin
from .payloads import TOKEN, plex_source_2026

#: The call's timeout: what a hanging or trickling (a byte every 0.2 s) version endpoint costs.
#: The PATCH that follows must answer within it too: a local answer takes milliseconds.
TIMEOUT = 0.5
#: Slack for a loaded 2-core machine: a hang would take the server's own 30 s.
MARGIN = 6.0


class Handler(BaseHTTPRequestHandler):
    behaviour = "ok"

    def log_message(self, *args: Any) -> None:
        pass

    def do_PATCH(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(length)
        body = json.dumps(plex_source_2026(promoted=True)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        behaviour = type(self).behaviour
        deadline = time.monotonic() + 30
        try:
            if behaviour == "hang":
                while time.monotonic() < deadline:
                    time.sleep(0.05)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            if behaviour == "trickle":
                self.send_header("Content-Length", "1000")
                self.end_headers()
                while time.monotonic() < deadline:
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.2)
            elif behaviour == "endless":
                self.end_headers()  # no length: the body runs until the connection closes
                self.wfile.write(b'{"version_current": "2026.2.2", "x": "')
                chunk = b"x" * 65536
                for _ in range(4096):  # 256 MiB at most
                    self.wfile.write(chunk)
            elif behaviour == "deep":
                body = b"[" * 100_000 + b"]" * 100_000
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
        except OSError:
            return


@pytest.fixture(params=["hang", "trickle", "endless", "deep"])
def hostile(request: pytest.FixtureRequest) -> Iterator[str]:
    handler = type("H", (Handler,), {"behaviour": request.param})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(  # polled often: shutdown() waits at most one poll
        target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
    )
    thread.start()
    port = server.server_address[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_a_hostile_version_endpoint_costs_at_most_one_timeout(
    socket_twin: Twin, hostile: str
) -> None:
    options = {
        "url": hostile,
        "token": TOKEN,
        "server_version": None,
        "timeout": TIMEOUT,
        "max_retries": 0,
        "max_response_size": 65536,
    }
    started = time.monotonic()
    source = socket_twin.update("plex", options, promoted=True)
    elapsed = time.monotonic() - started
    assert isinstance(source, PlexSource)
    assert source.promoted is True
    # the version request (one attempt, <= TIMEOUT) plus the PATCH (<= TIMEOUT)
    assert elapsed < 2 * TIMEOUT + MARGIN


def test_nothing_listens_on_the_version_endpoint_port_either(socket_twin: Twin) -> None:
    """No server at all: the update fails as it would without the release (TransportError)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    from plex_source_client import TransportError

    options = {"url": f"http://127.0.0.1:{port}", "token": TOKEN, "server_version": None,
               "timeout": TIMEOUT, "max_retries": 0}  # fmt: skip
    with pytest.raises(TransportError) as caught:
        socket_twin.update("plex", options, promoted=True)
    assert caught.value.method == "PATCH"  # the update's own error, not the version request's
