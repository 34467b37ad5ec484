"""A request Django cannot even build: a ``Content-Type`` whose ``charset`` holds a NUL makes
``codecs.lookup`` raise ValueError, which Django's ``_set_content_type_params`` does not catch
(only LookupError), before any view or middleware runs; authentik's ASGI server (uvicorn)
answers its plain 500, nothing saved. The fake answers so, on every release, in process
and over sockets (review round 44b: ``FakeAuthentik.handle`` raised the ValueError; over
sockets the connection was dropped and socketserver printed a traceback).
"""

from __future__ import annotations

import socket

import httpx
import pytest

from plex_source_client.testing import FakeAuthentik

PATH = "/api/v3/sources/plex/plex/"
BODY = b'{"name": "renamed"}'
CHARSETS = [pytest.param("utf-8\x00", id="utf-8-NUL"), pytest.param("\x00", id="NUL")]


@pytest.mark.parametrize("version", ["2024.8.2", "2026.2.2"])
@pytest.mark.parametrize("charset", CHARSETS)
def test_the_fake_answers_a_charset_holding_nul(version: str, charset: str) -> None:
    fake = FakeAuthentik(version=version)
    headers = {
        "Authorization": f"Bearer {fake.token}",
        "Content-Type": f"application/json; charset={charset}",
    }
    answer = fake.handle("PATCH", PATH, headers, BODY)
    assert answer.status > 0


@pytest.mark.parametrize("charset", CHARSETS)
def test_the_fake_answers_a_charset_holding_nul_as_the_real_server_does(charset: str) -> None:
    """Django builds the request (``_set_content_type_params``: ``codecs.lookup`` raising
    ValueError) before any view or middleware runs: the ASGI server answers 500, nothing saved.
    """
    fake = FakeAuthentik()
    headers = {
        "Authorization": f"Bearer {fake.token}",
        "Content-Type": f"application/json; charset={charset}",
    }
    answer = fake.handle("PATCH", PATH, headers, BODY)
    assert (answer.status, answer.body) == (500, b"Internal Server Error")
    assert answer.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert fake.sources["plex"]["name"] == "Plex"


@pytest.mark.parametrize("charset", CHARSETS)
def test_the_fake_in_process_never_raises_through_its_transport(charset: str) -> None:
    fake = FakeAuthentik()
    with httpx.Client(transport=fake.transport(), base_url=fake.IN_PROCESS_URL) as http:
        answer = http.patch(
            PATH,
            content=BODY,
            headers={
                "Authorization": f"Bearer {fake.token}",
                "Content-Type": f"application/json; charset={charset}",
            },
        )
    assert answer.status_code > 0


def test_the_fake_over_sockets_answers_and_prints_no_traceback(
    capfd: pytest.CaptureFixture[str],
) -> None:
    with FakeAuthentik(idle_timeout=2) as fake:
        host, port = fake.url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=5) as sock:
            sock.sendall(
                (
                    f"PATCH {PATH} HTTP/1.1\r\nHost: fake\r\nConnection: close\r\n"
                    f"Authorization: Bearer {fake.token}\r\n"
                    "Content-Type: application/json; charset=utf-8\x00\r\n"
                    f"Content-Length: {len(BODY)}\r\n\r\n"
                ).encode("latin-1")
                + BODY
            )
            received = b""
            while chunk := sock.recv(65536):
                received += chunk
    err = capfd.readouterr().err
    assert "Traceback" not in err, err
    assert received.startswith(b"HTTP/1.1 500 "), received
