"""Standard output and error that never fail a command: a closed pipe (``... | head -1``)
stops the output quietly, and text the stream's encoding cannot hold (a lone surrogate in a
server's value) is written backslash-escaped instead of raising.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator
from typing import TextIO, cast


class QuietStream(io.TextIOBase):
    """``stream``, its writes never raising: after a broken pipe (or any ``OSError``) every
    later write is dropped, and the descriptor is pointed at ``os.devnull`` so that the
    interpreter's final flush stays quiet too; unencodable characters are backslash-escaped.
    """

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.stream = stream
        self.closed_by_reader = False

    @property
    def encoding(self) -> str:  # type: ignore[override]  # io.TextIOBase's is a plain attribute
        """The wrapped stream's encoding (UTF-8 when it has none)."""
        return getattr(self.stream, "encoding", None) or "utf-8"

    def isatty(self) -> bool:
        """Whether the wrapped stream is a terminal (False once its reader went away)."""
        if self.closed_by_reader:
            return False
        try:
            return self.stream.isatty()
        except (OSError, ValueError):
            return False

    def writable(self) -> bool:
        """Always: writes never fail (they may be dropped)."""
        return True

    def write(self, text: str) -> int:
        """Write ``text``; escaped where the encoding cannot hold it, dropped after a broken
        pipe. Returns ``len(text)`` either way.
        """
        if self.closed_by_reader:
            return len(text)
        try:
            try:
                self.stream.write(text)
            except UnicodeEncodeError:
                encoding = self.encoding
                self.stream.write(text.encode(encoding, "backslashreplace").decode(encoding))
        except (OSError, ValueError):  # BrokenPipeError, EPIPE, a closed file
            self._reader_gone()
        return len(text)

    def flush(self) -> None:
        """Flush the wrapped stream; a broken pipe silences it instead of raising."""
        if self.closed_by_reader:
            return
        try:
            self.stream.flush()
        except (OSError, ValueError):
            self._reader_gone()

    def _reader_gone(self) -> None:
        self.closed_by_reader = True
        with contextlib.suppress(Exception):  # no descriptor (a StringIO): nothing to redirect
            devnull = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(devnull, self.stream.fileno())
            finally:
                os.close(devnull)


@contextlib.contextmanager
def quiet_standard_streams() -> Iterator[tuple[TextIO, TextIO]]:
    """``sys.stdout`` and ``sys.stderr`` replaced by :class:`QuietStream` s for the block
    (argparse's help and errors included); both flushed, quietly, at its end.
    """
    import sys

    out = QuietStream(sys.stdout)
    err = QuietStream(sys.stderr)
    streams = (cast("TextIO", out), cast("TextIO", err))
    try:
        with contextlib.redirect_stdout(streams[0]), contextlib.redirect_stderr(streams[1]):
            yield streams
    finally:
        out.flush()
        err.flush()
