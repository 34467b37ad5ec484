"""A ``NO_PROXY`` entry httpx cannot read as a URL pattern (an internationalised host name,
which IDNA refuses with httpx's ``*`` before it; a port typo; a zone-scoped IPv6 literal) is a
ConfigurationError naming NO_PROXY on both clients, and a usage error (exit 2) on the
command line: not httpx's InvalidURL from the sync client's constructor, nor an internal error.
"""

from __future__ import annotations

from typing import Any

import pytest

from plex_source_client import ConfigurationError

from .fixed_server import run_main, source
from .payloads import SLUG

NO_PROXY_ENTRIES = ["bücher.example", "localhost:abc", "[fe80::1%eth0]"]


@pytest.mark.parametrize("entry", NO_PROXY_ENTRIES)
def test_a_no_proxy_entry_httpx_cannot_read_is_a_configuration_error(
    twin: Any, api: Any, monkeypatch: pytest.MonkeyPatch, entry: str
) -> None:
    monkeypatch.setenv("https_proxy", "http://127.0.0.1:9")
    monkeypatch.setenv("no_proxy", entry)
    api.get(f"/sources/plex/{SLUG}/").respond(200, json=source())
    with pytest.raises(ConfigurationError, match="NO_PROXY"):
        twin.call("get", SLUG, options={"max_retries": 0})


@pytest.mark.parametrize("entry", NO_PROXY_ENTRIES)
def test_cli_a_no_proxy_entry_httpx_cannot_read_is_a_usage_error(entry: str) -> None:
    code, out, err, _ = run_main(
        ["get", SLUG],
        url="https://127.0.0.1:9",
        env={"https_proxy": "http://127.0.0.1:9", "no_proxy": entry},
    )
    assert (code, out) == (2, ""), err
    assert "NO_PROXY" in err
    assert "internal error" not in err


def test_readable_no_proxy_entries_still_work(
    twin: Any, api: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("https_proxy", "http://127.0.0.1:9")
    monkeypatch.setenv("no_proxy", "localhost,.example.com,10.0.0.1,::1,auth.example.com")
    api.get(f"/sources/plex/{SLUG}/").respond(200, json=source())
    assert twin.call("get", SLUG, options={"max_retries": 0}).slug == SLUG
