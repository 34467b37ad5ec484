"""Configuration: URL rules, plain-HTTP refusal, environment, timeouts, TLS, own http client."""

from __future__ import annotations

import asyncio
import ssl
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from plex_source_client import (
    DEFAULT_TIMEOUT,
    AsyncPlexSourceClient,
    ConfigurationError,
    NotFound,
    PlexSourceClient,
)

from .conftest import API, URL, Twin
from .payloads import SLUG, TOKEN, plex_source

ENDPOINT = f"/sources/plex/{SLUG}/"
Client = PlexSourceClient | AsyncPlexSourceClient


def make(twin: Twin, **options: Any) -> Client:
    settings: dict[str, Any] = {"url": URL, "token": TOKEN, **options}
    return twin.client_class(**settings)


@pytest.mark.parametrize(
    "url",
    [
        "http://auth.example.com",
        "http://10.0.0.5:9000",
        "http://auth.example.com/api/v3",
    ],
)
def test_plain_http_to_a_remote_host_is_refused(twin: Twin, url: str) -> None:
    with pytest.raises(ConfigurationError, match="allow_insecure_http=True") as caught:
        make(twin, url=url)
    assert "clear text" in str(caught.value)


def test_plain_http_is_allowed_when_asked(twin: Twin) -> None:
    client = make(twin, url="http://auth.internal", allow_insecure_http=True)
    assert client.base_url == "http://auth.internal/api/v3"


@pytest.mark.parametrize(
    "url",
    ["http://localhost:9000", "http://127.0.0.1:9000", "http://[::1]:9000", "http://a.localhost"],
)
def test_plain_http_to_this_machine_is_allowed(twin: Twin, url: str) -> None:
    assert make(twin, url=url).base_url == url + "/api/v3"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "url must be the authentik URL"),
        ("auth.example.com", "must start with https://"),
        ("ftp://auth.example.com", "must start with https://"),
        ("https://user:pw@auth.example.com", "must not contain credentials"),
        ("https://auth.example.com/?x=1", "query or fragment"),
        ("http://[::1", "not a valid URL"),
        ("http://127.0.0.1:99999", "not a valid URL"),
        ("http://127.0.0.1:abc", "not a valid URL"),
        ("https://auth example.com", "not a valid URL"),
        ("https://" + "a" * 70_000 + ".com", "not a valid URL"),
        # no valid punycode: httpx decodes it only when building a request (it blamed the slug)
        ("https://xn--a.example", "not a valid URL"),
    ],
)
def test_bad_urls(twin: Twin, url: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message) as caught:
        make(twin, url=url)
    assert len(str(caught.value)) < 300


@pytest.mark.parametrize(
    "token",
    [
        "",
        "   ",
        "two words",
        "line\nbreak",
        None,
        f"{TOKEN}\x07",
        f"{TOKEN}\x00",
        f"{TOKEN}é",
        f"\ufeff{TOKEN}",
        f"{TOKEN}\u200b",
        f" {TOKEN}",
    ],
)
def test_bad_tokens(twin: Twin, token: Any) -> None:
    with pytest.raises(ConfigurationError, match="token") as caught:
        make(twin, token=token)
    # The message never repeats the token, or any part of it.
    assert TOKEN not in str(caught.value) + repr(caught.value)
    assert TOKEN[:8] not in str(caught.value)


@pytest.mark.parametrize("prefix", ["Bearer ", "bearer  ", "BEARER\t"])
def test_a_token_copied_with_its_bearer_prefix(twin: Twin, prefix: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        make(twin, token=prefix + TOKEN)
    message = str(caught.value)
    assert message == (
        'token starts with "Bearer ": give the token alone, without that prefix (the client '
        "adds it)"
    )
    assert TOKEN[:8] not in message + repr(caught.value)
    with pytest.raises(ConfigurationError, match="without that prefix"):
        twin.client_class.from_env(
            environ={"AUTHENTIK_URL": URL, "AUTHENTIK_TOKEN": "Bearer " + TOKEN}
        )


def test_token_file_with_a_byte_order_mark_and_newline(twin: Twin, tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_bytes(b"\xef\xbb\xbf" + TOKEN.encode() + b"\r\n")
    client = twin.client_class.from_env(
        environ={"AUTHENTIK_URL": URL, "AUTHENTIK_TOKEN_FILE": str(token_file)}
    )
    assert client._core.settings.token.reveal() == TOKEN


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe" + TOKEN.encode("utf-16-le"), "not UTF-8"),
        (b"x" * 100_000, "larger than"),
        # Sent as written, these fail as a 403 that never says why (review round 38b).
        (f"AUTHENTIK_TOKEN={TOKEN}\n".encode(), "holds a variable's assignment"),
        (f"export AUTHENTIK_TOKEN={TOKEN}\n".encode(), "holds a variable's assignment"),
        (f"AUTHENTIK_URL=https://a.example\nTOKEN = {TOKEN}".encode(), "variable's assignment"),
        (f'"{TOKEN}"\n'.encode(), "holds the secret in quotes"),
        (f"'{TOKEN}'".encode(), "holds the secret in quotes"),
    ],
)
def test_token_file_that_is_no_token(
    twin: Twin, tmp_path: Path, content: bytes, message: str
) -> None:
    token_file = tmp_path / "token"
    token_file.write_bytes(content)
    with pytest.raises(ConfigurationError, match=message) as caught:
        twin.client_class.from_env(
            environ={"AUTHENTIK_URL": URL, "AUTHENTIK_TOKEN_FILE": str(token_file)}
        )
    shown = str(caught.value) + repr(caught.value)
    assert "xxxx" not in shown
    assert TOKEN[:8] not in shown


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (f'"{TOKEN}"', "AUTHENTIK_TOKEN holds the secret in quotes"),  # docker --env-file
        (f"AUTHENTIK_TOKEN={TOKEN}", "AUTHENTIK_TOKEN holds a variable's assignment"),
    ],
)
def test_a_quoted_or_assigned_token_variable_is_refused(
    twin: Twin, value: str, message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message) as caught:
        twin.client_class.from_env(environ={"AUTHENTIK_URL": URL, "AUTHENTIK_TOKEN": value})
    assert TOKEN[:8] not in str(caught.value) + repr(caught.value)


@pytest.mark.parametrize("token", ["dGVzdA==", "abc=def", "Token_2024=", "a'b'", "'"])
def test_token_file_of_a_token_with_quotes_or_equals_signs_inside_is_read(
    twin: Twin, tmp_path: Path, token: str
) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(token + "\n")
    client = twin.client_class.from_env(
        environ={"AUTHENTIK_URL": URL, "AUTHENTIK_TOKEN_FILE": str(token_file)}
    )
    assert client._core.settings.token.reveal() == token


@pytest.mark.parametrize(
    "timeout",
    [
        0,
        -1,
        None,
        "5",
        float("inf"),
        float("nan"),
        -0.0,
        1e300,
        httpx.Timeout(None),
        httpx.Timeout(5, read=float("inf")),
        httpx.Timeout(5, connect=float("nan")),
        httpx.Timeout(5, pool=0),
    ],
)
def test_timeouts_must_be_finite(twin: Twin, timeout: Any) -> None:
    with pytest.raises(ConfigurationError, match="timeout"):
        make(twin, timeout=timeout)


@pytest.mark.parametrize("timeout", [float("inf"), float("nan"), 0, -2])
def test_a_per_call_timeout_is_checked_too(
    twin: Twin, api: respx.MockRouter, timeout: float
) -> None:
    route = api.patch(ENDPOINT).respond(200, json=plex_source())
    with pytest.raises(ConfigurationError, match="timeout"):
        twin.update(SLUG, enabled=True, timeout=timeout)
    assert route.call_count == 0


@pytest.mark.parametrize("max_retries", [-1, 1.5, True, 11, 10**9])
def test_bad_max_retries(twin: Twin, max_retries: Any) -> None:
    with pytest.raises(ConfigurationError, match="max_retries"):
        make(twin, max_retries=max_retries)


@pytest.mark.parametrize("size", [0, -1, True, 1.5, "1MiB", None])
def test_bad_max_response_size(twin: Twin, size: Any) -> None:
    with pytest.raises(ConfigurationError, match="max_response_size"):
        make(twin, max_response_size=size)


def test_sync_pools_end_each_attempt_at_its_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    from plex_source_client._http import deadline, deadline_backend

    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:3128")
    with PlexSourceClient(url=URL, token=TOKEN) as client:
        # Its own pool and the proxy's: installing again finds nothing left to wrap.
        assert deadline.install(deadline.client_transports(client._http))
        pools = [client._http._transport, *client._http._mounts.values()]
        assert len(pools) >= 2
        for transport in pools:
            assert isinstance(transport._pool._network_backend, deadline_backend.DeadlineBackend)  # type: ignore[union-attr]


def sent_timeout(route: respx.Route) -> dict[str, float]:
    timeout: dict[str, float] = route.calls.last.request.extensions["timeout"]
    return timeout


def test_default_timeout_is_finite(twin: Twin, api: respx.MockRouter) -> None:
    route = api.patch(ENDPOINT).respond(200, json=plex_source())
    twin.update(SLUG, enabled=True)
    assert sent_timeout(route) == {"connect": 5.0, "read": 30.0, "write": 30.0, "pool": 30.0}
    assert httpx.Timeout(30.0, connect=5.0) == DEFAULT_TIMEOUT


def test_client_timeout_and_per_call_override(twin: Twin, api: respx.MockRouter) -> None:
    route = api.patch(ENDPOINT).respond(200, json=plex_source())
    # A number is each attempt's whole budget; connecting may take 5 s of it at most.
    twin.update(SLUG, options={"timeout": 7}, enabled=True)
    assert sent_timeout(route) == {"connect": 5.0, "read": 7.0, "write": 7.0, "pool": 7.0}
    twin.update(SLUG, options={"timeout": 7}, enabled=True, timeout=1.5)
    assert sent_timeout(route) == {"connect": 1.5, "read": 1.5, "write": 1.5, "pool": 1.5}
    # An httpx.Timeout: its read value is the budget, its connect value the connect limit.
    twin.update(SLUG, enabled=True, timeout=httpx.Timeout(20, connect=9))
    assert sent_timeout(route) == {"connect": 9.0, "read": 20.0, "write": 20.0, "pool": 20.0}


def test_callers_http_client_keeps_its_own_timeout(twin: Twin, api: respx.MockRouter) -> None:
    route = api.patch(ENDPOINT).respond(200, json=plex_source())
    own: Any = (httpx.Client if twin.kind == "sync" else httpx.AsyncClient)(timeout=12.0)
    twin.update(SLUG, options={"http_client": own}, enabled=True)
    assert sent_timeout(route) == {"connect": 12.0, "read": 12.0, "write": 12.0, "pool": 12.0}
    assert not own.is_closed


def test_async_callers_http_client_is_used_and_not_closed(api: respx.MockRouter) -> None:
    route = api.patch(ENDPOINT).respond(200, json=plex_source())

    async def run() -> bool:
        async with httpx.AsyncClient(headers={"X-Team": "infra"}) as own:
            async with AsyncPlexSourceClient(url=API, token=TOKEN, http_client=own) as client:
                await client.update(SLUG, enabled=True)
            return own.is_closed

    assert asyncio.run(run()) is False
    assert route.calls.last.request.headers["X-Team"] == "infra"


def test_verify_options(twin: Twin, tmp_path: Path) -> None:
    assert make(twin)._core.settings.verify is True
    assert make(twin, verify=False)._core.settings.verify is False
    bundle = Path(ssl.get_default_verify_paths().cafile or "/etc/ssl/certs/ca-certificates.crt")
    if not bundle.exists():
        pytest.skip("no system CA bundle to load")
    context = make(twin, verify=str(bundle))._core.settings.verify
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED
    with pytest.raises(ConfigurationError, match="cannot load CA bundle"):
        make(twin, verify=str(tmp_path / "missing.pem"))


def _contexts(client: Client) -> list[ssl.SSLContext]:
    """The TLS contexts a client's connections would use (its pools made, for the async one)."""
    if isinstance(client, PlexSourceClient):
        return [client._http._transport._pool._ssl_context]  # type: ignore[attr-defined]
    sharded: Any = client._http._transport  # ShardedAsyncTransport
    sharded._pick()
    return [pool._pool._ssl_context for pool in sharded._pools]


def test_verify_true_loads_the_ca_bundle_once_for_every_client(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Loading the CA bundle costs ~35 ms: every client with ``verify=True`` shares the one
    loaded context, unless SSL_CERT_FILE (httpx reads it) names another bundle by then.
    """
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    made: list[Client] = [PlexSourceClient(url=URL, token=TOKEN) for _ in range(2)]
    made += [AsyncPlexSourceClient(url=URL, token=TOKEN) for _ in range(2)]
    contexts = [context for client in made for context in _contexts(client)]
    assert len(contexts) == 4
    assert all(context is contexts[0] for context in contexts)
    assert contexts[0].verify_mode == ssl.CERT_REQUIRED
    assert len(contexts[0].get_ca_certs()) > 1  # certifi's bundle
    for client in made:
        if isinstance(client, PlexSourceClient):
            client.close()

    import certifi

    bundle = Path(certifi.where()).read_text()
    one = tmp_path / "one.pem"  # a bundle of certifi's first certificate only
    one.write_text(bundle[: bundle.index("-----END CERTIFICATE-----") + 26])
    monkeypatch.setenv("SSL_CERT_FILE", str(one))
    for kind in (PlexSourceClient, AsyncPlexSourceClient):
        (context,) = _contexts(kind(url=URL, token=TOKEN))
        assert context is not contexts[0]
        assert len(context.get_ca_certs()) == 1


def test_from_env(twin: Twin, tmp_path: Path) -> None:
    client = twin.client_class.from_env(
        environ={"AUTHENTIK_URL": "https://auth.example.com/", "AUTHENTIK_TOKEN": TOKEN}
    )
    assert client.base_url == API
    assert client._core.settings.verify is True
    insecure = twin.client_class.from_env(
        environ={"AUTHENTIK_URL": URL, "AUTHENTIK_TOKEN": TOKEN, "AUTHENTIK_INSECURE": "true"},
        max_retries=5,
    )
    assert insecure._core.settings.verify is False
    assert insecure.max_retries == 5
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    from_file = twin.client_class.from_env(
        environ={"AUTHENTIK_URL": URL, "AUTHENTIK_TOKEN_FILE": str(token_file)}
    )
    assert from_file._core.settings.token.reveal() == TOKEN
    overridden = twin.client_class.from_env(environ={}, url=URL, token=TOKEN)
    assert overridden.base_url == API


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"AUTHENTIK_TOKEN": TOKEN}, "AUTHENTIK_URL is not set"),
        ({"AUTHENTIK_URL": URL}, "AUTHENTIK_TOKEN"),
        ({"AUTHENTIK_URL": URL, "AUTHENTIK_TOKEN_FILE": "/nonexistent/t"}, "cannot read"),
        (
            {"AUTHENTIK_URL": URL, "AUTHENTIK_TOKEN": TOKEN, "AUTHENTIK_INSECURE": "maybe"},
            "AUTHENTIK_INSECURE must be true or false",
        ),
    ],
)
def test_from_env_errors(twin: Twin, environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        twin.client_class.from_env(environ=environ)


def test_from_env_reads_os_environ(twin: Twin, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTHENTIK_URL", URL)
    monkeypatch.setenv("AUTHENTIK_TOKEN", TOKEN)
    assert twin.client_class.from_env().base_url == API


def test_configuration_error_is_a_value_error() -> None:
    assert issubclass(ConfigurationError, ValueError)


@pytest.mark.parametrize(
    ("url", "root"),
    [
        ("https://auth.example.com/if/admin/", "https://auth.example.com"),
        ("https://auth.example.com/if/admin/#/core/sources", "https://auth.example.com"),
        ("https://example.com/authentik/if/flow/login/", "https://example.com/authentik"),
        ("https://auth.example.com/api/v3/sources/plex/my-plex/", "https://auth.example.com"),
        ("https://auth.example.com/api/v3/sources/plex/", "https://auth.example.com"),
    ],
)
def test_a_page_address_is_refused_with_the_root_to_give(twin: Twin, url: str, root: str) -> None:
    with pytest.raises(ConfigurationError, match="not authentik's root") as caught:
        make(twin, url=url)
    assert f"give {root} (or {root}/api/v3)" in str(caught.value)


def test_a_404_that_is_not_authentiks_blames_the_url(twin: Twin, api: respx.MockRouter) -> None:
    api.patch(ENDPOINT).respond(404, html="<html><h1>404 Not Found</h1>nginx</html>")
    with pytest.raises(NotFound) as caught:
        twin.update(SLUG, enabled=True)
    message = str(caught.value)
    assert "the URL is probably wrong: requests went to https://auth.example.com/api/v3/..." in (
        message
    )
    assert "slug" not in message.split("->", 1)[1]
    assert caught.value.wrong_url
    api.patch(ENDPOINT).respond(404, json={"detail": "Not found."})
    with pytest.raises(NotFound, match="no Plex source with this slug") as caught:
        twin.update(SLUG, enabled=True)
    assert not caught.value.wrong_url
    assert "probably wrong" not in str(caught.value)


def test_a_404_on_the_list_blames_the_url(twin: Twin, api: respx.MockRouter) -> None:
    # authentik's own JSON 404 (a path its router has no route for), but on the list, which
    # every authentik has: the URL is wrong, whatever the body.
    api.get("/sources/plex/").respond(404, json={"detail": "Not found."})
    with pytest.raises(NotFound) as caught:
        twin.list_sources()
    assert caught.value.wrong_url
    message = str(caught.value)
    assert "the list of Plex sources is not found" in message
    assert "the URL is probably wrong: requests went to https://auth.example.com/api/v3/..." in (
        message
    )
