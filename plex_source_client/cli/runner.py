"""Running a plan of many updates concurrently through the async client (``plex-source apply``).

Every item ends in exactly one recorded outcome, in input order. Items touching the same slug
run one after the other in input order (a rename and an update of the new slug stay ordered);
the rest run with at most ``concurrency`` requests in flight.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from typing import Any, Literal

import attrs

from .._async_client import AsyncPlexSourceClient
from .._errors import (
    APIError,
    BadRequest,
    InvalidRequest,
    NotFound,
    PlexSourceError,
    ServerError,
    TransportError,
    UnexpectedResponse,
)
from .._secrets import redact_json
from .._text import MESSAGE_LIMIT, shorten
from .drift import find_drift
from .planfile import PlanItem, group_items

Outcome = Literal["applied", "rejected", "not_found", "failed", "skipped"]
#: Outcomes that mean the server refused the item (a 4xx): exit code 1.
REJECTED: frozenset[Outcome] = frozenset({"rejected", "not_found"})


@attrs.frozen
class ItemResult:
    """How one item ended. ``errors`` are the server's field errors (as ``BadRequest.errors``),
    ``drift`` what ``--check`` found, ``message`` a one-line reason for anything but applied.
    """

    index: int
    slug: str
    outcome: Outcome
    status_code: int | None = None
    request_id: str | None = None
    attempts: int = 0
    message: str | None = None
    errors: dict[str, list[str]] = attrs.field(factory=dict)
    drift: dict[str, str] = attrs.field(factory=dict)
    new_slug: str | None = None
    #: The updated source's JSON, secrets masked; kept only when asked (``keep_sources``).
    source: dict[str, Any] | None = attrs.field(default=None, repr=False)

    def as_json(self) -> dict[str, Any]:
        """The record as a JSON object (one line of ``apply --output json``)."""
        return {
            "index": self.index,
            "slug": self.slug,
            "outcome": self.outcome,
            "status_code": self.status_code,
            "request_id": self.request_id,
            "attempts": self.attempts,
            "message": self.message,
            "errors": self.errors,
            "drift": self.drift,
            "new_slug": self.new_slug,
            **({"source": self.source} if self.source is not None else {}),
        }


def result_for_error(item: PlanItem, error: PlexSourceError) -> ItemResult:
    """The outcome of an item whose update raised ``error``."""
    common: dict[str, Any] = {
        "index": item.index,
        "slug": item.slug,
        "status_code": getattr(error, "status_code", None),
        "request_id": getattr(error, "request_id", None),
        "attempts": getattr(error, "attempts", 1),
        "message": shorten(error, MESSAGE_LIMIT),  # one line, however long the server's text
    }
    if isinstance(error, NotFound):
        return ItemResult(outcome="not_found", **common)
    if isinstance(error, BadRequest):
        return ItemResult(outcome="rejected", errors=error.errors, **common)
    if isinstance(error, ServerError | TransportError | UnexpectedResponse):
        return ItemResult(outcome="failed", **common)
    if isinstance(error, APIError) and 400 <= error.status_code < 500 and error.status_code != 429:
        return ItemResult(outcome="rejected", **common)
    if isinstance(error, InvalidRequest):  # validated before; only reachable if that changed
        return ItemResult(outcome="rejected", errors=error.errors, **common)
    return ItemResult(outcome="failed", **common)


class Progress:
    """A one-line counter on a terminal's stderr, for long runs; silent elsewhere."""

    def __init__(self, total: int, write: Callable[[str], Any] | None) -> None:
        self.total = total
        self.done = 0
        self.counts: dict[str, int] = {}
        self._write = write
        self._started = time.monotonic()
        self._last = 0.0

    def advance(self, result: ItemResult, *, final: bool = False) -> None:
        """Count ``result`` (unless ``final``) and repaint the line at most ten times a second."""
        if not final:
            self.done += 1
            self.counts[result.outcome] = self.counts.get(result.outcome, 0) + 1
        now = time.monotonic()
        if self._write is None or (not final and now - self._last < 0.1):
            return
        if now - self._started < 0.5 and not final:
            return  # short runs show nothing
        self._last = now
        summary = ", ".join(f"{count} {name}" for name, count in sorted(self.counts.items()))
        self._write(f"\r{self.done}/{self.total} ({summary})" + ("\n" if final else ""))


async def run_plan(
    items: list[PlanItem],
    client: AsyncPlexSourceClient,
    *,
    concurrency: int,
    fail_fast: bool = False,
    check: bool = False,
    keep_sources: bool = False,
    progress: Progress | None = None,
) -> list[ItemResult]:
    """Apply every item; the results in input order (one per item, skipped ones included)."""
    results: dict[int, ItemResult] = {}
    pending = deque(group_items(items))
    stopped = False

    async def run_one(item: PlanItem) -> ItemResult:
        try:
            raw = await client.update_raw(item.slug, item.changes)
        except PlexSourceError as error:
            return result_for_error(item, error)
        returned = raw.source.to_dict()
        drift = find_drift(item.changes, returned) if check else {}
        return ItemResult(
            index=item.index,
            slug=item.slug,
            outcome="applied",
            status_code=raw.status_code,
            request_id=raw.request_id,
            attempts=raw.attempts,
            drift=drift,
            new_slug=raw.source.slug if raw.source.slug != item.slug else None,
            source=redact_json(returned, ()) if keep_sources else None,
        )

    async def worker() -> None:
        nonlocal stopped
        while pending and not stopped:
            for item in pending.popleft():
                if stopped:
                    break
                result = await run_one(item)
                results[item.index] = result
                if progress is not None:
                    progress.advance(result)
                if fail_fast and result.outcome != "applied":
                    stopped = True

    workers = max(1, min(concurrency, len(pending)))
    await asyncio.gather(*(worker() for _ in range(workers)))
    ordered = []
    for item in items:
        ordered.append(
            results.get(item.index)
            or ItemResult(
                index=item.index,
                slug=item.slug,
                outcome="skipped",
                message="not sent: --fail-fast stopped the run after a failure",
            )
        )
    if progress is not None and ordered:
        progress.advance(ordered[-1], final=True)
    return ordered
