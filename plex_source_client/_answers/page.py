"""A 2xx body of the list: one page of Plex sources and its ``pagination`` numbers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._generated.spec import PAGINATION_FIELDS
from .._http.body import Answer
from .._models import PlexSource, share_page_secrets
from .._releases import Release
from .json_body import success_json
from .source import json_type, source_from_json


class Page:
    """One page of the list: its sources and authentik's ``pagination`` numbers (``next`` is
    the next page's number, 0 on the last page).
    """

    __slots__ = ("attempts", "count", "current", "next", "request_id", "results", "status_code")

    def __init__(self, results: list[PlexSource], pagination: Mapping[str, int]) -> None:
        self.results = results
        self.next = pagination["next"]
        self.count = pagination["count"]
        self.current = pagination["current"]
        self.request_id: str | None = None
        self.status_code = 200
        self.attempts = 1


def _whole_number(value: Any) -> bool:
    """A JSON number (``type: number`` in the spec) that is a whole, non-negative number."""
    if type(value) is int:
        return value >= 0
    return type(value) is float and value.is_integer() and value >= 0


def page_from_json(data: Any, release: Release | None = None) -> Page:
    """Parsed JSON as a :class:`Page` (``PaginatedPlexSourceList``), or ValueError naming the
    field, with its index for a source in ``results`` (``results[2]: enabled must be ...``).
    """
    if not isinstance(data, dict):
        raise ValueError(f"expected a JSON object (a page of sources), got {json_type(data)}")
    missing = [name for name in ("pagination", "results") if name not in data]
    if missing:
        raise ValueError(f"missing required field(s): {', '.join(missing)}")
    pagination = data["pagination"]
    if not isinstance(pagination, dict):
        raise ValueError(f"pagination must be an object, got {json_type(pagination)}")
    missing = [f"pagination.{name}" for name in PAGINATION_FIELDS if name not in pagination]
    if missing:
        raise ValueError(f"missing required field(s): {', '.join(missing)}")
    wrong = [
        f"pagination.{name} must be a whole number, got {json_type(pagination[name])}"
        for name in PAGINATION_FIELDS
        if not _whole_number(pagination[name])
    ]
    if wrong:
        raise ValueError("wrong type: " + "; ".join(wrong))
    results = data["results"]
    if type(results) is not list:
        raise ValueError(f"results must be a list, got {json_type(results)}")
    sources = []
    for index, item in enumerate(results):
        try:
            sources.append(source_from_json(item, release))
        except ValueError as exc:
            raise ValueError(f"results[{index}]: {exc}") from None
    share_page_secrets(sources, results)
    return Page(sources, {name: int(pagination[name]) for name in PAGINATION_FIELDS})


def parse_page(answer: Answer, secrets: tuple[str, ...], release: Release | None = None) -> Page:
    """The list's 2xx body as a :class:`Page`, or ValueError saying (masked) why it is not."""
    return page_from_json(success_json(answer, secrets), release)
