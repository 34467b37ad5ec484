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
            "next": 0, "previous": 0, "count": 1, "current": 1, "total_pages": 1,
            "start_index": 1, "end_index": 1,
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
def test_export_without_include_secrets_writes_the_stored_plex_token(
    capsys: Capture, stored_token_echo: ScriptServer, args: list[str]
) -> None:
    """export promises "The Plex token is left out unless --include-secrets"."""
    with stored_token_echo:
        code = main(args)
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert STORED_PLEX_TOKEN not in captured.out + captured.err, captured.out


def test_export_file_without_include_secrets_holds_the_stored_plex_token(
    capsys: Capture, stored_token_echo: ScriptServer, tmp_path: Path
) -> None:
    target = tmp_path / "plan.toml"
    with stored_token_echo:
        code = main(["export", "-o", str(target)])
    assert code == 0, capsys.readouterr().err
    assert STORED_PLEX_TOKEN not in target.read_text()


@pytest.mark.parametrize(
    "args",
    [
        ["plan", "PLAN"],
        ["plan", "PLAN", "--output", "json"],
        ["apply", "PLAN", "--check"],
        ["apply", "PLAN", "--check", "--output", "json"],
    ],
)
def test_plan_and_check_print_the_stored_plex_token_as_a_current_value(
    capsys: Capture, stored_token_echo: ScriptServer, tmp_path: Path, args: list[str]
) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps([{"slug": SLUG, "changes": {"name": "New"}}]))
    with stored_token_echo:
        main([str(plan) if a == "PLAN" else a for a in args])
    captured = capsys.readouterr()
    assert STORED_PLEX_TOKEN not in captured.out + captured.err, captured.out + captured.err


# --- 4. JSON error bodies: strings are not masked as text bodies are ------------------------


@pytest.mark.parametrize(
    "body",
    [
        # the value of a secret-named key written in a string: masked in a text body
        {"detail": f"invalid plex_token={STORED_PLEX_TOKEN}"},
        {"name": [f"plex_token: {STORED_PLEX_TOKEN}"]},
        # JSON inside a string (a proxy wrapping the upstream's answer)
        {"detail": "upstream: " + json.dumps({"plex_token": STORED_PLEX_TOKEN})},
    ],
)
def test_json_error_body_keeps_secret_values_written_in_its_strings(
    twin: Twin, api: respx.MockRouter, body: dict[str, Any]
) -> None:
    """safety.md: "the value of every secret-named key (`plex_token`, ...) in JSON, cut-short
    JSON, HTML and text". The same text as a text/plain body is masked (mask_text); as a
    JSON body only its keys are looked at (redact_json), so the error's message and .body
    show the stored Plex token.
    """
    api.get(ENDPOINT).respond(400, json=body)
    with pytest.raises(PlexSourceError) as caught:
        twin.call("get", SLUG, options={"max_retries": 0})
    assert STORED_PLEX_TOKEN not in everything_shown(caught.value), str(caught.value)


def escaped_every_seventh(secret: str, escape: Any) -> str:
    """``secret`` with every 7th character escaped: no run of FRAGMENT (8) raw characters."""
    return "".join(escape(c) if i % 7 == 6 else c for i, c in enumerate(secret))


@pytest.mark.parametrize(
    "escape",
    [lambda c: f"&#{ord(c)};", lambda c: f"%{ord(c):02X}", lambda c: f"\\u{ord(c):04x}"],
    ids=["html-entity", "percent", "json-u-escape-in-text"],
)
def test_json_error_body_echoing_the_api_token_escaped_is_not_masked(
    twin: Twin, api: respx.MockRouter, escape: Any
) -> None:
    """A text body is unescaped before masking (mask_text), and the 2xx echo check decodes
    escapes (json_holds_secret); a JSON error body's strings are only redact()ed, which
    looks for raw 8-character runs. With one character in seven escaped, the whole API token
    shows (decoded by anyone reading the log).
    """
    from html import unescape
    from urllib.parse import unquote

    shown_token = escaped_every_seventh(API_TOKEN, escape)
    api.get(ENDPOINT).respond(500, json={"detail": f"bad credentials {shown_token}"})
    with pytest.raises(PlexSourceError) as caught:
        twin.call("get", SLUG, options={"token": API_TOKEN, "max_retries": 0})
    message = str(caught.value)
    decoded = unescape(unquote(message.encode().decode("unicode_escape")))
    assert API_TOKEN not in decoded, message


def test_json_error_body_echoing_proxy_basic_credentials_is_not_masked(
    twin: Twin, api: respx.MockRouter
) -> None:
    """A text body's ``Basic <base64>`` is masked (_CREDENTIALS); in a JSON error body (an
    echo service, a proxy's JSON error quoting the request headers) it is kept, and it is
    the proxy's user:password in base64.
    """
    proxy_auth = base64.b64encode(b"user:Hunter2S3cretPW").decode()
    api.get(ENDPOINT).respond(
        502, json={"detail": "bad gateway", "request_headers": {"Proxy-Authorization": f"Basic {proxy_auth}"}}
    )
    with pytest.raises(PlexSourceError) as caught:
        twin.call("get", SLUG, options={"max_retries": 0})
    assert proxy_auth not in everything_shown(caught.value), repr(caught.value.body)


# --- 5. library error messages carry the server's terminal escapes --------------------------


@pytest.mark.parametrize(
    "answer",
    [
        {"status_code": 500, "text": "\x1b]0;owned\x07\x1b[2J\x1b[1;1H all good"},
        {"status_code": 500, "json": {"detail": "\x1b[2K\x1b[1Aplex-source: applied \u202eok"}},
        {"status_code": 403, "text": "\x9b2J C1 CSI"},
    ],
)
def test_error_message_holds_raw_terminal_escapes(
    twin: Twin, api: respx.MockRouter, answer: dict[str, Any]
) -> None:
    """_snippet collapses whitespace (a newline cannot start a line) but leaves ESC, C1 and
    bidi controls: ``print(error)`` or a logged error in a script / CI job repaints or
    retitles the terminal. The CLI escapes them (shorten); the library's messages do not.
    """
    api.get(ENDPOINT).respond(**answer)
    with pytest.raises(PlexSourceError) as caught:
        twin.call("get", SLUG, options={"max_retries": 0})
    message = str(caught.value)
    assert not any(c in message for c in "\x1b\x07\x9b\u202e"), repr(message)
