"""A secret pasted into another setting (a CI job mapping its secret to the wrong variable:
``AUTHENTIK_URL=<token>``, the URL and token swapped, ``SSL_CERT_FILE=<token>``,
``HTTPS_PROXY=<token>``, ``url=``/``verify=``/``timeout=`` given the token) is never quoted by
the check that refuses it: a value is quoted only when it looks like what the setting holds
(a URL, a path, a number...), and is otherwise described by its length. A value that looks
right is still named (the user must see which URL or path was wrong), the secrets known at
that point masked in it. (Issue 18, round 14.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from plex_source_client import ConfigurationError

from .conftest import Twin
from .fixed_server import API_TOKEN, run_cli, run_main
from .shown import everything_shown

#: An API token a CI job maps to the wrong variable.
PASTED = "ak_Zq9XvT3kLm8NpR2wYs6BqqWwEe4Rr"
#: A token of ``openssl rand -base64``: its ``/`` makes it look like a path, not enough.
BASE64 = "Zm9vYmFy/c2VjcmV0+dG9rZW4xMjM0NTY3OA=="
#: A secret with a colon: as ``host:port``, its second half is what a parser calls the port.
COLON = "ak_Zq9XvT3kLm8N:pR2wYs6BqqWwEe4Rr"
#: The token the client is given in the library's cases: not the pasted one, so masking
#: known secrets cannot be what hides it.
OTHER_TOKEN = "tok-other-0123456789"
DESCRIBED = "value that is not"


@pytest.fixture(autouse=True)
def no_trust_or_proxy_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SSL_CERT_FILE", "SSL_CERT_DIR", "HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


CLI_CASES = [
    # AUTHENTIK_URL and AUTHENTIK_TOKEN swapped by the job's mapping.
    pytest.param(
        {"AUTHENTIK_URL": PASTED, "AUTHENTIK_TOKEN": "https://auth.example.com"},
        id="url-token-swapped",
    ),
    # the token's secret mapped to AUTHENTIK_URL, the token read from elsewhere.
    pytest.param({"AUTHENTIK_URL": PASTED}, id="token-as-url"),
    pytest.param({"AUTHENTIK_URL": BASE64}, id="base64-token-as-url"),
    pytest.param({"SSL_CERT_FILE": PASTED}, id="token-as-ssl-cert-file"),
    pytest.param({"SSL_CERT_FILE": BASE64}, id="base64-token-as-ssl-cert-file"),
    pytest.param({"SSL_CERT_DIR": PASTED}, id="token-as-ssl-cert-dir"),
    # httpx takes ``host:port`` as http://host:port, and quotes a port it cannot read.
    pytest.param({"HTTPS_PROXY": COLON}, id="token-with-colon-as-https-proxy"),
    pytest.param({"AUTHENTIK_URL": f"Bearer {PASTED}"}, id="header-as-url"),
    pytest.param({"AUTHENTIK_INSECURE": PASTED}, id="token-as-authentik-insecure"),
    pytest.param({"AUTHENTIK_SERVER_VERSION": PASTED}, id="token-as-server-version"),
]


@pytest.mark.parametrize("env", CLI_CASES)
def test_cli_does_not_quote_a_secret_pasted_into_another_setting(env: dict[str, str]) -> None:
    code, out, err, _ = run_main(["get", "a", "--max-retries", "0", "--timeout", "2"], env=env)
    assert code == 2, err
    for secret in (PASTED, BASE64.split("/")[0], *COLON.split(":")):
        assert secret not in out + err, err
    assert DESCRIBED in err, err


@pytest.mark.parametrize("option", ["--timeout", "--max-retries", "--max-response-size"])
def test_cli_number_option_given_a_token_does_not_quote_it(option: str) -> None:
    code, out, err, _ = run_main(["get", "a", option, PASTED])
    assert code == 2, err
    assert PASTED not in out + err, err
    assert f"argument {option}: invalid" in err, err
    assert "a 32-character value that is not a number" in err, err


def test_cli_number_option_that_looks_like_a_number_is_still_quoted() -> None:
    code, _, err, _ = run_main(["get", "a", "--max-retries", "1.5"])
    assert code == 2, err
    assert "argument --max-retries: invalid int value: '1.5'" in err, err


def test_cli_a_path_holding_the_api_token_is_named_with_it_masked() -> None:
    """A path that looks like one is named, the API token the run knows masked in it (a path
    built from the wrong variable can hold it). In a process, as a CI job runs it.
    """
    code, out, err, _ = run_cli(
        ["get", "a", "--max-retries", "0"],
        env={"SSL_CERT_FILE": f"/run/secrets/{API_TOKEN}/ca.pem"},
    )
    assert code == 2, err
    assert API_TOKEN not in out + err, err
    assert "SSL_CERT_FILE: cannot load CA bundle '/run/secrets/***/ca.pem'" in err, err


LIBRARY_CASES: dict[str, dict[str, Any]] = {
    "url": {"url": PASTED},
    "url-base64": {"url": BASE64},
    "verify": {"verify": PASTED},
    "verify-base64": {"verify": BASE64},
    "timeout": {"timeout": PASTED},
    "max_retries": {"max_retries": PASTED},
    "max_response_size": {"max_response_size": PASTED},
    "proxy": {"proxy": PASTED},
    "proxy-with-colon": {"proxy": COLON},
    "header-as-url": {"url": f"Bearer {PASTED}"},
    "server_version": {"server_version": PASTED},
}


@pytest.mark.parametrize("options", LIBRARY_CASES.values(), ids=LIBRARY_CASES.keys())
def test_client_does_not_quote_a_secret_given_another_option(
    twin: Twin, options: dict[str, Any]
) -> None:
    settings = {"url": "https://auth.example.com", "token": OTHER_TOKEN, **options}
    with pytest.raises(ConfigurationError) as caught:
        twin.client_class(**settings)
    shown = everything_shown(caught.value)
    for secret in (PASTED, BASE64.split("/")[0], *COLON.split(":")):
        assert secret not in shown, shown
    assert DESCRIBED in str(caught.value), str(caught.value)


@pytest.mark.parametrize(
    "environ",
    [
        {"AUTHENTIK_URL": PASTED, "AUTHENTIK_TOKEN": "https://auth.example.com"},
        {"AUTHENTIK_URL": "https://auth.example.com", "AUTHENTIK_TOKEN": OTHER_TOKEN,
         "AUTHENTIK_INSECURE": PASTED},
    ],
    ids=["swapped", "insecure"],
)  # fmt: skip
def test_from_env_does_not_quote_a_secret_in_another_variable(
    twin: Twin, environ: dict[str, str]
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        twin.client_class.from_env(environ=environ)
    shown = everything_shown(caught.value)
    assert PASTED not in shown, shown
    assert DESCRIBED in str(caught.value), str(caught.value)


def test_ssl_cert_file_holding_a_token_is_described(
    twin: Twin, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", PASTED)
    with pytest.raises(ConfigurationError) as caught:
        twin.client_class(url="https://auth.example.com", token=OTHER_TOKEN)
    assert str(caught.value) == (
        "SSL_CERT_FILE: cannot load CA bundle a 32-character value that is not a path (not "
        "shown, in case it is private): No such file or directory"
    )


def test_ssl_cert_file_path_holding_the_clients_token_names_it_masked(
    twin: Twin, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A path is named, the client's own token masked in it (the variable's error is raised
    while the client is set up, after the token is known).
    """
    monkeypatch.setenv("SSL_CERT_FILE", f"/run/secrets/{OTHER_TOKEN}/ca.pem")
    with pytest.raises(ConfigurationError) as caught:
        twin.client_class(url="https://auth.example.com", token=OTHER_TOKEN)
    shown = everything_shown(caught.value)
    assert OTHER_TOKEN not in shown, shown
    assert str(caught.value).startswith(
        "SSL_CERT_FILE: cannot load CA bundle '/run/secrets/***/ca.pem': "
    ), str(caught.value)


@pytest.mark.parametrize(
    ("url", "named"),
    [
        ("auth.example.com", "'auth.example.com'"),
        ("authentik:9000", "'authentik:9000'"),
        ("ftp://auth.example.com", "'ftp://auth.example.com'"),
        # Named without its query (it may carry a credential under any name).
        ("https://auth.example.com/?x=1", "'https://auth.example.com/' has a query (?...)"),
        ("http://127.0.0.1:99999", "'http://127.0.0.1:99999'"),
    ],
)
def test_a_url_that_looks_like_one_is_still_named(twin: Twin, url: str, named: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        twin.client_class(url=url, token=OTHER_TOKEN)
    assert named in str(caught.value), str(caught.value)


def test_a_path_that_looks_like_one_is_still_named(twin: Twin, tmp_path: Path) -> None:
    for path in ("ca.pem", "./certs/ca.pem", str(tmp_path / "nowhere" / "ca.pem")):
        with pytest.raises(ConfigurationError) as caught:
            twin.client_class(url="https://auth.example.com", token=OTHER_TOKEN, verify=path)
        assert f"verify: cannot load CA bundle {path!r}: " in str(caught.value)


def test_a_proxy_that_looks_like_a_url_is_still_explained(
    twin: Twin, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "proxy.example.com:99999")
    with pytest.raises(ConfigurationError) as caught:
        twin.client_class(url="https://auth.example.com", token=OTHER_TOKEN)
    assert str(caught.value) == (
        "the proxy for https:// (environment) is not a usable proxy URL: port 99999 is out of "
        "range 1-65535"
    )


@pytest.mark.parametrize(
    ("options", "shown"),
    [
        ({"timeout": "5"}, "got '5'"),
        ({"timeout": -1}, "got -1"),
        ({"max_retries": 11}, "got 11"),
        ({"server_version": "latest"}, "got 'latest'"),
    ],
)
def test_a_number_or_release_that_looks_like_one_is_still_quoted(
    twin: Twin, options: dict[str, Any], shown: str
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        twin.client_class(url="https://auth.example.com", token=OTHER_TOKEN, **options)
    assert shown in str(caught.value), str(caught.value)


def test_an_invalid_value_that_is_no_url_is_described_once(twin: Twin) -> None:
    """The header pasted whole (``Bearer <token>``): its space makes it no valid URL, and the
    message describes it once (the parser's words, which quote it, are not kept).
    """
    with pytest.raises(ConfigurationError) as caught:
        twin.client_class(url=f"Bearer {PASTED}", token=OTHER_TOKEN)
    assert str(caught.value) == (
        "url is not a valid URL: a 39-character value that is not a URL (not shown, in case it "
        "is private)"
    )


#: Mixed case: httpx's URL parser lowercases a proxy URL's scheme and host, so a message
#: quoting the parsed URL holds the token lowercased (review round 16).
MIXED = "Qz7Wk2Lm9Rt4Pa8Sd6Fg"


@pytest.mark.parametrize("proxy", [f"ftp://{MIXED}", f"{MIXED}://proxy", f"ftp://{MIXED.lower()}"])
def test_a_proxy_holding_the_api_token_never_quotes_it_in_any_case(twin: Twin, proxy: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        twin.call("get", "plex", options={"token": MIXED, "proxy": proxy})
    assert MIXED.lower() not in everything_shown(caught.value).lower()
    assert "proxy" in str(caught.value)


@pytest.mark.parametrize(
    "env",
    [
        {"HTTP_PROXY": f"ftp://{MIXED}"},
        {"ALL_PROXY": f"{MIXED}://proxy"},
        {"HTTPS_PROXY": f"ftp://{MIXED}", "AUTHENTIK_URL": "https://127.0.0.1:9"},
    ],
)
def test_cli_a_proxy_variable_holding_the_api_token_never_quotes_it_in_any_case(
    env: dict[str, str],
) -> None:
    code, out, err, _ = run_main(
        ["get", "s1", "--max-retries", "0"],
        env={"AUTHENTIK_TOKEN": MIXED, **env},
        url=env.get("AUTHENTIK_URL", "http://127.0.0.1:9"),
    )
    assert code != 0, err
    assert MIXED.lower() not in (out + err).lower(), err
