"""The asynchronous client: the shared logic of :mod:`._base` run with ``httpx.AsyncClient``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Mapping
from types import TracebackType
from typing import Any, TypeVar

import httpx

from . import _logs, _signatures
from ._answers import DEFAULT_MAX_RESPONSE_SIZE, reader_for
from ._base import (
    DEFAULT_LIMITS,
    DEFAULT_MAX_RETRIES,
    NOT_GIVEN,
    BaseClient,
    Flow,
    NotGiven,
    Outcome,
    Proxy,
    Send,
    Timeout,
    Verify,
)
from ._diff import SourceDiff
from ._errors import ConfigurationError
from ._listing import Pager
from ._models import PlexSource, RawResponse
from ._public import publish
from ._transports import Backend, async_transport

_T = TypeVar("_T")


async def _asyncio_sleep(seconds: float) -> None:
    import asyncio  # here, not at import: a script using only the sync client never pays for it

    await asyncio.sleep(seconds)


class _AttemptTimedOut(httpx.TimeoutException):
    """The attempt's budget ran out, however slowly the server was sending."""


class AsyncPlexSourceClient(
    BaseClient[
        httpx.AsyncClient,
        Coroutine[Any, Any, PlexSource],
        Coroutine[Any, Any, RawResponse],
        AsyncIterator[PlexSource],
        Coroutine[Any, Any, SourceDiff],
    ]
):
    """The async twin of :class:`PlexSourceClient`: same options, same errors; ``await`` it.

    ::

        async with AsyncPlexSourceClient.from_env() as client:
            source = await client.update("my-plex", name="Plex")

    In Jupyter, use top-level ``await``. Calls may run concurrently on one client.
    """

    _sleep: Callable[[float], Awaitable[None]] = staticmethod(_asyncio_sleep)

    def __init__(
        self,
        *,
        url: str,
        token: str,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_response_size: int = DEFAULT_MAX_RESPONSE_SIZE,
        verify: Verify = True,
        validate: bool = True,
        allow_insecure_http: bool = False,
        limits: httpx.Limits = DEFAULT_LIMITS,
        proxy: Proxy | None = None,
        http_client: httpx.AsyncClient | None = None,
        server_version: str | None = None,
        backend: Backend = "auto",
    ) -> None:
        """:class:`PlexSourceClient`'s options, plus ``backend``: how requests travel when
        the client makes its own connection pool. ``"auto"`` (default): aiohttp if the
        ``speed`` extra is installed, else httpx over sharded pools; or ``"httpx"`` or
        ``"aiohttp"``. Not used with ``http_client``.
        """
        if backend not in ("auto", "httpx", "aiohttp"):
            raise ConfigurationError(f"backend must be auto, httpx or aiohttp, got {backend!r}")
        self.backend = backend
        super().__init__(
            url=url,
            token=token,
            timeout=timeout,
            max_retries=max_retries,
            max_response_size=max_response_size,
            verify=verify,
            validate=validate,
            allow_insecure_http=allow_insecure_http,
            limits=limits,
            proxy=proxy,
            http_client=http_client,
            server_version=server_version,
        )

    def _create_http_client(
        self, proxies: dict[str, httpx.Proxy | None], *, explicit_proxy: bool, **settings: Any
    ) -> httpx.AsyncClient:
        # httpx.AsyncClient ignores the proxy variables when given a transport: mount the
        # proxies (theirs or the option's) here, for both backends.
        verify, limits = settings.pop("verify"), settings.pop("limits")
        mounts = {
            pattern: None
            if proxy is None
            else async_transport(self.backend, verify=verify, limits=limits, proxy=proxy)
            for pattern, proxy in proxies.items()
        }
        transport = async_transport(self.backend, verify=verify, limits=limits)
        return httpx.AsyncClient(transport=transport, mounts=mounts, **settings)

    async def _run_for_raw(self, flow: Callable[[], Flow[RawResponse]]) -> RawResponse:
        # Made inside the coroutine: a validation error surfaces where it is awaited.
        return await self._drive(flow())

    async def _run_for_source(self, flow: Callable[[], Flow[RawResponse]]) -> PlexSource:
        return (await self._run_for_raw(flow)).source

    async def _run_for_diff(
        self, slug: str, changes: Mapping[str, Any], timeout: Timeout | NotGiven
    ) -> SourceDiff:
        return await self._drive(self._diff_flow(slug, changes, timeout))

    async def _iterate(self, pager: Pager) -> AsyncIterator[PlexSource]:
        await self._drive(self._before_listing(pager))
        while True:
            prepared = self._prepare_page(pager)
            page = await self._drive(self._request_flow(prepared))
            more = pager.advance(page, prepared.url)
            for source in page.results:
                yield source
            if not more:
                return

    async def _drive(self, flow: Flow[_T]) -> _T:
        try:
            step = next(flow)
        except StopIteration as done:  # a flow with nothing to send
            finished: _T = done.value
            return finished
        while True:
            outcome: Outcome = None
            if isinstance(step, Send):
                outcome = await self._attempt(step)
            else:
                await self._sleep(step.seconds)
            try:
                step = flow.send(outcome)
            except StopIteration as done:
                result: _T = done.value
                return result

    async def _attempt(self, step: Send) -> Outcome:
        """Send the request and read its body within the step's budget and size limit."""
        import asyncio

        try:
            async with asyncio.timeout(step.budget) as budget:
                response = await self._http.send(step.request, stream=True, follow_redirects=False)
                try:
                    reader, done = reader_for(response, step.limit)
                    if not done:
                        async for chunk in response.aiter_raw():
                            if reader.feed(chunk):
                                break
                    return reader.answer(response)
                finally:
                    await response.aclose()
        except TimeoutError as exc:
            if budget.expired():
                return _AttemptTimedOut(
                    f"no complete answer within the attempt's {step.budget:g} s (timeout)"
                )
            return exc
        except Exception as exc:  # noqa: BLE001 - whatever the HTTP layer raised ends the attempt
            return exc

    async def aclose(self) -> None:
        """Close the connection pool (not an ``http_client`` you passed in)."""
        _logs.unregister(self)
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> AsyncPlexSourceClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()


# help(AsyncPlexSourceClient.update) shows "-> Coroutine[Any, Any, PlexSource]": awaited, a
# PlexSource. The same code as PlexSourceClient's, each run with its own I/O.
_signatures.specialize(
    AsyncPlexSourceClient,
    {
        "_ResultT": Coroutine[Any, Any, PlexSource],
        "_RawT": Coroutine[Any, Any, RawResponse],
        "_ListT": AsyncIterator[PlexSource],
        "_DiffT": Coroutine[Any, Any, SourceDiff],
    },
)
publish(AsyncPlexSourceClient)
