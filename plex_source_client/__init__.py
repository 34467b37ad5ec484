"""Typed, safe-by-default client for authentik's Plex source PATCH endpoint.

::

    from plex_source_client import PlexSourceClient

    with PlexSourceClient(url="https://auth.example.com", token="...") as client:
        source = client.update("my-plex", enabled=False)

Everything public is importable from here. The low-level client that ``./generate.sh`` writes
into ``plex_source_client._generated`` is an implementation detail.
"""

from ._async_client import AsyncPlexSourceClient
from ._base import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, NOT_GIVEN, NotGiven
from ._client import PlexSourceClient
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
from ._generated.models import (
    GroupMatchingModeEnum,
    PolicyEngineMode,
    ThemedUrls,
    UserMatchingModeEnum,
)
from ._generated.types import UNSET, Unset
from ._models import PlexSource, RawResponse
from ._version import AUTHENTIK_API_VERSION, __version__

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
    "UserMatchingModeEnum",
    "__version__",
    "compute_diff",
]
