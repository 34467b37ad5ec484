"""``plex-source demo``: the README's first command, against the embedded fake authentik."""

from __future__ import annotations

import subprocess
import sys

import pytest

from plex_source_client.cli import main


def test_demo_changes_the_source_and_shows_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "A fake authentik is serving at http://127.0.0.1:" in out
    assert "sent: PATCH /api/v3/sources/plex/plex/ " in out
    assert "got:  200 in" in out
    assert '  * name                     "Plex (demo)"' in out
    assert "  * enrollment_flow          null" in out
    assert "5 fields changed, 17 left as they were" in out
    assert "plex_token               ***" in out
    assert "fake-plex-" not in out  # the seeded Plex token
    assert "ak-fake-" not in out  # the API tokens


def test_demo_as_a_module_and_a_console_script() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "plex_source_client", "demo"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "5 fields changed" in result.stdout
    assert result.stderr == ""


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == (
        "plex-source-client 0.1.0 (spec: authentik API 2024.8.2; serves authentik 2024.8 to 2026.x)"
    )
