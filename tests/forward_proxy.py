"""A forward HTTP proxy on 127.0.0.1, as a CI runner's only way out would be: it forwards
plain requests (``PATCH http://host/path``, absolute form) and tunnels ``CONNECT host:port``
(what clients send for ``https://``). It records each request line it was sent.
"""

from __future__ import annotations

import selectors
import socket
import threading
from types import TracebackType


class ForwardProxy:
    """``with ForwardProxy() as proxy:`` then ``proxy.url``; ``proxy.seen`` lists request lines."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._listener.getsockname()[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> ForwardProxy:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join(5)
        self._listener.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    def _handle(self, client: socket.socket) -> None:
        with client:
            client.settimeout(10)
            head = b""
            while b"\r\n\r\n" not in head and len(head) < 65536:
                chunk = client.recv(4096)
                if not chunk:
                    return
                head += chunk
            first, _, rest = head.partition(b"\r\n")
            line = first.decode("latin-1")
            self.seen.append(line)
            method, target, version = line.split(" ", 2)
            if method == "CONNECT":
                host, _, port = target.rpartition(":")
                upstream = socket.create_connection((host.strip("[]"), int(port)), timeout=10)
                client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                leftover = rest.partition(b"\r\n\r\n")[2]
            else:
                # http://host:port/path -> connect there, send the request in origin form.
                authority, _, path = target.removeprefix("http://").partition("/")
                host, _, port = authority.rpartition(":")
                upstream = socket.create_connection((host.strip("[]"), int(port)), timeout=10)
                leftover = f"{method} /{path} {version}\r\n".encode() + rest
            with upstream:
                if leftover:
                    upstream.sendall(leftover)
                self._pipe(client, upstream)

    def _pipe(self, a: socket.socket, b: socket.socket) -> None:
        selector = selectors.DefaultSelector()
        selector.register(a, selectors.EVENT_READ, b)
        selector.register(b, selectors.EVENT_READ, a)
        with selector:
            while not self._stop.is_set():
                for key, _ in selector.select(timeout=0.2):
                    source: socket.socket = key.fileobj  # type: ignore[assignment]
                    try:
                        data = source.recv(65536)
                    except OSError:
                        return
                    if not data:
                        return
                    key.data.sendall(data)
