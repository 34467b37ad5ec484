"""Proxies: both clients, on every backend, and the command line go through the proxy that the
environment (``HTTP_PROXY``, ``HTTPS_PROXY``, ``ALL_PROXY``, ``NO_PROXY``, read as httpx reads
them) or the ``proxy`` option names: plain forwarding for ``http://``, a CONNECT tunnel for
``https://``. Tested through a real forward proxy on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import ssl
import subprocess
import sys
from pathlib import Path

import pytest
import trustme

from plex_source_client import ConfigurationError, PlexSource, TransportError

from .conftest import Twin
from .forward_proxy import ForwardProxy
from .payloads import SLUG, TOKEN
from .scripted_server import ScriptedServer

PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> tuple[ssl.SSLContext, str]:
    """A server TLS context for 127.0.0.1, and the path of the CA bundle that trusts it."""
    ca = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(server_context)
    bundle = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    return server_context, str(bundle)


@pytest.fixture(autouse=True)
def no_proxy_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


def expected_line(server: ScriptedServer) -> str:
    if server.url.startswith("https://"):
        return f"CONNECT {server.url.removeprefix('https://')} HTTP/1.1"
    return f"PATCH {server.url}/api/v3/sources/plex/{SLUG}/ HTTP/1.1"


@pytest.mark.parametrize(
    ("variable", "https"), [("HTTP_PROXY", False), ("HTTPS_PROXY", True), ("ALL_PROXY", True)]
)
def test_the_environment_proxy_is_used(
    socket_twin: Twin,
    monkeypatch: pytest.MonkeyPatch,
    tls: tuple[ssl.SSLContext, str],
    variable: str,
    https: bool,
) -> None:
    with ForwardProxy() as proxy, ScriptedServer(tls=tls[0] if https else None) as server:
        monkeypatch.setenv(variable, proxy.url)
        source = socket_twin.update(
            SLUG, options={"url": server.url, "verify": tls[1]}, enabled=False
        )
    assert isinstance(source, PlexSource)
    assert len(server.received) == 1
    assert proxy.seen == [expected_line(server)]


def test_no_proxy_goes_direct(socket_twin: Twin, monkeypatch: pytest.MonkeyPatch) -> None:
    with ForwardProxy() as proxy, ScriptedServer() as server:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        socket_twin.update(SLUG, options={"url": server.url}, enabled=False)
    assert proxy.seen == []
    assert len(server.received) == 1


@pytest.mark.parametrize("https", [False, True])
def test_the_proxy_option_wins_over_the_environment(
    socket_twin: Twin, monkeypatch: pytest.MonkeyPatch, tls: tuple[ssl.SSLContext, str], https: bool
) -> None:
    with ForwardProxy() as proxy, ScriptedServer(tls=tls[0] if https else None) as server:
        monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens there
        monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
        socket_twin.update(
            SLUG,
            options={"url": server.url, "verify": tls[1], "proxy": proxy.url},
            enabled=False,
        )
    assert proxy.seen == [expected_line(server)]


@pytest.mark.parametrize(
    ("options", "environ", "message"),
    [
        ({"proxy": "ftp://proxy.example.com"}, {}, "proxy is not a usable proxy URL"),
        ({"proxy": 8080}, {}, "proxy must be a proxy URL"),
        ({}, {"HTTPS_PROXY": "ftp://proxy.example.com"}, "environment"),
    ],
)
def test_bad_proxy_settings_are_configuration_errors(
    twin: Twin,
    monkeypatch: pytest.MonkeyPatch,
    options: dict[str, object],
    environ: dict[str, str],
    message: str,
) -> None:
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError, match=message):
        twin.client_class(url="https://auth.example.com", token=TOKEN, **options)  # type: ignore[arg-type]


def test_the_proxy_password_never_shows(socket_twin: Twin) -> None:
    password = "pw-SECRET-proxy-31337"
    with pytest.raises(TransportError) as caught:
        socket_twin.update(
            SLUG,
            options={
                "url": "http://127.0.0.1:9",
                "proxy": f"http://user:{password}@127.0.0.1:9",
                "max_retries": 0,
            },
            enabled=False,
        )
    assert password not in str(caught.value) + repr(caught.value)


@pytest.mark.parametrize("https", [False, True])
def test_plex_source_apply_goes_through_the_proxy(
    tmp_path: Path, tls: tuple[ssl.SSLContext, str], https: bool
) -> None:
    """The CLI's concurrent apply runs on the async client: it must honour the variables too."""
    plan = tmp_path / "plan.json"
    plan.write_text(
        json.dumps([{"slug": f"plex-{n}", "changes": {"enabled": True}} for n in range(3)])
    )
    with ForwardProxy() as proxy, ScriptedServer(tls=tls[0] if https else None) as server:
        variable = "HTTPS_PROXY" if https else "HTTP_PROXY"
        env = {
            **{k: v for k, v in os.environ.items() if k.upper() not in PROXY_VARIABLES},
            "AUTHENTIK_URL": server.url,
            "AUTHENTIK_TOKEN": TOKEN,
            variable: proxy.url,
            "SSL_CERT_FILE": tls[1],
        }
        done = subprocess.run(
            # --no-read: the scripted server answers PATCHes only
            [
                sys.executable,
                "-m",
                "plex_source_client",
                "apply",
                str(plan),
                "--output",
                "json",
                "--no-read",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 0, done.stderr
    assert len(server.received) == 3
    if https:
        assert proxy.seen
        assert all(line.startswith("CONNECT 127.0.0.1:") for line in proxy.seen)
    else:
        assert sorted(proxy.seen) == sorted(
            f"PATCH {server.url}/api/v3/sources/plex/plex-{n}/ HTTP/1.1" for n in range(3)
        )


@pytest.mark.parametrize(
    "proxies",
    [
        {},
        {"https": "http://proxy:3128", "http": "proxy:3128"},
        {"all": "socks5://proxy:1080", "no": "example.com, .internal,127.0.0.1,::1,localhost"},
        {"https": "http://proxy:3128", "no": "http://plain.example.com,192.168.0.0/16"},
        {"https": "http://proxy:3128", "no": "a.example.com,*"},
    ],
)
def test_the_environment_proxies_are_read_as_httpx_reads_them(
    proxies: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """plex_source_client._http.clients restates httpx's private get_environment_proxies (so
    that nothing outside the HTTP modules depends on httpx internals): the same mounts.
    """
    from httpx import _utils

    from plex_source_client._http.clients import environment_proxies

    monkeypatch.setattr(_utils, "getproxies", lambda: proxies)
    assert environment_proxies(proxies) == _utils.get_environment_proxies()
