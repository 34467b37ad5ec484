"""A URL's credentials run to the last ``@`` (a password may hold ``/``, ``#``, ``?``): a URL
parser ends the host at the first of those and quotes the password's start as a "port";
neither the configuration error nor the CLI may show any of it.
"""

from __future__ import annotations

import pytest

from plex_source_client import PlexSourceClient, PlexSourceError
from plex_source_client.cli import main

from .payloads import SLUG
from .shown import everything_shown

API_TOKEN = "tok-SECRET-api-1234567890"
SENT_PLEX_TOKEN = "ptok-SENT-5555544444"
STORED_PLEX_TOKEN = "ptok-STORED-9876543210"
ENDPOINT = f"/sources/plex/{SLUG}/"

Capture = pytest.CaptureFixture[str]


# --- 1. URL credentials with a '/', '#' or '?' in the password -----------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://admin:Hunter2/S3cretPW@auth.example.com",
        "https://admin:Hunter2#S3cretPW@auth.example.com",
        "https://admin:Hunter2?S3cretPW@auth.example.com",
    ],
)
def test_url_password_with_a_slash_is_not_shown_in_the_configuration_error(url: str) -> None:
    """urlsplit ends the authority at the first '/', '#' or '?': the password's first part
    becomes a "port", and both maskers (_CONFIG_USERINFO, _USERINFO) stop there too, so
    the message quotes the whole URL, credentials included.
    """
    with pytest.raises(PlexSourceError) as caught:
        PlexSourceClient(url=url, token=API_TOKEN)
    shown = everything_shown(caught.value)
    assert "Hunter2" not in shown, str(caught.value)
    assert "S3cretPW" not in shown, str(caught.value)


def test_cli_does_not_print_a_url_password_with_a_slash(
    capsys: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUTHENTIK_URL", "https://admin:Hunter2/S3cretPW@auth.example.com")
    monkeypatch.setenv("AUTHENTIK_TOKEN", API_TOKEN)
    code = main(["get", SLUG])
    captured = capsys.readouterr()
    assert code != 0
    assert "Hunter2" not in captured.err + captured.out, captured.err
    assert "S3cretPW" not in captured.err + captured.out, captured.err


@pytest.mark.parametrize(
    "proxy",
    ["http://user:Hunter2S3cret/x@proxy.example:3128", "http://user:Hunter2S3cret#x@proxy:3128"],
)
def test_proxy_password_with_a_slash_is_not_quoted_as_a_port(proxy: str) -> None:
    """httpx says ``Invalid port: 'Hunter2S3cret'``: the proxy password (up to its '/')."""
    with pytest.raises(PlexSourceError) as caught:
        PlexSourceClient(url="https://auth.example.com", token=API_TOKEN, proxy=proxy)
    assert "Hunter2S3cret" not in everything_shown(caught.value), str(caught.value)


@pytest.mark.parametrize(
    ("url", "userinfo"),
    [
        ("https://admin:a/b#c?d@host/path", "admin:a/b#c?d"),
        ("//admin:pw@host", "admin:pw"),
        ("https:admin:pw@host", "admin:pw"),
        ("https://user@mail@host", "user@mail"),
        ("https://host/path", None),
        ("https://host/x y@z", "host/x y"),  # a configured URL is one value: read whole
        ("https://host/x y", None),
    ],
)
def test_userinfo_runs_to_the_last_at(url: str, userinfo: str | None) -> None:
    from plex_source_client._secrets import mask_userinfo, url_userinfo

    assert url_userinfo(url) == userinfo
    if userinfo is not None and "://" in url and " " not in url:
        assert userinfo not in mask_userinfo(f"see {url} now")


def test_a_proxy_password_with_a_digit_before_its_slash_is_refused_not_sent_elsewhere() -> None:
    """``http://user:3128/x@proxy``: a URL parser reads host ``user``, port 3128: valid, and
    the proxy's password would go to another host. It is refused, nothing quoted.
    """
    # In a variable: Python 3.13's tracebacks quote the whole call, literal included.
    proxy = "http://user:" + "3128/Sec@proxy:8080"
    with pytest.raises(PlexSourceError) as caught:
        PlexSourceClient(url="https://auth.example.com", token=API_TOKEN, proxy=proxy)
    assert "3128" not in everything_shown(caught.value), str(caught.value)
    assert "Sec" not in str(caught.value)


def test_credentials_found_before_parsing_are_refused_as_credentials() -> None:
    """The careful reading comes first: the user is told the URL holds credentials, not that
    its "port" is wrong (a parser's view of the password).
    """
    with pytest.raises(PlexSourceError) as caught:
        PlexSourceClient(url="https://admin:99/S3cretPW@auth.example.com", token=API_TOKEN)
    assert "must not contain credentials" in str(caught.value)
    assert "99" not in str(caught.value)
