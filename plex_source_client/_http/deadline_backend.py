"""The network backend behind :mod:`.deadline`: every name resolution, connect, read and
write of the sync client's pools gets at most the time left before the current attempt's
deadline. Imported only when a sync client is made (httpcore is costly to import).
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Iterable
from typing import Any

import httpcore

from .deadline import _deadline

_monotonic = time.monotonic


def _clamp(timeout: float | None, error: type[Exception]) -> float | None:
    deadline = _deadline.get()
    if deadline is None:
        return timeout
    left = deadline - _monotonic()
    if left <= 0:
        raise error("the attempt's time budget (timeout) ran out")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _clamp(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _clamp(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        timeout = _clamp(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


def _is_address(host: str) -> bool:
    """Whether ``host`` is an IP address (nothing to resolve)."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _resolve(host: str, port: int, timeout: float | None) -> list[str]:
    """``host``'s addresses for a TCP connection, in the resolver's order; resolved in a
    daemon thread waited for at most ``timeout`` seconds (httpcore.ConnectTimeout after
    that), a resolver's failure as httpcore.ConnectError.
    """
    found: list[Any] = []

    def resolve() -> None:
        try:
            found.append(socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM))
        except Exception as exc:  # noqa: BLE001 - handed to the waiting thread, raised there
            found.append(exc)

    worker = threading.Thread(target=resolve, name="plex-source-resolve", daemon=True)
    worker.start()
    worker.join(timeout)
    if not found:
        raise httpcore.ConnectTimeout(f"resolving {host!r} took longer than the time left")
    result = found[0]
    if isinstance(result, Exception):
        raise httpcore.ConnectError(str(result)) from None
    return [str(sockaddr[0]) for _family, _type, _proto, _name, sockaddr in result]


class DeadlineBackend(httpcore.NetworkBackend):
    """Wraps httpcore's network backend; every socket operation respects the deadline."""

    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        """A connection to ``host``, its name resolved within the attempt's deadline too.

        ``socket.create_connection`` (httpcore's) resolves with ``getaddrinfo``, which no
        timeout bounds: a slow resolver would hold a call far past its budget. Within an
        attempt, the name is resolved in a worker thread, waited for until the deadline (the
        thread is left to finish on its own after that), and each address is then tried in
        turn, as ``socket.create_connection`` does, with the time left. TLS still checks the
        host's name: httpcore passes it to ``start_tls`` itself.
        """
        timeout = _clamp(timeout, httpcore.ConnectTimeout)
        options = list(socket_options or ())
        if _deadline.get() is None or _is_address(host):
            stream = self._backend.connect_tcp(host, port, timeout, local_address, options)
            return _DeadlineStream(stream)
        error: Exception | None = None
        for address in _resolve(host, port, timeout):
            try:
                timeout = _clamp(timeout, httpcore.ConnectTimeout)
                stream = self._backend.connect_tcp(address, port, timeout, local_address, options)
            except httpcore.ConnectError as exc:  # the next address, as create_connection does
                error = exc
                continue
            return _DeadlineStream(stream)
        raise error or httpcore.ConnectError(f"no address for {host!r}")

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        timeout = _clamp(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._backend.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)
