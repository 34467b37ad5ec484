"""Reading an answer's body within limits: at most ``limit`` bytes after decompression (gzip,
deflate), headers at most :data:`MAX_HEADER_BYTES`, whatever the transport. Pure: the clients
feed it the chunks they read.
"""

from __future__ import annotations

import zlib
from typing import Any, Final

import httpx

#: The most header bytes an answer may have (authentik sends under 1 KiB). httpx's own limit
#: is 100 KiB; past this the answer is refused.
MAX_HEADER_BYTES: Final = 64 * 1024


class Answer:
    """A response with its body read: ``content`` is the decoded body, at most the limit;
    ``complete`` is False when the body was longer (``content`` is then its start) and
    ``problem`` says why the body could not be read in full, if it could not.
    """

    __slots__ = ("complete", "content", "limit", "problem", "response", "text_secrets")

    def __init__(
        self, response: httpx.Response, content: bytes, limit: int, problem: str | None = None
    ) -> None:
        self.response = response
        self.content = content
        self.limit = limit
        self.problem = problem
        self.complete = problem is None
        #: The values the body, read as text, stores under secret-named keys, once found
        #: (:func:`.._answers.json_body.body_text_secrets`): a whole-body scan, done once.
        self.text_secrets: tuple[str, ...] | None = None

    @property
    def status_code(self) -> int:
        return self.response.status_code

    @property
    def is_success(self) -> bool:
        return self.response.is_success


class BodyReader:
    """Accumulates raw body chunks, decompressing (gzip, deflate) with bounded output.

    :meth:`feed` returns True once the limit is passed: stop reading, the rest is not wanted.
    Memory stays near the limit whatever the body's size or compression ratio.
    """

    __slots__ = ("_chunks", "_decoder", "_size", "limit", "problem")

    def __init__(self, content_encoding: str | None, limit: int) -> None:
        self.limit = limit
        self._chunks: list[bytes] = []
        self._size = 0
        self.problem: str | None = None
        self._decoder: Any = None
        encoding = (content_encoding or "").strip().lower()
        if encoding in ("gzip", "x-gzip"):
            self._decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._decoder = _DeflateDecoder()
        elif encoding not in ("", "identity"):
            # As the server wrote it (not lowercased: a secret in it must stay recognisable),
            # whole: shown only masked, then shortened (:func:`shown_problem`).
            self.problem = f"unsupported Content-Encoding {(content_encoding or '').strip()!r}"

    def feed(self, chunk: bytes) -> bool:
        """Take one raw chunk; True when reading should stop (limit passed or undecodable)."""
        if self.problem is not None:
            return True
        if self._decoder is None:
            return self._add(chunk)
        try:
            while chunk:
                room = self.limit - self._size + 1
                out = self._decoder.decompress(chunk, room)
                chunk = self._decoder.unconsumed_tail
                if self._add(out):
                    return True
        except zlib.error as exc:
            self.problem = f"the body cannot be decompressed ({exc})"
            return True
        return False

    def _add(self, data: bytes) -> bool:
        if not data:
            return False
        self._size += len(data)
        if self._size > self.limit:
            keep = len(data) - (self._size - self.limit)
            self._chunks.append(data[:keep])
            self.problem = f"the body is larger than the {self.limit:,}-byte limit"
            return True
        self._chunks.append(data)
        return False

    def broke(self, error: httpx.TransportError, problem: str | None = None) -> None:
        """The body broke off after the answer's head came (the connection closed before its
        Content-Length, an illegal chunk): the answer is what was read, cut short (its status
        stands: a 403 whose body broke is still a refusal, and a PATCH answered is not sent
        again). ``error``'s text is not kept: a parser may quote what it refused; ``problem``
        says what was wrong instead (the client's own words: headers over the limit).
        """
        self.problem = problem or (
            f"the body broke off after {self._size:,} bytes ({type(error).__name__})"
        )

    def answer(self, response: httpx.Response) -> Answer:
        """The response with what was read of its body."""
        content = self._chunks[0] if len(self._chunks) == 1 else b"".join(self._chunks)
        return Answer(response, content, self.limit, self.problem)


def check_headers(response: httpx.Response) -> None:
    """Raise httpx.RemoteProtocolError when the headers pass :data:`MAX_HEADER_BYTES`."""
    size = sum(len(name) + len(value) + 4 for name, value in response.headers.raw)
    if size > MAX_HEADER_BYTES:
        raise httpx.RemoteProtocolError(
            f"the answer's headers are larger than the {MAX_HEADER_BYTES:,}-byte limit ({size:,})"
        )


def reader_for(response: httpx.Response, limit: int) -> tuple[BodyReader, bool]:
    """A reader for ``response``'s body, and whether it is done: a transport that returns the
    body read already (an in-process one, such as the fake's or a mock) has it fed at once,
    decoded; otherwise the caller feeds the raw stream.
    """
    check_headers(response)
    if not response.is_stream_consumed:
        return BodyReader(response.headers.get("Content-Encoding"), limit), False
    reader = BodyReader(None, limit)
    reader.feed(response.content)
    return reader, True


class _DeflateDecoder:
    """HTTP's ``deflate``: zlib-wrapped as the RFC says, or raw as some servers send it."""

    def __init__(self) -> None:
        self._first = True
        self._inner = zlib.decompressobj()
        self.unconsumed_tail = b""

    def decompress(self, data: bytes, max_length: int) -> bytes:
        if self._first:
            self._first = False
            try:
                out = self._inner.decompress(data, max_length)
            except zlib.error:
                self._inner = zlib.decompressobj(-zlib.MAX_WBITS)
                out = self._inner.decompress(data, max_length)
        else:
            out = self._inner.decompress(data, max_length)
        self.unconsumed_tail = self._inner.unconsumed_tail
        return out


# --- JSON ---------------------------------------------------------------------------------------
