"""Reading a small file (a token file, a plan) that may be a pipe, without ever blocking forever.

``open()`` of a FIFO blocks until a writer opens it, and a read until the writer writes: a
token file path naming a FIFO nobody writes to would hang a CI job for good. Here the file is
opened with ``O_NONBLOCK`` (so opening never waits), read at most one byte past the caller's
limit (so a huge file or a device costs no memory), and every wait for data has an overall
deadline. A FIFO with no writer reads as empty (the callers then say it is empty); one whose
writer is there (process substitution, ``--token-file <(echo ...)``) is read as it writes.
"""

from __future__ import annotations

import errno
import os
import select
import stat
import time
from typing import Final

#: The longest reading one file may take, in seconds, waits for a pipe's writer included.
READ_DEADLINE: Final = 10.0

_CHUNK: Final = 65536


def read_bounded(path: str, limit: int, *, deadline: float = READ_DEADLINE) -> bytes:
    """At most ``limit + 1`` bytes of the file at ``path`` (more than ``limit`` means it holds
    more: the caller refuses it; nothing more is read). Never blocks longer than ``deadline``
    seconds: opening does not wait for a FIFO's writer, a FIFO with no writer reads as empty,
    and data that does not come in time raises :class:`TimeoutError`. Raises :class:`OSError`
    (``strerror`` says why) when the file cannot be read.
    """
    ends = time.monotonic() + deadline
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        waits = not stat.S_ISREG(os.fstat(fd).st_mode) and hasattr(os, "O_NONBLOCK")
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            try:
                chunk = os.read(fd, min(_CHUNK, limit + 1 - size))
            except BlockingIOError:  # a writer is there but has not written yet
                if not waits:
                    raise
                left = ends - time.monotonic()
                if left <= 0 or not select.select([fd], [], [], left)[0]:
                    raise TimeoutError(
                        errno.ETIMEDOUT, f"no data within {deadline:g} seconds"
                    ) from None
                continue
            if not chunk:  # the end of the file; a pipe's writer closed it, or there is none
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_descriptor_bounded(fd: int, limit: int, *, deadline: float = READ_DEADLINE) -> bytes:
    """At most ``limit + 1`` bytes from the open descriptor ``fd`` (standard input), to its
    end; from a terminal, to the end of the first line. Waits at most ``deadline`` seconds in
    all (:class:`TimeoutError` then): a pipe whose writer never writes, nor closes, cannot
    hang the command. The descriptor's flags are left as they are (the shell shares them):
    each read comes only once ``select`` says there is data or the end to read.
    """
    ends = time.monotonic() + deadline
    terminal = os.isatty(fd)
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        left = ends - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            raise TimeoutError(errno.ETIMEDOUT, f"no end within {deadline:g} seconds")
        chunk = os.read(fd, min(_CHUNK, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        if terminal and b"\n" in chunk:  # a line typed: the secret
            break
    return b"".join(chunks)


def _kind(mode: int) -> str:
    """What a file that is not a regular one is, in a message's words."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def not_a_file(path: str | bytes) -> str | None:
    """Why ``path`` cannot be a file OpenSSL reads (a CA bundle): it does not exist, cannot
    be looked at, or is a directory, FIFO, socket or device; None for a regular file. Looked
    at with ``stat``, never opened: OpenSSL's own ``open()`` of a FIFO blocks for good.
    """
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return exc.strerror or str(exc)
    if stat.S_ISREG(mode):
        return None
    kind = _kind(mode)
    return kind if kind == "not a regular file" else f"it is {kind}, not a file"


def not_a_directory(path: str | bytes) -> str | None:
    """Why ``path`` cannot be a directory of CA certificates: it does not exist, cannot be
    looked at, or is not a directory; None for a directory (looked at with ``stat``).
    """
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return exc.strerror or str(exc)
    if stat.S_ISDIR(mode):
        return None
    return "it is a file, not a directory" if stat.S_ISREG(mode) else f"it is {_kind(mode)}"
