"""Round 3 of the outside red team: each test FAILS on the code as it stands and shows one
broken promise (see the report for severity). Nothing here fixes anything.
"""

from __future__ import annotations

import asyncio
import json
import pickle
import socket
import time
from pathlib import Path
from typing import Any

import pytest
import respx

from plex_source_client import (
    AsyncPlexSourceClient,
    NotApplied,
    PlexSourceClient,
    PlexSourceError,
)
from plex_source_client.cli import main

from .conftest import Twin
from .hostile_server import Connection, Request, _SocketServer
from .payloads import SLUG, TOKEN, plex_source

ENDPOINT = f"/sources/plex/{SLUG}/"
API_TOKEN = "tok-SECRET-api-1234567890"
SENT_PLEX_TOKEN = "ptok-SENT-5555544444"
STORED_PLEX_TOKEN = "ptok-STORED-9876543210"


class ScriptServer(_SocketServer):
    """Answers every connection by calling ``script(conn, request)`` (raw bytes, any timing)."""

    def __init__(self, script: Any) -> None:
        super().__init__()
        self.script = script

    def __enter__(self) -> ScriptServer:
        self.start()
        return self

    def answer(self, conn: Connection, request: Request) -> None:
        self.script(conn, request)


def reply(status: int, body: bytes, reason: str = "OK") -> Any:
    def script(conn: Connection, request: Request) -> None:
        conn.send(
            f"HTTP/1.1 {status} {reason}\r\nContent-Length: {len(body)}\r\n"
            "Content-Type: application/json\r\nConnection: close\r\n\r\n".encode()
            + body
        )

    return script


def no_percent_or_ampersand(**overrides: Any) -> dict[str, Any]:
    """A source body without ``%`` or ``&``, so no escape marker makes the client parse it
    for echoed credentials (the default ``user_path_template`` holds ``%(slug)s``).
    """
    return plex_source(user_path_template="goauthentik.io/sources/plex", **overrides)


# -- 1. A 2xx answer in UTF-16/UTF-32 JSON carries the API token past the echo refusal -------


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32"])
def test_api_token_echoed_in_utf16_json_is_refused_like_utf8(
    twin: Twin, api: respx.MockRouter, encoding: str
) -> None:
    """json.loads(bytes) auto-detects UTF-16/32; the raw-bytes pre-check (token bytes or an
    escape marker in the body) does not, so the API token comes back as the source's name.
    In UTF-8 the same answer is refused (test_red_team.py: ..._is_refused).
    """
    body = json.dumps(no_percent_or_ampersand(name=TOKEN)).encode(encoding)
    api.get(ENDPOINT).respond(200, content=body, headers={"Content-Type": "application/json"})
    with pytest.raises(PlexSourceError, match="contains your API token") as caught:
        twin.call("get", SLUG)
    assert TOKEN not in f"{caught.value} {caught.value!r} {getattr(caught.value, 'body', '')}"


def test_cli_get_prints_the_api_token_echoed_in_utf16_json(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    body = json.dumps(no_percent_or_ampersand(name=API_TOKEN)).encode("utf-16")
    with ScriptServer(reply(200, body)) as server:
        monkeypatch.setenv("AUTHENTIK_URL", server.url)
        monkeypatch.setenv("AUTHENTIK_TOKEN", API_TOKEN)
        monkeypatch.setenv("AUTHENTIK_SERVER_VERSION", "2024.8.2")
        code = main(["get", SLUG])
    captured = capsys.readouterr()
    assert API_TOKEN not in captured.out + captured.err, (code, captured.out)


# -- 2. Secret-named keys nested in additional_properties show in repr / the notebook table --


def source_with_nested_secret() -> Any:
    from plex_source_client import PlexSource

    return PlexSource.from_dict(
        plex_source(extra={"plex_token": STORED_PLEX_TOKEN, "client_secret": STORED_PLEX_TOKEN})
    )


def test_repr_masks_secret_keys_nested_in_additional_properties() -> None:
    source = source_with_nested_secret()
    assert STORED_PLEX_TOKEN not in repr(source)


def test_repr_html_masks_secret_keys_nested_in_additional_properties() -> None:
    source = source_with_nested_secret()
    assert STORED_PLEX_TOKEN not in source._repr_html_()


def test_raw_response_repr_from_a_server_with_a_nested_secret(
    twin: Twin, api: respx.MockRouter
) -> None:
    api.patch(ENDPOINT).respond(
        200, json=plex_source(extra={"nested": {"plex_token": STORED_PLEX_TOKEN}})
    )
    raw = twin.call("update_raw", SLUG, {"enabled": True})
    assert STORED_PLEX_TOKEN not in repr(raw)


# -- 3. NotApplied.source carries the server's stored Plex token (attribute and pickle) ------


def test_not_applied_error_attributes_hold_no_plex_token(twin: Twin, api: respx.MockRouter) -> None:
    """_errors.py: "No message, attribute or repr ever contains the API token or a Plex
    token". NotApplied.source is the parsed PlexSource, plex_token in clear; it pickles too.
    (The client learns no release: respx leaves the version endpoint unmocked, so it fails.)
    """
    api.patch(ENDPOINT).respond(200, json=plex_source(plex_token=STORED_PLEX_TOKEN))
    with pytest.raises(NotApplied) as caught:
        twin.update(SLUG, options={"server_version": None, "max_retries": 0}, promoted=True)
    error = caught.value
    leaks = {
        "source.plex_token": getattr(error.source, "plex_token", None) == STORED_PLEX_TOKEN,
        "source.to_dict()": STORED_PLEX_TOKEN in json.dumps(error.source.to_dict()),
        "pickle": STORED_PLEX_TOKEN.encode() in pickle.dumps(error),
    }
    assert not any(leaks.values()), leaks


# -- 4. aiohttp's parser errors quote a secret cut at a TCP segment: the part shows ----------


def split_send(first: bytes, rest: bytes) -> Any:
    """Send ``first`` and, a moment later, ``rest``: two TCP segments (Nagle off)."""

    def script(conn: Connection, request: Request) -> None:
        conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        conn.send(first)
        conn.wait(0.4)
        conn.send(rest)
        conn.wait(0.4)

    return script


CUT = len(API_TOKEN) - 2  # all but the last two characters arrive in the first segment


@pytest.mark.parametrize(
    "start",
    [
        b"HTTP/1.1 2x0 ",  # an invalid status code, the reason phrase echoes the token
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX Echo: ",  # an invalid header name
    ],
    ids=["status-line", "header-line"],
)
def test_aiohttp_parser_error_does_not_show_most_of_a_split_token(start: bytes) -> None:
    script = split_send(start + API_TOKEN[:CUT].encode(), API_TOKEN[CUT:].encode() + b"\r\n\r\n{}")
    with ScriptServer(script) as server:

        async def go() -> None:
            async with AsyncPlexSourceClient(
                url=server.url, token=API_TOKEN, timeout=5, max_retries=0,
                server_version="2024.8.2", backend="aiohttp",
            ) as client:  # fmt: skip
                await client.get(SLUG)

        with pytest.raises(PlexSourceError) as caught:
            asyncio.run(go())
    shown = f"{caught.value} {caught.value!r}"
    assert API_TOKEN[:CUT] not in shown, shown


def test_cli_apply_stderr_does_not_show_most_of_a_split_token(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The CLI's apply runs the async client, aiohttp when the speed extra is installed."""
    pytest.importorskip("httpx_aiohttp")
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps([{"slug": SLUG, "changes": {"enabled": True}}]))
    script = split_send(
        b"HTTP/1.1 2x0 " + API_TOKEN[:CUT].encode(), API_TOKEN[CUT:].encode() + b"\r\n\r\n"
    )
    with ScriptServer(script) as server:
        monkeypatch.setenv("AUTHENTIK_URL", server.url)
        monkeypatch.setenv("AUTHENTIK_TOKEN", API_TOKEN)
        monkeypatch.setenv("AUTHENTIK_SERVER_VERSION", "2024.8.2")
        main(["apply", str(plan), "--no-read", "--max-retries", "0", "--timeout", "5"])
    captured = capsys.readouterr()
    assert API_TOKEN[:CUT] not in captured.out + captured.err, captured.err


# -- 5. The CLI prints the Plex token it sent when the server echoes it in another field ------


@pytest.mark.parametrize("output", ["text", "json"])
def test_cli_update_does_not_print_the_sent_plex_token_echoed_as_the_name(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    output: str,
) -> None:
    """The API token echoed in a 2xx answer is refused; the Plex token the call sent, echoed
    in ``name`` (or any non-secret field), is printed in the source table / JSON.
    """
    token_file = tmp_path / "plex-token"
    token_file.write_text(SENT_PLEX_TOKEN + "\n")
    body = json.dumps(plex_source(name=SENT_PLEX_TOKEN)).encode()
    with ScriptServer(reply(200, body)) as server:
        monkeypatch.setenv("AUTHENTIK_URL", server.url)
        monkeypatch.setenv("AUTHENTIK_TOKEN", API_TOKEN)
        monkeypatch.setenv("AUTHENTIK_SERVER_VERSION", "2024.8.2")
        main(
            ["update", SLUG, "--plex-token-file", str(token_file), "--no-read", "--output", output]
        )
    captured = capsys.readouterr()
    assert SENT_PLEX_TOKEN not in captured.out + captured.err, captured.out


# -- 6. The sync client's attempt budget does not cover name resolution -----------------------


def test_sync_client_timeout_bounds_a_slow_dns_lookup(monkeypatch: pytest.MonkeyPatch) -> None:
    """DeadlineBackend clamps connect/read/write, but getaddrinfo runs unbounded inside
    socket.create_connection: a slow or hostile resolver holds a timeout=1 call for as long
    as it likes (6 s here; real resolvers retry for 10-30 s). The async clients end at 1 s.
    """
    real = socket.getaddrinfo

    def slow(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "slow-dns.invalid":
            time.sleep(6)
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", slow)
    started = time.monotonic()
    with (
        pytest.raises(PlexSourceError),
        PlexSourceClient(
            url="https://slow-dns.invalid", token=API_TOKEN, timeout=1, max_retries=0,
            server_version="2024.8.2",
        ) as client,
    ):  # fmt: skip
        client.get(SLUG)
    assert time.monotonic() - started < 3, "the call outlived its 1 s budget"


# -- 7. Bidirectional overrides from the server reach the terminal raw -----------------------


BIDI = "\u202e\u2066\u200f\u061c"  # RLO, LRI, RLM, ALM: Unicode format (Cf) characters


def test_cli_get_escapes_bidi_overrides_from_the_server(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """escape_controls covers C0, DEL, C1, U+2028/9 and surrogates, not the bidi controls: a
    server's name with U+202E (RIGHT-TO-LEFT OVERRIDE) reorders the rest of the printed line
    in bidi-aware terminals and in browser log viewers (CI logs), as Trojan Source does.
    """
    name = f"ok {BIDI[0]}dehsilbup neeb sah nekot{BIDI[1:]}"
    body = json.dumps(plex_source(name=name)).encode()
    with ScriptServer(reply(200, body)) as server:
        monkeypatch.setenv("AUTHENTIK_URL", server.url)
        monkeypatch.setenv("AUTHENTIK_TOKEN", API_TOKEN)
        monkeypatch.setenv("AUTHENTIK_SERVER_VERSION", "2024.8.2")
        main(["get", SLUG])
    captured = capsys.readouterr()
    raw = [hex(ord(c)) for c in BIDI if c in captured.out + captured.err]
    assert not raw, f"raw bidi controls printed: {raw}"


def test_cli_error_line_escapes_bidi_overrides_in_the_servers_detail(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    body = json.dumps({"detail": f"denied{BIDI[0]} 0 tixe :ecruos-xelp"}).encode()
    with ScriptServer(reply(403, body, "Forbidden")) as server:
        monkeypatch.setenv("AUTHENTIK_URL", server.url)
        monkeypatch.setenv("AUTHENTIK_TOKEN", API_TOKEN)
        monkeypatch.setenv("AUTHENTIK_SERVER_VERSION", "2024.8.2")
        main(["get", SLUG])
    captured = capsys.readouterr()
    assert BIDI[0] not in captured.err, captured.err
