"""The command line with a short secret (a 3-4 character API token): masked where the server's
text holds it, never in the package's own words nor in the slug the user typed; and a slug
the server sends that repeats a stored token masked alike in ``get``'s heading and table.
(Red team round 9, issue 18: each test failed before the fix.)
"""

from __future__ import annotations

import contextlib
import io
import json

import pytest

from plex_source_client.cli import main

from .payloads import SLUG, plex_source
from .raw_server import ScriptServer, reply

STORED = "StoredPlexToken-abcdef0123456789"


def _run(
    monkeypatch: pytest.MonkeyPatch, token: str, status: int, body: object, argv: list[str]
) -> tuple[int, str, str]:
    """``plex-source argv`` against one canned JSON answer, with ``AUTHENTIK_TOKEN=token``."""
    server = ScriptServer(reply(status, json.dumps(body).encode()))
    monkeypatch.setenv("AUTHENTIK_URL", server.url)
    monkeypatch.setenv("AUTHENTIK_TOKEN", token)
    monkeypatch.setenv("AUTHENTIK_SERVER_VERSION", "2024.8.2")
    out, err = io.StringIO(), io.StringIO()
    with server, contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def _row(out: str, field: str) -> str:
    [row] = [line for line in out.splitlines() if line.split()[:1] == [field]]
    return row


def test_get_shows_the_slug_the_user_typed_though_a_short_token_equals_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Token ``abc``, ``plex-source get abc``: the slug is the user's own input, shown as typed
    in the heading and the table alike; the same value in another field (``name``) is the
    server's, masked.
    """
    body = plex_source(slug="abc", name="abc")
    code, out, err = _run(monkeypatch, "abc", 200, body, ["get", "abc"])
    assert code == 0, err
    assert out.startswith('Plex source "abc":\n'), out
    assert '"abc"' in _row(out, "slug"), out
    assert '"***"' in _row(out, "name"), out
    code, out, err = _run(monkeypatch, "abc", 200, body, ["get", "abc", "--output", "json"])
    assert (json.loads(out)["slug"], json.loads(out)["name"]) == ("abc", "***"), out


def test_get_masks_a_server_slug_repeating_the_stored_token_in_heading_and_table(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The server's slug (not the one typed) repeats the ``plex_token`` it stores: the heading
    ``Plex source "<slug>":`` masks it as the table's slug row does.
    """
    body = plex_source(plex_token=STORED, slug=STORED)
    code, out, err = _run(monkeypatch, "tok-SECRET-api-1234567890", 200, body, ["get", SLUG])
    assert code == 0, err
    assert STORED not in out + err, out
    assert out.startswith('Plex source "***":\n'), out
    assert '"***"' in _row(out, "slug"), out


@pytest.mark.parametrize(
    ("detail", "shown"),
    [("Not found.", "(Not found.)"), ("No Plex here", "(No *** here)")],
)
def test_a_short_token_masks_the_servers_text_not_the_packages_words(
    monkeypatch: pytest.MonkeyPatch, detail: str, shown: str
) -> None:
    """Token ``Plex``: the list's 404 reads ``the list of Plex sources is not found`` (the
    package's words, no secret), while the token standing alone in the server's own text is
    masked (by the client, which knows its token).
    """
    body = {"detail": detail}
    code, _out, err = _run(monkeypatch, "Plex", 404, body, ["export", "--format", "json"])
    assert code != 0
    assert "the list of Plex sources is not found" in err, err
    assert shown in err, err
