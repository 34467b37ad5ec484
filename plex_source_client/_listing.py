"""Listing sources: the list's query (filters checked before sending) and the pager that walks
its pages and refuses pagination a real authentik would never send. Pure, no I/O.

authentik's list (``sources_plex_list``) is DRF's page number pagination wrapped in authentik's
``pagination`` object: ``page`` and ``page_size`` query parameters, ``next`` the next page's
number (0 on the last page), ``count`` every source matching. Its filters are exact matches on
the listed fields, ``search`` (names and slugs) and ``ordering``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from enum import Enum
from typing import Any, Final
from uuid import UUID

from . import _logs
from ._answers import Page, request_id_hiding
from ._changes import NUL_MESSAGE, suggest
from ._errors import InvalidRequest, UnexpectedResponse
from ._generated.spec import LIST_FILTERS
from ._releases import WRITABLE_IN, Release
from ._text import describe_type

#: authentik's page size (its REST_FRAMEWORK ``PAGE_SIZE``); the default of ``list()``.
DEFAULT_PAGE_SIZE: Final = 100
#: The largest ``page_size`` accepted: authentik sets no maximum, but a page of a thousand
#: sources (about 1 MiB) is as large as the default ``max_response_size`` reads.
MAX_PAGE_SIZE: Final = 1000

#: The list's filters (``parameters`` of ``sources_plex_list`` in openapi.yaml, without the
#: pagination ones; ``_generated/spec.py``) by what each takes.
_BY_KIND: Final = {
    kind: tuple(f.name for f in LIST_FILTERS if f.kind == kind and f.name != "ordering")
    for kind in ("str", "bool", "uuid")
}
STRING_FILTERS: Final = _BY_KIND["str"]
BOOL_FILTERS: Final = _BY_KIND["bool"]
UUID_FILTERS: Final = _BY_KIND["uuid"]
ENUM_FILTERS: Final[Mapping[str, tuple[str, ...]]] = {
    f.name: f.choices for f in LIST_FILTERS if f.kind == "enum"
}
FILTERS: Final = tuple(f.name for f in LIST_FILTERS)

#: The fields ``ordering`` may name (DRF's OrderingFilter takes the serializer's readable
#: fields; these are the plain model fields among them: the spec does not list them). ``-name``
#: orders descending. Some only from a release on (``promoted`` and ``icon``, 2025.12):
#: :func:`list_query` refuses them for an older server, when its release is known.
ORDERING_FIELDS: Final = (
    "pk",
    "name",
    "slug",
    "enabled",
    "authentication_flow",
    "enrollment_flow",
    "policy_engine_mode",
    "user_matching_mode",
    "managed",
    "user_path_template",
    "group_matching_mode",
    "client_id",
    "allow_friends",
    "promoted",
    "icon",
)


#: The most sources one list() reads: far more than any authentik holds, and a bound on how
#: long a server that claims more (or sends short pages) can keep the iteration going.
MAX_LISTED: Final = 100_000


def _filter_problems(name: str, value: object) -> tuple[list[str], str | None]:
    """(problems, the value as sent) for one filter."""
    if value is None:
        return ["May not be None; leave the keyword out not to filter by it."], None
    if name in BOOL_FILTERS:
        if isinstance(value, bool):
            return [], "true" if value else "false"
        return [f"Must be true or false, got {describe_type(value)}."], None
    if name in UUID_FILTERS:
        if isinstance(value, UUID):
            return [], str(value)
        if isinstance(value, str):
            try:
                return [], str(UUID(value))
            except ValueError:
                return [f"{value[:60]!r} is not a valid UUID."], None
        return [f"Must be a UUID (uuid.UUID or its string), got {describe_type(value)}."], None
    if name in ENUM_FILTERS:
        choices = ENUM_FILTERS[name]
        text = value.value if isinstance(value, Enum) else value
        if isinstance(text, str) and text in choices:
            return [], text
        shown = str(text)[:60]
        return [f"{shown!r} is not a valid choice. Choose one of: {', '.join(choices)}."], None
    if not isinstance(value, str):
        return [f"Must be a string, got {describe_type(value)}."], None
    text = value.strip()  # as Django's form fields (and DRF's search) take it
    if not text:
        return ["May not be blank; leave the keyword out not to filter by it."], None
    if "\x00" in text:
        return [NUL_MESSAGE], None
    if name == "ordering":
        return _ordering_problems(text), ",".join(term.strip() for term in text.split(","))
    return [], text


def _ordered_by(ordering: str) -> list[str]:
    """The fields an ordering names: ``-name, slug`` is name and slug."""
    return [term.strip().removeprefix("-") for term in ordering.split(",")]


def release_dependent(filters: Mapping[str, object]) -> list[tuple[str, str, Release]]:
    """``(keyword, field, release)`` for each field the ordering names that only a release on
    has (a server before it ignores it: the sources listed unordered). Every filter is in every
    supported release.
    """
    found: list[tuple[str, str, Release]] = []
    ordering = filters.get("ordering")
    if isinstance(ordering, str):
        found += [
            ("ordering", field, WRITABLE_IN[field])
            for field in _ordered_by(ordering)
            if field in WRITABLE_IN
        ]
    return found


def _ordering_problems(text: str) -> list[str]:
    problems = []
    for field in _ordered_by(text):
        if field not in ORDERING_FIELDS:
            hint = suggest(field, ORDERING_FIELDS)
            problems.append(
                f"{field[:60]!r} is not a field to order by"
                + (f"; {hint}" if hint else f". Choose from: {', '.join(ORDERING_FIELDS)}.")
            )
    return problems


def list_query(
    filters: Mapping[str, object],
    page_size: object,
    release: Release | None = None,
    shown: str = "",
) -> list[tuple[str, str]]:
    """The list's query parameters for ``filters`` (``list()``'s keywords), without ``page``;
    :class:`InvalidRequest` naming every problem, before anything is sent. A filter on a field
    the server's ``release`` (when known) lacks is one: the server would ignore it.
    """
    errors: dict[str, list[str]] = {}
    if release is not None:
        for key, field, since in release_dependent(filters):
            if release < since:
                what, ignored = (
                    (f"ordering by {field}", "it") if key == "ordering" else (field, "the filter")
                )
                errors.setdefault(key, []).append(
                    f"{what} needs authentik {since} or newer; this server runs "
                    f"{shown or release} (it would ignore {ignored})"
                )
    query: list[tuple[str, str]] = []
    for name, value in filters.items():
        if name in errors:
            continue
        if name not in FILTERS:
            hint = suggest(str(name), FILTERS)
            errors[str(name)] = [f"Unknown filter; {hint}" if hint else "Unknown filter."]
            continue
        problems, sent = _filter_problems(name, value)
        if problems:
            errors[name] = problems
        elif sent is not None:
            query.append((name, sent))
    if (
        not isinstance(page_size, int)
        or isinstance(page_size, bool)
        or not 1 <= page_size <= MAX_PAGE_SIZE
    ):
        errors["page_size"] = [f"Must be a whole number from 1 to {MAX_PAGE_SIZE}."]
    if errors:
        raise InvalidRequest(errors)
    query.append(("page_size", str(page_size)))
    return query


class Pager:
    """Which page to ask for next, checking every page's pagination on the way.

    A real authentik numbers pages 1, 2, 3, ...: each ``next`` is the page after the one
    asked for, and there are at most ``ceil(count / page_size)`` pages, none of them empty
    but a lone first one. Anything else (a ``next`` that repeats or jumps, more pages than the
    first page's ``count`` implies, an empty page that says more follow) is an
    :class:`UnexpectedResponse`: a broken or hostile server cannot make the iteration loop.
    """

    __slots__ = (
        "bound",
        "count",
        "fetched",
        "filters",
        "owner",
        "page",
        "page_size",
        "query",
        "timeout",
    )

    def __init__(
        self,
        query: list[tuple[str, str]],
        page_size: int,
        timeout: Any,
        filters: Mapping[str, object] | None = None,
        owner: object | None = None,
    ) -> None:
        self.query = query
        #: The listing client: a refusal hides a request id repeating a token it learned.
        self.owner = owner
        self.filters = dict(filters or {})
        self.page_size = page_size
        self.timeout = timeout
        self.page = 1
        self.fetched = 0
        self.bound: int | None = None
        self.count = 0

    @property
    def needs_release(self) -> bool:
        """Whether an ordering term names a field some releases lack."""
        return bool(release_dependent(self.filters))

    def params(self) -> list[tuple[str, str]]:
        """The query of the page to fetch now."""
        return [*self.query, ("page", str(self.page))]

    def advance(self, page: Page, url: str) -> bool:
        """Take the page just fetched (from ``url``); True when another page follows."""
        self.fetched += 1
        if self.bound is None:
            self.count = page.count
            if page.count > MAX_LISTED:
                self._refuse(
                    page, url, f"the server claims {page.count:,} sources; list() reads at "
                    f"most {MAX_LISTED:,}",
                )  # fmt: skip
            self.bound = max(1, math.ceil(page.count / self.page_size))
        if len(page.results) > self.page_size:
            self._refuse(page, url, f"{len(page.results)} sources on a page of {self.page_size}")
        if page.next == 0:
            return False
        if page.next != self.page + 1:
            self._refuse(
                page, url, f"pagination.next is {page.next} on page {self.page}: it does not "
                f"lead to page {self.page + 1}",
            )  # fmt: skip
        if self.fetched >= self.bound:
            self._refuse(
                page, url, f"pagination.next is {page.next}, but a count of {self.count} "
                f"source(s) at {self.page_size} a page makes {self.bound} page(s) (did the "
                "list grow while it was read?)",
            )  # fmt: skip
        if not page.results:
            self._refuse(page, url, f"page {self.page} is empty, yet says page {page.next} follows")
        if len(page.results) < self.page_size:  # DRF fills every page but the last
            self._refuse(
                page, url, f"page {self.page} has {len(page.results)} of {self.page_size} "
                f"sources, yet says page {page.next} follows",
            )  # fmt: skip
        self.page = page.next
        return True

    def _refuse(self, page: Page, url: str, reason: str) -> None:
        learned = _logs.learned(self.owner) if self.owner is not None else ()
        raise UnexpectedResponse(
            reason,
            expected="authentik's pagination",
            method="GET",
            url=url,
            status_code=page.status_code,
            request_id=request_id_hiding(page.request_id, learned),
            body=None,
            attempts=page.attempts,
        )
