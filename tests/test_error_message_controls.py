"""The library's error messages escape the server's control, C1 and bidi characters: printing
or logging an error cannot repaint or retitle a terminal.
"""

from __future__ import annotations

from typing import Any

import pytest
import respx

from plex_source_client import PlexSourceError

from .conftest import Twin
from .payloads import SLUG

API_TOKEN = "tok-SECRET-api-1234567890"
SENT_PLEX_TOKEN = "ptok-SENT-5555544444"
STORED_PLEX_TOKEN = "ptok-STORED-9876543210"
ENDPOINT = f"/sources/plex/{SLUG}/"

Capture = pytest.CaptureFixture[str]


# --- 5. library error messages carry the server's terminal escapes --------------------------


@pytest.mark.parametrize(
    "answer",
    [
        {"status_code": 500, "text": "\x1b]0;owned\x07\x1b[2J\x1b[1;1H all good"},
        {"status_code": 500, "json": {"detail": "\x1b[2K\x1b[1Aplex-source: applied \u202eok"}},
        {"status_code": 403, "text": "\x9b2J C1 CSI"},
    ],
)
def test_error_message_escapes_terminal_controls(
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
