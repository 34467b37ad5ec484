"""The command line with a short secret (a 3-4 character API token): masked where the server's
text holds it, never in the package's own words nor in the slug the user typed; and a slug
the server sends that repeats a stored token masked alike in ``get``'s heading and table.
(Red team round 9, issue 18: each test failed before the fix.)
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

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


# -- export -> plan -> apply with a short secret (red team round 13, finding 1) ----------------


@pytest.mark.parametrize(
    ("secret_of", "field", "value"),
    [
        ("proxy", "name", "plex"),
        ("token", "name", "Plex"),
        ("token", "policy_engine_mode", "any"),
    ],
)
def test_export_keeps_a_value_equal_to_a_short_secret_so_the_round_trip_changes_nothing(
    tmp_path: Path, secret_of: str, field: str, value: str
) -> None:
    """A proxy password ``plex`` or an API token ``Plex`` / ``any`` equal to a source's value:
    export writes the real value (a short secret is masked in messages, not in the plan's
    data), so ``plan`` on the file finds no change and ``apply`` leaves the source as it was.
    """
    from .fixed_server import FixedServer, run_main, source
    from .forward_proxy import ForwardProxy

    with ForwardProxy() as proxy, FixedServer([source(slug="a", **{field: value})]) as server:
        if secret_of == "proxy":
            env = {"HTTP_PROXY": proxy.url.replace("http://", f"http://user:{value}@")}
        else:
            env = {"AUTHENTIK_TOKEN": value}
        env |= {"NO_PROXY": "", "no_proxy": ""}
        plan = tmp_path / "plan.toml"
        code, _out, err, _ = run_main(["export", "-o", str(plan)], url=server.url, env=env)
        assert code == 0, err
        exported = plan.read_text()
        assert f'{field} = "{value}"' in exported, exported
        code, out, err, _ = run_main(["plan", str(plan)], url=server.url, env=env)
        assert code == 0, (out, err)  # 0: nothing would change
        code, out, err, _ = run_main(["apply", str(plan)], url=server.url, env=env)
        assert code == 0, (out, err)
        assert server.sources["a"][field] == value, (out, err)


def test_export_with_a_short_token_still_masks_a_long_stored_plex_token_in_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Token ``Plex`` (left alone in ``name = "Plex"`` of one source) and a stored Plex token
    repeated in another source's ``name``: that token is not written (export refuses the
    source, naming it and the field), the short one changes nothing.
    """
    page = {
        "pagination": {
            "next": 0,
            "previous": 0,
            "count": 2,
            "current": 1,
            "total_pages": 1,
            "start_index": 1,
            "end_index": 2,
        },
        "results": [
            plex_source(slug="kept", name="Plex"),
            plex_source(slug="echo", name=STORED, plex_token=STORED),
        ],
    }
    code, out, err = _run(monkeypatch, "Plex", 200, page, ["export", "--format", "json"])
    assert (code, out) == (2, ""), err  # ``***`` would rename "echo" on apply: refused
    assert STORED not in out + err, err
    assert "plex-source: echo: name: the value repeats a secret" in err, err
    assert "kept" not in err, err  # the short token changes nothing
