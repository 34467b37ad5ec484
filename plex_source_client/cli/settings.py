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
    from .._base import read_secret_file, secret_from_bytes
    from .._errors import ConfigurationError
    from .._secrets import MAX_SECRET_FILE_BYTES

    shown = shorten(path, MESSAGE_LIMIT)
    try:
        if path == "-":
            if sys.stdin is None:
                raise UsageError(f"{what}: there is no standard input to read")
            stdin = getattr(sys.stdin, "buffer", sys.stdin)  # a StringIO in tests: no buffer
            raw: bytes | str = stdin.read(MAX_SECRET_FILE_BYTES + 1)
            value = secret_from_bytes(raw.encode() if isinstance(raw, str) else raw, shown)
        else:
            value = read_secret_file(path, shown)
    except ConfigurationError as error:
        raise UsageError(f"{what}: {shorten(str(error), MESSAGE_LIMIT)}") from None
    if not value:
        raise UsageError(f"{what}: {shown} is empty")
    remember_secret(value)
    return value


def client_settings(args: argparse.Namespace, environ: Mapping[str, str]) -> dict[str, Any]:
    """The client's keyword arguments from the options and ``environ``."""
    from .._base import settings_from_env

    given: dict[str, Any] = {}
    if args.url:
        given["url"] = args.url
    token_file = args.token_file  # --token-file wins over both variables
    if not token_file and not environ.get("AUTHENTIK_TOKEN", "").strip():
        # AUTHENTIK_TOKEN_FILE alone; with AUTHENTIK_TOKEN too, settings_from_env refuses both
        token_file = environ.get("AUTHENTIK_TOKEN_FILE", "").strip()
    if token_file:
        given["token"] = read_secret_option(token_file, "API token file")  # checked by the client
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
    settings["validate"] = not args.no_validate
    settings["allow_insecure_http"] = args.allow_insecure_http
    return settings
