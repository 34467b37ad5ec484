"""What an answer writes outside its body (the request id, a ``Location``, a ``Content-Type``)
may repeat a Plex token the body stores under ``plex_token`` (masked there) or one an earlier
answer to the same client stored: never shown, in errors (message, attributes), results
(``RawResponse``, a page), the package's own log records or the CLI's output.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx
import pytest
import respx

from plex_source_client import PlexSourceError, UnexpectedResponse
from plex_source_client._answers import request_id, request_id_hiding
from plex_source_client._secrets import MASK, text_stored_secrets
from plex_source_client.cli import main

from .conftest import Twin
from .payloads import SLUG, TOKEN, plex_source
from .raw_server import ScriptServer

ENDPOINT = f"/sources/plex/{SLUG}/"
STORED = "plexTOKEN-stored-0123456789"  # what the server stores as the source's Plex token
RID = {"X-Authentik-Id": STORED}


def shown(error: BaseException) -> str:
    return f"{error} {error!r} {vars(error)!r}"


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (400, {"plex_token": [STORED], "name": ["This field may not be blank."]}),
        (404, {"detail": "Not found.", "plex_token": STORED}),
        (500, {"plex_token": STORED}),
        (200, {**plex_source(plex_token=STORED), "enabled": "yes"}),  # not a source
    ],
    ids=["400", "404", "500", "200-not-a-source"],
)
def test_an_errors_request_id_repeating_the_stored_token_is_not_shown(
    twin: Twin, api: respx.MockRouter, status: int, body: dict[str, Any]
) -> None:
    api.patch(ENDPOINT).respond(status, json=body, headers=RID)
    with pytest.raises(PlexSourceError) as caught:
        twin.update(SLUG, {"max_retries": 0}, name="x")
    assert STORED not in shown(caught.value)
    assert getattr(caught.value, "request_id", None) == MASK


def test_an_errors_request_id_holding_the_stored_token_among_other_text_is_masked(
    twin: Twin, api: respx.MockRouter
) -> None:
    """Not the body's repeat, so masked as a stored secret: the error masks what its body stores."""
    api.patch(ENDPOINT).respond(
        400, json={"plex_token": [STORED]}, headers={"X-Authentik-Id": f"id-{STORED}"}
    )
    with pytest.raises(PlexSourceError) as caught:
        twin.update(SLUG, {"max_retries": 0}, name="x")
    assert STORED not in shown(caught.value)


@pytest.mark.parametrize("header", [STORED, f"id-{STORED}"])
def test_a_results_request_id_never_shows_the_token_the_result_stores(
    twin: Twin, api: respx.MockRouter, header: str
) -> None:
    """``update_raw()``'s RawResponse (its repr shows ``request_id=``): a request id that the
    body repeats, or that holds the token the source stores, is masked.
    """
    api.patch(ENDPOINT).respond(
        200, json=plex_source(plex_token=STORED), headers={"X-Authentik-Id": header}
    )
    raw = twin.call("update_raw", SLUG, {"name": "x"})
    assert raw.request_id == MASK
    assert STORED not in repr(raw) + str(raw)


def test_a_real_request_id_is_kept(twin: Twin, api: respx.MockRouter) -> None:
    rid = "0f8e4b7a9c2d4e6f8a1b3c5d7e9f0a2b"  # authentik's: a UUID's hex
    api.patch(ENDPOINT).respond(
        200, json=plex_source(plex_token=STORED), headers={"X-Authentik-Id": rid}
    )
    assert twin.call("update_raw", SLUG, {"name": "x"}).request_id == rid


def test_a_pages_request_id_never_shows_a_token_its_sources_store(
    twin: Twin, api: respx.MockRouter
) -> None:
    """Quoted by the error refusing a page's pagination (a short page that says one follows)."""
    page = {
        "pagination": {
            "next": 2, "previous": 0, "count": 300, "current": 1, "total_pages": 3,
            "start_index": 1, "end_index": 1,
        },
        "results": [plex_source(plex_token=STORED)],
    }  # fmt: skip
    api.get("/sources/plex/").respond(200, json=page, headers={"X-Authentik-Id": f"x-{STORED}"})
    with pytest.raises(UnexpectedResponse, match="yet says page 2 follows") as caught:
        twin.list_sources({"max_retries": 0})
    assert caught.value.request_id == MASK
    assert STORED not in shown(caught.value)


def test_the_debug_record_of_an_answer_hides_a_request_id_its_body_repeats(
    twin: Twin, api: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    api.get(ENDPOINT).respond(200, json=plex_source(plex_token=STORED), headers=RID)
    with caplog.at_level(logging.DEBUG, logger="plex_source_client"):
        twin.call("get", SLUG, options={"max_retries": 0})
    messages = [record.getMessage() for record in caplog.records]
    assert any("request id ***" in message for message in messages), messages
    assert not [message for message in messages if STORED in message]


@pytest.mark.parametrize(
    ("status", "content", "headers"),
    [
        (
            302,
            json.dumps({"plex_token": STORED}).encode(),
            {"Location": f"https://elsewhere.example/{STORED}", "Content-Type": "application/json"},
        ),
        (
            301,
            f"plex_token={STORED}".encode(),
            {"Location": f"https://elsewhere.example/?t={STORED}", "Content-Type": "text/plain"},
        ),
        (200, f"plex_token={STORED}".encode(), {"Content-Type": f"text/plain; x={STORED}"}),
        (200, json.dumps([{"token": STORED}]).encode() + b"!", {"Content-Type": f"x/{STORED}"}),
    ],
    ids=["location-json-body", "location-text-body", "content-type-text-body", "content-type-cut"],
)  # fmt: skip
def test_a_header_repeating_the_stored_token_is_masked_in_the_error(
    twin: Twin, api: respx.MockRouter, status: int, content: bytes, headers: dict[str, str]
) -> None:
    """``redirected to <Location>`` and ``.location``, ``the body is not JSON (<content
    type>)``: masked with the values the body stores, parsed (JSON) or not (text).
    """
    api.get(ENDPOINT).respond(status, content=content, headers=headers)
    with pytest.raises(PlexSourceError) as caught:
        twin.call("get", SLUG, options={"max_retries": 0})
    assert STORED not in shown(caught.value)
    location = getattr(caught.value, "location", None)
    assert location is None or location.startswith("https://elsewhere.example/")


@pytest.mark.parametrize(
    "second",
    [
        httpx.Response(400, json={"name": [f"{STORED} is bad"]}),
        httpx.Response(404, json={"detail": f"no {STORED}"}),
        httpx.Response(500, text=f"error {STORED}"),
        httpx.Response(200, text=f"not json {STORED}"),
        httpx.Response(409, json={}, headers={"X-Authentik-Id": STORED}),
    ],
    ids=["400-json", "404-json", "500-text", "200-text", "409-request-id"],
)
def test_a_later_error_masks_a_token_an_earlier_answer_stored(
    twin: Twin, api: respx.MockRouter, second: httpx.Response
) -> None:
    """One client: ``get()`` returns a source storing a Plex token; the next call's error
    (message, body, request id) repeats it: masked, as in the HTTP libraries' log records.
    """
    api.get(ENDPOINT).mock(
        side_effect=[httpx.Response(200, json=plex_source(plex_token=STORED)), second]
    )
    with pytest.raises(PlexSourceError) as caught:
        twin.call_many("get", SLUG, [{}, {}], options={"max_retries": 0})
    assert STORED not in shown(caught.value)


def test_a_later_answer_storing_an_earlier_token_is_still_accepted(
    twin: Twin, api: respx.MockRouter
) -> None:
    """The tokens learned mask errors; they are no echo: the next answer may store one again."""
    answer = plex_source(plex_token=STORED)
    api.get(ENDPOINT).mock(side_effect=[httpx.Response(200, json=answer)] * 2)
    sources = twin.call_many("get", SLUG, [{}, {}], options={"max_retries": 0})
    assert [source.plex_token for source in sources] == [STORED, STORED]


@pytest.mark.parametrize("argv", [["get", SLUG], ["update", SLUG, "--name", "x"]])
def test_the_cli_never_prints_a_request_id_repeating_the_stored_token(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> None:
    body = json.dumps({**plex_source(plex_token=STORED), "enabled": "yes"}).encode()

    def script(conn: Any, request: object) -> None:
        conn.send(
            f"HTTP/1.1 200 OK\r\nX-Authentik-Id: {STORED}\r\nContent-Length: {len(body)}\r\n"
            "Content-Type: application/json\r\nConnection: close\r\n\r\n".encode()
            + body
        )

    server = ScriptServer(script)
    monkeypatch.setenv("AUTHENTIK_URL", server.url)
    monkeypatch.setenv("AUTHENTIK_TOKEN", TOKEN)
    monkeypatch.setenv("AUTHENTIK_SERVER_VERSION", "2024.8.2")
    with server:
        code = main(argv)
    captured = capsys.readouterr()
    assert code != 0
    assert "(request id ***)" in captured.err
    assert STORED not in captured.out + captured.err


def test_request_id_is_hidden_when_the_body_repeats_it_or_the_result_stores_it() -> None:
    response = httpx.Response(200, headers={"X-Authentik-Id": "rid-42"})
    assert request_id(response, (), b'{"name": "x"}') == "rid-42"
    assert request_id(response, (), b'{"plex_token": "rid-42"}') == MASK
    assert request_id(response, (), "rid-42".encode("utf-16")) == MASK  # as JSON reads it
    assert request_id(httpx.Response(200, headers={"X-Authentik-Id": ""}), (), b"{}") == ""
    assert request_id_hiding("rid-42", ("42",)) == MASK
    assert request_id_hiding("rid-42", ("43",)) == "rid-42"
    assert request_id_hiding(None, ("42",)) is None


def test_text_stored_secrets_finds_what_mask_text_masks_after_a_key() -> None:
    assert STORED in text_stored_secrets(f"error: plex_token={STORED} rejected")
    assert STORED in text_stored_secrets(f"plex_%74oken={STORED}")  # escaped key
    assert text_stored_secrets("no secret here") == ()
