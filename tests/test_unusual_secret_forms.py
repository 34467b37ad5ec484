"""Secrets in less usual forms (found by the eleventh outside review; each docstring says
what was shown before the fix): JSON escapes of the API token (``\\/``, ``\\"``) in a 2xx
(refused) or an error kept as text (masked); values under secret names in [name, value]
pairs, HTML with ``value`` before ``name``, long keys, ``Authorization: Token``, YAML block
scalars; a YAML plan's tagged token; a long secret-named header in httpcore's record; the
Plex token being sent where another field of a diff or a ``--dry-run`` repeats it.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import respx

from plex_source_client import (
    AsyncPlexSourceClient,
    PlexSourceClient,
    PlexSourceError,
    UnexpectedResponse,
)

from .conftest import Twin
from .fixed_server import run_main
from .payloads import SLUG, plex_source
from .raw_server import ScriptServer

ENDPOINT = f"/sources/plex/{SLUG}/"
#: A Plex token the server stores: unknown to the client, masked only by its key's name.
STORED = "StOrEdPlExToKeN-0123456789abc"
API_TOKEN = "tok-round11-api-0123456789abcdef"


def _shown(error: BaseException) -> str:
    """Everything an error shows: its message, repr, attributes and chain."""
    parts = [str(error), repr(error), repr(vars(error))]
    for linked in (error.__cause__, error.__context__):
        if linked is not None:
            parts += [str(linked), repr(linked)]
    return "\n".join(parts)


def _error_for(twin: Twin, api: respx.MockRouter, status: int, body: bytes, ctype: str) -> str:
    api.get(ENDPOINT).respond(status, content=body, headers={"Content-Type": ctype})
    with pytest.raises(PlexSourceError) as caught:
        twin.call("get", SLUG, options={"max_retries": 0})
    return _shown(caught.value)


_CASES = {
    # JSON that parses: a secret-named header written as a [name, value] pair (how a
    # debugging proxy or a WSGI error page lists request headers): the name is a value, not
    # a key, so the value next to it is shown.
    "json_header_pairs": (
        400,
        b'{"detail": "bad request", "headers": [["Accept", "*/*"], ["X-Plex-Token", "'
        + STORED.encode()
        + b'"]]}',
        "application/json",
    ),
    # HTML form field with its value written before its name (attribute order is free).
    "html_value_before_name": (
        400,
        b"<html><form><input type='hidden' value='"
        + STORED.encode()
        + b"' name='plex_token'></form></html>",
        "text/html",
    ),
    # A secret-named key longer than 40 characters before ``token`` in a text body.
    "long_key_prefix": (
        500,
        b"primary_media_server_configuration_for_plex_token: " + STORED.encode(),
        "text/plain",
    ),
    # DRF's TokenAuthentication scheme, ``Authorization: Token <key>`` echoed in a text body
    # (only Bearer and Basic are recognised as credentials).
    "drf_token_scheme": (
        500,
        b"upstream rejected request\nAuthorization: Token " + STORED.encode() + b"\n",
        "text/plain",
    ),
    # YAML block scalar: the key's value is on the following line.
    "yaml_block": (
        500,
        b"source:\n  slug: plex\n  plex_token: >-\n    " + STORED.encode() + b"\n",
        "application/yaml",
    ),
}


@pytest.mark.parametrize("case", list(_CASES))
def test_error_body_masks_a_value_stored_under_a_secret_name_in_any_layout(
    twin: Twin, api: respx.MockRouter, case: str
) -> None:
    """Before the fix: an error answer (which the client keeps and shows in ``str(error)`` and
    ``error.body``) holding a value under a secret-named key in a layout the masking does not
    recognise shows that value in full. Promise 1 ("any value the server stores under a
    secret-named key", in exception messages and error attributes).
    """
    status, body, ctype = _CASES[case]
    shown = _error_for(twin, api, status, body, ctype)
    assert STORED[:12] not in shown, shown[:1200]


PLEX_TOKEN_SENT = "PlexTokenValue9876543210"


@pytest.mark.parametrize("tag", ["!!int ", "!!int 0x", "!<tag:yaml.org,2002:int> "])
def test_a_yaml_plan_never_quotes_a_tagged_plex_token(tmp_path: Path, tag: str) -> None:
    """Before the fix: a YAML plan whose ``plex_token`` (the Plex token the user means to send) is
    mistakenly tagged ``!!int`` makes ``plex-source plan``/``apply`` print, on stderr,
    ``not valid yaml: invalid literal for int() with base 10: '<the Plex token>'``: the
    resolver's ValueError text is shown unmasked (cli/planfile.py ``load_document``).
    Promise 1 (CLI stderr).
    """
    plan = tmp_path / "plan.yaml"
    plan.write_text(f"- slug: plex\n  changes:\n    plex_token: {tag}{PLEX_TOKEN_SENT}\n")
    for command in (["plan", str(plan)], ["apply", "--dry-run", str(plan)]):
        code, out, err, _ = run_main(command)
        assert code == 2, (code, err)
        assert PLEX_TOKEN_SENT not in out + err, err


#: A long credential in a secret-named response header (a JWT with many claims runs to
#: kilobytes).
LONG_HEADER_SECRET = "eyJhbGciOi-" + "Q" * 9000 + "-sig0123456789"


@pytest.mark.parametrize("kind", ["sync", "async"])
@pytest.mark.parametrize(
    "header",
    [f"X-Access-Token: {LONG_HEADER_SECRET}"],
    ids=["value-over-8192"],
)
def test_a_long_secret_named_header_is_masked_in_httpcores_record(kind: str, header: str) -> None:
    """Before the fix: httpcore's DEBUG record ``receive_response_headers.complete`` lists the
    answer's headers as ``(b'Name', b'value')``; ``_secrets.text._HEADER_PAIR`` masks a
    secret-named header's value only up to 8,192 characters of repr: a longer value (a big
    JWT in ``X-Access-Token``) is logged in full. Promise 1 (every
    log record of every logger at DEBUG).
    """
    secret = LONG_HEADER_SECRET
    body = json.dumps(plex_source()).encode()

    def script(conn: Any, request: object) -> None:
        conn.send(
            f"HTTP/1.1 200 OK\r\n{header}\r\nContent-Length: {len(body)}\r\n"
            "Content-Type: application/json\r\nConnection: close\r\n\r\n".encode()
            + body
        )

    kept: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            kept.append(record.getMessage())

    handler, root = Keep(logging.DEBUG), logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        with ScriptServer(script) as server:
            if kind == "sync":
                with PlexSourceClient(url=server.url, token=API_TOKEN, max_retries=0) as c:
                    c.get(SLUG)
            else:

                async def run() -> None:
                    async with AsyncPlexSourceClient(
                        url=server.url, token=API_TOKEN, max_retries=0
                    ) as c:
                        await c.get(SLUG)

                asyncio.run(run())
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    assert any("receive_response_headers" in r for r in kept)
    leaked = [r[:200] for r in kept if secret[-14:] in r or secret[:24] in r]
    assert leaked == []


#: API tokens holding characters JSON may escape (``\/`` for ``/``, ``\"``, ``\\``): printable
#: ASCII without spaces, which the client accepts as a token.
_ESCAPABLE_TOKENS: dict[str, tuple[str, Callable[[str], str]]] = {
    "slash": ("tok/round11/abcdefghijklmnop", lambda text: text.replace("/", "\\/")),
    "quote": ('tok"round11"abcdefghijklmnop', lambda text: text),
}


@pytest.mark.parametrize("case", list(_ESCAPABLE_TOKENS))
def test_a_2xx_echoing_the_api_token_json_escaped_is_refused(
    twin: Twin, api: respx.MockRouter, case: str
) -> None:
    """Before the fix: a 2xx source whose ``name`` repeats the API token is refused (authentik never
    sends it back) only when the token's raw bytes, or a ``\\u``/``&..;``/``%XX`` escape, are in
    the body (``_flow._refuse_echoed_credentials``' pre-check). JSON's other escapes (``\\/``
    for ``/``, ``\\"`` for ``"``) spell the token without either, so the answer is accepted and
    ``repr(source)`` / ``str(source)`` print the API token in clear. (A proxy password, checked
    the same way, is more likely still to hold ``/`` or ``"``.) Promises 1 and the documented
    "A 2xx answer that carries the API token ... is refused".
    """
    token, spell = _ESCAPABLE_TOKENS[case]
    body = spell(json.dumps(plex_source(name=token)))
    assert token.encode() not in body.encode()
    api.get(ENDPOINT).respond(
        200, content=body.encode(), headers={"Content-Type": "application/json"}
    )
    with pytest.raises(UnexpectedResponse) as caught:  # as documented; today it is accepted
        twin.call("get", SLUG, options={"token": token, "max_retries": 0})
    assert token not in _shown(caught.value)


SLASHED_TOKEN = "abcdefghij/klmnopqrst/uvwxyz0123"


@pytest.mark.parametrize(
    "body",
    [
        # JSON cut short (kept as text, not parsed)
        b'{"detail": "invalid token ' + SLASHED_TOKEN.replace("/", "\\/").encode(),
        # JSON over 64 KiB (kept as text, never parsed)
        b'{"detail": "invalid token '
        + SLASHED_TOKEN.replace("/", "\\/").encode()
        + b'", "pad": "'
        + b"x" * 70_000
        + b'"}',
    ],
    ids=["cut-short", "over-64k"],
)
def test_an_error_text_body_masks_the_api_token_json_escaped(
    twin: Twin, api: respx.MockRouter, body: bytes
) -> None:
    """Before the fix: an error body kept as text (JSON cut short, or over 64 KiB)
    repeating the API token with JSON's ``\\/`` escape is shown unmasked in ``str(error)``
    and ``error.body``:
    :func:`_secrets.redact` knows the token raw, ``json.dumps``-escaped (which never writes
    ``\\/``) and as a bytes repr, and each ``/``-separated piece is shorter than the
    12-character fragment rule. Promise 1 (the API token, in exception messages/attributes).
    """
    api.get(ENDPOINT).respond(500, content=body, headers={"Content-Type": "application/json"})
    with pytest.raises(PlexSourceError) as caught:
        twin.call("get", SLUG, options={"token": SLASHED_TOKEN, "max_retries": 0})
    shown = _shown(caught.value)
    assert SLASHED_TOKEN.replace("/", "\\/") not in shown, shown[:600]


def test_a_diff_masks_the_plex_token_sent_where_another_field_repeats_it(
    twin: Twin, api: respx.MockRouter
) -> None:
    """Before the fix: ``diff(plex_token=P, name=f"... {P}")`` masks ``plex_token``'s own line
    (``plex_token: changed``) but prints P in full on the ``name`` line of ``str(diff)`` and in
    ``repr(diff)``'s FieldChange, although P is a secret the call sends (an update's result
    masks it where echoed; the diff masks only the *stored* token's echoes). A config-driven
    ``plan`` that puts the token in a wrong field by mistake shows it. Promise 1 (repr/str of
    diffs, a Plex token the user sends).
    """
    api.get(ENDPOINT).respond(200, json=plex_source())
    diff = twin.call("diff", SLUG, plex_token=PLEX_TOKEN_SENT, name=f"plex {PLEX_TOKEN_SENT}")
    assert "plex_token: changed" in str(diff)
    assert PLEX_TOKEN_SENT not in str(diff) + repr(diff)


@pytest.mark.parametrize("output", ["text", "json"])
@pytest.mark.parametrize("command", ["apply", "update"])
def test_dry_run_masks_the_plex_token_sent_where_another_field_repeats_it(
    tmp_path: Path, command: str, output: str
) -> None:
    """Before the fix: ``--dry-run`` prints each request with ``"plex_token": "***"``, but the same
    Plex token (from the plan, or ``--plex-token-file``) repeated in another field of the
    request (``"name": "n <token>"``) is printed in full on stdout; ``plan`` on the same file
    masks it (``name: "Plex" -> "n ***"``). Promise 1 (CLI stdout, a Plex token the user
    sends). Nothing is sent, so no server is needed.
    """
    plan = tmp_path / "plan.json"
    plan.write_text(
        json.dumps(
            [
                {
                    "slug": SLUG,
                    "changes": {"plex_token": PLEX_TOKEN_SENT, "name": f"n {PLEX_TOKEN_SENT}"},
                }
            ]
        )
    )
    token_file = tmp_path / "plex-token"
    token_file.write_text(PLEX_TOKEN_SENT)
    changes = tmp_path / "changes.json"
    changes.write_text(json.dumps({"name": f"n {PLEX_TOKEN_SENT}"}))
    if command == "apply":
        argv = ["apply", "--dry-run", str(plan)]
    else:
        argv = ["update", SLUG, "--dry-run", "--plex-token-file", str(token_file)]
        argv += ["--from-file", str(changes)]
    code, out, err, _ = run_main(
        [*argv, "--output", output], env={"AUTHENTIK_SERVER_VERSION": "2024.8.2"}
    )
    assert code == 0, err
    assert '"plex_token": "***"' in out
    assert PLEX_TOKEN_SENT not in out + err, out
