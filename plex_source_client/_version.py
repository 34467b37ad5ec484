"""Version of this package and of the authentik API its bundled spec describes."""

__version__ = "0.1.0"

#: ``info.version`` of openapi.yaml: the authentik release whose API reference the code follows.
AUTHENTIK_API_VERSION = "2024.8.2"
