"""What the command line prints of a server's answer masks every secret the run knows: the
API token, proxy passwords and the Plex tokens it read or sends. A server that echoes the Plex
token a PATCH sent in another field (``name``) does not get it printed: not in the source
table nor its JSON (``update``), not in ``--check``'s drift, not in ``plan``'s values.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from plex_source_client.cli import main

from .payloads import SLUG, plex_source
from .raw_server import ScriptServer, reply

API_TOKEN = "tok-SECRET-api-1234567890"
SENT_PLEX_TOKEN = "ptok-SENT-5555544444"

Capture = pytest.CaptureFixture[str]


@pytest.fixture
def echoing_server(monkeypatch: pytest.MonkeyPatch) -> ScriptServer:
    """A server whose every answer is a source named after the Plex token sent."""
    body = json.dumps(plex_source(name=SENT_PLEX_TOKEN)).encode()
    server = ScriptServer(reply(200, body))
    monkeypatch.setenv("AUTHENTIK_URL", server.url)
    monkeypatch.setenv("AUTHENTIK_TOKEN", API_TOKEN)
    monkeypatch.setenv("AUTHENTIK_SERVER_VERSION", "2024.8.2")
    return server


@pytest.mark.parametrize("output", ["text", "json"])
def test_cli_update_does_not_print_the_sent_plex_token_echoed_as_the_name(
    capsys: Capture, echoing_server: ScriptServer, tmp_path: Path, output: str
) -> None:
    """The API token echoed in a 2xx answer is refused; the Plex token the call sent, echoed
    in ``name`` (or any non-secret field), was printed in the source table / JSON.
    """
    token_file = tmp_path / "plex-token"
    token_file.write_text(SENT_PLEX_TOKEN + "\n")
    with echoing_server:
        code = main(
            ["update", SLUG, "--plex-token-file", str(token_file), "--no-read", "--output", output]
        )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert SENT_PLEX_TOKEN not in captured.out + captured.err, captured.out
    assert "***" in captured.out


def write_plan(tmp_path: Path) -> Path:
    plan = tmp_path / "plan.json"
    changes = {"name": "New", "plex_token": SENT_PLEX_TOKEN}
    plan.write_text(json.dumps([{"slug": SLUG, "changes": changes}]))
    return plan


def test_check_drift_does_not_print_the_sent_plex_token(
    capsys: Capture, echoing_server: ScriptServer, tmp_path: Path
) -> None:
    with echoing_server:
        code = main(["apply", str(write_plan(tmp_path)), "--no-read", "--check"])
    captured = capsys.readouterr()
    assert code == 4, captured.err  # drift: the server did not take the name
    assert SENT_PLEX_TOKEN not in captured.out + captured.err
    assert 'requested "New", server has "***"' in captured.out + captured.err


@pytest.mark.parametrize("output", ["text", "json"])
def test_plan_does_not_print_a_plex_token_of_the_plan_as_a_current_value(
    capsys: Capture, echoing_server: ScriptServer, tmp_path: Path, output: str
) -> None:
    with echoing_server:
        code = main(["plan", str(write_plan(tmp_path)), "--output", output])
    captured = capsys.readouterr()
    assert code == 4, captured.err
    assert SENT_PLEX_TOKEN not in captured.out + captured.err
    if output == "json":
        [line] = captured.out.splitlines()
        assert json.loads(line)["changes"]["name"] == {"current": "***", "desired": "New"}
    else:
        assert 'name: "***" -> "New"' in captured.out
