"""A real HTTP/1.1 server on 127.0.0.1 that answers from a script: for end-to-end tests over
sockets (keep-alive, timeouts, dropped connections, real Retry-After waits).
"""

from __future__ import annotations

import json
import socket
import ssl
import struct
import sys
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

import attrs

from .payloads import plex_source


@attrs.frozen
class Reply:
    """Answer with this status, headers and body (JSON if ``json`` is given), after ``delay``."""

    status: int = 200
    json: Any = None
    body: bytes = b""
    headers: dict[str, str] = attrs.field(factory=dict)
    delay: float = 0.0


@attrs.frozen
class Drop:
    """Close the connection without answering."""


@attrs.frozen
class Reset:
    """Reset the connection (TCP RST) without answering."""


@attrs.frozen
class Partial:
    """Send the status line, headers and the start of the body, then reset the connection."""

    status: int = 200
    body: bytes = b'{"pk": "'
    declared_length: int = 1000


@attrs.frozen
class SlowBody:
    """Send the headers at once, then the body one byte every ``delay`` seconds."""

    body: bytes = b'{"detail": "slow"}'
    delay: float = 1.0


@attrs.frozen
class Trickle:
    """Send a 200 one byte every ``delay`` seconds: the whole answer, or with ``headers_first``
    the status line and headers at once and then the body. No single read waits long, so only
    a deadline on the whole attempt ends it.
    """

    body: bytes = attrs.field(factory=lambda: json.dumps(plex_source()).encode())
    delay: float = 0.05
    headers_first: bool = False


@attrs.frozen
class Hang:
    """Read the request, then answer nothing for ``seconds`` (then close)."""

    seconds: float = 30.0


Action = Reply | Drop | Reset | Partial | SlowBody | Trickle | Hang


@attrs.frozen
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    peer: tuple[str, int]  # the client's address: one per connection


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients hanging up mid-answer is what these tests provoke; stay quiet about it."""
        if not isinstance(sys.exc_info()[1], ConnectionError | OSError):
            super().handle_error(request, client_address)


class ScriptedServer:
    """Serves ``script`` in order, then ``default`` (a 200 with a PlexSource) forever."""

    def __init__(self, *script: Action, tls: ssl.SSLContext | None = None) -> None:
        self.script: deque[Action] = deque(script)
        self.default: Action = Reply(200, json=plex_source(), headers={"X-Authentik-Id": "rid-1"})
        self.received: list[Received] = []
        self._stop = threading.Event()
        self._httpd = _QuietServer(("127.0.0.1", 0), self._handler_class())
        self._scheme = "http"
        if tls is not None:  # https://: the TLS handshake happens as each connection is accepted
            self._httpd.socket = tls.wrap_socket(self._httpd.socket, server_side=True)
            self._scheme = "https"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"{self._scheme}://{host!s}:{port}"

    def push(self, *actions: Action) -> None:
        self.script.extend(actions)

    def __enter__(self) -> ScriptedServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def _next(self) -> Action:
        try:
            return self.script.popleft()
        except IndexError:
            return self.default

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _reset(self) -> None:
                """Close with SO_LINGER 0: the peer sees a reset, not an orderly close."""
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                self.close_connection = True

            def _trickle(self, action: Trickle) -> None:
                head = (
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    f"Content-Length: {len(action.body)}\r\n\r\n"
                ).encode()
                slow = action.body
                if action.headers_first:
                    self.wfile.write(head)
                    self.wfile.flush()
                else:
                    slow = head + slow
                for byte in slow:
                    if server._stop.wait(action.delay):
                        break
                    try:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                    except OSError:
                        break
                self.close_connection = True

            def do_PATCH(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                server.received.append(
                    Received(
                        self.command,
                        self.path,
                        {name.lower(): value for name, value in self.headers.items()},
                        body,
                        (str(self.client_address[0]), int(self.client_address[1])),
                    )
                )
                action = server._next()
                if isinstance(action, Drop):
                    self.close_connection = True
                    return
                if isinstance(action, Hang):
                    server._stop.wait(action.seconds)
                    self.close_connection = True
                    return
                if isinstance(action, Reset):
                    self._reset()
                    return
                if isinstance(action, Partial):
                    self.send_response(action.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(action.declared_length))
                    self.end_headers()
                    self.wfile.write(action.body)
                    self.wfile.flush()
                    self._reset()
                    return
                if isinstance(action, SlowBody):
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(action.body)))
                    self.end_headers()
                    self.wfile.flush()
                    for byte in action.body:
                        if server._stop.wait(action.delay):
                            break
                        try:
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                        except OSError:
                            break
                    self.close_connection = True
                    return
                if isinstance(action, Trickle):
                    self._trickle(action)
                    return
                if action.delay:
                    time.sleep(action.delay)
                content = action.body if action.json is None else json.dumps(action.json).encode()
                self.send_response(action.status)
                headers = {"Content-Type": "application/json", **action.headers}
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

        return Handler
