"""pytest fixtures for testing code that changes authentik Plex sources.

Installed with the package (entry point ``pytest11``), so they are available in any test:

- ``fake_authentik``: a running :class:`~plex_source_client.testing.FakeAuthentik`, stopped
  after the test; ``fake_authentik.client()`` gives a client pointed at it.
- ``authentik_env``: the same fake, with ``AUTHENTIK_URL`` and ``AUTHENTIK_TOKEN`` set for the
  test (so code using ``PlexSourceClient.from_env()`` or the ``plex-source`` CLI talks to it).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ._fake import FakeAuthentik


@pytest.fixture
def fake_authentik() -> Iterator[FakeAuthentik]:
    """A fake authentik serving on 127.0.0.1 for this test, with one source, ``plex``."""
    with FakeAuthentik() as fake:
        yield fake


@pytest.fixture
def authentik_env(fake_authentik: FakeAuthentik, monkeypatch: pytest.MonkeyPatch) -> FakeAuthentik:
    """``fake_authentik``, with ``AUTHENTIK_URL``/``AUTHENTIK_TOKEN`` pointing at it."""
    monkeypatch.setenv("AUTHENTIK_URL", fake_authentik.url)
    monkeypatch.setenv("AUTHENTIK_TOKEN", fake_authentik.token)
    monkeypatch.delenv("AUTHENTIK_TOKEN_FILE", raising=False)
    monkeypatch.delenv("AUTHENTIK_INSECURE", raising=False)
    return fake_authentik
