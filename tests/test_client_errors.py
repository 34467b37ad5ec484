"""How each server answer becomes a typed error, with status, request id, method, url, body."""

from __future__ import annotations

import json

import httpx
import pytest
import respx

from plex_source_client import (
    APIError,
    BadRequest,
    NotFound,
    PermissionDenied,
    PlexSourceError,
    RateLimited,
    RequestTimeout,
    ServerError,
    TransportError,
    UnexpectedResponse,
    UnexpectedStatus,
)
from plex_source_client._secrets import mask_text

from .conftest import API, Twin
from .payloads import PLEX_TOKEN, SLUG, plex_source

ENDPOINT = f"/sources/plex/{SLUG}/"
URL = f"{API}{ENDPOINT}"
RID = {"X-Authentik-Id": "rid-42"}


def test_400_bad_request_keeps_every_field_error(twin: Twin, api: respx.MockRouter) -> None:
    body = {
        "slug": ["source with this slug already exists."],
        "allowed_servers": {"1": ["This field may not be blank."]},
        "non_field_errors": ["Whole object is wrong."],
        "detail": "JSON parse error",
    }
    route = api.patch(ENDPOINT).respond(400, json=body, headers=RID)
    with pytest.raises(BadRequest) as caught:
        twin.update(SLUG, new_slug="taken")
    error = caught.value
    assert error.errors == {
        "slug": ["source with this slug already exists."],
        "allowed_servers": ["Item 1: This field may not be blank."],
        "non_field_errors": ["Whole object is wrong."],
        "detail": ["JSON parse error"],
    }
    assert (error.status_code, error.request_id, error.method, error.url) == (
        400,
        "rid-42",
        "PATCH",
        URL,
    )
    assert error.body == body
    assert error.attempts == 1
    assert "slug: source with this slug already exists." in str(error)
    assert "rid-42" in str(error)
    assert route.call_count == 1  # never retried


def test_400_with_a_json_array_body(twin: Twin, api: respx.MockRouter) -> None:
    api.patch(ENDPOINT).respond(400, json=["Invalid data. Expected a dictionary, but got list."])
    with pytest.raises(BadRequest) as caught:
        twin.update(SLUG, enabled=True)
    assert caught.value.errors == {
        "non_field_errors": ["Invalid data. Expected a dictionary, but got list."]
    }


@pytest.mark.parametrize(
    "detail", ["Token invalid/expired", "You do not have permission to perform this action."]
)
def test_403_permission_denied(twin: Twin, api: respx.MockRouter, detail: str) -> None:
    route = api.patch(ENDPOINT).respond(403, json={"detail": detail}, headers=RID)
    with pytest.raises(PermissionDenied) as caught:
        twin.update(SLUG, enabled=True)
    assert caught.value.status_code == 403
    assert caught.value.body == {"detail": detail}
    assert detail in str(caught.value)
    assert route.call_count == 1


def test_404_not_found(twin: Twin, api: respx.MockRouter) -> None:
    route = api.patch(ENDPOINT).respond(404, json={"detail": "Not found."}, headers=RID)
    with pytest.raises(NotFound) as caught:
        twin.update(SLUG, enabled=True)
    assert caught.value.request_id == "rid-42"
    assert "no Plex source with this slug" in str(caught.value)
    assert route.call_count == 1


@pytest.mark.parametrize(
    ("status", "body"),
    [(405, {"detail": 'Method "PATCH" not allowed.'}), (415, {"detail": "Unsupported media"})],
)
def test_other_statuses_are_unexpected(
    twin: Twin, api: respx.MockRouter, status: int, body: dict[str, str]
) -> None:
    api.patch(ENDPOINT).respond(status, json=body)
    with pytest.raises(UnexpectedStatus) as caught:
        twin.update(SLUG, enabled=True)
    assert caught.value.status_code == status
    assert body["detail"] in str(caught.value)


def test_500_is_a_server_error_and_not_retried(twin: Twin, api: respx.MockRouter) -> None:
    route = api.patch(ENDPOINT).respond(500, text="<html><title>500</title>Oops</html>")
    with pytest.raises(ServerError) as caught:
        twin.update(SLUG, enabled=True)
    assert caught.value.body == "<html><title>500</title>Oops</html>"
    assert "Oops" in str(caught.value)
    assert route.call_count == 1


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_redirect_is_not_followed_with_the_token(
    twin: Twin, api: respx.MockRouter, status: int
) -> None:
    elsewhere = api.route(host="evil.example.net").respond(200, json=plex_source())
    api.patch(ENDPOINT).respond(status, headers={"Location": "https://evil.example.net/steal"})
    with pytest.raises(UnexpectedStatus) as caught:
        twin.update(SLUG, enabled=True)
    assert caught.value.location == "https://evil.example.net/steal"
    assert "not followed" in str(caught.value)
    assert elsewhere.call_count == 0


def test_redirect_is_not_followed_even_when_the_callers_client_would(
    api: respx.MockRouter,
) -> None:
    from plex_source_client import PlexSourceClient

    elsewhere = api.route(host="evil.example.net").respond(200, json=plex_source())
    api.patch(ENDPOINT).respond(302, headers={"Location": "https://evil.example.net/steal"})
    with (
        httpx.Client(follow_redirects=True) as own,
        PlexSourceClient(url=API, token="tok-abcdef", http_client=own) as client,
        pytest.raises(UnexpectedStatus),
    ):
        client.update(SLUG, enabled=True)
    assert elsewhere.call_count == 0


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"<html><body>Welcome to nginx</body></html>", "not JSON"),
        (json.dumps(plex_source())[:-20].encode(), "not JSON"),
        (b"[1, 2]", "expected a JSON object, got a list"),
        (json.dumps({k: v for k, v in plex_source().items() if k != "pk"}).encode(), "pk"),
        (json.dumps(plex_source(pk="not-a-uuid")).encode(), "pk must be a UUID string"),
        (json.dumps(plex_source(enabled="false")).encode(), "enabled must be true or false"),
        (json.dumps(plex_source(allowed_servers="a")).encode(), "allowed_servers must be a list"),
        (b"", "not JSON"),
    ],
)
def test_2xx_that_is_not_a_plex_source(
    twin: Twin, api: respx.MockRouter, content: bytes, reason: str
) -> None:
    api.patch(ENDPOINT).respond(200, content=content, headers=RID)
    with pytest.raises(UnexpectedResponse) as caught:
        twin.update(SLUG, enabled=True)
    message = str(caught.value)
    assert "probably applied" in message
    assert reason in message
    # The body is kept as text, the Plex token masked whether or not the body parses.
    assert caught.value.body == mask_text(content.decode(), ())
    assert PLEX_TOKEN not in caught.value.body
    assert caught.value.status_code == 200
    assert caught.value.request_id == "rid-42"


def test_connection_refused_is_a_transport_error_after_retries(
    twin: Twin, api: respx.MockRouter
) -> None:
    route = api.patch(ENDPOINT).mock(side_effect=httpx.ConnectError("Connection refused"))
    with pytest.raises(TransportError) as caught:
        twin.update(SLUG, enabled=True)
    assert not isinstance(caught.value, RequestTimeout)
    assert caught.value.attempts == 3
    assert "Connection refused" in str(caught.value)
    assert "after 3 attempts" in str(caught.value)
    assert route.call_count == 3


def test_timeout_is_a_request_timeout(twin: Twin, api: respx.MockRouter) -> None:
    api.patch(ENDPOINT).mock(side_effect=httpx.ReadTimeout("timed out"))
    with pytest.raises(RequestTimeout) as caught:
        twin.update(SLUG, enabled=True)
    assert isinstance(caught.value, TransportError)
    assert caught.value.attempts == 3


def test_every_error_is_a_plex_source_error() -> None:
    for error in (APIError, BadRequest, RateLimited, UnexpectedResponse, TransportError):
        assert issubclass(error, PlexSourceError)


@pytest.mark.parametrize(
    ("raised", "kind", "shown"),
    [
        (ExceptionGroup("x", [httpx.ConnectError("refused here")]), TransportError, "refused here"),
        (
            ExceptionGroup("x", [ExceptionGroup("y", [TimeoutError("slow")])]),
            RequestTimeout,
            "slow",
        ),
        (httpx.InvalidURL("bad url"), TransportError, "InvalidURL: bad url"),
        (UnicodeEncodeError("ascii", "é", 0, 1, "no"), TransportError, "UnicodeEncodeError"),
        (RecursionError("deep"), TransportError, "RecursionError: deep"),
    ],
)
def test_whatever_the_http_layer_raises_becomes_our_error(
    twin: Twin, api: respx.MockRouter, raised: Exception, kind: type[Exception], shown: str
) -> None:
    api.patch(ENDPOINT).mock(side_effect=raised)
    with pytest.raises(kind) as caught:
        twin.update(SLUG, options={"max_retries": 0}, enabled=True)
    assert shown in str(caught.value)
    assert caught.value.__cause__ is None


def test_a_long_transport_message_is_shortened_and_masked(
    twin: Twin, api: respx.MockRouter
) -> None:
    echoed = f'illegal header {{"plex_token": "{PLEX_TOKEN}"}} ' + "x" * 100_000
    api.patch(ENDPOINT).mock(side_effect=httpx.RemoteProtocolError(echoed))
    with pytest.raises(TransportError) as caught:
        twin.update(SLUG, options={"max_retries": 0}, enabled=True)
    assert PLEX_TOKEN not in str(caught.value)
    assert len(str(caught.value)) < 600
