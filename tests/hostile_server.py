"""Hostile HTTP servers on raw sockets, for the hostile-server suite (``test_hostile*.py``).

:class:`HostileServer` plays a misconfigured proxy, a captive portal, a compromised host or a
bad load balancer: the slug in the request path (``/api/v3/sources/plex/<slug>/``) picks the
behaviour from :data:`BEHAVIOURS` (trickling bytes, endless or huge bodies, compression bombs,
deep JSON, echoed secrets, wrong types, huge headers, garbage, early close).
:class:`RandomBytesServer` answers each connection with whatever bytes the test set.

Both are safe to run in a test process: they listen on 127.0.0.1 only, every loop is bounded in
time and bytes, every socket has a timeout, and ``close()`` (or leaving the ``with`` block) stops
every thread within a fraction of a second.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import json
import socket
import struct
import threading
import time
import zlib
from collections.abc import Callable
from types import TracebackType
from typing import Any, Final

from .payloads import plex_source

#: Distinctive secrets: none of them may ever show in an error, a log line or the CLI's output.
API_TOKEN: Final = "tok-SECRET-api-1234567890"
STORED_PLEX_TOKEN: Final = "ptok-STORED-9876543210"  # the server's stored plex_token, echoed
SENT_PLEX_TOKEN: Final = "ptok-SENT-5555544444"  # the plex_token the call sends
STORED_CLIENT_SECRET: Final = "cs-STORED-6677889900"
STORED_PASSWORD: Final = "pw-STORED-1122334455"
SECRETS: Final = (
    API_TOKEN,
    STORED_PLEX_TOKEN,
    SENT_PLEX_TOKEN,
    STORED_CLIENT_SECRET,
    STORED_PASSWORD,
)
#: Distinctive pieces of the secrets: a secret cut in half by a snippet still leaks.
SECRET_FRAGMENTS: Final = (
    "SECRET-api",
    "1234567890",
    "STORED-987",
    "9876543210",
    "SENT-5555",
    "5555544444",
    "6677889900",
    "1122334455",
)

MIB: Final = 1024 * 1024
#: No connection is served for longer than this, however slowly the client reads.
CONNECTION_DEADLINE: Final = 90.0
#: No connection is sent more than this many bytes.
MAX_BYTES_PER_CONNECTION: Final = 8 * 1024 * MIB
#: Inflated size of the compression bombs.
BOMB_INFLATED: Final = 2048 * MIB
#: The trickling behaviours send one byte every this many seconds: less than the clients'
#: timeout in these cases (tests/test_hostile.py), so only a deadline for the whole call ends
#: them, never a timeout per read.
TRICKLE_DELAY: Final = 0.2
_MAX_REQUEST_HEAD: Final = 64 * 1024
_MAX_REQUEST_BODY: Final = MIB


class Connection:
    """One accepted client connection, with sends that give up when the server stops."""

    def __init__(self, sock: socket.socket, stop: threading.Event) -> None:
        self.sock = sock
        self._stop = stop
        self._deadline = time.monotonic() + CONNECTION_DEADLINE
        self.sent = 0

    @property
    def alive(self) -> bool:
        return not self._stop.is_set() and time.monotonic() < self._deadline

    def send(self, data: bytes) -> bool:
        """Send all of ``data``; False once the client left, the server stopped or a limit hit."""
        if not self.alive or self.sent + len(data) > MAX_BYTES_PER_CONNECTION:
            return False
        try:
            self.sock.sendall(data)
        except OSError:
            return False
        self.sent += len(data)
        return True

    def wait(self, seconds: float) -> bool:
        """Sleep ``seconds`` (at most until the deadline); False if the server stopped."""
        remaining = max(0.0, min(seconds, self._deadline - time.monotonic()))
        return not self._stop.wait(remaining) and self.alive

    def trickle(self, data: bytes, delay: float = TRICKLE_DELAY) -> None:
        """Send ``data`` one byte every ``delay`` seconds (the first byte at once)."""
        for index in range(len(data)):
            if index and not self.wait(delay):
                return
            if not self.send(data[index : index + 1]):
                return

    def stream(self, chunk: bytes, total: int | None = None) -> None:
        """Send ``chunk`` again and again: ``total`` bytes in all, or until a limit stops it."""
        remaining = MAX_BYTES_PER_CONNECTION if total is None else total
        while remaining > 0:
            piece = chunk if remaining >= len(chunk) else chunk[:remaining]
            if not self.send(piece):
                return
            remaining -= len(piece)

    def hang(self) -> None:
        """Send nothing more, until the client leaves or the deadline passes."""
        self.sock.settimeout(0.2)
        while self.alive:
            try:
                if self.sock.recv(4096) == b"":
                    return  # the client closed its side
            except TimeoutError:
                continue
            except OSError:
                return


@functools.cache
def _stream_template(
    wbits: int,
) -> tuple[bytes, bytes, bytes]:
    """A self-contained compressed 64 MiB of zeros, repeatable, plus the stream's end."""
    block = bytes(64 * MIB)
    compressor = zlib.compressobj(9, zlib.DEFLATED, wbits)
    repeat = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = compressor.flush(zlib.Z_FINISH)
    return block, repeat, end


@functools.cache
def compression_bomb(encoding: str) -> bytes:
    """About 2 MB that inflates to :data:`BOMB_INFLATED` zeros: ``gzip`` or ``deflate`` (zlib).

    Built cheaply: after a full flush, deflate output does not refer back, so one compressed
    64 MiB block is repeated; the header and trailer (checksum, size) are written by hand.
    """
    block, repeat, end = _stream_template(-15)
    count = BOMB_INFLATED // len(block)
    deflated = repeat * count + end
    if encoding == "gzip":
        crc = 0
        for _ in range(count):
            crc = zlib.crc32(block, crc)
        header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
        trailer = struct.pack("<II", crc & 0xFFFFFFFF, BOMB_INFLATED & 0xFFFFFFFF)
        return header + deflated + trailer
    if encoding == "deflate":
        adler = 1
        for _ in range(count):
            adler = zlib.adler32(block, adler)
        return b"\x78\xda" + deflated + struct.pack(">I", adler & 0xFFFFFFFF)
    raise ValueError(encoding)


def head(status: int, headers: dict[str, str] | list[tuple[str, str]], reason: str = "") -> bytes:
    """A status line and headers (and the blank line after them)."""
    items = headers.items() if isinstance(headers, dict) else headers
    lines = [f"HTTP/1.1 {status} {reason or _REASONS.get(status, 'Whatever')}"]
    lines += [f"{name}: {value}" for name, value in items]
    lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


_REASONS: Final = {200: "OK", 400: "Bad Request", 500: "Internal Server Error", 502: "Bad Gateway"}


def response(
    status: int,
    body: bytes | str | Any,
    content_type: str = "application/json",
    extra: list[tuple[str, str]] | None = None,
) -> bytes:
    """A whole response: JSON unless ``body`` is bytes or text."""
    if isinstance(body, str):
        body = body.encode()
    elif not isinstance(body, bytes):
        body = json.dumps(body).encode()
    headers = [("Content-Type", content_type), ("Content-Length", str(len(body)))]
    headers += extra or []
    return head(status, headers) + body


def stored_source(**overrides: Any) -> dict[str, Any]:
    """A PlexSource as the server has it: with its stored plex token, unless ``overrides``
    (tests/test_hostile_properties.py draws them from the source's own keys) gives another.
    """
    return plex_source(**{"plex_token": STORED_PLEX_TOKEN, **overrides})


OK_BODY: Final = stored_source()
DEEP: Final = 100_000
SECRETS_PAGE: Final = (
    "<!DOCTYPE html><html><head><title>Portal</title></head><body><h1>Sign in to continue</h1>"
    f"<pre>Authorization: Bearer {API_TOKEN}\n"
    f'request: {{"name": "x", "plex_token": "{SENT_PLEX_TOKEN}"}}\n'
    f'upstream: {{"plex_token": "{STORED_PLEX_TOKEN}", '
    f'"client_secret": "{STORED_CLIENT_SECRET}"}}\n'
    f"password={STORED_PASSWORD}</pre></body></html>"
)
SECRETS_TEXT: Final = (
    "upstream said:\n"
    f"plex_token={STORED_PLEX_TOKEN}\n"
    f"client_secret: {STORED_CLIENT_SECRET}\n"
    f"password = {STORED_PASSWORD}\n"
    f"token: {API_TOKEN}\n"
)


# -- the behaviours, by slug ---------------------------------------------------------------------

Behaviour = Callable[[Connection, "Request"], None]


class Request:
    """What the client sent: enough to echo it back."""

    def __init__(self, method: str, path: str, headers: dict[str, str], body: bytes) -> None:
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body

    @property
    def slug(self) -> str:
        parts = [part for part in self.path.split("?")[0].split("/") if part]
        return parts[-1] if parts else ""


def _send(data: bytes) -> Behaviour:
    def behave(conn: Connection, request: Request) -> None:
        conn.send(data)

    return behave


def _trickle_head(conn: Connection, request: Request) -> None:
    conn.trickle(response(200, OK_BODY))


def _trickle_body(conn: Connection, request: Request) -> None:
    body = json.dumps(OK_BODY).encode()
    if conn.send(head(200, {"Content-Type": "application/json", "Content-Length": str(len(body))})):
        conn.trickle(body)


def _hang_before_headers(conn: Connection, request: Request) -> None:
    conn.hang()


def _hang_after_headers(conn: Connection, request: Request) -> None:
    if conn.send(head(200, {"Content-Type": "application/json", "Content-Length": "700"})):
        conn.hang()


_FILLER: Final = b'{"name": "' + b"a" * (64 * 1024 - 10)


def _endless_chunked(conn: Connection, request: Request) -> None:
    piece = b"a" * (64 * 1024)
    chunk = b"%x\r\n%s\r\n" % (len(piece), piece)
    headers = {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}
    if conn.send(head(200, headers) + b'a\r\n{"name": "\r\n'):
        conn.stream(chunk)


def _endless_length(conn: Connection, request: Request) -> None:
    headers = {"Content-Type": "application/json", "Content-Length": str(10**15)}
    if conn.send(head(200, headers) + b'{"name": "'):
        conn.stream(b"a" * (64 * 1024))


def _huge_body(conn: Connection, request: Request) -> None:
    size = 500 * MIB
    headers = {"Content-Type": "application/json", "Content-Length": str(size)}
    if conn.send(head(200, headers) + b'{"name": "'):
        conn.stream(b"a" * MIB, size - 10)


def _bomb(encoding: str) -> Behaviour:
    def behave(conn: Connection, request: Request) -> None:
        body = compression_bomb(encoding)
        headers = {
            "Content-Type": "application/json",
            "Content-Encoding": encoding,
            "Content-Length": str(len(body)),
        }
        conn.send(head(200, headers) + body)

    return behave


def _error_500_50mb(conn: Connection, request: Request) -> None:
    prefix, suffix = b'{"detail": "', b'"}'
    size = 50 * MIB
    headers = {"Content-Type": "application/json", "Content-Length": str(size)}
    if conn.send(head(500, headers) + prefix):
        conn.stream(b"x" * MIB, size - len(prefix) - len(suffix))
        conn.send(suffix)


def _echo_500(conn: Connection, request: Request) -> None:
    """A buggy server echoing the request, Authorization header and body, in its error."""
    echoed = {
        "detail": f"cannot handle {request.body.decode('utf-8', 'replace')}",
        "authorization": request.headers.get("authorization", ""),
        "headers": request.headers,
    }
    conn.send(response(500, echoed))


_MISSING_PK: Final = {key: value for key, value in OK_BODY.items() if key != "pk"}
_TRUNCATED: Final = json.dumps(
    {"plex_token": STORED_PLEX_TOKEN, "pk": OK_BODY["pk"], "name": "Plex"}
).encode()[:-14]
_BIG_VALID: Final = stored_source(padding="p" * 100_000)
_UNDER_LIMIT: Final = stored_source(padding="p" * 900_000)  # under the default 1 MiB


def _ok_gzip(conn: Connection, request: Request) -> None:
    body = gzip.compress(json.dumps(OK_BODY).encode())
    extra = [("Content-Encoding", "gzip")]
    conn.send(response(200, body, extra=extra))


def _ok_chunked(conn: Connection, request: Request) -> None:
    body = json.dumps(OK_BODY).encode()
    chunks = b"".join(
        b"%x\r\n%s\r\n" % (len(body[i : i + 100]), body[i : i + 100])
        for i in range(0, len(body), 100)
    )
    headers = {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}
    conn.send(head(200, headers) + chunks + b"0\r\n\r\n")


def _reason_is_token(status: int) -> Behaviour:
    """An empty answer whose status line's reason phrase is the API token."""

    def behave(conn: Connection, request: Request) -> None:
        conn.send(head(status, {"Content-Length": "0"}, reason=API_TOKEN))

    return behave


def _echo_in_headers(status: int) -> Behaviour:
    """A valid source (or an empty error) whose headers echo the token: in a redirect's
    ``Location``, a cookie, the request id and the Authorization header received.
    """

    def behave(conn: Connection, request: Request) -> None:
        echoed = [
            ("Location", f"https://portal.example/login?next=/&token={API_TOKEN}"),
            ("Set-Cookie", f"session={API_TOKEN}; Path=/; HttpOnly"),
            ("X-Authentik-Id", API_TOKEN),
            ("X-Echo-Authorization", request.headers.get("authorization", "")),
        ]
        body = json.dumps(OK_BODY).encode() if status == 200 else b""
        headers = [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            *echoed,
        ]
        conn.send(head(status, headers) + body)

    return behave


#: A source whose ``name`` is the API token with its first character a JSON escape: the same
#: string once decoded, other bytes on the wire.
_ESCAPED_NAME: Final = json.dumps(stored_source(name=API_TOKEN)).replace(
    API_TOKEN, f"\\u{ord(API_TOKEN[0]):04x}" + API_TOKEN[1:]
)
#: A Retry-After date no clock can reach (datetime cannot hold the year).
ABSURD_RETRY_AFTER: Final = "Fri, 31 Dec 99999999999999999999 23:59:59 GMT"


def _absurd_retry_after(status: int) -> Behaviour:
    body = {"detail": "slow down"} if status != 400 else {"name": ["This field is wrong."]}
    return _send(response(status, body, extra=[("Retry-After", ABSURD_RETRY_AFTER)]))


BEHAVIOURS: Final[dict[str, Behaviour]] = {
    "ok": _send(response(200, OK_BODY, extra=[("X-Authentik-Id", "rid-ok")])),
    "ok-gzip": _ok_gzip,
    "ok-chunked": _ok_chunked,
    "under-default-limit": _send(response(200, _UNDER_LIMIT)),
    "trickle-head": _trickle_head,
    "trickle-body": _trickle_body,
    "hang-before-headers": _hang_before_headers,
    "hang-after-headers": _hang_after_headers,
    "endless-chunked": _endless_chunked,
    "endless-length": _endless_length,
    "huge-500mb": _huge_body,
    "gzip-bomb": _bomb("gzip"),
    "deflate-bomb": _bomb("deflate"),
    "error-500-50mb": _error_500_50mb,
    "echo-500": _echo_500,
    "deep-json-200": _send(response(200, b"[" * DEEP + b"]" * DEEP)),
    "deep-json-400": _send(response(400, b'{"detail": ' + b"[" * DEEP + b"]" * DEEP + b"}")),
    "truncated-secret-200": _send(response(200, _TRUNCATED)),
    "missing-field-secret-200": _send(response(200, _MISSING_PK)),
    "html-200-secrets": _send(response(200, SECRETS_PAGE, "text/html; charset=utf-8")),
    "html-502-secrets": _send(response(502, SECRETS_PAGE, "text/html; charset=utf-8")),
    "text-200-secrets": _send(response(200, SECRETS_TEXT, "text/plain")),
    "wrong-enabled": _send(response(200, stored_source(enabled="false"))),
    "wrong-pk": _send(response(200, stored_source(pk=5))),
    "wrong-allowed-servers": _send(response(200, stored_source(allowed_servers="x"))),
    "header-8k": _send(response(200, OK_BODY, extra=[("X-Padding", "h" * 8192)])),
    "header-100k": _send(response(200, OK_BODY, extra=[("X-Padding", "h" * 100_000)])),
    "garbage-status": _send(b"HTXP/1.1 two hundred \x00\xff\xfe\r\n\x01\x02: \x03\r\n\r\n{}"),
    "early-close": _send(b"HTTP/1.1 200 OK\r\nContent-Type: applic"),
    "over-custom-limit": _send(response(200, _BIG_VALID)),
    "reason-token-403": _reason_is_token(403),
    "reason-token-500": _reason_is_token(500),
    "echo-headers-200": _echo_in_headers(200),
    "echo-headers-403": _echo_in_headers(403),
    "escaped-token-name-200": _send(response(200, _ESCAPED_NAME)),
    "retry-after-absurd-503": _absurd_retry_after(503),
    "retry-after-absurd-429": _absurd_retry_after(429),
    "retry-after-absurd-400": _absurd_retry_after(400),
    "content-type-token-200": _send(response(200, "not json", content_type=API_TOKEN)),
    "content-encoding-token-200": _send(
        response(200, OK_BODY, extra=[("Content-Encoding", f"br, {API_TOKEN}")])
    ),
}


# -- the servers ---------------------------------------------------------------------------------


def _read_request(sock: socket.socket) -> Request | None:
    """Read one request (head and Content-Length body), bounded; None if it is not one."""
    data = b""
    while b"\r\n\r\n" not in data:
        if len(data) > _MAX_REQUEST_HEAD:
            return None
        try:
            chunk = sock.recv(65536)
        except OSError:
            return None
        if not chunk:
            return None
        data += chunk
    head_bytes, _, body = data.partition(b"\r\n\r\n")
    lines = head_bytes.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) < 3:
        return None
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    try:
        length = min(int(headers.get("content-length", "0")), _MAX_REQUEST_BODY)
    except ValueError:
        length = 0
    while len(body) < length:
        try:
            chunk = sock.recv(65536)
        except OSError:
            break
        if not chunk:
            break
        body += chunk
    return Request(parts[0], parts[1], headers, body[:length])


class _SocketServer:
    """Accepts on 127.0.0.1, one thread per connection; subclasses answer."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self._listener.settimeout(0.1)
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._acceptor = threading.Thread(target=self._accept_loop, daemon=True)

    @property
    def port(self) -> int:
        port: int = self._listener.getsockname()[1]
        return port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._acceptor.start()

    def close(self) -> None:
        self._stop.set()
        self._acceptor.join(timeout=5)
        with self._lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join(timeout=5)
        self._listener.close()

    def __enter__(self) -> _SocketServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                sock, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(sock,), daemon=True)
            with self._lock:
                self._threads = [t for t in self._threads if t.is_alive()]
                self._threads.append(thread)
            thread.start()

    def _serve(self, sock: socket.socket) -> None:
        sock.settimeout(5.0)
        try:
            request = _read_request(sock)
            if request is not None:
                self.answer(Connection(sock, self._stop), request)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def answer(self, conn: Connection, request: Request) -> None:
        raise NotImplementedError


class HostileServer(_SocketServer):
    """Answers ``/api/v3/sources/plex/<slug>/`` with ``BEHAVIOURS[slug]`` (else a 404)."""

    def __init__(self) -> None:
        super().__init__()
        self.received: list[Request] = []

    def start(self) -> None:
        # Build the bombs before the first client waits for one.
        compression_bomb("gzip")
        compression_bomb("deflate")
        super().start()

    def __enter__(self) -> HostileServer:
        self.start()
        return self

    def answer(self, conn: Connection, request: Request) -> None:
        with self._lock:
            self.received.append(request)
        behaviour = BEHAVIOURS.get(request.slug)
        if behaviour is None:
            conn.send(response(404, {"detail": "Not found."}))
            return
        behaviour(conn, request)


class RandomBytesServer(_SocketServer):
    """Answers every connection with ``reply`` (then closes); ``reply`` is set by the test."""

    def __init__(self) -> None:
        super().__init__()
        self.reply = b""

    def __enter__(self) -> RandomBytesServer:
        self.start()
        return self

    def answer(self, conn: Connection, request: Request) -> None:
        conn.send(self.reply)
