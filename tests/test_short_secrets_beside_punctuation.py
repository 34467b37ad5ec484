"""A short API token (fewer than 8 characters) is masked where a message quotes it with the
typographic quotes, guillemets or ellipsis of Django's own messages, or as an anchor or
emphasis: the marks that may stand around a whole value (review round 14).
"""

from __future__ import annotations

import logging
import pickle

import pytest
import respx

from plex_source_client import PlexSourceError

from .conftest import Twin
from .payloads import SLUG

ENDPOINT = f"/sources/plex/{SLUG}/"
#: A short API token (fewer than MIN_ANYWHERE characters): valid, and promised never shown.
SHORT = "abc12"


def _shown(error: BaseException) -> str:
    return f"{error}\n{error!r}\n{getattr(error, 'body', '')}\n{pickle.dumps(error)!r}"


@pytest.mark.parametrize(
    "detail",
    [
        "\u201cabc12\u201d is not a valid token.",  # Django's own curly quotes
        "Token \u2018abc12\u2019 is invalid",
        "Token \u00ababc12\u00bb is invalid",
        "Token abc12\u2026 is invalid",  # an ellipsis after it
        "Token *abc12* is invalid",  # Markdown emphasis
        "Token #abc12 is invalid",
    ],
    ids=["curly-double", "curly-single", "guillemets", "ellipsis", "markdown", "hash"],
)
def test_a_short_api_token_quoted_beside_punctuation_is_masked(
    twin: Twin, api: respx.MockRouter, caplog: pytest.LogCaptureFixture, detail: str
) -> None:
    caplog.set_level(logging.DEBUG)
    api.get(ENDPOINT).respond(401, json={"detail": detail})
    with pytest.raises(PlexSourceError) as caught:
        twin.call("get", SLUG, options={"token": SHORT, "max_retries": 0})
    shown = _shown(caught.value)
    assert SHORT not in shown, shown


def test_the_cli_masks_a_short_api_token_in_curly_quotes_on_stderr(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Django writes its messages with curly quotes (``“abc12” is not a valid ...``)."""
    import contextlib
    import io
    import json

    from plex_source_client.cli import main

    from .raw_server import ScriptServer, reply

    body = {"detail": "\u201cabc12\u201d is not a valid token."}
    server = ScriptServer(reply(401, json.dumps(body).encode()))
    monkeypatch.setenv("AUTHENTIK_URL", server.url)
    monkeypatch.setenv("AUTHENTIK_TOKEN", SHORT)
    monkeypatch.setenv("AUTHENTIK_SERVER_VERSION", "2024.8.2")
    out, err = io.StringIO(), io.StringIO()
    with server, contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["get", SLUG])
    assert code != 0
    assert SHORT not in out.getvalue() + err.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    ("text", "secret"),
    [("abc123 and xabc12y", SHORT), ("_plex_", "plex"), ("/sources/plex/", "plex")],
)
def test_a_short_secret_inside_a_longer_word_is_left_as_it_is(text: str, secret: str) -> None:
    """Only marks that stand around a whole value count: letters and digits do not, nor, for
    a secret that reads as a word, ``_`` and ``/`` (a short password ``plex`` would mask the
    slug in every URL a message names). One that reads as no word (``abc12``) is masked
    there (tests/test_short_secret_delimiters_in_ascii.py).
    """
    from plex_source_client._secrets import mask_known

    assert mask_known(text, (secret,)) == text
