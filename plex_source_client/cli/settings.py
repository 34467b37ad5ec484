"""From options and the environment to the client's settings; secret files read."""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Mapping
from typing import Any

from .._text import MESSAGE_LIMIT, shorten
from .exits import UsageError
from .guard import remember_secret
from .releases import given_release


def read_secret_option(path: str, what: str) -> str:
    """The secret in the file at ``path`` ('-': standard input), read as the client reads
    ``AUTHENTIK_TOKEN_FILE``: UTF-8, a byte order mark and surrounding whitespace dropped, at
    most 64 KiB. Nothing of the file's content is ever put in a message.
    """
    from .._config import read_secret_file, secret_from_bytes
    from .._errors import ConfigurationError
    from .._secrets import MAX_SECRET_FILE_BYTES

    shown = shorten(path, MESSAGE_LIMIT)
    try:
        if path == "-":
            value = secret_from_bytes(_read_standard_input(what, MAX_SECRET_FILE_BYTES), shown)
        else:
            value = read_secret_file(path, shown)
    except ConfigurationError as error:
        raise UsageError(f"{what}: {shorten(str(error), MESSAGE_LIMIT)}") from None
    if not value:
        raise UsageError(f"{what}: {shown} is empty")
    remember_secret(value)
    return value


def _read_standard_input(what: str, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of standard input, with the deadline a token file has
    (:data:`.._files.READ_DEADLINE`): a pipe that never writes nor ends is a usage error that
    says so, not a hang.
    """
    from .. import _files

    if sys.stdin is None:
        raise UsageError(f"{what}: there is no standard input to read")
    try:
        fd = sys.stdin.fileno()
    except (AttributeError, OSError, ValueError):  # no descriptor (a StringIO): read it
        stdin = getattr(sys.stdin, "buffer", sys.stdin)
        raw: bytes | str = stdin.read(limit + 1)
        return raw.encode() if isinstance(raw, str) else raw
    try:
        return _files.read_descriptor_bounded(fd, limit, deadline=_files.READ_DEADLINE)
    except TimeoutError:
        raise UsageError(
            f"{what}: standard input (-) did not end within {_files.READ_DEADLINE:g} seconds, so "
            "nothing was read from it: pipe the secret in and close the pipe, or give a file"
        ) from None
    except OSError as error:
        raise UsageError(
            f"{what}: cannot read standard input (-): {error.strerror or error}"
        ) from None


def api_token_file(args: argparse.Namespace, environ: Mapping[str, str]) -> str:
    """The file the API token is read from ('-': standard input; '': none): ``--token-file``,
    which wins over both variables, else ``AUTHENTIK_TOKEN_FILE`` when ``AUTHENTIK_TOKEN`` is
    not set (with both set, the client's settings refuse them).
    """
    if args.token_file or environ.get("AUTHENTIK_TOKEN", "").strip():
        return str(args.token_file or "")
    return environ.get("AUTHENTIK_TOKEN_FILE", "").strip()


def client_settings(args: argparse.Namespace, environ: Mapping[str, str]) -> dict[str, Any]:
    """The client's keyword arguments from the options and ``environ``."""
    from .._config import settings_from_env

    given: dict[str, Any] = {}
    if args.url:
        given["url"] = args.url
    token_file = api_token_file(args, environ)
    if token_file:
        what = "API token file" if args.token_file else "AUTHENTIK_TOKEN_FILE"
        given["token"] = read_secret_option(token_file, what)  # checked by the client
    remember_secret(environ.get("AUTHENTIK_TOKEN", "").strip())
    release = given_release(args, environ)  # --server-version, else AUTHENTIK_SERVER_VERSION
    given["server_version"] = release[1] if release is not None else None
    settings = {**settings_from_env(environ, given=given), **given}
    remember_secret(settings.get("token"))
    if args.timeout is not None:
        if not 0 < args.timeout < math.inf:
            raise UsageError("--timeout must be a positive number of seconds")
        settings["timeout"] = args.timeout
    if args.max_retries is not None:
        if args.max_retries < 0:
            raise UsageError("--max-retries must be 0 or more")
        settings["max_retries"] = args.max_retries
    if args.max_response_size is not None:  # only when given: the client's default otherwise
        if args.max_response_size < 1:
            raise UsageError("--max-response-size must be at least 1 byte")
        settings["max_response_size"] = args.max_response_size
    # get and export take no --no-validate: they send no changes
    settings["validate"] = not getattr(args, "no_validate", False)
    settings["allow_insecure_http"] = args.allow_insecure_http
    return settings
