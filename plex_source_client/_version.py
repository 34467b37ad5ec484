"""Version of this package and of the authentik API its bundled spec describes."""

__version__ = "0.1.0"
"""The version of this package (plex-source-client)."""

AUTHENTIK_API_VERSION = "2024.8.2"
"""``info.version`` of openapi.yaml: the authentik release whose API reference the code follows
(the client serves releases 2024.8 to 2026.x, told apart).
"""
