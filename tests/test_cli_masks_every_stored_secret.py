"""The command line masks every value a source read from the server stores under a
secret-named key (``client_secret`` of a newer server, not only ``plex_token``) wherever the
server repeats it, in ``plan``, ``apply --check``, ``get`` (table and JSON) and ``export``.
(Red team round 7, issue 18: each failed before the fix.)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from plex_source_client.cli import main

from .payloads import SLUG, plex_source
from .raw_server import ScriptServer, reply

API_TOKEN = "tok-SECRET-api-1234567890"
NESTED = "client-SECRET-value-0123456789"


def _source_with_extra_secret() -> bytes:
    """A source from a newer authentik: an extra secret-named field ``client_secret`` (masked
    under its key) whose value the server repeats in ``name``."""
    data = plex_source(name=NESTED)
    data["client_secret"] = NESTED
    return json.dumps(data).encode()


@pytest.mark.parametrize(
    "command",
    [
        ["plan", "{plan}"],
        ["apply", "{plan}", "--check"],
        ["get", SLUG],
        ["get", SLUG, "--output", "json"],
        ["export", SLUG, "--format", "json"],
    ],
)
def test_cli_masks_an_extra_stored_secret_repeated_in_name(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    command: list[str],
) -> None:
    server = ScriptServer(reply(200, _source_with_extra_secret()))
    monkeypatch.setenv("AUTHENTIK_URL", server.url)
    monkeypatch.setenv("AUTHENTIK_TOKEN", API_TOKEN)
    monkeypatch.setenv("AUTHENTIK_SERVER_VERSION", "2024.8.2")
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps([{"slug": SLUG, "changes": {"name": "New"}}]))
    argv = [part.replace("{plan}", str(plan)) for part in command]
    with server:
        code = main(argv)
    captured = capsys.readouterr()
    assert NESTED not in captured.out + captured.err, (code, captured.out, captured.err)
    if command[0] == "export":  # ``***`` in name would rename the source on apply: refused
        assert (code, captured.out) == (2, ""), captured.err
        assert f"plex-source: {SLUG}: name: the value repeats a secret" in captured.err
        return
    assert code in (0, 4), (code, captured.out, captured.err)  # 4: plan/apply see drift
    assert "***" in captured.out
