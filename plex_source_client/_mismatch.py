r"""An ``https://`` URL to a plain-HTTP server, or ``http://`` to a TLS one: told apart from
other failures, never retried (the same request fails the same way), and said with the fix.

Pure functions of an attempt's outcome, shared by both clients and every transport:

- ``https://`` to plain HTTP: the server's answer (``HTTP/1.1 400 ...``) is read as a TLS
  record. OpenSSL calls that ``WRONG_VERSION_NUMBER`` (``record layer failure`` from 3.2 on;
  ``packet length too long`` when the bytes read as a huge record); httpx and aiohttp quote it.
- ``http://`` to TLS: most servers answer a 400 saying so: Go's ``net/http`` (authentik's own
  server, Traefik, Caddy) ``Client sent an HTTP request to an HTTPS server.``, nginx ``The plain
  HTTP request was sent to HTTPS port``, Apache ``You're speaking plain HTTP to an SSL-enabled
  server port``. Others send a TLS alert record (``\x15\x03...``): aiohttp quotes it as a bad
  status line; h11 (httpx's) refuses a status line whose first byte is a control character,
  as every TLS record's is, with ``illegal request line``. A server that only closes the
  connection is not told apart from any other dropped connection.
"""

from __future__ import annotations

from typing import Final

import httpx

#: What OpenSSL says when a plain-HTTP answer is read as TLS (lowercase; as quoted by
#: ``ssl.SSLError``, httpx and aiohttp).
_PLAIN_ANSWER_TO_TLS: Final = (
    "wrong_version_number",
    "wrong version number",
    "record layer failure",
    "record_layer_failure",
    "packet length too long",
    "packet_length_too_long",
)

#: The start of a TLS record (alert or handshake, any TLS version) as a message quotes bytes.
_TLS_RECORD_QUOTED: Final = ("\\x15\\x03", "\\x16\\x03")

#: h11's refusal of a status line starting with a control character (a TLS record does).
_H11_CONTROL_BYTE: Final = "illegal request line"

#: What web servers answer, with a 400, to plain HTTP on their TLS port (lowercase).
_TLS_SERVER_ANSWERS: Final = (
    "client sent an http request to an https server",  # Go's net/http
    "plain http request was sent to https port",  # nginx
    "speaking plain http to an ssl-enabled server",  # Apache httpd
)

#: How much of each error's text is searched (a message can quote a megabyte of header).
_TEXT_LIMIT: Final = 4096


def _texts(error: BaseException) -> list[str]:
    """The lowercased messages of ``error``, its causes, contexts and grouped exceptions."""
    texts: list[str] = []
    pending: list[BaseException] = [error]
    seen: set[int] = set()
    while pending and len(seen) < 32:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        try:
            texts.append(str(current)[:_TEXT_LIMIT].lower())
        except Exception:  # noqa: BLE001, S112 - a broken __str__ says nothing; skip it
            continue
        if isinstance(current, BaseExceptionGroup):
            pending.extend(current.exceptions)
        for linked in (current.__cause__, current.__context__):
            if linked is not None:
                pending.append(linked)
    return texts


def _other_root(url: httpx.URL, scheme: str) -> str:
    """``url``'s host and port under ``scheme``: the port kept when it was the old scheme's
    default (the server listens there, whatever it speaks).
    """
    port = url.port or (443 if url.scheme == "https" else 80)
    default = 443 if scheme == "https" else 80
    host = f"[{url.host}]" if ":" in url.host else url.host
    return f"{scheme}://{host}" + ("" if port == default else f":{port}")


def _speaks_plain(url: httpx.URL) -> str:
    return f"the server speaks plain HTTP, not TLS: use {_other_root(url, 'http')}"


def _speaks_tls(url: httpx.URL) -> str:
    return f"the server speaks TLS (HTTPS): use {_other_root(url, 'https')}"


def transport_hint(error: BaseException, url: str | httpx.URL) -> str | None:
    """What to do when ``error`` (an attempt's exception, no answer) shows the URL's scheme is
    not what the server speaks; None for any other failure.
    """
    parsed = httpx.URL(url)
    texts = _texts(error)
    if parsed.scheme == "https":
        if any(marker in text for text in texts for marker in _PLAIN_ANSWER_TO_TLS):
            return _speaks_plain(parsed)
        return None
    if parsed.scheme == "http" and isinstance(error, httpx.RemoteProtocolError):
        quoted = any(marker in text for text in texts for marker in _TLS_RECORD_QUOTED)
        if quoted or any(text == _H11_CONTROL_BYTE for text in texts):
            return _speaks_tls(parsed)
    return None


def answer_hint(status_code: int, body: str, url: str | httpx.URL) -> str | None:
    """What to do when an ``http://`` request's answer is a web server's 400 saying it speaks
    TLS on that port; None for any other answer.
    """
    parsed = httpx.URL(url)
    if parsed.scheme != "http" or status_code != 400:
        return None
    text = body[:_TEXT_LIMIT].lower()
    if any(marker in text for marker in _TLS_SERVER_ANSWERS):
        return _speaks_tls(parsed)
    return None


def wrong_scheme(outcome: object, url: str | httpx.URL) -> bool:
    """Whether an attempt's ``outcome`` (an answer or an exception) is a scheme mismatch
    (:func:`transport_hint`): not worth retrying.
    """
    return isinstance(outcome, BaseException) and transport_hint(outcome, url) is not None


def with_hint(reason: str, outcome: object, url: str | httpx.URL) -> str:
    """``reason`` (why an attempt got no answer), led by what to do when the scheme is wrong."""
    hint = transport_hint(outcome, url) if isinstance(outcome, BaseException) else None
    return reason if hint is None else f"{hint} ({reason})"
