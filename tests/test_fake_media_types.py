"""The fake reads a request body's media type and charset as DRF and Django do, and
negotiates its answer's media type (``Accept``, ``?format=``) as DRF does, in both releases.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from plex_source_client.testing import FakeAuthentik

DETAIL = "/api/v3/sources/plex/plex/"
LIST = "/api/v3/sources/plex/"
DETAIL_ALLOW = "GET, PUT, PATCH, DELETE, HEAD, OPTIONS"
RELEASES = ("2024.8.2", "2026.2.2")


@pytest.fixture(params=RELEASES)
def fake(request: pytest.FixtureRequest) -> FakeAuthentik:
    return FakeAuthentik(version=request.param)


def send(
    fake: FakeAuthentik,
    method: str,
    path: str,
    body: bytes = b"",
    *,
    token: str | None = "admin",
    **headers: str,
) -> tuple[int, Any, dict[str, str]]:
    sent = {key.replace("_", "-"): value for key, value in headers.items()}
    if token == "admin":
        sent["Authorization"] = f"Bearer {fake.token}"
    answer = fake.handle(method, path, sent, body)
    return answer.status, json.loads(answer.body) if answer.body else None, answer.headers


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain; charset=utf-8",
        "multipart/form-data; boundary=xyz",
        "application/vnd.api+json",
        "Application/X-WWW-Form-Urlencoded",
        "application/json-patch+json",
    ],
)
def test_415_names_the_content_type_as_sent(fake: FakeAuthentik, content_type: str) -> None:
    status, body, headers = send(fake, "PATCH", DETAIL, b'{"name": "x"}', Content_Type=content_type)
    assert (status, body) == (
        415,
        {"detail": f'Unsupported media type "{content_type}" in request.'},
    )
    assert headers["Allow"] == DETAIL_ALLOW
    assert fake.sources["plex"]["name"] == "Plex"


@pytest.mark.parametrize(
    "content_type", ["APPLICATION/JSON", "application/*", "*/*", "application/json; version=2"]
)
def test_what_the_json_parser_matches(fake: FakeAuthentik, content_type: str) -> None:
    status, body, _ = send(fake, "PATCH", DETAIL, b'{"name": "x"}', Content_Type=content_type)
    assert (status, body["name"]) == (200, "x")


@pytest.mark.parametrize(
    ("charset", "encoded"),
    [
        ("latin-1", '{"name": "café"}'.encode("latin-1")),
        ("UTF-16", '{"name": "café"}'.encode("utf-16")),
        ('"iso-8859-15"', '{"name": "café"}'.encode("iso-8859-15")),
    ],
)
def test_a_body_is_decoded_with_its_charset(
    fake: FakeAuthentik, charset: str, encoded: bytes
) -> None:
    content_type = f"application/json; charset={charset}"
    status, body, _ = send(fake, "PATCH", DETAIL, encoded, Content_Type=content_type)
    assert (status, body["name"]) == (200, "café")


def test_an_unknown_charset_is_utf_8(fake: FakeAuthentik) -> None:
    content_type = "application/json; charset=no-such-codec"
    body = '{"name": "café"}'.encode()
    assert send(fake, "PATCH", DETAIL, body, Content_Type=content_type)[:2][1]["name"] == "café"


def test_a_body_its_charset_cannot_decode(fake: FakeAuthentik) -> None:
    content_type = "application/json; charset=utf-16"
    status, body, _ = send(fake, "PATCH", DETAIL, b'{"name": "xy"}\n', Content_Type=content_type)
    expected = (
        "JSON parse error - 'utf-16-le' codec can't decode byte 0x0a in position 14: truncated data"
    )
    assert (status, body) == (400, {"detail": expected})


@pytest.mark.parametrize(
    "accept",
    [
        "application/json",
        "*/*",
        "application/*",
        "text/html, */*;q=0.1",
        "application/json; indent=4",
    ],
)
def test_accept_headers_the_json_renderer_satisfies(fake: FakeAuthentik, accept: str) -> None:
    status, _, headers = send(fake, "GET", DETAIL, Accept=accept)
    assert (status, headers["Content-Type"]) == (200, "application/json")


@pytest.mark.parametrize("accept", ["text/html", "application/xml", "text/*", ""])
@pytest.mark.parametrize("token", ["admin", None])
def test_406_before_authentication(fake: FakeAuthentik, accept: str, token: str | None) -> None:
    for path, allow in [(DETAIL, DETAIL_ALLOW), (LIST, "GET, POST, HEAD, OPTIONS")]:
        status, body, headers = send(fake, "GET", path, token=token, Accept=accept)
        assert (status, body) == (406, {"detail": "Could not satisfy the request Accept header."})
        assert (headers["Allow"], headers["Content-Type"]) == (allow, "application/json")
    assert (
        send(
            fake,
            "PATCH",
            DETAIL,
            b'{"name": "x"}',
            token=token,
            Accept=accept,
            Content_Type="application/json",
        )[0]
        == 406
    )
    assert fake.sources["plex"]["name"] == "Plex"


@pytest.mark.parametrize("token", ["admin", None])
def test_format_other_than_json_is_404_before_authentication(
    fake: FakeAuthentik, token: str | None
) -> None:
    for fmt in ("api", "xml", "JSON"):
        status, body, headers = send(fake, "GET", f"{LIST}?format={fmt}", token=token)
        assert (status, body, headers["Allow"]) == (
            404,
            {"detail": "Not found."},
            "GET, POST, HEAD, OPTIONS",
        )
    assert send(fake, "GET", f"{DETAIL}?format=json")[0] == 200
    assert send(fake, "GET", f"{DETAIL}?format=")[0] == 200
