"""A proxy's password is sent to the proxy only (``Proxy-Authorization``): authentik never
receives it, so its answers cannot echo it, and a hostile proxy knows it anyway. It is no part
of the 2xx echo check: a password that is a word of every answer (``authentik`` in the icon,
``identifier`` in the matching modes, ``Plex Sou`` of ``Plex Source``, ``application`` of the
``Content-Type`` header) no longer fails every call, and the CLI neither prints nor exports
authentik's values masked for holding it. It is still masked in errors. (Issue 18, round 13,
finding 7.)
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from plex_source_client import APIError, AsyncPlexSourceClient, PlexSourceClient

from .fixed_server import API_TOKEN, FixedServer, run_cli, run_main, source
from .forward_proxy import ForwardProxy

WORDS = ["authentik", "identifier", "Plex Sou", "application"]
#: A bug of ours whose message quotes the environment proxy's password (alone).
BUG_QUOTING = """
import os, urllib.parse
import plex_source_client.cli.tables as tables
def text_table(*args, **kwargs):
    password = urllib.parse.urlsplit(os.environ["HTTP_PROXY"]).password
    raise RuntimeError(f"a bug quoting {password}")
tables.text_table = text_table
"""


def call(kind: str, options: dict[str, Any], method: str, *args: Any) -> Any:
    """``method(*args)`` on a client of ``kind`` made with ``options``, closed after."""
    if kind == "sync":
        with PlexSourceClient(**options) as client:
            if method == "list":  # a lazy pager: read while the client is open
                return list(client.list())
            return getattr(client, method)(*args)

    async def run() -> Any:
        async with AsyncPlexSourceClient(**options) as client:
            if method == "list":
                return [source async for source in client.list()]
            return await getattr(client, method)(*args)

    return asyncio.run(run())


def options(server: FixedServer, proxy: ForwardProxy, password: str) -> dict[str, Any]:
    return {
        "url": server.url,
        "token": API_TOKEN,
        "allow_insecure_http": True,
        "max_retries": 0,
        "proxy": proxy.url.replace("http://", f"http://user:{password.replace(' ', '%20')}@"),
    }


@pytest.mark.parametrize("password", WORDS)
@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_proxy_password_found_in_a_valid_answer_does_not_fail_it(
    password: str, kind: str
) -> None:
    with ForwardProxy() as proxy, FixedServer([source(slug="a")]) as server:
        got = call(kind, options(server, proxy, password), "get", "a")
        listed = call(kind, options(server, proxy, password), "list")
        assert proxy.seen  # through the proxy
    assert got.slug == "a"
    assert got.icon == "/static/authentik/sources/plex.svg"
    assert [s.slug for s in listed] == ["a"]


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_proxy_password_is_still_masked_in_an_error(kind: str) -> None:
    """An error quoting the password (here a 403's detail) masks it, as before."""
    password = "pw-SECRET-proxy-31337"
    refusal = f"denied for user:{password}"
    with (
        ForwardProxy() as proxy,
        FixedServer([source(slug="a")], {"a": refusal}) as server,
        pytest.raises(APIError) as caught,
    ):
        call(kind, options(server, proxy, password), "get", "a")
    error = caught.value
    assert error.status_code == 403
    shown = f"{error}\n{error!r}\n{error.body!r}"
    assert password not in shown, shown
    assert "denied for user:***" in shown, shown


def test_cli_neither_prints_nor_exports_values_masked_for_holding_a_proxy_password(
    tmp_path: Path,
) -> None:
    """A proxy password ``authentik`` (an environment proxy): ``get`` prints the source as
    authentik has it, ``export`` writes a plan that ``plan`` finds unchanged; an error still
    masks it.
    """
    password = "authentik"
    plan = tmp_path / "plan.json"
    with (
        ForwardProxy() as proxy,
        FixedServer(
            [source(slug="a", name="authentik Plex")], {"b": "not for authentik"}
        ) as server,
    ):
        env = {
            "HTTP_PROXY": proxy.url.replace("http://", f"http://user:{password}@"),
            "NO_PROXY": "",
        }
        insecure = ["--allow-insecure-http"]
        got = run_main(["get", "a", "--output", "json", *insecure], url=server.url, env=env)
        exported = run_main(["export", "-o", str(plan), *insecure], url=server.url, env=env)
        planned = run_main(["plan", str(plan), *insecure], url=server.url, env=env)
        renamed = tmp_path / "renamed.json"
        renamed.write_text(
            json.dumps({"items": [{"slug": "a", "changes": {"name": "authentik 2"}}]})
        )
        changed = run_main(["plan", str(renamed), *insecure], url=server.url, env=env)
        refused = run_main(["get", "b", *insecure], url=server.url, env=env)
        # the last in a process: its hook (a bug of ours) breaks the command
        broken = run_cli(["get", "a", *insecure], url=server.url, env=env, hook=BUG_QUOTING)
        assert len(proxy.seen) >= 4  # every command went through the proxy
    assert got[0] == 0, got[2]
    shown = json.loads(got[1])
    assert shown["name"] == "authentik Plex"
    assert shown["icon"] == "/static/authentik/sources/plex.svg"
    assert shown["plex_token"] == "***"
    assert exported[0] == 0, exported[2]
    changes = json.loads(plan.read_text())["items"][0]["changes"]
    assert changes["name"] == "authentik Plex"
    assert changes["user_path_template"] == "goauthentik.io/sources/%(slug)s"
    assert planned[0] == 0, planned[1] + planned[2]  # 0: nothing would change
    assert changed[0] == 4, changed[2]  # 4: something would change, shown as it is
    assert '"authentik Plex" -> "authentik 2"' in changed[1], changed[1]
    assert refused[0] == 1, refused[2]
    assert "not for ***" in refused[2], refused[2]
    assert broken[0] == 5, broken[2]  # an internal error quoting the password masks it
    assert "internal error (RuntimeError: a bug quoting ***)" in broken[2], broken[2]
