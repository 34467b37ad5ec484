"""What the fake records of every request it receives (:attr:`FakeAuthentik.requests`), the
credentials masked, in bounded memory.

A request is recorded before authentication, as it arrives, so recording must cost little
whoever sends it: the body is kept as bytes and parsed only when a test reads
:attr:`RecordedRequest.json` (outside the fake's lock), and only the most recent requests are
kept (:data:`MAX_RECORDED`, bodies up to :data:`MAX_RECORDED_BYTES` in all), so a long-running
``plex-source fake`` does not grow without end.
"""

from __future__ import annotations

import functools
from collections import deque
from typing import Any, Final

import attrs

from .._public import publish
from .._secrets import MASK, is_secret_name
from . import _json

#: How many requests the fake keeps (the oldest are dropped first).
MAX_RECORDED: Final = 10_000
#: How many body bytes the kept requests may hold in all (the oldest are dropped first).
MAX_RECORDED_BYTES: Final = 32 * 1024 * 1024

#: Headers whose value is a credential whatever their name says.
_CREDENTIAL_HEADERS: Final = frozenset({"authorization", "proxy-authorization", "cookie"})


def _masked(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: MASK if is_secret_name(str(k)) else _masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(item) for item in value]
    return value


def _masked_header(name: str, value: str) -> str:
    """``Authorization: Bearer ***`` keeps its scheme; a value without one is masked whole."""
    if name in ("authorization", "proxy-authorization"):
        scheme, space, _ = value.strip().partition(" ")
        return f"{scheme} {MASK}" if space else MASK
    if name in _CREDENTIAL_HEADERS or is_secret_name(name):
        return MASK
    return value


@attrs.frozen
class RecordedRequest:
    """A request the fake received: ``headers`` lower-cased, credentials masked (the
    ``Authorization`` scheme kept); ``body`` the bytes as sent; ``json`` the body parsed
    (None if absent or not JSON), shown masked in ``repr()``.
    """

    method: str
    path: str
    headers: dict[str, str]
    body: bytes = attrs.field(repr=False)

    @functools.cached_property
    def json(self) -> Any:
        """The body parsed as JSON, None if it is empty or not JSON (parsed on first read)."""
        if not self.body:
            return None
        try:
            return _json.parse(self.body)
        except _json.ParseError:
            return None

    def __repr__(self) -> str:
        return (
            f"RecordedRequest(method={self.method!r}, path={self.path!r}, "
            f"headers={self.headers!r}, json={_masked(self.json)!r})"
        )


class Recording:
    """The recent requests a fake received, bounded in count and body bytes. Not
    thread-safe: the fake appends and reads under its lock.
    """

    def __init__(self) -> None:
        self._requests: deque[RecordedRequest] = deque()
        self._bytes = 0

    def add(self, method: str, path: str, headers: dict[str, str], body: bytes) -> None:
        """Keep one request, dropping the oldest beyond the bounds."""
        shown = {name: _masked_header(name, value) for name, value in headers.items()}
        self._requests.append(RecordedRequest(method, path, shown, body))
        self._bytes += len(body)
        while self._requests and (
            len(self._requests) > MAX_RECORDED or self._bytes > MAX_RECORDED_BYTES
        ):
            self._bytes -= len(self._requests.popleft().body)

    def all(self) -> list[RecordedRequest]:
        """The kept requests, oldest first."""
        return list(self._requests)


publish(RecordedRequest, module="plex_source_client.testing")
