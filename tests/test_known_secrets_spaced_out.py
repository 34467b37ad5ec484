"""A known secret spaced out, the same separator between every two of its characters: a
space, a no-break space, `` - ``, a soft hyphen, or escaped bytes as a bytes repr quotes
them (h11 refusing a status or header line that echoes the API token with 0xA0 between its
letters: ``bytearray(b'...Q\\xa0m\\xa07...')``, round 55b). A reader skips the separator;
masked in every error, a 2xx holding the API token so is refused. Spaced-out letters that are
no secret stay as written.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import respx

from plex_source_client import PlexSourceError, UnexpectedResponse
from plex_source_client._secrets import mask_text, redact

from .conftest import Twin
from .hostile_server import Connection, Request
from .payloads import SLUG, plex_source
from .raw_server import ScriptServer
from .shown import everything_shown, shown_by_failed_get

API_TOKEN = "Qm7xK2pL9vR4sT8wY1zA3bC5dE6fG0hJ"
SEPARATORS = {
    "space": " ",
    "no-break-space": "\u00a0",
    "spaced-dash": " - ",
    "comma": ", ",
    "repr-nbsp": "\\xa0",
    "repr-soft-hyphen": "\\xc2\\xad",
    "json-nbsp": "\\u00a0",
}


@pytest.mark.parametrize("separator", SEPARATORS.values(), ids=SEPARATORS.keys())
def test_a_spaced_out_secret_is_masked(separator: str) -> None:
    text = f"refused: {separator.join(API_TOKEN)} (bad)"
    assert redact(text, (API_TOKEN,)) == "refused: *** (bad)"


@pytest.mark.parametrize("separator", SEPARATORS.values(), ids=SEPARATORS.keys())
def test_both_clients_mask_it_in_an_error(
    twin: Twin, api: respx.MockRouter, separator: str
) -> None:
    body = f"we saw {separator.join(API_TOKEN)} in your request"
    shown = shown_by_failed_get(twin, api, 401, content=body.encode(), token=API_TOKEN)
    assert separator.join(API_TOKEN[-8:]) not in shown


@pytest.mark.parametrize("separator", [" ", "\u00a0"], ids=["space", "no-break-space"])
def test_a_2xx_holding_the_api_token_spaced_out_is_refused(
    twin: Twin, api: respx.MockRouter, separator: str
) -> None:
    name = separator.join(API_TOKEN)
    api.get(f"/sources/plex/{SLUG}/").respond(200, json=plex_source(name=name))
    with pytest.raises(UnexpectedResponse, match="contains your API token") as caught:
        twin.call("get", SLUG, options={"token": API_TOKEN})
    assert name not in everything_shown(caught.value)


SPACED_BYTES = {
    "no-break-space": b"\xa0".join(c.encode() for c in API_TOKEN),
    "utf8-soft-hyphen": "\u00ad".join(API_TOKEN).encode(),
}
LINES = {
    "header-line": b"HTTP/1.1 200 OK\r\nBearer ",
    "status-line": b"HTTP/1.1 4",
}


@pytest.mark.parametrize("spaced", SPACED_BYTES.values(), ids=SPACED_BYTES.keys())
@pytest.mark.parametrize("where", LINES.values(), ids=LINES.keys())
def test_a_malformed_line_echoing_it_spaced_out(
    socket_twin: Twin, where: bytes, spaced: bytes
) -> None:
    """h11 refuses the line and quotes it as a bytes repr: the error shows it, masked."""

    def script(conn: Connection, request: Request) -> None:
        end = b"\r\n" if where.endswith(b"Bearer ") else b" OK\r\n"
        conn.send(where + spaced + end + b"Content-Length: 2\r\nConnection: close\r\n\r\n{}")

    with ScriptServer(script) as server:
        options: dict[str, Any] = {"url": server.url, "token": API_TOKEN, "max_retries": 0}
        with pytest.raises(PlexSourceError) as caught:
            socket_twin.call("get", SLUG, options=options)
    shown = everything_shown(caught.value)
    read = re.sub(r"\\xa0|\\xc2\\xad|\u00a0|\u00ad", "", shown)
    assert API_TOKEN[-12:] not in read


def test_spaced_out_letters_that_are_no_secret_stay() -> None:
    text = "P L E X   S O U R C E, s-l-u-g"
    assert mask_text(text, (API_TOKEN,)) == text
