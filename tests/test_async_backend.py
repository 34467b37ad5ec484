"""The async client's ``backend`` option: the names kept for older code still work (both mean
httpx over sharded pools); the removed aiohttp backend is refused with the reason.
"""

from __future__ import annotations

import pytest

from plex_source_client import (
    ConfigurationError,
)

from .payloads import TOKEN


def test_the_removed_aiohttp_backend_is_refused_with_the_reason() -> None:
    """Code that asked for aiohttp learns it is gone, and what to do, when the client is made."""
    from plex_source_client import AsyncPlexSourceClient

    with pytest.raises(ConfigurationError, match=r"aiohttp backend was removed.*omit backend"):
        AsyncPlexSourceClient(
            url="https://auth.example.com",
            token=TOKEN,
            backend="aiohttp",  # type: ignore[arg-type]
        )


def test_an_unknown_backend_is_a_configuration_error() -> None:
    from plex_source_client import AsyncPlexSourceClient

    with pytest.raises(ConfigurationError, match="backend must be auto or httpx, got 'curl'"):
        AsyncPlexSourceClient(
            url="https://auth.example.com",
            token=TOKEN,
            backend="curl",  # type: ignore[arg-type]
        )


@pytest.mark.parametrize("backend", ["auto", "httpx"])
def test_the_kept_backend_names_still_work(backend: str) -> None:
    from plex_source_client import AsyncPlexSourceClient
    from plex_source_client._http.transports import ShardedAsyncTransport

    client = AsyncPlexSourceClient(
        url="https://auth.example.com",
        token=TOKEN,
        backend=backend,  # type: ignore[arg-type]
    )
    assert isinstance(client._http._transport, ShardedAsyncTransport)
