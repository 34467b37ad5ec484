"""pytest fixtures for testing code that changes authentik Plex sources.

Installed with the package (entry point ``pytest11``), so they are available in any test:

- ``fake_authentik``: a running :class:`~plex_source_client.testing.FakeAuthentik`, stopped
  after the test; ``fake_authentik.client()`` gives a client pointed at it.
- ``authentik_env``: the same fake, with ``AUTHENTIK_URL`` and ``AUTHENTIK_TOKEN`` set for the
  test (so code using ``PlexSourceClient.from_env()`` or the ``plex-source`` CLI talks to it).

The marker ``authentik_version`` picks the release the fake plays (default 2024.8.2), on a
test, a class or a module (``pytestmark``); ``version_endpoint=False`` makes the fake answer
``/api/v3/admin/version/`` 404, for code that must cope without learning the release::

    @pytest.mark.authentik_version("2026.2")
    def test_promote(fake_authentik):
        ...

    @pytest.mark.authentik_version("2025.12.2", version_endpoint=False)
    def test_without_the_version_endpoint(fake_authentik):
        ...
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from ._fake import FakeAuthentik

# pytest imports this module in every run in an environment with this package installed, whether
# a test uses the fixtures or not: it imports nothing of this package at import time (the fake,
# httpx and the client load when a fixture runs).

MARKER = "authentik_version"


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``authentik_version`` marker (so ``--strict-markers`` accepts it)."""
    config.addinivalue_line(
        "markers",
        f"{MARKER}(version, *, version_endpoint=True): the authentik release the "
        "fake_authentik fixture plays, e.g. '2026.2' (default 2024.8.2); "
        "version_endpoint=False: it answers /api/v3/admin/version/ 404",
    )


def _fake_options(request: pytest.FixtureRequest) -> dict[str, Any]:
    """FakeAuthentik's keywords from the closest ``authentik_version`` marker."""
    marker = request.node.get_closest_marker(MARKER)
    if marker is None:
        return {}
    unknown = set(marker.kwargs) - {"version", "version_endpoint"}
    if len(marker.args) > 1 or unknown or (marker.args and "version" in marker.kwargs):
        raise pytest.UsageError(
            f"@pytest.mark.{MARKER} takes one release, like '2026.2', and optionally "
            f"version_endpoint=False; got args {marker.args!r}, kwargs {marker.kwargs!r}"
        )
    options = dict(marker.kwargs)
    if marker.args:
        options["version"] = marker.args[0]
    return options


@pytest.fixture
def fake_authentik(request: pytest.FixtureRequest) -> Iterator[FakeAuthentik]:
    """A fake authentik serving on 127.0.0.1 for this test, with one source, ``plex``, playing
    the release the test's ``authentik_version`` marker names (default 2024.8.2).
    """
    from ._fake import FakeAuthentik  # here: only a test using the fixture pays for it

    with FakeAuthentik(**_fake_options(request)) as fake:
        yield fake


@pytest.fixture
def authentik_env(fake_authentik: FakeAuthentik, monkeypatch: pytest.MonkeyPatch) -> FakeAuthentik:
    """``fake_authentik``, with ``AUTHENTIK_URL``/``AUTHENTIK_TOKEN`` pointing at it."""
    monkeypatch.setenv("AUTHENTIK_URL", fake_authentik.url)
    monkeypatch.setenv("AUTHENTIK_TOKEN", fake_authentik.token)
    monkeypatch.delenv("AUTHENTIK_TOKEN_FILE", raising=False)
    monkeypatch.delenv("AUTHENTIK_INSECURE", raising=False)
    # The fake answers the version endpoint: a runner's own setting must not leak in.
    monkeypatch.delenv("AUTHENTIK_SERVER_VERSION", raising=False)
    return fake_authentik
