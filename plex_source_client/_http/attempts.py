"""One attempt of a request, sync or async: send it and read its body within the step's
budget and size limit (:class:`~.._flow.Send`). Whatever the HTTP layer raises ends the
attempt and is its outcome, never raised: the request flow decides what it means. Once the
answer's head came, a body that breaks off (not one too slow) may be the answer, cut short
(see :func:`.._retry.answered_though_cut`).
"""

from __future__ import annotations

import httpx

from .._flow import Outcome, Send
from .._retry import answered_though_cut
from . import deadline
from .body import BodyReader, reader_for


class AttemptTimedOut(httpx.TimeoutException):
    """The attempt's budget ran out, however slowly the server was sending."""


def _body_broke(
    reader: BodyReader,
    step: Send,
    response: httpx.Response,
    error: httpx.TransportError,
    problem: str | None = None,
) -> None:
    """The body of ``response`` broke off with ``error`` after its head came (or its head is
    one the client refuses: ``problem``): raised again (no answer: retried as one) when too
    slow, or when the request may be sent again (:func:`.._retry.answered_though_cut`); else
    the answer is what was read, cut short.
    """
    if isinstance(error, httpx.TimeoutException) or not answered_though_cut(
        step.request.method, response.status_code
    ):
        raise error
    reader.broke(error, problem)


def _reader(step: Send, response: httpx.Response) -> tuple[BodyReader, bool]:
    """A reader of ``response``'s body (see :func:`.body.reader_for`); one that reads none when
    its headers are over the limit and the answer stands (a PATCH answered: not sent again).
    """
    try:
        return reader_for(response, step.limit)
    except httpx.RemoteProtocolError as exc:  # its headers are over the limit
        reader = BodyReader(None, step.limit)
        _body_broke(reader, step, response, exc, str(exc))
        return reader, True


def send(http: httpx.Client, step: Send) -> Outcome:
    """The sync attempt: bounded by :mod:`.deadline` (every socket operation, and between
    body chunks for transports without the deadline backend).
    """
    started = deadline.start(step.budget)
    try:
        response = http.send(step.request, stream=True, follow_redirects=False)
        try:
            reader, done = _reader(step, response)
            try:
                if not done:
                    for chunk in response.iter_raw():
                        if reader.feed(chunk):
                            break
                        if deadline.expired():  # for transports without DeadlineBackend
                            raise httpx.ReadTimeout("the attempt's time budget (timeout) ran out")
            except httpx.TransportError as exc:
                _body_broke(reader, step, response, exc)
            return reader.answer(response)
        finally:
            response.close()
    except Exception as exc:  # noqa: BLE001 - whatever the HTTP layer raised ends the attempt
        return exc
    finally:
        deadline.end(started)


async def send_async(http: httpx.AsyncClient, step: Send) -> Outcome:
    """The async attempt, bounded by ``asyncio.timeout``."""
    import asyncio  # here, not at import: a script using only the sync client never pays for it

    try:
        async with asyncio.timeout(step.budget) as budget:
            response = await http.send(step.request, stream=True, follow_redirects=False)
            try:
                reader, done = _reader(step, response)
                try:
                    if not done:
                        async for chunk in response.aiter_raw():
                            if reader.feed(chunk):
                                break
                except httpx.TransportError as exc:
                    _body_broke(reader, step, response, exc)
                return reader.answer(response)
            finally:
                await response.aclose()
    except TimeoutError as exc:
        if budget.expired():
            return AttemptTimedOut(
                f"no complete answer within the attempt's {step.budget:g} s (timeout)"
            )
        return exc
    except Exception as exc:  # noqa: BLE001 - whatever the HTTP layer raised ends the attempt
        return exc
