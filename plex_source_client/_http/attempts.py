"""One attempt of a request, sync or async: send it and read its body within the step's
budget and size limit (:class:`~.._flow.Send`). Whatever the HTTP layer raises ends the
attempt and is its outcome, never raised: the request flow decides what it means.
"""

from __future__ import annotations

import httpx

from .._flow import Outcome, Send
from . import deadline
from .body import reader_for


class AttemptTimedOut(httpx.TimeoutException):
    """The attempt's budget ran out, however slowly the server was sending."""


def send(http: httpx.Client, step: Send) -> Outcome:
    """The sync attempt: bounded by :mod:`.deadline` (every socket operation, and between
    body chunks for transports without the deadline backend).
    """
    started = deadline.start(step.budget)
    try:
        response = http.send(step.request, stream=True, follow_redirects=False)
        try:
            reader, done = reader_for(response, step.limit)
            if not done:
                for chunk in response.iter_raw():
                    if reader.feed(chunk):
                        break
                    if deadline.expired():  # for transports without DeadlineBackend
                        raise httpx.ReadTimeout("the attempt's time budget (timeout) ran out")
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
            return AttemptTimedOut(
                f"no complete answer within the attempt's {step.budget:g} s (timeout)"
            )
        return exc
    except Exception as exc:  # noqa: BLE001 - whatever the HTTP layer raised ends the attempt
        return exc
