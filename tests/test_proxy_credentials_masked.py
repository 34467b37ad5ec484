"""A proxy's credentials the user gives are masked wherever a proxy echoes them: a user name
that is the credential (``http://APIKEY:@proxy``, as paid proxies take an API key;
``http://TOKEN@proxy``), in a forwarded answer, a CONNECT refusal, DEBUG records and on the
command line; and the proxy password of the user's own ``http_client`` (``httpx.Client(proxy=
"http://user:pw@proxy")``), read from httpx's transports (review round 23). An ordinary user
name beside a password (``alice``) is no secret: a message naming it keeps it.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import httpx
import pytest

from plex_source_client import AsyncPlexSourceClient, PlexSourceClient, PlexSourceError

from .fixed_server import API_TOKEN, run_main
from .raw_server import ScriptServer, reply
from .shown import everything_shown

#: An API key a paid proxy takes as the proxy URL's user name, with an empty password.
PROXY_KEY = "ZyteKey7f3e9a1c5b2d8e4fQwErTy"
#: A proxy password (user:password), set on the user's own httpx client.
PROXY_PASSWORD = "pw-SECRET-proxy-31337"


@pytest.fixture(autouse=True)
def no_proxy_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


def proxy_refusing(echo: str, status: int = 407) -> Any:
    """A hostile proxy's script: every request (a forwarded GET, a CONNECT) answered
    ``status`` with ``echo`` in its status line and in a JSON ``detail``.
    """
    body = json.dumps({"detail": f"proxy authentication failed for {echo}"}).encode()
    return reply(status, body, f"Denied {echo}")


def port_of(server: ScriptServer) -> str:
    return str(server.url.rsplit(":", 1)[1])


def shown_by_get(kind: str, **options: Any) -> str:
    """Everything the error of a ``get`` with ``options`` shows (sync or async client)."""
    options = {"token": API_TOKEN, "max_retries": 0, **options}
    try:
        if kind == "sync":
            with PlexSourceClient(**options) as client:
                client.get("my-plex")
        else:

            async def run() -> None:
                async with AsyncPlexSourceClient(**options) as client:
                    await client.get("my-plex")

            asyncio.run(run())
    except PlexSourceError as error:
        return everything_shown(error)
    raise AssertionError("get did not fail")


# -- 1. a proxy's user name as its credential --------------------------------------------


@pytest.mark.parametrize("userinfo", [f"{PROXY_KEY}:", PROXY_KEY], ids=["key-colon", "key-only"])
@pytest.mark.parametrize("kind", ["sync", "async"])
def test_proxy_key_as_user_name_is_masked_in_a_forwarded_answer(kind: str, userinfo: str) -> None:
    with ScriptServer(proxy_refusing(PROXY_KEY)) as proxy:
        shown = shown_by_get(
            kind, url="http://127.0.0.1:9", proxy=f"http://{userinfo}@127.0.0.1:{port_of(proxy)}"
        )
    assert PROXY_KEY not in shown, shown


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_proxy_key_as_user_name_is_masked_in_a_connect_refusal(kind: str) -> None:
    with ScriptServer(proxy_refusing(PROXY_KEY)) as proxy:
        shown = shown_by_get(
            kind,
            url="https://auth.example.com",
            proxy=f"http://{PROXY_KEY}:@127.0.0.1:{port_of(proxy)}",
        )
    assert PROXY_KEY not in shown, shown


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_proxy_key_as_user_name_is_masked_in_debug_records(
    kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with ScriptServer(proxy_refusing(PROXY_KEY)) as proxy:
        shown_by_get(
            kind, url="http://127.0.0.1:9", proxy=f"http://{PROXY_KEY}:@127.0.0.1:{port_of(proxy)}"
        )
    records = "\n".join(f"{record.name} {record.getMessage()}" for record in caplog.records)
    assert PROXY_KEY not in records, records


@pytest.mark.parametrize("output", ["text", "json"])
def test_cli_proxy_variable_key_as_user_name_is_masked(output: str) -> None:
    with ScriptServer(proxy_refusing(PROXY_KEY)) as proxy:
        code, out, err, _ = run_main(
            ["get", "my-plex", "--max-retries", "0", "--output", output],
            url="http://127.0.0.1:9",
            env={
                "HTTP_PROXY": f"http://{PROXY_KEY}:@127.0.0.1:{port_of(proxy)}",
                "AUTHENTIK_SERVER_VERSION": "2024.8.2",
            },
        )
    assert code == 1, (out, err)
    assert "Traceback" not in err, err
    assert PROXY_KEY not in out + err, out + err


# -- 2. a proxy password set on the user's own http_client ------------------------------


def test_own_sync_http_client_proxy_password_is_masked() -> None:
    with ScriptServer(proxy_refusing(f"user:{PROXY_PASSWORD}")) as proxy:
        url = f"http://user:{PROXY_PASSWORD}@127.0.0.1:{port_of(proxy)}"
        with httpx.Client(proxy=url) as http_client:
            shown = shown_by_get("sync", url="http://127.0.0.1:9", http_client=http_client)
    assert PROXY_PASSWORD not in shown, shown


def test_own_async_http_client_proxy_password_is_masked() -> None:
    with ScriptServer(proxy_refusing(f"user:{PROXY_PASSWORD}")) as proxy:
        url = f"http://user:{PROXY_PASSWORD}@127.0.0.1:{port_of(proxy)}"

        async def run() -> str:
            async with httpx.AsyncClient(proxy=url) as http_client:
                try:
                    async with AsyncPlexSourceClient(
                        url="http://127.0.0.1:9",
                        token=API_TOKEN,
                        max_retries=0,
                        http_client=http_client,
                    ) as c:
                        await c.get("my-plex")
                except PlexSourceError as error:
                    return everything_shown(error)
            raise AssertionError("get did not fail")

        shown = asyncio.run(run())
    assert PROXY_PASSWORD not in shown, shown


@pytest.mark.parametrize("https", [False, True], ids=["forwarded", "connect"])
def test_own_http_client_proxy_password_is_masked_in_debug_records(
    https: bool, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with ScriptServer(proxy_refusing(f"user:{PROXY_PASSWORD}")) as proxy:
        url = f"http://user:{PROXY_PASSWORD}@127.0.0.1:{port_of(proxy)}"
        with httpx.Client(proxy=url) as http_client:
            shown_by_get(
                "sync",
                url="https://auth.example.com" if https else "http://127.0.0.1:9",
                http_client=http_client,
            )
    records = "\n".join(f"{record.name} {record.getMessage()}" for record in caplog.records)
    assert PROXY_PASSWORD not in records, records


def test_an_ordinary_proxy_user_name_beside_a_password_stays_shown() -> None:
    from plex_source_client._http.clients import own_client_secrets

    with httpx.Client(proxy=f"http://alice:{PROXY_PASSWORD}@127.0.0.1:9") as own:
        shown = {secret.reveal() for secret in own_client_secrets(own)}
    assert PROXY_PASSWORD in shown
    assert "alice" not in shown
    with httpx.Client(proxy=f"http://{PROXY_KEY}:@127.0.0.1:9") as own:
        assert PROXY_KEY in {secret.reveal() for secret in own_client_secrets(own)}
