"""The HTTP libraries' log records carry no secret of a live client (plex_source_client._logs).

httpx logs each request at INFO with the reason phrase, httpcore each header at DEBUG: the
filter installed on their loggers masks every secret a live client holds, and the Plex token a
call is sending while it runs; a closed or collected client's secrets are dropped.
"""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import threading

import httpx
import pytest

from plex_source_client import AsyncPlexSourceClient, PlexSourceClient, _logs
from plex_source_client.testing import FakeAuthentik

from .payloads import plex_source

TOKEN = "tok-LOGS-abcdefghijklmnop"
PASSWORD = "pw-LOGS-0123456789"
URL = "https://auth.example.com"


def client(**options: object) -> PlexSourceClient:
    return PlexSourceClient(url=URL, token=TOKEN, **options)  # type: ignore[arg-type]


def logged(caplog: pytest.LogCaptureFixture, name: str, msg: str, *args: object) -> str:
    caplog.clear()
    logging.getLogger(name).info(msg, *args)
    (record,) = [r for r in caplog.records if r.name == name]
    return record.getMessage()


@pytest.mark.parametrize(
    "name", ["httpx", "httpcore.http11", "httpcore.connection", "httpcore.proxy", "hpack.hpack"]
)
def test_a_live_clients_secrets_are_masked(caplog: pytest.LogCaptureFixture, name: str) -> None:
    caplog.set_level(logging.DEBUG)
    with client(proxy=f"http://user:{PASSWORD}@proxy.example:3128"):
        line = logged(caplog, name, 'HTTP Request: GET %s "HTTP/1.1 403 %s"', URL, TOKEN)
        header = logged(caplog, name, "headers=%r", [(b"Set-Cookie", f"s={PASSWORD}".encode())])
        escaped = logged(caplog, name, "Location: /next?t=%s", "%74" + TOKEN[1:])
    assert line == f'HTTP Request: GET {URL} "HTTP/1.1 403 ***"'
    assert header == "headers=[(b'Set-Cookie', b's=***')]"
    assert TOKEN not in escaped
    assert "LOGS-abc" not in escaped


def test_url_credentials_are_masked_in_any_record(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with client():
        line = logged(caplog, "httpx", "proxy %s", "http://someone:hunter2@proxy:3128")
    assert line == "proxy http://***@proxy:3128"


def test_a_traceback_in_a_record_is_masked(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with client():
        try:
            raise RuntimeError(f"reason {TOKEN}")
        except RuntimeError:
            logging.getLogger("httpcore.http11").exception("failed")
    text = caplog.text
    assert "RuntimeError: reason ***" in text
    assert TOKEN not in text


def test_records_without_a_secret_are_left_alone(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    args = ("GET", URL)
    with client():
        logging.getLogger("httpx").info("HTTP Request: %s %s", *args)
    (record,) = caplog.records
    assert record.msg == "HTTP Request: %s %s"
    assert record.args == args


def test_a_closed_or_collected_clients_secrets_are_dropped(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    with client() as closed:
        assert TOKEN in _logs.live_secrets()
    assert TOKEN not in _logs.live_secrets()  # closed, though still referenced
    assert logged(caplog, "httpx", "x %s", TOKEN) == f"x {TOKEN}"

    async def closed_async() -> None:
        async with AsyncPlexSourceClient(url=URL, token=TOKEN) as made:
            assert TOKEN in _logs.live_secrets()
        assert TOKEN not in _logs.live_secrets()
        assert made is not None

    asyncio.run(closed_async())
    assert closed is not None
    made = client()
    assert TOKEN in _logs.live_secrets()
    del made
    gc.collect()
    assert TOKEN not in _logs.live_secrets()


def test_the_plex_token_a_call_sends_is_masked_while_it_runs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A server echoing the Plex token sent in a header: httpcore would log it."""
    caplog.set_level(logging.DEBUG)
    sent = "plex-SENT-9988776655"

    def handler(request: httpx.Request) -> httpx.Response:
        echoed = json.loads(request.content)["plex_token"]
        logging.getLogger("httpcore.http11").debug("header %r", ("X-Echo", echoed))
        return httpx.Response(200, json=plex_source(plex_token=sent))

    http = httpx.Client(transport=httpx.MockTransport(handler))
    with PlexSourceClient(url=URL, token=TOKEN, http_client=http) as made:
        made.update("plex", plex_token=sent)
        # The call ended, but its answer stored the token: held while the client lives.
        assert sent in _logs.live_secrets()
    assert sent not in _logs.live_secrets()  # the client closed: dropped
    assert sent not in caplog.text
    assert "('X-Echo', '***')" in caplog.text


def test_registering_from_many_threads_while_logging(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    errors: list[BaseException] = []

    def churn(index: int) -> None:
        try:
            for round_ in range(200):
                owner = type("Owner", (), {})()
                _logs.register(owner, (f"secret-{index}-{round_}-xxxxxxxx",))
                logging.getLogger("httpx").debug("x %s", f"secret-{index}-{round_}-xxxxxxxx")
                _logs.unregister(owner)
        except BaseException as exc:  # noqa: BLE001 - any error fails the test below
            errors.append(exc)

    threads = [threading.Thread(target=churn, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert "secret-" not in caplog.text


def test_the_filter_is_on_every_httpcore_logger() -> None:
    with client():
        pass
    names = [n for n in logging.Logger.manager.loggerDict if n.startswith(("httpx", "httpcore"))]
    assert {"httpx", "httpcore.http11", "httpcore.connection", "httpcore.proxy"} <= set(names)
    for name in names:
        assert any(isinstance(f, _logs.SecretsFilter) for f in logging.getLogger(name).filters)


def test_the_fakes_requests_log_no_token(
    fake: FakeAuthentik, caplog: pytest.LogCaptureFixture
) -> None:
    """End to end over a socket: httpx's INFO line and httpcore's DEBUG records."""
    caplog.set_level(logging.DEBUG)
    with fake.client() as made:
        made.get("plex")
    assert any(r.name.startswith("httpcore") for r in caplog.records)
    assert fake.token not in caplog.text


def test_hpacks_record_of_a_decoded_header_is_masked(caplog: pytest.LogCaptureFixture) -> None:
    """hpack (an ``http_client`` of the user's with HTTP/2 on) logs each header it decodes at
    DEBUG, as ``Decoded (name, value), ...`` (review round 44): an echo of the token there.
    """
    caplog.set_level(logging.DEBUG)
    with client():
        logging.getLogger("hpack.hpack").debug(
            "Decoded %s, total consumed %d bytes, indexed %s",
            (b"x-request-id", TOKEN.encode()), 40, True,
        )  # fmt: skip
    (record,) = [r for r in caplog.records if r.name == "hpack.hpack"]
    assert TOKEN not in record.getMessage()
    assert "***" in record.getMessage()
