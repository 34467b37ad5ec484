"""The synchronous client: the shared logic of :mod:`._base` run with ``httpx.Client``."""

from __future__ import annotations

import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

import httpx

from ._base import BaseClient, Flow, Outcome, Send, _Prepared
from ._models import PlexSource, RawResponse


class PlexSourceClient(BaseClient[httpx.Client, PlexSource, RawResponse]):
    """Changes authentik Plex sources; use it as a context manager (or call :meth:`close`).

    ::

        with PlexSourceClient(url="https://auth.example.com", token="...") as client:
            source = client.update("my-plex", enabled=False)

    Keyword options: ``timeout`` (seconds or ``httpx.Timeout``; default 5 s to connect, 30 s
    to read), ``max_retries`` (default 2), ``verify`` (TLS: True, False or a CA bundle path),
    ``validate`` (default True; False sends values unchecked, for servers newer than
    authentik 2024.8), ``allow_insecure_http`` (permit ``http://`` to a remote host) and
    ``http_client`` (your own ``httpx.Client``; you close it). Never uses asyncio, so it works
    inside Jupyter.
    """

    _sleep: Callable[[float], None] = staticmethod(time.sleep)

    def _create_http_client(self, **settings: Any) -> httpx.Client:
        return httpx.Client(**settings)

    def _run_for_raw(self, prepare: Callable[[], _Prepared]) -> RawResponse:
        return self._drive(self._update_flow(prepare()))

    def _run_for_source(self, prepare: Callable[[], _Prepared]) -> PlexSource:
        return self._run_for_raw(prepare).source

    def _drive(self, flow: Flow) -> RawResponse:
        step = next(flow)
        while True:
            outcome: Outcome = None
            if isinstance(step, Send):
                try:
                    outcome = self._http.send(step.request, follow_redirects=False)
                except httpx.RequestError as exc:
                    outcome = exc
            else:
                self._sleep(step.seconds)
            try:
                step = flow.send(outcome)
            except StopIteration as done:
                result: RawResponse = done.value
                return result

    def close(self) -> None:
        """Close the connection pool (not an ``http_client`` you passed in)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> PlexSourceClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
