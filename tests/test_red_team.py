"""What an outside red team found against the hardened client, each kept as a test: secrets
echoed where masking missed them, pagination that never ends, inputs that escaped as Python
exceptions, a SOCKS proxy spoken to in HTTP.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import respx

from plex_source_client import (
    BadRequest,
    ConfigurationError,
    InvalidRequest,
    PlexSourceError,
    ServerError,
    UnexpectedResponse,
)
from plex_source_client._answers import MAX_PARSED_ERROR, error_body
from plex_source_client._http.body import Answer
from plex_source_client._secrets import mask_text

from .conftest import Twin
from .payloads import PLEX_TOKEN, SLUG, TOKEN, plex_source
from .scripted_server import Reply, ScriptedServer

ENDPOINT = f"/sources/plex/{SLUG}/"
LIST = "/sources/plex/"


def shown(error: BaseException) -> str:
    return f"{error} {error!r} {getattr(error, 'body', '')} {getattr(error, 'errors', '')}"


def test_secrets_echoed_as_keys_are_masked(twin: Twin, api: respx.MockRouter) -> None:
    api.patch(ENDPOINT).respond(400, json={TOKEN: ["x"], PLEX_TOKEN: ["y"]})
    with pytest.raises(BadRequest) as caught:
        twin.update(SLUG, options={"max_retries": 0}, plex_token=PLEX_TOKEN, enabled=True)
    assert TOKEN not in shown(caught.value)
    assert PLEX_TOKEN not in shown(caught.value)


def test_a_sent_plex_token_with_spaces_is_masked_trimmed_too(
    twin: Twin, api: respx.MockRouter
) -> None:
    api.patch(ENDPOINT).respond(400, json={"non_field_errors": [f"token {PLEX_TOKEN} invalid"]})
    with pytest.raises(BadRequest) as caught:
        twin.update(SLUG, plex_token=f"  {PLEX_TOKEN}\n", enabled=True)
    assert PLEX_TOKEN not in shown(caught.value)


def test_an_answer_carrying_the_api_token_is_refused(twin: Twin, api: respx.MockRouter) -> None:
    api.patch(ENDPOINT).respond(200, json=plex_source(name=TOKEN))
    with pytest.raises(UnexpectedResponse, match="contains your API token") as caught:
        twin.update(SLUG, enabled=True)
    assert TOKEN not in shown(caught.value)


@pytest.mark.parametrize(
    "text",
    [
        "<pre>data = {&quot;plex_token&quot;: &quot;STORED-secret-789&quot;}</pre>",
        '{"plex_\\u0074oken": "STORED-secret-789"',
        '{"plex_token": ["STORED-secret-789"',
        '{"plex_token": {"value": "STORED-secret-789"}}',
        "X-Authentik-Id: plex_token STORED-secret-789",
        "plex_token\tSTORED-secret-789",
        "plex-token -> STORED-secret-789",
        "plex_token%22%3A%22STORED-secret-789",
        "Proxy-Authorization: Basic U1RPUkVELXNlY3JldC03ODk=",
    ],
)
def test_escaped_and_odd_forms_of_secret_keys_are_masked(text: str) -> None:
    masked = mask_text(text, ())
    assert "STORED-secret-789" not in masked
    assert "U1RPUkVELXNlY3JldC03ODk" not in masked


def test_the_proxy_password_never_shows_even_as_basic_credentials(socket_twin: Twin) -> None:
    password = "pw-SECRET-proxy-31337"
    import base64

    basic = base64.b64encode(f"user:{password}".encode()).decode()
    echo = f"proxy says: Proxy-Authorization: Basic {basic} / {basic}".encode()
    reply = Reply(502, body=echo, headers={"Content-Type": "text/plain"})
    with ScriptedServer(reply) as proxy, pytest.raises(ServerError) as caught:
        socket_twin.update(
            SLUG,
            options={
                "url": "http://127.0.0.1:9",
                "proxy": proxy.url.replace("http://", f"http://user:{password}@"),
                "max_retries": 0,
            },
            enabled=False,
        )
    assert basic not in shown(caught.value)
    assert password not in shown(caught.value)


def page(count: int, results: list[dict[str, Any]], next_page: int) -> dict[str, Any]:
    numbers = {"previous": 0, "current": 1, "total_pages": 1, "start_index": 1, "end_index": 1}
    return {"pagination": {**numbers, "count": count, "next": next_page}, "results": results}


def test_a_list_claiming_more_sources_than_any_server_holds_ends(
    twin: Twin, api: respx.MockRouter
) -> None:
    route = api.get(LIST).respond(200, json=page(10**15, [plex_source()], 2))
    with pytest.raises(UnexpectedResponse, match="claims 1,000,000,000,000,000 sources"):
        twin.list_sources(page_size=1)
    assert route.call_count == 1


def test_a_short_page_that_says_more_follow_ends_the_list(
    twin: Twin, api: respx.MockRouter
) -> None:
    route = api.get(LIST).respond(200, json=page(10**5, [plex_source()], 2))
    with pytest.raises(UnexpectedResponse, match="has 1 of 100 sources, yet says page 2"):
        twin.list_sources()
    assert route.call_count == 1


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"timeout": 10**400}, "timeout"),
        ({"timeout": httpx.Timeout(10**400)}, "timeout"),
        ({"limits": 5}, "limits"),
        ({"max_response_size": 10**23}, "max_response_size"),
    ],
)
def test_odd_options_are_configuration_errors(
    twin: Twin, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message):
        twin.client_class(url="https://auth.example.com", token=TOKEN, **options)


@pytest.mark.parametrize("changes", [[("enabled", True)], None, "enabled"])
def test_changes_that_are_not_a_mapping_are_invalid(
    twin: Twin, api: respx.MockRouter, changes: Any
) -> None:
    for method in ("update_from_mapping", "update_raw", "diff_from_mapping"):
        with pytest.raises(InvalidRequest, match="mapping"):
            twin.call(method, SLUG, changes)
    assert not api.calls


def test_a_value_json_cannot_carry_is_invalid_even_unvalidated(
    twin: Twin, api: respx.MockRouter
) -> None:
    with pytest.raises(PlexSourceError):
        twin.update(SLUG, options={"validate": False}, policy_engine_mode=object())
    assert not api.calls


def test_a_big_error_body_is_kept_as_short_text_not_parsed() -> None:
    big = json.dumps([{}] * (MAX_PARSED_ERROR // 3)).encode()
    answer = Answer(httpx.Response(400), big, 1 << 20)
    kept = error_body(answer, ())
    assert isinstance(kept, str)
    assert len(kept) < 5000


def test_the_removed_aiohttp_backend_is_refused_with_the_reason() -> None:
    """Code that asked for aiohttp learns it is gone, and what to do, when the client is made."""
    from plex_source_client import AsyncPlexSourceClient

    with pytest.raises(ConfigurationError, match=r"aiohttp backend was removed.*omit backend"):
        AsyncPlexSourceClient(url="https://auth.example.com", token=TOKEN, backend="aiohttp")


@pytest.mark.parametrize("backend", ["auto", "httpx"])
def test_the_kept_backend_names_still_work(backend: str) -> None:
    from plex_source_client import AsyncPlexSourceClient
    from plex_source_client._http.transports import ShardedAsyncTransport

    client = AsyncPlexSourceClient(
        url="https://auth.example.com",
        token=TOKEN,
        backend=backend,  # type: ignore[arg-type]
    )
    assert isinstance(client._http._transport, ShardedAsyncTransport)
