"""The API token and plex_token never show: not in a repr, a log record, an error or a traceback."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import respx

from plex_source_client import InvalidRequest, PlexSourceError
from plex_source_client._secrets import Secret, redact

from .conftest import API, Twin
from .payloads import PLEX_TOKEN, SLUG, TOKEN, plex_source

ENDPOINT = f"/sources/plex/{SLUG}/"
SECRETS = (TOKEN, PLEX_TOKEN)


def echo_request(request: httpx.Request) -> httpx.Response:
    """A hostile or buggy server that echoes the request, headers and all, in its answer."""
    echoed = f"{request.headers.get('Authorization')} {request.content.decode()}"
    return httpx.Response(500, text=echoed, headers={"X-Echo": echoed})


def echo_json_400(request: httpx.Request) -> httpx.Response:
    return httpx.Response(
        400,
        json={"plex_token": [f"{PLEX_TOKEN} is wrong"], "detail": request.headers["Authorization"]},
    )


Scenario = Callable[[respx.MockRouter], Any]

SCENARIOS: dict[str, Scenario] = {
    "200": lambda api: api.patch(ENDPOINT).respond(200, json=plex_source()),
    "200 with extra secret field": lambda api: api.patch(ENDPOINT).respond(
        200, json=plex_source(client_secret=PLEX_TOKEN)
    ),
    "400 echoing secrets": lambda api: api.patch(ENDPOINT).mock(side_effect=echo_json_400),
    "403": lambda api: api.patch(ENDPOINT).respond(403, json={"detail": "Token invalid/expired"}),
    "404": lambda api: api.patch(ENDPOINT).respond(404, json={"detail": "Not found."}),
    "429": lambda api: api.patch(ENDPOINT).respond(429, headers={"Retry-After": "1"}),
    "500 echoing the request": lambda api: api.patch(ENDPOINT).mock(side_effect=echo_request),
    "503 then 200": lambda api: api.patch(ENDPOINT).mock(
        side_effect=[httpx.Response(503), httpx.Response(200, json=plex_source())]
    ),
    "302": lambda api: api.patch(ENDPOINT).respond(302, headers={"Location": "https://x.test/"}),
    "200 html echoing": lambda api: api.patch(ENDPOINT).respond(
        200, text=f"<html>{PLEX_TOKEN} {TOKEN}</html>"
    ),
    "200 truncated json": lambda api: api.patch(ENDPOINT).respond(
        200, text=f'{{"plex_token": "{PLEX_TOKEN}", "pk": '
    ),
    "connect error naming the token": lambda api: api.patch(ENDPOINT).mock(
        side_effect=httpx.ConnectError(f"refused {TOKEN}")
    ),
    "timeout": lambda api: api.patch(ENDPOINT).mock(side_effect=httpx.ReadTimeout("slow")),
}


def texts_of(value: Any) -> list[str]:
    """Every way a user (or a log, or a notebook) could see ``value``."""
    texts = [repr(value), str(value)]
    if isinstance(value, BaseException):
        texts.append("".join(traceback.format_exception(value)))
        texts.extend(repr(getattr(value, name, None)) for name in ("body", "errors", "args"))
    return texts


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_secret_sweep(
    twin: Twin, api: respx.MockRouter, caplog: pytest.LogCaptureFixture, scenario: str
) -> None:
    SCENARIOS[scenario](api)
    seen: list[str] = []
    with caplog.at_level(logging.DEBUG):
        try:
            result = twin.call("update_raw", SLUG, {"plex_token": PLEX_TOKEN, "enabled": True})
        except PlexSourceError as error:
            seen += texts_of(error)
        else:
            seen += texts_of(result) + texts_of(result.source)
    seen += [record.getMessage() for record in caplog.records]
    seen += [logging.Formatter().format(record) for record in caplog.records]
    assert caplog.records, "the scenario should have logged something"
    for text in seen:
        for secret in SECRETS:
            assert secret not in text, f"{scenario}: secret leaked in {text[:300]!r}"


def test_client_repr_hides_the_token(twin: Twin) -> None:
    client = twin.client_class(url=API, token=TOKEN)
    assert TOKEN not in repr(client)
    assert "token='***'" in repr(client)
    assert TOKEN not in repr(vars(client))


def test_invalid_request_sweep(twin: Twin, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG), pytest.raises(InvalidRequest) as caught:
        twin.update("../x", plex_token=[PLEX_TOKEN], name="")
    for text in texts_of(caught.value) + [r.getMessage() for r in caplog.records]:
        assert PLEX_TOKEN not in text


def test_secret_and_redact() -> None:
    secret = Secret("s3cr3t-value")
    assert "s3cr3t" not in repr(secret) + str(secret) + f"{secret}"
    assert secret.reveal() == "s3cr3t-value"
    assert redact("a s3cr3t-value b", ["s3cr3t-value"]) == "a *** b"
    assert redact("abc", ["a"]) == "abc"  # too short to hunt for
