"""How authentik answers ``GET /api/v3/sources/plex/`` (``sources_plex_list``): 2024.8's
rules; a release without a field ignores its filter and ordering (django-filter and DRF ignore
parameters they do not know), and from 2025.12 (see :mod:`._shape`) the answer carries
``autocomplete`` and the list takes ``pbm_uuid`` and ordering by ``promoted`` or ``icon``.

Pure functions, no I/O: :class:`~plex_source_client.testing.FakeAuthentik` uses them. The
viewset's filter backends run in authentik's order (django-filter's ``filterset_fields``, DRF's
``OrderingFilter``, ``SearchFilter``), then DRF's ``PageNumberPagination`` with authentik's
``pagination`` wrapper (``authentik.api.pagination.Pagination``). The fake's module docstring
says what is and is not emulated.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Collection, Mapping, Sequence
from typing import Any, Final

from .._listing import ORDERING_FIELDS
from .._releases import SPEC_RELEASE, Release, has_field
from ._drf import CHOICES
from ._shape import LIST_AUTOCOMPLETE_IN, PBM_UUID_FILTER_IN, TENANT_PAGINATION_IN

#: authentik's REST_FRAMEWORK ``PAGE_SIZE``.
PAGE_SIZE: Final = 100
#: The tenant's pagination settings' defaults, from 2026.2 (see :func:`page_size`).
TENANT_DEFAULT_PAGE_SIZE: Final = 20
TENANT_MAX_PAGE_SIZE: Final = 100
INVALID_PAGE: Final = "Invalid page."
INVALID_FK: Final = "Select a valid choice. That choice is not one of the available choices."
INVALID_UUID: Final = "Enter a valid UUID."
#: Fields of 2025.12's serializer that ``ordering`` may name besides :data:`ORDERING_FIELDS`.
NEWER_ORDERING_FIELDS: Final = ("promoted", "icon")
#: The viewset's ``ordering``, used when ``ordering`` names no valid field.
DEFAULT_ORDERING: Final = ("name",)
SEARCH_FIELDS: Final = ("name", "slug")

#: How Django's NullBooleanSelect reads a boolean filter; anything else is no filter.
_BOOLEANS: Final[Mapping[str, bool]] = {
    "2": True,
    "True": True,
    "true": True,
    "1": True,
    "3": False,
    "False": False,
    "false": False,
    "0": False,
}
_CHAR_FILTERS: Final = ("name", "slug", "client_id")
_BOOL_FILTERS: Final = ("enabled", "allow_friends")
_FK_FILTERS: Final = ("authentication_flow", "enrollment_flow")
_CHOICE_FILTERS: Final = ("policy_engine_mode", "user_matching_mode", "group_matching_mode")


def _filter(
    sources: list[dict[str, Any]],
    query: Mapping[str, str],
    flows: Collection[str],
    release: Release = SPEC_RELEASE,
) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    """django-filter's FilterSet: (the sources that match, the form's errors)."""
    errors: dict[str, list[str]] = {}
    if release >= PBM_UUID_FILTER_IN and (value := query.get("pbm_uuid", "").strip()):
        try:
            pk = str(uuid.UUID(value))
        except ValueError:
            errors["pbm_uuid"] = [INVALID_UUID]
        else:
            sources = [s for s in sources if str(uuid.UUID(s["pk"])) == pk]
    for name in _CHAR_FILTERS:
        value = query.get(name, "").strip()
        if value:
            sources = [s for s in sources if s[name] == value]
    for name in _BOOL_FILTERS:
        flag = _BOOLEANS.get(query.get(name, ""))
        if flag is not None:
            sources = [s for s in sources if s[name] is flag]
    for name in _FK_FILTERS:
        value = query.get(name, "").strip()
        if not value:
            continue
        try:
            pk = str(uuid.UUID(value))
        except ValueError:
            pk = ""
        if pk not in flows:
            errors[name] = [INVALID_FK]
            continue
        sources = [s for s in sources if s[name] is not None and str(uuid.UUID(s[name])) == pk]
    for name in _CHOICE_FILTERS:
        value = query.get(name, "").strip()
        if not value or not has_field(release, name):
            continue
        if value not in CHOICES[name]:
            errors[name] = [f"Select a valid choice. {value} is not one of the available choices."]
            continue
        sources = [s for s in sources if s[name] == value]
    return sources, errors


def ordering_fields(release: Release) -> tuple[str, ...]:
    """The fields ``ordering`` may name in ``release``."""
    newer = NEWER_ORDERING_FIELDS if release >= LIST_AUTOCOMPLETE_IN else ()
    names = dict.fromkeys((*ORDERING_FIELDS, *newer))  # the client's list has the newer ones
    return tuple(
        name
        for name in names
        if has_field(release, name) and (name not in NEWER_ORDERING_FIELDS or newer)
    )


def _order(
    sources: list[dict[str, Any]], ordering: str, release: Release = SPEC_RELEASE
) -> list[dict[str, Any]]:
    """DRF's OrderingFilter: valid terms kept, the view's ordering when none is."""
    terms = [term.strip() for term in ordering.split(",")] if ordering else []
    fields = ordering_fields(release)
    valid = [term for term in terms if term.lstrip("-") in fields]
    ordered = sorted(sources, key=lambda s: str(s["slug"]))  # ties: by slug
    for term in reversed(valid or list(DEFAULT_ORDERING)):
        field = term.lstrip("-")
        descending = term.startswith("-")
        # PostgreSQL: nulls last ascending, first descending (the reverse of the whole order).
        ordered.sort(
            key=lambda s: (s[field] is None, "" if s[field] is None else s[field]),
            reverse=descending,
        )
    return ordered


def _search(sources: list[dict[str, Any]], search: str) -> list[dict[str, Any]]:
    """DRF's SearchFilter: every term in some search field, case-insensitively."""
    terms = search.replace("\x00", "").replace(",", " ").split()
    for term in terms:
        needle = term.casefold()
        sources = [s for s in sources if any(needle in str(s[f]).casefold() for f in SEARCH_FIELDS)]
    return sources


def _positive_int(value: str) -> int | None:
    """DRF's ``_positive_int(strict=True)``: None when it raises (DRF then uses PAGE_SIZE)."""
    try:
        number = int(value)
    except ValueError:
        return None
    return number if number > 0 else None


def page_size(query: Mapping[str, str], release: Release = SPEC_RELEASE) -> int:
    """The page size of a list GET with ``query``, as ``release``'s ``Pagination`` decides it.

    Until 2026.2 (:data:`~._shape.TENANT_PAGINATION_IN`): DRF's ``get_page_size``, the
    ``page_size`` parameter if a positive whole number, else ``PAGE_SIZE`` (100), no maximum.
    From then, authentik's ``Pagination.get_page_size`` reads the tenant's settings
    (``pagination_default_page_size``, 20, and ``pagination_max_page_size``, 100: the
    defaults of migration ``authentik_tenants.0007``): no ``page_size``, 20; a valid one,
    at most 100; an invalid one, DRF's fallback ``PAGE_SIZE`` (100), capped to 100.
    """
    requested = _positive_int(query["page_size"]) if "page_size" in query else None
    if release < TENANT_PAGINATION_IN:
        return requested or PAGE_SIZE
    if "page_size" not in query:
        return TENANT_DEFAULT_PAGE_SIZE
    return min(requested or PAGE_SIZE, TENANT_MAX_PAGE_SIZE)


def answer(
    sources: Sequence[dict[str, Any]],
    query: Mapping[str, str],
    flows: Collection[str],
    *,
    release: Release = SPEC_RELEASE,
) -> tuple[int, Any]:
    """The status and JSON body of a list GET with ``query`` (its parameters, last values),
    as ``release`` answers it.
    """
    selected, errors = _filter(list(sources), query, flows, release)
    if errors:
        return 400, errors
    ordered = _order(selected, query.get("ordering", ""), release)
    selected = _search(ordered, query.get("search", ""))
    per_page = page_size(query, release)
    count = len(selected)
    num_pages = max(1, math.ceil(count / per_page))  # an empty first page is allowed
    raw_page = query.get("page") or "1"
    if raw_page == "last":
        raw_page = str(num_pages)
    try:
        number = int(raw_page)
    except ValueError:
        return 404, {"detail": INVALID_PAGE}
    if not 1 <= number <= num_pages:
        return 404, {"detail": INVALID_PAGE}
    start = (number - 1) * per_page
    results = selected[start : start + per_page]
    return 200, {
        "pagination": {
            "next": number + 1 if number < num_pages else 0,
            "previous": number - 1 if number > 1 else 0,
            "count": count,
            "current": number,
            "total_pages": num_pages,
            "start_index": 0 if count == 0 else start + 1,
            "end_index": count if number == num_pages else start + per_page,
        },
        "results": results,
    } | ({"autocomplete": {}} if release >= LIST_AUTOCOMPLETE_IN else {})
