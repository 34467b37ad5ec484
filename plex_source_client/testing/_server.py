"""Serving the fake: over real sockets (a thread running ``http.server``) or in process (an
httpx transport). Both hand every request to the same ``handle`` function.

The socket server is robust against clients that misbehave: a connection that sends nothing,
or sends a request too slowly, is closed ``idle_timeout`` seconds after it went idle (a
deadline for the whole request, so trickling bytes does not extend it), and a body larger than
``max_body_size`` is refused from its ``Content-Length`` without being read (:func:`too_large`).
"""

from __future__ import annotations

import asyncio
import io
import json
import selectors
import socket
import sys
import threading
import time
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Final

import attrs
import httpx

from .._public import publish


@attrs.frozen
class Answer:
    """What the fake answers: a status, headers and a body (already encoded)."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body as JSON."""
        return json.loads(self.body)


publish(Answer, module="plex_source_client.testing")

#: The answer that is no answer: close the connection without a response.
DROP: Final = Answer(status=0, headers={}, body=b"")

#: Defaults: seconds a connection may take to send a request once idle; the largest body.
DEFAULT_IDLE_TIMEOUT: Final = 5.0
DEFAULT_MAX_BODY_SIZE: Final = 1024 * 1024


def too_large(limit: int) -> Answer:
    """The answer to a body over ``limit`` bytes: 413, as the web server in front of authentik
    answers (nginx's ``client_max_body_size``, 1 MiB by default), with the connection closed.

    authentik itself has no limit for JSON: Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (a 400)
    applies to ``request.body``, and DRF's parsers read the request stream instead.
    """
    page = (
        "<html><head><title>413 Request Entity Too Large</title></head><body>"
        f"<h1>413 Request Entity Too Large</h1><p>The limit is {limit} bytes.</p></body></html>"
    )
    return Answer(413, {"Content-Type": "text/html", "Connection": "close"}, page.encode())


Handle = Callable[[str, str, Mapping[str, str], bytes], Answer]


class _QuietServer(ThreadingHTTPServer):
    """The server, serving until :meth:`stop` with a loop that a stop wakes at once.

    ``serve_forever`` notices ``shutdown()`` only at its next poll, up to ``poll_interval``
    later: a fixture stopping a fake after each test waited ~50 ms for nothing, every test.
    """

    daemon_threads = True
    timeout = 0.05  # handle_request(): how long to wait for the connection select announced
    #: Connections the kernel completes before the server accepts them (``listen()``'s
    #: backlog). socketserver's 5 made a client opening more at once (``apply`` at its
    #: concurrency of 8, or 32) wait about a second: the kernel drops a SYN beyond the backlog
    #: and the client sends it again only after its 1 s retransmission timeout. authentik's
    #: server (gunicorn) listens with 2048.
    request_queue_size = 128

    def __init__(self, *args: Any) -> None:
        # First: a bind that fails calls server_close(), which closes these too.
        self._wake, self._waker = socket.socketpair()
        self._stopping = threading.Event()
        super().__init__(*args)

    def serve_until_stopped(self) -> None:
        """Accept and handle connections until :meth:`stop` (run in the server's thread)."""
        with selectors.DefaultSelector() as selector:
            selector.register(self, selectors.EVENT_READ)
            selector.register(self._wake, selectors.EVENT_READ)
            while not self._stopping.is_set():
                for key, _ in selector.select():
                    if key.fileobj is self and not self._stopping.is_set():
                        self.handle_request()

    def stop(self) -> None:
        """End :meth:`serve_until_stopped` now (from another thread)."""
        self._stopping.set()
        self._waker.send(b"\0")

    def server_close(self) -> None:
        super().server_close()
        self._wake.close()
        self._waker.close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up (it timed out, say) is normal here; anything else is not."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _DeadlineReader(io.RawIOBase):
    """A socket's reads, each allowed only the time left until ``deadline`` (monotonic)."""

    def __init__(self, sock: socket.socket) -> None:
        super().__init__()
        self._sock = sock
        self.deadline = float("inf")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the client took too long to send its request")
        self._sock.settimeout(left)
        return self._sock.recv_into(buffer)


class SocketServer:
    """``handle`` served on 127.0.0.1 at a free port, HTTP/1.1 with keep-alive, in a thread."""

    def __init__(
        self,
        handle: Handle,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
        max_body_size: int = DEFAULT_MAX_BODY_SIZE,
    ) -> None:
        handler = _handler_class(handle, idle_timeout=idle_timeout, max_body_size=max_body_size)
        self._httpd = _QuietServer((host, port), handler)
        self._thread = threading.Thread(
            target=self._httpd.serve_until_stopped, name="FakeAuthentik", daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def close(self) -> None:
        self._httpd.stop()
        self._thread.join(timeout=5)
        self._httpd.server_close()


def _handler_class(
    handle: Handle, *, idle_timeout: float, max_body_size: int
) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "FakeAuthentik"
        sys_version = ""

        def setup(self) -> None:
            super().setup()
            # Headers and body go out in two writes: without this, Nagle's algorithm and the
            # client's delayed ACK hold every answer back about 40 ms.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._reader = _DeadlineReader(self.connection)
            self.rfile = io.BufferedReader(self._reader)

        def handle_one_request(self) -> None:
            # http.server closes the connection on a TimeoutError while reading the request.
            self._reader.deadline = time.monotonic() + idle_timeout
            super().handle_one_request()

        def log_message(self, format: str, *args: Any) -> None:
            """Keep the test output clean (and tokens out of stderr)."""

        def _serve(self) -> None:
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                length = -1
            if length < 0:
                self.close_connection = True
                self._send(
                    Answer(
                        400,
                        {"Content-Type": "text/plain", "Connection": "close"},
                        b"Bad Request: invalid Content-Length",
                    )
                )
                return
            if length > max_body_size:  # refused unread: the connection cannot be reused
                self.close_connection = True
                self._send(too_large(max_body_size))
                return
            body = self.rfile.read(length) if length else b""
            if len(body) < length:  # the client hung up mid-body
                self.close_connection = True
                return
            answer = handle(self.command, self.path, dict(self.headers.items()), body)
            if answer is DROP:
                self.close_connection = True
                return
            self._send(answer)

        def _send(self, answer: Answer) -> None:
            self.connection.settimeout(idle_timeout)  # a client that does not read is dropped
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(answer.body)

        do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _serve  # noqa: N815

    return Handler


class Transport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """``handle`` as an httpx transport, for ``httpx.Client`` and ``httpx.AsyncClient``.

    No sockets: fast unit tests. A dropped connection raises what httpx raises for a real one.
    """

    def __init__(self, handle: Handle) -> None:
        self._handle = handle

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._respond(request, self._handle(*self._unpack(request, request.read())))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        # The fake may sleep (latency): keep the event loop free while it does.
        answer = await asyncio.to_thread(self._handle, *self._unpack(request, body))
        return self._respond(request, answer)

    @staticmethod
    def _unpack(request: httpx.Request, body: bytes) -> tuple[str, str, dict[str, str], bytes]:
        target = request.url.raw_path.decode("ascii")
        return request.method, target, dict(request.headers.items()), body

    @staticmethod
    def _respond(request: httpx.Request, answer: Answer) -> httpx.Response:
        if answer is DROP:
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            )
        return httpx.Response(answer.status, headers=answer.headers, content=answer.body)
