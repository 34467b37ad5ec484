"""aiohttp's transport for the async client (the ``speed`` extra), with honest errors.

Imported only when used: aiohttp is heavy. httpx-aiohttp maps a connection the server closed
or reset, and one it refused, to ``httpx.ConnectTimeout``; here they become
``httpx.RemoteProtocolError`` and ``httpx.ConnectError``, as with httpx's own transport, so the
client reports a dropped or refused connection, not a timeout. aiohttp errors it does not map
at all (a malformed answer: a bad status line, a header over aiohttp's 8 KiB limit) become
``httpx.RemoteProtocolError`` too, so the client handles them like httpx's own.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport


@contextmanager
def _as_httpx_errors() -> Iterator[None]:
    try:
        yield
    except aiohttp.ClientError as exc:  # what httpx-aiohttp left unmapped
        if isinstance(exc, aiohttp.ServerTimeoutError):
            raise httpx.ReadTimeout(str(exc) or type(exc).__name__) from exc
        message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        raise httpx.RemoteProtocolError(f"{type(exc).__name__}: {message}") from exc
    except httpx.TimeoutException as exc:
        cause = exc.__cause__
        if isinstance(cause, aiohttp.ServerTimeoutError) or not isinstance(
            cause, aiohttp.ClientConnectionError
        ):
            raise
        message = str(exc) or type(cause).__name__
        if isinstance(cause, aiohttp.ClientConnectorError):  # refused, unreachable, DNS
            raise httpx.ConnectError(message) from cause
        raise httpx.RemoteProtocolError(message) from cause


class _Stream(httpx.AsyncByteStream):
    def __init__(self, stream: httpx.AsyncByteStream) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _as_httpx_errors():
            async for chunk in self._stream:
                yield chunk

    async def aclose(self) -> None:
        with _as_httpx_errors():
            await self._stream.aclose()


class AiohttpAsyncTransport(AiohttpTransport):
    """httpx-aiohttp's transport, reporting disconnects as httpx's own transport does."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        with _as_httpx_errors():
            response = await super().handle_async_request(request)
        assert isinstance(response.stream, httpx.AsyncByteStream)  # noqa: S101
        response.stream = _Stream(response.stream)
        return response
