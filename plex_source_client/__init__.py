"""Typed, safe-by-default client for authentik's Plex source PATCH endpoint.

The hand-written package (this one) wraps the low-level client that ``./generate.sh`` writes into
``plex_source_client._generated`` from ``openapi.yaml``. Users import from here only.
"""

from ._version import AUTHENTIK_API_VERSION, __version__

__all__ = ["AUTHENTIK_API_VERSION", "__version__"]
