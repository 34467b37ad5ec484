"""Red team round 7 (fourth review): attacks on the stored-secret masking fix."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from plex_source_client import PlexSourceClient
from plex_source_client.cli import main

from .payloads import plex_source
from .raw_server import ScriptServer, reply

API_TOKEN = "tok-SECRET-api-1234567890"
TOKEN_A = "plexTOKEN-of-source-A-abcdefghij"  # source A's stored Plex token

Capture = pytest.CaptureFixture[str]


def _page(results: list[dict[str, Any]]) -> bytes:
    pagination = {
        "next": 0,
        "previous": 0,
        "count": len(results),
        "current": 1,
        "total_pages": 1,
        "start_index": 1,
        "end_index": len(results),
    }
    return json.dumps({"pagination": pagination, "results": results}).encode()


def _two_sources() -> list[dict[str, Any]]:
    """Source A stores TOKEN_A; source B (another source, same list answer) is named after it."""
    a = plex_source(slug="a", name="A", plex_token=TOKEN_A)
    b = plex_source(slug="b", name=TOKEN_A, plex_token="b-own-token-zzzzzzzzzzzz")
    b["pk"] = "5b0b6a1c-0000-4000-8000-00000000000b"
    return [a, b]


@pytest.fixture
def list_server(monkeypatch: pytest.MonkeyPatch) -> ScriptServer:
    server = ScriptServer(reply(200, _page(_two_sources())))
    monkeypatch.setenv("AUTHENTIK_URL", server.url)
    monkeypatch.setenv("AUTHENTIK_TOKEN", API_TOKEN)
    monkeypatch.setenv("AUTHENTIK_SERVER_VERSION", "2024.8.2")
    return server


def test_list_repr_of_sources_shows_another_sources_stored_token(
    list_server: ScriptServer,
) -> None:
    """client.list(): repr(source_b) shows source A's stored Plex token (same answer)."""
    client = PlexSourceClient(url=list_server.url, token=API_TOKEN, max_retries=0)
    with list_server, client:
        sources = list(client.list())
    shown = repr(sources) + "".join(str(s) + s._repr_html_() for s in sources)
    assert TOKEN_A not in shown, shown


# --- the stored token echoed in an error body that does not parse as JSON -----------------------

import respx  # noqa: E402

from plex_source_client import PlexSourceError, UnexpectedResponse  # noqa: E402

from .conftest import Twin  # noqa: E402
from .payloads import SLUG  # noqa: E402

STORED = "plexTOKEN-abcdefghijklmnop-XYZ"
ENDPOINT = f"/sources/plex/{SLUG}/"
_ECHO = {"plex_token": STORED, "name": [f"{STORED} is not valid"]}
_BODIES_400 = {
    # text/plain (or HTML) error page: plex_token=... is masked, its repeat is not
    "text": f"plex_token={STORED}\nname: {STORED} is not valid".encode(),
    # JSON with a trailing comma: not JSON, so the stored value is never collected
    "trailing-comma": json.dumps(_ECHO).encode()[:-1] + b",}",
    # JSON holding a 5000-digit int (ValueError: int max str digits)
    "huge-int": json.dumps(_ECHO).encode()[:-1] + b', "n": ' + b"9" * 5000 + b"}",
    # valid JSON over the 64 KiB parse limit: read as text (the echo sits before the cut)
    "over-parse-limit": json.dumps({**_ECHO, "pad": "x" * 70_000}).encode(),
}


@pytest.mark.parametrize("kind", list(_BODIES_400))
def test_400_body_not_parsed_as_json_shows_the_stored_token_repeated(
    twin: Twin, api: respx.MockRouter, kind: str
) -> None:
    """The round-5 fix masks the stored plex_token wherever a JSON error body repeats it, but
    only when the body parses: a text, invalid-JSON, huge-int or over-64KiB body shows the
    value masked under ``plex_token`` and in clear where it is repeated (message and .body)."""
    api.get(ENDPOINT).respond(400, content=_BODIES_400[kind])
    with pytest.raises(PlexSourceError) as caught:
        twin.call("get", SLUG, options={"max_retries": 0})
    error = caught.value
    shown = str(error) + repr(getattr(error, "body", "")) + repr(vars(error))
    assert STORED not in shown, shown[:600]


def test_unexpected_response_huge_int_body_shows_the_stored_token_repeated(
    twin: Twin, api: respx.MockRouter
) -> None:
    """A 2xx source whose JSON also holds a 5000-digit number: not parsed, so
    UnexpectedResponse.body masks ``plex_token``'s value but not its echo in ``name``."""
    data = plex_source(plex_token=STORED, name=STORED)
    body = json.dumps(data).encode()[:-1] + b', "n": ' + b"9" * 5000 + b"}"
    api.get(ENDPOINT).respond(200, content=body)
    with pytest.raises(UnexpectedResponse) as caught:
        twin.call("get", SLUG, options={"max_retries": 0})
    error = caught.value
    assert STORED not in error.body + str(error), error.body[:400]


# --- CLI: a stored secret under another secret-named key (a newer server's field) -------------

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
def test_cli_prints_an_extra_stored_secret_repeated_in_name(
    capsys: Capture, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, command: list[str]
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
