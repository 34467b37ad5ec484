"""A stored token a header of the answer names (``X-Plex-Token: T``) is masked where the
answer's head repeats it: the reason phrase, the request id, a ``Location``, and the client's
DEBUG record of the attempt; and the URL check quotes no query or fragment (``?token=T``,
``#access_token=T``), in the clients and on the command line (review round 22). Not covered:
httpx's own INFO record of the status line, written before the client has the answer's
headers (as httpcore's DEBUG records of them: an accepted limit).
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
import respx

from plex_source_client import PlexSourceClient, PlexSourceError

from .conftest import Twin
from .fixed_server import run_main
from .hostile_server import Connection, Request
from .payloads import SLUG, TOKEN
from .raw_server import ScriptServer
from .shown import everything_shown, shown_by_failed_get

STORED = "xQ3zR9pL2mN8vB7cD4fG"

# --- 2. a token the headers name, repeated elsewhere in the answer's head ---------------------


@pytest.mark.parametrize(
    ("status", "headers"),
    [
        pytest.param(401, {"X-Plex-Token": STORED, "X-Authentik-Id": STORED}, id="request-id"),
        pytest.param(
            302,
            {"X-Plex-Token": STORED, "Location": f"https://plex.tv/link/{STORED}"},
            id="location",
        ),
    ],
)
def test_a_token_a_header_names_is_masked_where_the_head_repeats_it(
    twin: Twin, api: respx.MockRouter, status: int, headers: dict[str, str]
) -> None:
    assert STORED not in shown_by_failed_get(twin, api, status, headers=headers)


def _answer_with_reason(status: int, reason: str, headers: dict[str, str]) -> Any:
    def script(conn: Connection, request: Request) -> None:
        head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        conn.send(
            f"HTTP/1.1 {status} {reason}\r\n{head}Content-Length: 0\r\n"
            "Connection: close\r\n\r\n".encode()
        )

    return script


@pytest.mark.parametrize("status", [401, 503])
def test_a_token_a_header_names_is_masked_in_the_reason_phrase(
    socket_twin: Twin, status: int
) -> None:
    script = _answer_with_reason(status, STORED, {"X-Plex-Token": STORED})
    with ScriptServer(script) as server, pytest.raises(PlexSourceError) as caught:
        socket_twin.call("get", SLUG, options={"url": server.url, "max_retries": 0})
    assert STORED not in everything_shown(caught.value)


def test_the_debug_record_of_the_attempt_masks_a_token_a_header_names(
    caplog: pytest.LogCaptureFixture,
) -> None:
    script = _answer_with_reason(
        401, "Unauthorized", {"X-Plex-Token": STORED, "X-Authentik-Id": STORED}
    )
    with (
        caplog.at_level(logging.DEBUG),
        ScriptServer(script) as server,
        PlexSourceClient(url=server.url, token=TOKEN, max_retries=0) as client,
        pytest.raises(PlexSourceError),
    ):
        client.get(SLUG)
    ours = [r for r in caplog.records if r.name == "plex_source_client"]
    assert ours  # the attempt's DEBUG record (request id ...)
    shown = "\n".join(record.getMessage() for record in ours)
    assert STORED not in shown


# --- 3. credentials in the query or fragment of the URL a user gives ---------------------------

URLS_WITH_CREDENTIALS = [
    pytest.param(f"https://auth.example.com/?token={STORED}", id="token-query"),
    pytest.param(f"https://auth.example.com/?X-Plex-Token={STORED}", id="plex-token-query"),
    pytest.param(f"https://auth.example.com/#access_token={STORED}", id="access-token-fragment"),
]


@pytest.mark.parametrize("url", URLS_WITH_CREDENTIALS)
def test_the_url_check_does_not_quote_credentials_in_a_query(twin: Twin, url: str) -> None:
    with pytest.raises(PlexSourceError) as caught:
        twin.client_class(url=url, token=TOKEN)
    assert STORED not in everything_shown(caught.value)


@pytest.mark.parametrize("url", URLS_WITH_CREDENTIALS)
def test_the_command_line_does_not_quote_credentials_in_a_query(url: str) -> None:
    code, out, err, _ = run_main(["get", SLUG], url=url)
    assert code == 2, err
    assert STORED not in out
    assert STORED not in err
