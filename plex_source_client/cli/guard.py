"""Running a command so that every exception becomes an exit code and one stderr line,
secrets read in this run masked.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Mapping
from typing import Any, TextIO

from .._text import MESSAGE_LIMIT, shorten, shorten_secret_free, text_of
from .exits import (
    EXIT_FAILED,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    SOURCE_URL,
    Invalid,
    UsageError,
    cli_words,
)

#: Every secret this run has read (tokens from files and the environment, Plex tokens in a
#: plan), masked in the one message that is not ours: an internal error's.
secrets_read: set[str] = set()


def remember_secret(value: object) -> None:
    """Remember a secret this run read, to mask it in an internal error's message."""
    if isinstance(value, str) and value:
        secrets_read.add(value)


def remember_secrets_in(document: Any) -> None:
    """Remember the value of every secret-named key (``plex_token``) anywhere in a plan."""
    from .._secrets import is_secret_name

    stack = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, Mapping):
            for key, item in value.items():
                if isinstance(key, str) and is_secret_name(key):
                    remember_secret(item)
                stack.append(item)
        elif isinstance(value, list):
            stack.extend(value)


def internal_error(error: BaseException) -> str:
    """The one line shown for an exception that is a bug of ours: its type and message,
    shortened, every secret read in this run masked; never a traceback.
    """
    secrets = {*secrets_read, os.environ.get("AUTHENTIK_TOKEN", "").strip()}
    message = text_of(error)
    name = type(error).__name__
    detail = shorten_secret_free(f"{name}: {message}" if message else name, secrets)
    return (
        f"plex-source: internal error ({detail}); this is a bug, please report it at {SOURCE_URL}\n"
    )


def guarded(run: Callable[[], int], err: TextIO) -> int:
    """``run()``'s exit code; every exception turned into its exit code and one stderr line."""
    from .._errors import ConfigurationError, InvalidRequest, PlexSourceError

    try:
        return run()
    except Invalid as invalid:
        for problem in invalid.problems:
            err.write(f"plex-source: invalid: {shorten(problem, MESSAGE_LIMIT)}\n")
        err.write("plex-source: nothing was sent\n")
        return EXIT_USAGE
    except (UsageError, ConfigurationError, InvalidRequest) as error:
        err.write(f"plex-source: {shorten(cli_words(error), MESSAGE_LIMIT)}\n")
        return EXIT_USAGE
    except PlexSourceError as error:  # not expected here (each item has its outcome), but ours
        err.write(f"plex-source: {shorten(error, MESSAGE_LIMIT)}\n")
        return EXIT_FAILED
    except KeyboardInterrupt:
        err.write("plex-source: interrupted\n")
        return EXIT_INTERRUPTED
    except SystemExit:
        raise
    except BaseException as error:  # noqa: BLE001 - a bug: one line and exit 5, no traceback
        with contextlib.suppress(Exception):  # stderr itself broken: the exit code must do
            err.write(internal_error(error))
        return EXIT_INTERNAL
