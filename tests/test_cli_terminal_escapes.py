"""A server's field names and values never reach the terminal raw: every text output of every
command (``get``, ``export``, ``plan``, ``update``, ``apply``, and the error lines quoting a
server's message) shows an escape sequence, a newline, a C1 control or DEL escaped, and every
JSON output escapes them too (``json.dumps(ensure_ascii=False)`` leaves DEL and C1 raw).
Each case runs ``plex-source`` against :class:`FixedServer`, in this process
(:func:`run_main`: the bytes written to stdout and stderr are what is checked).
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import pytest

from plex_source_client._text import escape_controls, json_text, shorten
from plex_source_client.cli.tables import text_table

from .fixed_server import API_TOKEN, PLEX_TOKEN, FixedServer, run_main, source

#: What a hostile server puts in a name: retitle the window (OSC), clear the screen (CSI),
#: forge an output line after a newline, a C1 CSI, a carriage return, DEL, a C1 NEL, a line
#: separator.
HOSTILE: Final = "evil\x1b]0;pwned\x07\x1b[2J\nplex_token ***\r\x9b31m\x7f\x85\u2028\tend"
#: A field name of the same kind (a newer server's unknown field is shown too).
HOSTILE_KEY: Final = "x\x1b[31mkey\nforged"
#: A refusal's message that would clear the screen and forge a line.
HOSTILE_MESSAGE: Final = "bad\x1b[2J\nplex-source: all good\x9b1m"
#: Any character a terminal acts on, but the line ends of the output's own lines.
RAW: Final = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


@pytest.fixture(scope="module")
def server() -> Iterator[FixedServer]:
    hostile = source(slug="evil", name=HOSTILE, **{HOSTILE_KEY: HOSTILE})
    refusals = {"refused": HOSTILE_MESSAGE}
    with FixedServer([hostile, source(slug="refused")], refusals=refusals) as fixed:
        yield fixed


def assert_safe(code: int, out: str, err: str, expected: int) -> None:
    """The exit code, no traceback, no secret, no raw control, no forged line."""
    assert code == expected, err
    assert "Traceback" not in out + err
    assert API_TOKEN not in out + err
    assert PLEX_TOKEN not in out + err
    assert not RAW.search(out), out
    assert not RAW.search(err), err
    lines = (out + err).splitlines()
    assert not [line for line in lines if line.startswith(("plex_token", "forged"))]
    assert "plex-source: all good" not in lines


@pytest.mark.parametrize("extra", [[], ["--show-secrets"]])
def test_get_shows_a_hostile_name_and_key_escaped(server: FixedServer, extra: list[str]) -> None:
    code, out, err, _ = run_main(["get", "evil", *extra], url=server.url)
    if extra:  # the Plex token is then shown, as asked
        out = out.replace(PLEX_TOKEN, "***")
    assert_safe(code, out, err, 0)
    assert "\\u001b]0;pwned\\u0007\\u001b[2J\\nplex_token ***\\r\\u009b31m" in out
    assert "\\u007f\\u0085\\u2028\\tend" in out
    assert "x\\x1b[31mkey\\nforged" in out  # the key: escaped too


def test_get_json_escapes_c1_and_del(server: FixedServer) -> None:
    code, out, err, _ = run_main(["get", "evil", "--output", "json"], url=server.url)
    assert_safe(code, out, err, 0)
    shown = json.loads(out)
    assert (shown["name"], shown[HOSTILE_KEY]) == (HOSTILE, HOSTILE)  # the same values


@pytest.mark.parametrize("fmt", ["toml", "json"])
def test_export_to_the_terminal_escapes_every_control(server: FixedServer, fmt: str) -> None:
    code, out, err, _ = run_main(["export", "evil", "--format", fmt], url=server.url)
    assert_safe(code, out, err, 0)
    document = tomllib.loads(out) if fmt == "toml" else json.loads(out)
    assert document["items"][0]["changes"]["name"] == HOSTILE  # escaped, not changed


@pytest.mark.parametrize("output", ["text", "json"])
def test_plan_shows_the_servers_values_escaped(
    server: FixedServer, tmp_path: Path, output: str
) -> None:
    plan = tmp_path / "plan.json"
    items = [
        {"slug": "evil", "changes": {"name": "fine"}},
        {"slug": "refused", "changes": {"name": "fine"}},
    ]
    plan.write_text(json.dumps(items))
    argv = ["plan", str(plan), "--output", output]
    code, out, err, _ = run_main(argv, url=server.url)
    assert_safe(code, out, err, 1)  # one source could not be read
    if output == "text":
        assert '"evil\\u001b]0;pwned\\u0007\\u001b[2J\\nplex_token' in out
        assert "\\u009b31m" in out
    else:
        first = json.loads(out.splitlines()[0])
        assert first["changes"]["name"]["current"] == HOSTILE
    assert "bad\\x1b[2J" in err  # the newline: a space (the client's) or escaped
    assert "plex-source: all good\\x9b1m\n" in err


@pytest.mark.parametrize("output", ["text", "json"])
def test_update_shows_the_returned_source_escaped(server: FixedServer, output: str) -> None:
    argv = ["update", "evil", "--enabled", "--output", output]
    code, out, err, _ = run_main(argv, url=server.url)
    assert_safe(code, out, err, 0)
    if output == "text":
        assert "x\\x1b[31mkey\\nforged" in out


@pytest.mark.parametrize("output", ["text", "json"])
def test_a_refusal_quoting_the_server_is_escaped(
    server: FixedServer, tmp_path: Path, output: str
) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps([{"slug": "refused", "changes": {"name": "x"}}]))
    argv = ["apply", str(plan), "--no-read", "--output", output]
    code, out, err, _ = run_main(argv, url=server.url)
    assert_safe(code, out, err, 1)
    assert "plex-source: refused: name: bad\\x1b[2J" in err
    assert "plex-source: all good\\x9b1m\n" in err
    code, out, err, _ = run_main(["get", "refused", "--output", output], url=server.url)
    assert_safe(code, out, err, 1)
    assert "bad\\x1b[2J" in err  # the newline: a space (the client's) or escaped
    assert "plex-source: all good\\x9b1m\n" in err


def test_escape_controls_escapes_every_control_and_nothing_else() -> None:
    controls = [*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029, 0xD800, 0xDFFF]
    for code in controls:
        escaped = escape_controls(f"a{chr(code)}b")
        assert not RAW.search(escaped), hex(code)
        assert escaped.startswith("a\\"), hex(code)
        assert escaped.endswith("b"), hex(code)
    assert escape_controls("\n\t\r\x1b\x9b\x7f") == "\\n\\t\\r\\x1b\\x9b\\x7f"
    kept = "plain ASCII, é, ß, 漢字, emoji 🎉, U+00A0:\xa0"
    assert escape_controls(kept) == kept
    assert shorten(HOSTILE, 1000) == escape_controls(HOSTILE)  # one helper for both


def test_json_text_leaves_no_raw_control_and_reads_back_the_same() -> None:
    value = {HOSTILE_KEY: [HOSTILE, "\ud800", "é 漢字"]}
    for indent in (None, 2):
        text = json_text(value, indent=indent)
        assert not RAW.search(text.replace("\n", "")), text
        assert json.loads(text) == value
        text.encode("utf-8")  # a lone surrogate escaped: encodable
    assert "é 漢字" in json_text(value)  # letters kept readable


def test_the_table_escapes_names_and_values() -> None:
    table = text_table({"name": HOSTILE, HOSTILE_KEY: 1, "plex_token": PLEX_TOKEN})
    assert not RAW.search(table.replace("\n", ""))
    assert len(table.splitlines()) == 3
    assert PLEX_TOKEN not in table
    shown = text_table({"plex_token": PLEX_TOKEN, "name": HOSTILE}, show_secrets=True)
    assert PLEX_TOKEN in shown
    assert not RAW.search(shown.replace("\n", ""))
