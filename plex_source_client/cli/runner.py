"""Running a plan of many updates concurrently through the async client (``plex-source apply``).

Every item ends in exactly one recorded outcome, in input order. Items touching the same slug
run one after the other in input order (a rename and an update of the new slug stay ordered);
the rest run with at most ``concurrency`` requests in flight.

Read before write (the default; ``read=False`` is ``--no-read``): the current sources are read
first (:func:`read_sources`: the list, :data:`READ_PAGE_SIZE` sources a request, when the plan
names :data:`LIST_FROM` sources or more; otherwise one GET per item), each item is compared
with :func:`~plex_source_client.compute_diff`, and only the fields that differ are PATCHed; an
item with no difference is ``unchanged`` and sends nothing (authentik logs an event for every
PATCH, even one that changes nothing). After a PATCH, the source it returned is the current one
for the next item of its group, so items sharing a slug (a rename, then an update of the new
slug) are compared with what the server has by then.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from typing import Any, Final, Literal

import attrs

from .._async_client import AsyncPlexSourceClient
from .._changes import FIELDS_BY_NAME
from .._diff import compute_diff
from .._errors import (
    APIError,
    BadRequest,
    InvalidRequest,
    NotApplied,
    NotFound,
    PlexSourceError,
    ServerError,
    TransportError,
    UnexpectedResponse,
)
from .._models import PlexSource
from .._text import shorten_secret_free
from .drift import find_drift
from .guard import data_secrets, message_secrets, remember_source, shown_json
from .planfile import PlanItem, group_items
from .releases import lacking_fields, not_applied_message

Outcome = Literal[
    "applied", "unchanged", "not_applied", "rejected", "not_found", "failed", "skipped"
]
#: Outcomes of an item that went as planned: exit code 0.
DONE: frozenset[Outcome] = frozenset({"applied", "unchanged"})
#: Outcomes that mean the server refused the item (a 4xx): exit code 1.
REJECTED: frozenset[Outcome] = frozenset({"rejected", "not_found"})


def _is_secret(name: str) -> bool:
    """Whether the field called ``name`` (a keyword name) holds a secret (``plex_token``)."""
    field = FIELDS_BY_NAME.get(name)
    return field is not None and field.secret


@attrs.frozen
class ItemResult:
    """How one item ended. ``errors`` are the server's field errors (as ``BadRequest.errors``),
    ``drift`` what ``--check`` found, ``message`` a one-line reason for anything but applied
    (for an applied item: where it was found, when an earlier run had renamed it).
    ``unchanged``: the server already had every planned value, so nothing was sent.
    ``not_applied``: the server's authentik release lacks some planned fields (named in
    ``not_applied``): the PATCH's answer had no such field, or the source read before it had
    none (they were then not sent); every other field was applied or already in place.
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
    #: The fields PATCHed (keyword names): after a read, only those that differed; None when
    #: every planned field was sent unread (``--no-read``).
    sent: list[str] | None = None
    #: The updated source's JSON, secrets masked; kept only when asked (``keep_sources``).
    source: dict[str, Any] | None = attrs.field(default=None, repr=False)
    #: The planned fields (keyword names) the server did not apply: its release lacks them.
    not_applied: list[str] = attrs.field(factory=list)
    #: A not_found whose 404 blames the URL, not the slug (``NotFound.wrong_url``).
    wrong_url: bool = False

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
            "sent": self.sent,
            "not_applied": self.not_applied,
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
        # One line, however long the server's text; every secret this run knows masked (one
        # item's error may quote the Plex token another item sent).
        "message": shorten_secret_free(error, message_secrets()),
    }
    if isinstance(error, NotFound):
        return ItemResult(outcome="not_found", wrong_url=error.wrong_url, **common)
    if isinstance(error, BadRequest):
        return ItemResult(outcome="rejected", errors=error.errors, **common)
    if isinstance(error, ServerError | TransportError | UnexpectedResponse):
        return ItemResult(outcome="failed", **common)
    if isinstance(error, APIError) and 400 <= error.status_code < 500 and error.status_code != 429:
        return ItemResult(outcome="rejected", **common)
    if isinstance(error, InvalidRequest):  # validated before; only reachable if that changed
        return ItemResult(outcome="rejected", errors=error.errors, **common)
    return ItemResult(outcome="failed", **common)


#: Plans naming at least this many sources read every source with the list (a few requests);
#: smaller ones read each source with one GET (listing a server's many sources for one or two
#: would cost more). Both run within ``concurrency``: a GET is one of an item's requests.
LIST_FROM: Final = 10
#: Sources a list request asks for when reading a plan's (each about 1 KiB: well within the
#: default 1 MiB max_response_size).
READ_PAGE_SIZE: Final = 500


async def read_sources(
    items: list[PlanItem], client: AsyncPlexSourceClient
) -> dict[str, PlexSource]:
    """The current sources of a plan's items, by slug, read with the list when the plan names
    :data:`LIST_FROM` sources or more; empty otherwise (each item then GETs its own). An item
    whose slug the list lacks GETs it too (a 404 makes it ``not_found``), and so does every
    item when the list fails (a token that may read sources one by one but not list them).
    """
    if len({item.slug for item in items}) < LIST_FROM:
        return {}
    try:
        sources = {source.slug: source async for source in client.list(page_size=READ_PAGE_SIZE)}
    except PlexSourceError:
        return {}
    for source in sources.values():
        remember_source(source)
    return sources


async def list_not_found(client: AsyncPlexSourceClient) -> NotFound | None:
    """The 404 of the list's first page when it blames the URL (every authentik has the list),
    else None. Asked when every source was not found: authentik's JSON 404 for a path it has
    no route for (a wrong prefix in the URL) reads like an unknown slug's.
    """
    try:
        async for _source in client.list(page_size=1):
            break
    except NotFound as error:
        return error if error.wrong_url else None
    except PlexSourceError:
        return None
    return None


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
    read: bool = True,
) -> list[ItemResult]:
    """Apply every item; the results in input order (one per item, skipped ones included).

    ``read``: read first and PATCH only the fields that differ (see the module's docstring);
    False sends every planned field unread.
    """
    results: dict[int, ItemResult] = {}
    pending = deque(group_items(items))
    stopped = False
    current = await read_sources(items, client) if read else {}

    def not_applied(
        item: PlanItem, lacking: list[str], sent: list[str] | None, source: PlexSource, **more: Any
    ) -> ItemResult:
        """The result of an item some of whose fields the server's release lacks."""
        returned = source.to_dict()
        applied = [name for name in (item.changes if sent is None else sent) if name not in lacking]
        message = not_applied_message(
            lacking,
            applied,
            patched=sent is None or any(name in lacking for name in sent),
            others=len(lacking) < len(item.changes),
        )
        return ItemResult(
            index=item.index,
            slug=item.slug,
            outcome="not_applied",
            message=message,
            drift=find_drift(item.changes, source, data_secrets()) if check else {},
            new_slug=source.slug if source.slug != item.slug else None,
            sent=sent,
            source=shown_json(returned) if keep_sources else None,
            not_applied=lacking,
            **more,
        )

    async def renamed_source(item: PlanItem) -> PlexSource | None:
        """The source an earlier run already renamed as ``item`` asks, if the new slug names
        one: re-running a plan that renames is then a no-op, not a 404.
        """
        target = item.renamed_to
        if target is None:
            return None
        try:
            found = current.get(target) or await client.get(target)
            remember_source(found)
            return found
        except PlexSourceError:
            return None

    async def run_one(item: PlanItem) -> ItemResult:
        changes = item.changes
        sent = None
        lacking: list[str] = []
        slug = item.slug  # the source's slug now: the new one when already renamed
        if read:
            try:
                source = current.get(item.slug) or await client.get(item.slug)
                remember_source(source)
            except NotFound as error:
                renamed = await renamed_source(item)
                if renamed is None:
                    return result_for_error(item, error)
                source, slug = renamed, renamed.slug
            except PlexSourceError as error:
                return result_for_error(item, error)
            # Fields the source shows its release lacks (the release unknown, else they were
            # refused before the run): not sent, reported as not applied.
            lacking = lacking_fields(source, item.changes)
            wanted = {k: v for k, v in item.changes.items() if k not in lacking}
            diff = compute_diff(source, wanted, validate=client.validate)
            if diff.unchanged and lacking:
                return not_applied(item, lacking, [], source)
            if diff.unchanged:
                already = f" (already renamed to {slug!r})" if slug != item.slug else ""
                return ItemResult(
                    index=item.index,
                    slug=item.slug,
                    outcome="unchanged",
                    message="the server already has every planned value"
                    f"{already}: nothing was sent",
                    new_slug=slug if slug != item.slug else None,
                    sent=[],
                    source=shown_json(source.to_dict()) if keep_sources else None,
                )
            changes = diff.patch()
            sent = list(changes)
        try:
            raw = await client.update_raw(slug, changes)
        except NotApplied as error:  # 2xx, but the answer lacks fields: the server ignored them
            # error.source has its secrets masked: no current state for the next item of the
            # group (it reads again), and --check of a secret compares with a fresh read.
            current.pop(slug, None)
            source = error.source
            if check and any(_is_secret(name) for name in changes):
                try:
                    source = await client.get(source.slug)
                    remember_source(source)
                except PlexSourceError as read_error:
                    return result_for_error(item, read_error)
            where = {
                "status_code": error.status_code,
                "request_id": error.request_id,
                "attempts": error.attempts,
            }
            return not_applied(item, [*lacking, *error.not_applied], sent, source, **where)
        except PlexSourceError as error:
            current.pop(slug, None)  # unknown now: the next item of the group reads again
            return result_for_error(item, error)
        remember_source(raw.source)
        if read:
            current.pop(slug, None)
            current[raw.source.slug] = raw.source
        if lacking:
            where = {
                "status_code": raw.status_code,
                "request_id": raw.request_id,
                "attempts": raw.attempts,
            }
            return not_applied(item, lacking, sent, raw.source, **where)
        returned = raw.source.to_dict()
        drift = find_drift(item.changes, raw.source, data_secrets()) if check else {}
        return ItemResult(
            index=item.index,
            slug=item.slug,
            outcome="applied",
            message=f"found at its new slug {slug!r}: an earlier run renamed it"
            if slug != item.slug
            else None,
            status_code=raw.status_code,
            request_id=raw.request_id,
            attempts=raw.attempts,
            drift=drift,
            new_slug=raw.source.slug if raw.source.slug != item.slug else None,
            sent=sent,
            source=shown_json(returned) if keep_sources else None,
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
                if fail_fast and result.outcome not in DONE:
                    stopped = True

    workers = max(1, min(concurrency, len(pending)))
    # A TaskGroup, not gather: when one worker fails (an internal error), the others are
    # cancelled and awaited before the client closes, so no request is left holding a
    # connection the closed pool no longer owns (an unclosed socket).
    try:
        async with asyncio.TaskGroup() as group:
            for _ in range(workers):
                group.create_task(worker())
    except BaseExceptionGroup as group_error:
        raise group_error.exceptions[0] from None
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
    if ordered and all(r.outcome == "not_found" and not r.wrong_url for r in ordered):
        list_error = await list_not_found(client)
        if list_error is not None:  # the URL is wrong, not every slug
            ordered = [result_for_error(item, list_error) for item in items]
    if progress is not None and ordered:
        progress.advance(ordered[-1], final=True)
    return ordered
