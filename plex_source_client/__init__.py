"""Typed, safe-by-default client for authentik's Plex source PATCH endpoint.

::

    from plex_source_client import PlexSourceClient

    with PlexSourceClient(url="https://auth.example.com", token="...") as client:
        source = client.update("my-plex", enabled=False)

Everything public is importable from here. The low-level client that ``./generate.sh`` writes
into ``plex_source_client._generated`` is an implementation detail.

Names load on first use (``import plex_source_client`` alone imports nothing else), so that the
pytest plugin in :mod:`plex_source_client.testing` costs nothing in a test run that does not
use it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import AUTHENTIK_API_VERSION, __version__

if TYPE_CHECKING:
    from ._async_client import AsyncPlexSourceClient
    from ._client import PlexSourceClient
    from ._config import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, NOT_GIVEN, NotGiven
    from ._diff import FieldChange, SourceDiff, compute_diff
    from ._errors import (
        APIError,
        BadRequest,
        ConfigurationError,
        InvalidRequest,
        NotApplied,
        NotFound,
        PermissionDenied,
        PlexSourceError,
        RateLimited,
        RequestTimeout,
        ServerError,
        TransportError,
        UnexpectedResponse,
        UnexpectedStatus,
    )
    from ._generated.types import UNSET
    from ._models import (
        GroupMatchingMode,
        PlexSource,
        PolicyEngineMode,
        RawResponse,
        ThemedUrls,
        Unset,
        UserMatchingMode,
    )

    # The generator's names, from before the enums were renamed; kept so existing code works.
    UserMatchingModeEnum = UserMatchingMode
    """Former name of :class:`UserMatchingMode` (the generator's); existing code works."""
    GroupMatchingModeEnum = GroupMatchingMode
    """Former name of :class:`GroupMatchingMode` (the generator's); existing code works."""

__all__ = [
    "AUTHENTIK_API_VERSION",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "NOT_GIVEN",
    "UNSET",
    "APIError",
    "AsyncPlexSourceClient",
    "BadRequest",
    "ConfigurationError",
    "FieldChange",
    "GroupMatchingMode",
    "GroupMatchingModeEnum",
    "InvalidRequest",
    "NotApplied",
    "NotFound",
    "NotGiven",
    "PermissionDenied",
    "PlexSource",
    "PlexSourceClient",
    "PlexSourceError",
    "PolicyEngineMode",
    "RateLimited",
    "RawResponse",
    "RequestTimeout",
    "ServerError",
    "SourceDiff",
    "ThemedUrls",
    "TransportError",
    "UnexpectedResponse",
    "UnexpectedStatus",
    "Unset",
    "UserMatchingMode",
    "UserMatchingModeEnum",
    "__version__",
    "compute_diff",
]

#: Where each public name is defined (``"UserMatchingModeEnum"``: an alias, by its own name).
_SOURCES: dict[str, tuple[str, str]] = {
    "AsyncPlexSourceClient": ("._async_client", "AsyncPlexSourceClient"),
    "DEFAULT_MAX_RETRIES": ("._config", "DEFAULT_MAX_RETRIES"),
    "DEFAULT_TIMEOUT": ("._config", "DEFAULT_TIMEOUT"),
    "NOT_GIVEN": ("._config", "NOT_GIVEN"),
    "NotGiven": ("._config", "NotGiven"),
    "PlexSourceClient": ("._client", "PlexSourceClient"),
    **{name: ("._diff", name) for name in ("FieldChange", "SourceDiff", "compute_diff")},
    **{
        name: ("._errors", name)
        for name in (
            "APIError",
            "BadRequest",
            "ConfigurationError",
            "InvalidRequest",
            "NotApplied",
            "NotFound",
            "PermissionDenied",
            "PlexSourceError",
            "RateLimited",
            "RequestTimeout",
            "ServerError",
            "TransportError",
            "UnexpectedResponse",
            "UnexpectedStatus",
        )
    },
    # From _models, which publishes the generated classes (their __module__) as it imports them.
    "UNSET": ("._models", "UNSET"),
    **{
        name: ("._models", name)
        for name in (
            "GroupMatchingMode",
            "PlexSource",
            "PolicyEngineMode",
            "RawResponse",
            "ThemedUrls",
            "Unset",
            "UserMatchingMode",
        )
    },
    "GroupMatchingModeEnum": ("._models", "GroupMatchingMode"),
    "UserMatchingModeEnum": ("._models", "UserMatchingMode"),
}


def __getattr__(name: str) -> Any:
    """Import a public name's module when the name is first used (PEP 562)."""
    try:
        module, attribute = _SOURCES[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module, __name__), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
