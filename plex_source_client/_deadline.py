"""A deadline for each attempt of the sync client, however slowly the server sends.

httpx's timeouts count per socket operation: a server that sends one byte a second never
trips a 30 s read timeout, and a call lasts as long as the server likes. The async client
bounds an attempt with ``asyncio.timeout``; a blocking socket has no such thing. So the sync
client's connection pools use :class:`DeadlineBackend`, which gives every connect, read and
write at most the time left before the current attempt's deadline (a context variable, so
threads sharing a client each have their own), and fails the attempt with httpcore's own
timeout once it has passed. Outside an attempt it changes nothing.
"""

from __future__ import annotations

import contextvars
import ssl
import time
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "plex_source_client_deadline", default=None
)


def start(seconds: float) -> contextvars.Token[float | None]:
    """Start an attempt that must end within ``seconds``; pass the result to :func:`end`."""
    return _deadline.set(time.monotonic() + seconds)


def end(token: contextvars.Token[float | None]) -> None:
    """End the attempt begun by :func:`start`."""
    _deadline.reset(token)


def expired() -> bool:
    """Whether the current attempt's deadline has passed."""
    deadline = _deadline.get()
    return deadline is not None and time.monotonic() >= deadline


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
        timeout = _clamp(timeout, httpcore.ConnectTimeout)
        stream = self._backend.connect_tcp(host, port, timeout, local_address, socket_options)
        return _DeadlineStream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        timeout = _clamp(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._backend.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


def install(client: httpx.Client) -> bool:
    """Put :class:`DeadlineBackend` under every connection pool of ``client`` (its transport and
    its proxy mounts); True when every pool got it. Pools of other kinds (a mock transport,
    a custom one) are left alone: for them the deadline is checked between body chunks only.
    """
    complete = True
    for transport in [client._transport, *client._mounts.values()]:
        if transport is None:  # a mount that turns proxying off
            continue
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if isinstance(backend, DeadlineBackend):
            continue
        if isinstance(transport, httpx.HTTPTransport) and isinstance(
            backend, httpcore.NetworkBackend
        ):
            pool._network_backend = DeadlineBackend(backend)  # type: ignore[union-attr]
        else:
            complete = False
    return complete
