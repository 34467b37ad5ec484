"""The mask is never sent: a ``plex_token`` of ``***`` (how every display shows a stored token,
copied from ``get --output json`` into a changes file or a plan, or passed to ``update()``) is
refused, exit 2 or InvalidRequest, nothing sent; before, it was "applied" and replaced the
stored token with three asterisks, breaking every Plex login (review round 37b).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .fixed_server import FixedServer, run_main, source


@pytest.mark.parametrize("command", ["update", "apply"])
def test_the_mask_is_never_sent_as_the_plex_token(tmp_path: Path, command: str) -> None:
    with FixedServer([source(slug="plex", name="Plex")]) as server:
        code, shown, err, _ = run_main(["get", "plex", "--output", "json"], url=server.url)
        assert code == 0, err
        assert '"plex_token": "***"' in shown  # what the user sees and copies
        if command == "update":
            changes = tmp_path / "changes.json"
            changes.write_text('{"name": "Plex", "plex_token": "***"}')
            argv = ["update", "plex", "--from-file", str(changes)]
        else:
            plan = tmp_path / "plan.json"
            plan.write_text('[{"slug": "plex", "changes": {"plex_token": "***"}}]')
            argv = ["apply", str(plan)]
        code, out, err, _ = run_main(argv, url=server.url)
        assert not any(r.startswith("PATCH") for r in server.requests), (code, out, err)
        assert code == 2, (out, err)


def _update_with_the_mask(kind: str, url: str) -> None:
    """``update(slug, plex_token="***")`` on the ``kind`` client against ``url``."""
    import asyncio

    from plex_source_client import AsyncPlexSourceClient, PlexSourceClient

    token = "tok-round37b-0123456789"
    if kind == "sync":
        with PlexSourceClient(url=url, token=token, max_retries=0, allow_insecure_http=True) as c:
            c.update("plex", plex_token="***")
        return

    async def run() -> None:
        async with AsyncPlexSourceClient(
            url=url, token=token, max_retries=0, allow_insecure_http=True
        ) as client:
            await client.update("plex", plex_token="***")

    asyncio.run(run())


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_the_client_refuses_the_mask_as_a_plex_token(kind: str) -> None:
    from plex_source_client import PlexSourceError

    with FixedServer([source(slug="plex", name="Plex")]) as server:
        with pytest.raises(PlexSourceError):
            _update_with_the_mask(kind, server.url)
        assert not any(r.startswith("PATCH") for r in server.requests)
