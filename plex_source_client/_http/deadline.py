"""A deadline for each attempt of the sync client, however slowly the server sends.

httpx's timeouts count per socket operation: a server that sends one byte a second never
trips a 30 s read timeout, and a call lasts as long as the server likes. The async client
bounds an attempt with ``asyncio.timeout``; a blocking socket has no such thing. So the sync
client's connection pools use :class:`~.deadline_backend.DeadlineBackend`, which gives
every connect, read and write at most the time left before the current attempt's deadline
(a context variable, so threads sharing a client each have their own), and fails the attempt
with httpcore's own timeout once it has passed. Outside an attempt it changes nothing.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
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


def install(transports: Iterable[httpx.BaseTransport | None]) -> bool:
    """Put :class:`~.deadline_backend.DeadlineBackend` under the connection pool of each of
    ``transports`` (a client's transport and its proxy mounts; None: a mount that turns
    proxying off); True when every pool got it. Pools of other kinds (a mock transport, a
    custom one) are left alone: for them the deadline is checked between body chunks only.

    httpx has no public way to give a transport's pool a network backend: this reads its
    private ``_pool._network_backend`` (the same in httpx 0.27 to 0.29, the range
    tests/test_httpx_range.py documents), and any other shape counts as "not installed", never
    as an error.
    """
    import httpcore  # here: importing it (and h11, anyio) costs ~10 ms at import time
    import httpx

    from .deadline_backend import DeadlineBackend

    complete = True
    for transport in transports:
        if transport is None:
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


def client_transports(client: httpx.Client) -> list[httpx.BaseTransport | None]:
    """The transports of a client made elsewhere (an ``http_client`` given): httpx keeps them
    in private attributes, read here only, and only if they are there.
    """
    mounts = getattr(client, "_mounts", None)
    found = [getattr(client, "_transport", None)]
    if isinstance(mounts, dict):
        found += list(mounts.values())
    return found
