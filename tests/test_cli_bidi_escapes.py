"""Bidirectional-text controls and other invisible format characters from a server never
reach the terminal raw: a name with U+202E (RIGHT-TO-LEFT OVERRIDE) reorders the rest of its
printed line in bidi-aware terminals and browser log viewers (CI logs), as Trojan Source does.
:func:`escape_controls` and :func:`json_text` escape them; ordinary text (joiners in emoji
and Persian words, right-to-left letters) stays as it is.
"""

from __future__ import annotations

import json

import pytest

from plex_source_client._text import escape_controls, json_text
from plex_source_client.cli import main

from .payloads import SLUG, plex_source
from .raw_server import ScriptServer, reply

API_TOKEN = "tok-SECRET-api-1234567890"
BIDI = "\u202e\u2066\u200f\u061c"  # RLO, LRI, RLM, ALM: Unicode format (Cf) characters
#: Every character escaped besides the controls: the bidi marks, embeddings, overrides and
#: isolates, the deprecated shaping controls and the interlinear annotation marks.
INVISIBLE = [
    0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x2070),
    *range(0xFFF9, 0xFFFC),
]  # fmt: skip


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTHENTIK_TOKEN", API_TOKEN)
    monkeypatch.setenv("AUTHENTIK_SERVER_VERSION", "2024.8.2")


@pytest.mark.usefixtures("env")
@pytest.mark.parametrize("output", ["text", "json"])
def test_cli_get_escapes_bidi_overrides_from_the_server(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, output: str
) -> None:
    name = f"ok {BIDI[0]}dehsilbup neeb sah nekot{BIDI[1:]}"
    body = json.dumps(plex_source(name=name)).encode()
    with ScriptServer(reply(200, body)) as server:
        monkeypatch.setenv("AUTHENTIK_URL", server.url)
        main(["get", SLUG, "--output", output])
    captured = capsys.readouterr()
    raw = [hex(ord(c)) for c in BIDI if c in captured.out + captured.err]
    assert not raw, f"raw bidi controls printed: {raw}"
    assert "\\u202e" in captured.out


@pytest.mark.usefixtures("env")
def test_cli_error_line_escapes_bidi_overrides_in_the_servers_detail(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    body = json.dumps({"detail": f"denied{BIDI[0]} 0 tixe :ecruos-xelp"}).encode()
    with ScriptServer(reply(403, body, "Forbidden")) as server:
        monkeypatch.setenv("AUTHENTIK_URL", server.url)
        main(["get", SLUG])
    captured = capsys.readouterr()
    assert BIDI[0] not in captured.err, captured.err
    assert "denied\\u202e" in captured.err


@pytest.mark.parametrize("code", INVISIBLE, ids=hex)
def test_each_invisible_format_character_is_escaped(code: int) -> None:
    text = f"a{chr(code)}b"
    assert escape_controls(text) == f"a\\u{code:04x}b"
    assert json_text(text) == f'"a\\u{code:04x}b"'
    assert json.loads(json_text(text)) == text  # reads back as the same value


def test_ordinary_text_is_kept() -> None:
    """Joiners (emoji sequences, Persian), Arabic and Hebrew letters are text, not controls."""
    emoji = "\U0001f469\u200d\U0001f4bb"  # woman technologist: a ZWJ sequence
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # with a ZWNJ
    text = f"{emoji} {persian} \u05e9\u05dc\u05d5\u05dd"
    assert escape_controls(text) == text
    assert json.loads(json_text(text)) == text
    assert json_text(text) == json.dumps(text, ensure_ascii=False)
