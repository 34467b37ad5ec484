"""Every secret the run knows (a Plex token one item sent, the Plex token the server stores)
is masked in everything the CLI prints: error lines, the outcome table, JSON output, export,
plan and ``apply --check``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from plex_source_client.cli import main

from .hostile_server import Connection, Request
from .payloads import SLUG, plex_source
from .raw_server import ScriptServer
from .shown import json_answer

API_TOKEN = "tok-SECRET-api-1234567890"
SENT_PLEX_TOKEN = "ptok-SENT-5555544444"
STORED_PLEX_TOKEN = "ptok-STORED-9876543210"
ENDPOINT = f"/sources/plex/{SLUG}/"

Capture = pytest.CaptureFixture[str]


# --- 2. apply: an item's error quotes the Plex token another item sent -----------------------


def test_apply_error_message_masks_plex_token_sent_by_another_item(
    capsys: Capture, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Each call masks only its own secrets; the CLI masks the run's secrets in the source it
    prints (shown_json) and drift, but not in an item's error message (result_for_error:
    shorten(error)). Item b's 500 echoes the Plex token item a sent: printed on stderr and
    in the outcome table.
    """

    def script(conn: Connection, request: Request) -> None:
        if request.slug == "a":
            json_answer(200, plex_source(slug="a"))(conn, request)
        else:
            json_answer(500, {"detail": f"upstream said: {SENT_PLEX_TOKEN}"})(conn, request)

    plan = tmp_path / "plan.json"
    plan.write_text(
        json.dumps(
            [
                {"slug": "a", "changes": {"plex_token": SENT_PLEX_TOKEN}},
                {"slug": "b", "changes": {"name": "B"}},
            ]
        )
    )
    with ScriptServer(script) as server:
        monkeypatch.setenv("AUTHENTIK_URL", server.url)
        monkeypatch.setenv("AUTHENTIK_TOKEN", API_TOKEN)
        monkeypatch.setenv("AUTHENTIK_SERVER_VERSION", "2024.8.2")
        code = main(["apply", str(plan), "--no-read", "--max-retries", "0"])
    captured = capsys.readouterr()
    assert code != 0
    assert SENT_PLEX_TOKEN not in captured.out + captured.err, captured.out + captured.err


@pytest.mark.parametrize("output", ["text", "json"])
def test_apply_rejected_item_field_errors_mask_plex_token_sent_by_another_item(
    capsys: Capture, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, output: str
) -> None:
    """The same through a 400's field errors (BadRequest.errors, printed per field)."""

    def script(conn: Connection, request: Request) -> None:
        if request.slug == "a":
            json_answer(200, plex_source(slug="a"))(conn, request)
        else:
            json_answer(400, {"name": [f"conflicts with {SENT_PLEX_TOKEN}"]})(conn, request)

    plan = tmp_path / "plan.json"
    plan.write_text(
        json.dumps(
            [
                {"slug": "a", "changes": {"plex_token": SENT_PLEX_TOKEN}},
                {"slug": "b", "changes": {"name": "B"}},
            ]
        )
    )
    with ScriptServer(script) as server:
        monkeypatch.setenv("AUTHENTIK_URL", server.url)
        monkeypatch.setenv("AUTHENTIK_TOKEN", API_TOKEN)
        monkeypatch.setenv("AUTHENTIK_SERVER_VERSION", "2024.8.2")
        code = main(["apply", str(plan), "--no-read", "--output", output])
    captured = capsys.readouterr()
    assert code != 0
    assert SENT_PLEX_TOKEN not in captured.out + captured.err, captured.out + captured.err


# --- 3. the server's stored Plex token echoed in another field: masked by get, not others ----


@pytest.fixture
def stored_token_echo(monkeypatch: pytest.MonkeyPatch) -> ScriptServer:
    """Every source has plex_token STORED_PLEX_TOKEN and the same value as its name.
    ``plex-source get`` prints ``name "***"`` (it remembers the Plex token it read); the
    other commands that print a server's values do not.
    """
    source = plex_source(name=STORED_PLEX_TOKEN, plex_token=STORED_PLEX_TOKEN)
    page = {
        "pagination": {
            "next": 0,
            "previous": 0,
            "count": 1,
            "current": 1,
            "total_pages": 1,
            "start_index": 1,
            "end_index": 1,
        },
        "results": [source],
    }

    def script(conn: Connection, request: Request) -> None:
        listing = request.path.split("?")[0].rstrip("/").endswith("/plex")
        json_answer(200, page if listing else source)(conn, request)

    server = ScriptServer(script)
    monkeypatch.setenv("AUTHENTIK_URL", server.url)
    monkeypatch.setenv("AUTHENTIK_TOKEN", API_TOKEN)
    monkeypatch.setenv("AUTHENTIK_SERVER_VERSION", "2024.8.2")
    return server


@pytest.mark.parametrize(
    "args",
    [
        ["export"],
        ["export", "--format", "json", SLUG],
    ],
)
def test_export_without_include_secrets_masks_the_stored_plex_token(
    capsys: Capture, stored_token_echo: ScriptServer, args: list[str]
) -> None:
    """export promises "The Plex token is left out unless --include-secrets": repeated in
    ``name``, where ``***`` would rename the source on apply, it makes export refuse.
    """
    with stored_token_echo:
        code = main(args)
    captured = capsys.readouterr()
    assert (code, captured.out) == (2, ""), captured.err  # ``***`` in name: refused
    assert f"plex-source: {SLUG}: name: the value repeats a secret" in captured.err
    assert STORED_PLEX_TOKEN not in captured.out + captured.err, captured.out


def test_export_file_without_include_secrets_masks_the_stored_plex_token(
    capsys: Capture, stored_token_echo: ScriptServer, tmp_path: Path
) -> None:
    target = tmp_path / "plan.toml"
    with stored_token_echo:
        code = main(["export", "-o", str(target)])
    captured = capsys.readouterr()
    assert (code, target.exists()) == (2, False), captured.err  # ``***`` in name: refused
    assert STORED_PLEX_TOKEN not in captured.out + captured.err


@pytest.mark.parametrize(
    "args",
    [
        ["plan", "PLAN"],
        ["plan", "PLAN", "--output", "json"],
        ["apply", "PLAN", "--check"],
        ["apply", "PLAN", "--check", "--output", "json"],
    ],
)
def test_plan_and_check_mask_the_stored_plex_token_in_a_current_value(
    capsys: Capture, stored_token_echo: ScriptServer, tmp_path: Path, args: list[str]
) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps([{"slug": SLUG, "changes": {"name": "New"}}]))
    with stored_token_echo:
        main([str(plan) if a == "PLAN" else a for a in args])
    captured = capsys.readouterr()
    assert STORED_PLEX_TOKEN not in captured.out + captured.err, captured.out + captured.err
