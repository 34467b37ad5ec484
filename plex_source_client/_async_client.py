"""The asynchronous client: the shared logic of :mod:`._base` run with ``httpx.AsyncClient``."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any

import httpx

from ._base import BaseClient, Flow, Outcome, Send, _Prepared
from ._models import PlexSource, RawResponse


class AsyncPlexSourceClient(
    BaseClient[httpx.AsyncClient, Awaitable[PlexSource], Awaitable[RawResponse]]
):
    """The async twin of :class:`PlexSourceClient`: same options, same errors; ``await`` it.

    ::

        async with AsyncPlexSourceClient.from_env() as client:
            source = await client.update("my-plex", name="Plex")

    In Jupyter, use top-level ``await``. Calls may run concurrently on one client.
    """

    _sleep: Callable[[float], Awaitable[None]] = staticmethod(asyncio.sleep)

    def _create_http_client(self, **settings: Any) -> httpx.AsyncClient:
        return httpx.AsyncClient(**settings)

    async def _run_for_raw(self, prepare: Callable[[], _Prepared]) -> RawResponse:
        # Prepared inside the coroutine: a validation error surfaces where it is awaited.
        return await self._drive(self._update_flow(prepare()))

    async def _run_for_source(self, prepare: Callable[[], _Prepared]) -> PlexSource:
        return (await self._run_for_raw(prepare)).source

    async def _drive(self, flow: Flow) -> RawResponse:
        step = next(flow)
        while True:
            outcome: Outcome = None
            if isinstance(step, Send):
                try:
                    outcome = await self._http.send(step.request, follow_redirects=False)
                except httpx.RequestError as exc:
                    outcome = exc
            else:
                await self._sleep(step.seconds)
            try:
                step = flow.send(outcome)
            except StopIteration as done:
                result: RawResponse = done.value
                return result

    async def aclose(self) -> None:
        """Close the connection pool (not an ``http_client`` you passed in)."""
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
