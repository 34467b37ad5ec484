"""A URL that holds the API token (``AUTHENTIK_URL`` built from the wrong variable; a
backslash that makes the rest part of the host) is refused when the client is made, without
quoting the token: every message about a request would otherwise quote the URL. Found by the
twelfth outside review (the TransportError quoted the token in the host before the fix).
"""

from __future__ import annotations

import pytest

from plex_source_client import ConfigurationError

from .conftest import Twin
from .shown import everything_shown

API_TOKEN = "ApiTok-0123456789abcdefghijXYZ"


@pytest.mark.parametrize(
    "url",
    [
        f"https://{API_TOKEN}.example.com",
        f"https://auth.example.com\\{API_TOKEN}",
        f"https://auth.example.com/{API_TOKEN}/",
    ],
    ids=["host", "backslash", "path"],
)
def test_a_url_holding_the_api_token_is_refused_without_quoting_it(twin: Twin, url: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        twin.call("get", "plex", options={"url": url, "token": API_TOKEN, "max_retries": 0})
    assert API_TOKEN not in everything_shown(caught.value)
    assert API_TOKEN.lower() not in everything_shown(caught.value).lower()


def test_a_short_token_inside_a_host_name_is_no_reason_to_refuse(twin: Twin) -> None:
    """A 3-letter token's letters in a host (``tok`` in ``stock``) are a coincidence."""
    twin.client_class(url="https://stock.example.com", token="tok")
