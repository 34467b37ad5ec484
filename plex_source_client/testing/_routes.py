"""DRF's router for authentik's Plex source viewset, the version view and Django's catch-all
view: which route a request's path takes, and the methods (``Allow``) each answers.
"""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import parse_qsl, unquote

API_PREFIX: Final = "/api/v3"
SOURCE_PREFIX: Final = f"{API_PREFIX}/sources/plex/"
#: DRF's ``Allow`` (``APIView.allowed_methods``) on every answer of the two views.
DETAIL_ALLOW: Final = "GET, PUT, PATCH, DELETE, HEAD, OPTIONS"
LIST_ALLOW: Final = "GET, POST, HEAD, OPTIONS"
#: Django's generic view that answers paths the API router does not match.
CATCH_ALL_ALLOW: Final = "GET, HEAD, OPTIONS"
#: authentik's ``VersionView`` (an ``APIView`` with ``get`` only).
VERSION_PATH: Final = f"{API_PREFIX}/admin/version/"
VERSION_ALLOW: Final = "GET, HEAD, OPTIONS"

#: DRF's router for authentik's Plex source viewset: ``lookup_value_regex`` is ``[^/.]+`` and
#: every route ends in a slash (Django matches the percent-decoded path).
_LIST_ROUTE: Final = re.compile(re.escape(SOURCE_PREFIX) + r"\Z")
_DETAIL_ROUTE: Final = re.compile(re.escape(SOURCE_PREFIX) + r"(?P<slug>[^/.]+)/\Z")


def query(target: str) -> dict[str, str]:
    """The query string's parameters, the last value of each (as Django's ``QueryDict.get``)."""
    _, _, query = target.partition("?")
    return dict(parse_qsl(query, keep_blank_values=True))


def route(target: str) -> tuple[str, str] | None:
    """("list", "") or ("detail", slug) for a request target, ("version", "") for authentik's
    version view, or None when no route matches.

    authentik answers a path below ``/api/v3/`` that no API route matches (no trailing slash,
    a dot in the slug) from a catch-all, GET-only Django view: any other method gets Django's
    ``HttpResponseNotAllowed``, 405 with ``Allow: GET, HEAD, OPTIONS`` and an empty body.
    """
    path = unquote(target.split("?", 1)[0])
    if _LIST_ROUTE.match(path):
        return "list", ""
    if path == VERSION_PATH:
        return "version", ""
    found = _DETAIL_ROUTE.match(path)
    return ("detail", found.group("slug")) if found else None
