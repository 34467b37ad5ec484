"""Test helpers: a fake authentik to test your scripts against (public API).

::

    from plex_source_client.testing import FakeAuthentik

    with FakeAuthentik() as fake:             # serving on 127.0.0.1:<free port>
        fake.add_source(slug="plex-test", name="Plex Test")
        with fake.client() as client:         # a PlexSourceClient with the admin token
            client.update("plex-test", enabled=False)
        assert fake.sources["plex-test"]["enabled"] is False

It is stateful (sources by slug, flows and property mappings that PATCHes may reference),
faithful to authentik 2024.8 (routes, PATCH and PUT, GET of a source and the paginated,
filtered list, status codes, DRF error messages, ``Allow``, ``X-Authentik-Id``; checked
against a real server's recorded answers) or, with ``FakeAuthentik(version="2026.2")``,
another release (its fields, validation, list filters, and ``/api/v3/admin/version/``), robust
(idle timeout, body size limit, any body answered, never an exception) and injects faults
(``fail_next``, ``drop_next``, ``corrupt_next``, ``latency``); :mod:`._fake` lists what it
emulates and what not. With pytest, the
``fake_authentik`` fixture gives a running one, of the release a test's
``@pytest.mark.authentik_version("2026.2")`` names (see :mod:`.pytest_plugin`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._fake import DEFAULT_AUTHENTICATION_FLOW, DEFAULT_ENROLLMENT_FLOW, FakeAuthentik
    from ._recording import RecordedRequest
    from ._server import Answer

__all__ = [
    "DEFAULT_AUTHENTICATION_FLOW",
    "DEFAULT_ENROLLMENT_FLOW",
    "Answer",
    "FakeAuthentik",
    "RecordedRequest",
]

#: Where each public name is defined: loaded on first use, so that importing the pytest plugin
#: (every pytest run in an environment with this package) does not import the fake.
_SOURCES: dict[str, str] = {
    "DEFAULT_AUTHENTICATION_FLOW": "._fake",
    "DEFAULT_ENROLLMENT_FLOW": "._fake",
    "Answer": "._server",
    "FakeAuthentik": "._fake",
    "RecordedRequest": "._recording",
}


def __getattr__(name: str) -> Any:
    """Import a public name's module when the name is first used (PEP 562)."""
    if name not in _SOURCES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_SOURCES[name], __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
