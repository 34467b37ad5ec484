"""Round-4 red team (second review): each test FAILS on the current code and shows what
leaks or escapes. See the report for the promise each one breaks.
"""

from __future__ import annotations

import base64
import json
import pickle
import traceback
from pathlib import Path
from typing import Any

import pytest
import respx

from plex_source_client import PlexSourceClient, PlexSourceError
from plex_source_client.cli import main

from .conftest import Twin
from .hostile_server import Connection, Request
from .payloads import SLUG, plex_source
from .raw_server import ScriptServer

API_TOKEN = "tok-SECRET-api-1234567890"
SENT_PLEX_TOKEN = "ptok-SENT-5555544444"
STORED_PLEX_TOKEN = "ptok-STORED-9876543210"
ENDPOINT = f"/sources/plex/{SLUG}/"

Capture = pytest.CaptureFixture[str]


def everything_shown(error: BaseException) -> str:
    """Every place an error shows text: message, repr, attributes, traceback, pickle."""
    return " ".join(
        [
            str(error),
            repr(error),
            repr(vars(error)),
            "".join(traceback.format_exception(error)),
            repr(pickle.dumps(error)),
        ]
    )


def json_answer(status: int, body: Any) -> Any:
    data = json.dumps(body).encode()

    def script(conn: Connection, request: Request) -> None:
        conn.send(
            f"HTTP/1.1 {status} X\r\nContent-Length: {len(data)}\r\n"
            "Content-Type: application/json\r\nConnection: close\r\n\r\n".encode() + data
        )

    return script


# --- 1. URL credentials with a '/', '#' or '?' in the password -----------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://admin:Hunter2/S3cretPW@auth.example.com",
        "https://admin:Hunter2#S3cretPW@auth.example.com",
        "https://admin:Hunter2?S3cretPW@auth.example.com",
    ],
)
def test_url_password_with_a_slash_is_shown_in_the_configuration_error(url: str) -> None:
    """urlsplit ends the authority at the first '/', '#' or '?': the password's first part
    becomes a "port", and both maskers (_CONFIG_USERINFO, _USERINFO) stop there too, so
    the message quotes the whole URL, credentials included.
    """
    with pytest.raises(PlexSourceError) as caught:
        PlexSourceClient(url=url, token=API_TOKEN)
    shown = everything_shown(caught.value)
    assert "Hunter2" not in shown and "S3cretPW" not in shown, str(caught.value)


def test_cli_prints_url_password_with_a_slash(
    capsys: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUTHENTIK_URL", "https://admin:Hunter2/S3cretPW@auth.example.com")
    monkeypatch.setenv("AUTHENTIK_TOKEN", API_TOKEN)
    code = main(["get", SLUG])
    captured = capsys.readouterr()
    assert code != 0
    assert "Hunter2" not in captured.err + captured.out, captured.err
    assert "S3cretPW" not in captured.err + captured.out, captured.err


@pytest.mark.parametrize(
    "proxy", ["http://user:Hunter2S3cret/x@proxy.example:3128", "http://user:Hunter2S3cret#x@proxy:3128"]
)
def test_proxy_password_with_a_slash_is_quoted_as_a_port(proxy: str) -> None:
    """httpx says ``Invalid port: 'Hunter2S3cret'``: the proxy password (up to its '/')."""
    with pytest.raises(PlexSourceError) as caught:
        PlexSourceClient(url="https://auth.example.com", token=API_TOKEN, proxy=proxy)
    assert "Hunter2S3cret" not in everything_shown(caught.value), str(caught.value)


# --- 2. apply: an item's error quotes the Plex token another item sent -----------------------


def test_apply_error_message_shows_plex_token_sent_by_another_item(
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
def test_apply_rejected_item_field_errors_show_plex_token_sent_by_another_item(
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
