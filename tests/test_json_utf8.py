"""JSON answers must be UTF-8 (RFC 8259, section 8.1; authentik sends nothing else).

``json.loads(bytes)`` reads UTF-16 and UTF-32 too, past every check made on the raw bytes: an
API token echoed in a UTF-16 answer came back as the source's name and ``plex-source get``
printed it. Now the echo check reads such a body as a JSON parser would (and refuses the
echo), any other UTF-16/32 answer is refused as not UTF-8, and an error body in UTF-16 is
kept decoded, so its secrets are masked.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import respx

from plex_source_client import PlexSourceError, UnexpectedResponse
from plex_source_client._answers import NotUTF8, parse_json, parse_version
from plex_source_client._http.body import Answer
from plex_source_client.cli import main

from .conftest import Twin
from .payloads import SLUG, TOKEN, plex_source
from .raw_server import ScriptServer, reply

ENDPOINT = f"/sources/plex/{SLUG}/"
API_TOKEN = "tok-SECRET-api-1234567890"


def no_percent_or_ampersand(**overrides: Any) -> dict[str, Any]:
    """A source body without ``%`` or ``&``, so no escape marker makes the client parse it
    for echoed credentials (the default ``user_path_template`` holds ``%(slug)s``).
    """
    return plex_source(user_path_template="goauthentik.io/sources/plex", **overrides)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32"])
def test_api_token_echoed_in_utf16_json_is_refused_like_utf8(
    twin: Twin, api: respx.MockRouter, encoding: str
) -> None:
    """The raw-bytes pre-check (token bytes or an escape marker in the body) saw nothing in
    UTF-16/32; the check now reads the body as the parser would. In UTF-8 the same answer is
    refused (test_secret_echoes.py: ..._is_refused).
    """
    body = json.dumps(no_percent_or_ampersand(name=TOKEN)).encode(encoding)
    api.get(ENDPOINT).respond(200, content=body, headers={"Content-Type": "application/json"})
    with pytest.raises(PlexSourceError, match="contains your API token") as caught:
        twin.call("get", SLUG)
    assert TOKEN not in f"{caught.value} {caught.value!r} {getattr(caught.value, 'body', '')}"


def test_cli_get_prints_no_api_token_echoed_in_utf16_json(
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
    assert code != 0


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32-le"])
def test_a_source_in_utf16_json_is_not_a_source(
    twin: Twin, api: respx.MockRouter, encoding: str
) -> None:
    """No secret in it, but still not authentik's: refused, saying why."""
    body = json.dumps(plex_source()).encode(encoding)
    api.get(ENDPOINT).respond(200, content=body, headers={"Content-Type": "application/json"})
    with pytest.raises(UnexpectedResponse, match="not UTF-8"):
        twin.call("get", SLUG)


def test_a_utf8_byte_order_mark_is_ignored(twin: Twin, api: respx.MockRouter) -> None:
    """RFC 8259 lets a parser ignore one; json.loads(bytes) always did."""
    body = b"\xef\xbb\xbf" + json.dumps(plex_source(name="BOM")).encode()
    api.get(ENDPOINT).respond(200, content=body, headers={"Content-Type": "application/json"})
    assert twin.call("get", SLUG).name == "BOM"


def test_an_error_body_in_utf16_is_kept_masked(twin: Twin, api: respx.MockRouter) -> None:
    """A 403 whose UTF-16 body quotes the token and a plex_token: kept decoded, so masked."""
    body = json.dumps({"detail": f"bad {TOKEN}", "plex_token": "ptok-9876543210"})
    api.get(ENDPOINT).respond(403, content=body.encode("utf-16"))
    with pytest.raises(PlexSourceError) as caught:
        twin.call("get", SLUG)
    error = caught.value
    kept = f"{error} {error!r} {getattr(error, 'body', '')}"
    assert TOKEN not in kept
    assert "ptok-9876543210" not in kept
    assert "bad ***" in str(getattr(error, "body", ""))  # decoded: readable, masked


def answer(content: bytes) -> Answer:
    return Answer(httpx.Response(200, content=content), content, 1024)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_parse_json_refuses_utf16_and_utf32(encoding: str) -> None:
    with pytest.raises(NotUTF8, match=r"not UTF-8.*RFC 8259"):
        parse_json(json.dumps({"a": "b"}).encode(encoding))


def test_parse_json_refuses_invalid_utf8() -> None:
    with pytest.raises(NotUTF8, match="not valid UTF-8"):
        parse_json(b'{"a": "\xff"}')


def test_the_version_endpoint_in_utf16_names_no_release() -> None:
    body = json.dumps({"version_current": "2025.12.2"})
    assert str(parse_version(answer(body.encode()), ())) == "2025.12.2"
    with pytest.raises(ValueError, match="not UTF-8"):
        parse_version(answer(body.encode("utf-16")), ())
