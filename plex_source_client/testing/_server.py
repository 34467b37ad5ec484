"""Serving the fake: over real sockets (a thread running ``http.server``) or in process (an
httpx transport). Both hand every request to the same ``handle`` function.
"""

from __future__ import annotations

import asyncio
import json
import sys
import threading
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Final

import attrs
import httpx


@attrs.frozen
class Answer:
    """What the fake answers: a status, headers and a body (already encoded)."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body as JSON."""
        return json.loads(self.body)


#: The answer that is no answer: close the connection without a response.
DROP: Final = Answer(status=0, headers={}, body=b"")

Handle = Callable[[str, str, Mapping[str, str], bytes], Answer]


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up (it timed out, say) is normal here; anything else is not."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class SocketServer:
    """``handle`` served on 127.0.0.1 at a free port, HTTP/1.1 with keep-alive, in a thread."""

    def __init__(self, handle: Handle, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self._httpd = _QuietServer((host, port), _handler_class(handle))
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="FakeAuthentik",
            daemon=True,
        )
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


def _handler_class(handle: Handle) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "FakeAuthentik"
        sys_version = ""

        def log_message(self, format: str, *args: Any) -> None:
            """Keep the test output clean (and tokens out of stderr)."""

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            answer = handle(self.command, self.path, dict(self.headers.items()), body)
            if answer is DROP:
                self.close_connection = True
                return
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
