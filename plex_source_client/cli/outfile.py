"""Writing a command's output to a file (``export -o FILE``) so that no file is left unsafe.

- An existing ``FILE`` is replaced only with ``--force``: the user's own plan is never lost to
  a mistyped command.
- The text goes to a new temporary file in ``FILE``'s folder, which is then renamed over
  ``FILE``: a failure half-way (a full disk, an interrupt) leaves the old file as it was, and
  the temporary file is removed.
- A file holding a secret is created readable by its owner only (``0600``) before a byte is
  written, whatever mode an old ``FILE`` had; the others get the usual mode (``0666`` less the
  umask).
- Only a file is replaced: a device (``/dev/null``), a pipe or a folder at ``FILE`` is refused,
  ``--force`` or not (the rename would put a regular file in a device's place).
- A symbolic link at ``FILE`` is never written through: the rename replaces the link itself
  (with ``--force``; its target is left untouched), so a link planted towards another file
  cannot make a secret land there.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from typing import Final

from .._text import MESSAGE_LIMIT, shorten
from .exits import UsageError

#: How ``--force`` is described in the help of a command that writes a file.
FORCE_HELP: Final = (
    "replace FILE if it exists (default: refused); a symbolic link at FILE is replaced by the "
    "new file, never followed, and its target is left as it is"
)


def refuse_existing(path: str, *, force: bool, option: str) -> None:
    """:class:`UsageError` when ``path`` exists (a dangling link included) and not ``force``,
    or is no file (a device such as ``/dev/null``, a pipe, a socket, a folder) even with
    ``force``: the rename would replace a device run as root with a regular file. Checked
    before a command does its work, and again when it writes.
    """
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return
    shown = f"{option} {shorten(path, MESSAGE_LIMIT)}"
    if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
        raise UsageError(
            f"{shown}: not a file (a device, a pipe or a folder): -o writes a new file; "
            "leave -o out to print to standard output"
        )
    if not force:
        raise UsageError(_exists(shown))


def _exists(shown: str) -> str:
    return f"{shown}: the file exists; add --force to replace it"


def write_output_file(path: str, text: str, *, private: bool, force: bool, option: str) -> None:
    """Write ``text`` (UTF-8) to ``path``, atomically: see the module. ``private``: readable by
    its owner only. ``option``: how messages name the option that gave ``path`` (``-o``).
    Raises :class:`UsageError` (exit 2) when ``path`` exists without ``force``, or cannot be
    written; ``path`` is then as it was.
    """
    refuse_existing(path, force=force, option=option)
    shown = f"{option} {shorten(path, MESSAGE_LIMIT)}"
    # Encoded before any file is touched (a lone surrogate, which callers escape: as \ud800).
    data = text.encode("utf-8", "backslashreplace")
    folder = os.path.dirname(path) or "."
    fd, temporary = _new_file(folder, os.path.basename(path), private=private, shown=shown)
    left = True  # the temporary file is still there (to be removed)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        left = _put_in_place(temporary, path, force=force, shown=shown)
    except OSError as error:
        raise UsageError(f"{shown}: cannot write: {error.strerror or error}") from None
    finally:  # any failure, an interrupt included: no temporary file left behind
        if left:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


_CLOEXEC: Final = getattr(os, "O_CLOEXEC", 0)


def _new_file(folder: str, name: str, *, private: bool, shown: str) -> tuple[int, str]:
    """A new empty file in ``folder`` named after ``name`` (created here, never an existing
    one: ``O_EXCL``), mode ``0600`` when ``private`` (else ``0666`` less the umask): its
    descriptor, open for writing, and its path.
    """
    mode = 0o600 if private else 0o666
    for _ in range(100):
        candidate = os.path.join(folder, f".{name[:100]}.{secrets.token_hex(6)}.tmp")
        try:
            fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _CLOEXEC, mode)
        except FileExistsError:
            continue
        except OSError as error:
            raise UsageError(f"{shown}: cannot write: {error.strerror or error}") from None
        return fd, candidate
    raise UsageError(f"{shown}: cannot write: no free temporary file name in its folder")


def _put_in_place(temporary: str, path: str, *, force: bool, shown: str) -> bool:
    """Rename ``temporary`` to ``path``: over whatever is there with ``force`` (a link is
    replaced, not followed); else only if nothing is there, checked atomically (a hard link
    fails on an existing name) where the file system allows hard links. Whether
    ``temporary`` is still there (hard-linked) for the caller to remove.
    """
    if force:
        os.replace(temporary, path)
        return False
    try:
        os.link(temporary, path, follow_symlinks=False)
        return True
    except FileExistsError:
        raise UsageError(_exists(shown)) from None
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
            raise
        if os.path.lexists(path):  # no hard links here: checked just before instead
            raise UsageError(_exists(shown)) from None
        os.replace(temporary, path)
        return False
