"""The synchronous client: the shared logic of :mod:`._base` run with ``httpx.Client``."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from types import TracebackType
from typing import Any, TypeVar

import httpx

from . import _deadline, _logs, _signatures
from ._answers import reader_for
from ._base import BaseClient, Flow, NotGiven, Outcome, Send, Timeout
from ._diff import SourceDiff
from ._listing import Pager
from ._models import PlexSource, RawResponse
from ._public import publish

_T = TypeVar("_T")


class PlexSourceClient(
    BaseClient[httpx.Client, PlexSource, RawResponse, Iterator[PlexSource], SourceDiff]
):
    """Changes authentik Plex sources; use it as a context manager (or call :meth:`close`).

    ::

        with PlexSourceClient(url="https://auth.example.com", token="...") as client:
            source = client.update("my-plex", enabled=False)

    Keyword options: ``timeout`` (seconds each attempt may take, connecting included; default
    30, of which connecting at most 5), ``max_retries`` (default 2), ``max_response_size``
    (bytes, after decompression; default 1 MiB), ``verify`` (TLS: True, False or a CA bundle path),
    ``validate`` (default True; False sends values unchecked), ``server_version`` (the server's
    authentik release, e.g. ``"2025.12"``; by default learned from the server, once, when a
    change depends on it), ``allow_insecure_http`` (permit ``http://`` to a remote host) and
    ``http_client`` (your own ``httpx.Client``; you close it). Never uses asyncio, so it works
    inside Jupyter.
    """

    _sleep: Callable[[float], None] = staticmethod(time.sleep)

    def _create_http_client(
        self, proxies: dict[str, httpx.Proxy | None], *, explicit_proxy: bool, **settings: Any
    ) -> httpx.Client:
        # httpx.Client reads the proxy variables itself when no proxy is given.
        return httpx.Client(proxy=proxies["all://"] if explicit_proxy else None, **settings)

    def _bound_attempts(self) -> None:
        _deadline.install(self._http)

    def _run_for_raw(self, flow: Callable[[], Flow[RawResponse]]) -> RawResponse:
        return self._drive(flow())

    def _run_for_source(self, flow: Callable[[], Flow[RawResponse]]) -> PlexSource:
        return self._run_for_raw(flow).source

    def _run_for_diff(
        self, slug: str, changes: Mapping[str, Any], timeout: Timeout | NotGiven
    ) -> SourceDiff:
        return self._drive(self._diff_flow(slug, changes, timeout))

    def _iterate(self, pager: Pager) -> Iterator[PlexSource]:
        self._drive(self._before_listing(pager))
        while True:
            prepared = self._prepare_page(pager)
            page = self._drive(self._request_flow(prepared))
            more = pager.advance(page, prepared.url)
            yield from page.results
            if not more:
                return

    def _drive(self, flow: Flow[_T]) -> _T:
        try:
            step = next(flow)
        except StopIteration as done:  # a flow with nothing to send
            finished: _T = done.value
            return finished
        while True:
            outcome: Outcome = None
            if isinstance(step, Send):
                outcome = self._attempt(step)
            else:
                self._sleep(step.seconds)
            try:
                step = flow.send(outcome)
            except StopIteration as done:
                result: _T = done.value
                return result

    def _attempt(self, step: Send) -> Outcome:
        """Send the request and read its body within the step's budget and size limit."""
        deadline = _deadline.start(step.budget)
        try:
            response = self._http.send(step.request, stream=True, follow_redirects=False)
            try:
                reader, done = reader_for(response, step.limit)
                if not done:
                    for chunk in response.iter_raw():
                        if reader.feed(chunk):
                            break
                        if _deadline.expired():  # for transports without DeadlineBackend
                            raise httpx.ReadTimeout("the attempt's time budget (timeout) ran out")
                return reader.answer(response)
            finally:
                response.close()
        except Exception as exc:  # noqa: BLE001 - whatever the HTTP layer raised ends the attempt
            return exc
        finally:
            _deadline.end(deadline)

    def close(self) -> None:
        """Close the connection pool (not an ``http_client`` you passed in)."""
        _logs.unregister(self)
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


# help(PlexSourceClient.update) and inspect.signature show "-> PlexSource", not "-> _ResultT".
_signatures.specialize(
    PlexSourceClient,
    {
        "_ResultT": PlexSource,
        "_RawT": RawResponse,
        "_ListT": Iterator[PlexSource],
        "_DiffT": SourceDiff,
    },
)
publish(PlexSourceClient)
