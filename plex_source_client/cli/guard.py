"""Running a command so that every exception becomes an exit code and one stderr line,
secrets read in this run masked.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final, TextIO

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

if TYPE_CHECKING:
    from .._async_client import AsyncPlexSourceClient
    from .._client import PlexSourceClient
    from .._models import PlexSource

#: Every secret this run has read (tokens from files and the environment, proxy passwords,
#: Plex tokens in a plan or read from the server): masked in an internal error's message and
#: in whatever the command prints of a server's answer (:func:`shown_json`).
secrets_read: set[str] = set()


def remember_secret(value: object) -> None:
    """Remember a secret this run read, to mask it in an internal error's message."""
    if isinstance(value, str) and value:
        secrets_read.add(value)


#: The short secrets (see :data:`~plex_source_client._secrets.MIN_ANYWHERE`) a client of this
#: run held: the client masked them in every text of the server's its errors quote, so
#: :func:`message_secrets` leaves them out.
short_client_secrets: set[str] = set()


#: The proxies' passwords (and ``Proxy-Authorization`` values) a client of this run held:
#: masked in messages (:func:`run_secrets`), not in authentik's data a command prints or
#: writes (:func:`data_secrets`). Authentik never receives them, so a value holding one is
#: authentik's own (a password ``authentik`` is in every source's icon URL): masked, ``get``
#: would print, and ``export`` write, values authentik does not have.
proxy_secrets_read: set[str] = set()


def remember_client_secrets(client: PlexSourceClient | AsyncPlexSourceClient) -> None:
    """Remember the secrets a client holds: its API token and its proxies' passwords (from
    the environment's ``HTTPS_PROXY`` too).
    """
    from .._secrets import MIN_ANYWHERE

    for value in client._core.secrets:
        if value in client._core.echoed:  # the API token
            remember_secret(value)
        elif value:
            proxy_secrets_read.add(value)
        if 0 < len(value) < MIN_ANYWHERE:
            short_client_secrets.add(value)


#: The most values one source read from the server adds to the run's secrets: an authentik
#: source stores one (``plex_token``), a newer release a few more. A hostile answer storing
#: 42,000 secret-named members made every later item of ``apply`` mask against all of them
#: (rebuilt per item: quadratic in the plan's length). The source itself is shown masked
#: with all its values; only their echo in another source's output is bounded so.
MAX_REMEMBERED_PER_SOURCE: Final = 64


def remember_source(source: PlexSource | Mapping[str, Any]) -> None:
    """Remember every secret a source read from the server stores (its ``plex_token``, any
    other secret-named field a newer server adds, at any depth): the server may echo one in
    another field (``name``), and everything printed of this run masks it.
    """
    from .._secrets import stored_secrets

    data = source if isinstance(source, Mapping) else source.to_dict()
    for value in stored_secrets(data)[:MAX_REMEMBERED_PER_SOURCE]:
        remember_secret(value)


def run_secrets() -> tuple[str, ...]:
    """Every secret this run knows (see :data:`secrets_read`), ``AUTHENTIK_TOKEN`` and the
    proxies' passwords included: masked in every message.
    """
    return tuple(
        s
        for s in {*secrets_read, *proxy_secrets_read, os.environ.get("AUTHENTIK_TOKEN", "").strip()}
        if s
    )


def data_secrets() -> tuple[str, ...]:
    """The secrets masked where a command prints or writes authentik's data (a source, a plan,
    drift): those of :func:`run_secrets` but the proxies' passwords (see
    :data:`proxy_secrets_read`), unless this run knows one otherwise (it is also the API token).
    """
    return tuple(s for s in {*secrets_read, os.environ.get("AUTHENTIK_TOKEN", "").strip()} if s)


def message_secrets() -> tuple[str, ...]:
    """The secrets to mask (again) in the message of a client's error: every secret this run
    knows (a Plex token another item sent, a value another answer stored) but the short ones
    a client held. The client masked those in every text of the server's that its message
    quotes; masked again, a token ``Plex`` would rewrite the package's own words (``the list
    of Plex sources``), which hold no secret. A long secret cannot be such a word: masked
    again, it changes nothing the client did not.
    """
    return tuple(s for s in run_secrets() if s not in short_client_secrets)


def shown_json(value: Any) -> Any:
    """A server's JSON (a source) as a command may print it: secret-named fields masked and
    every secret this run knows redacted wherever it shows: a server that echoes the Plex
    token a PATCH sent in another field (``name``) gets it printed as ``***``.
    """
    from .._secrets import redact_json

    return redact_json(value, data_secrets())


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
    secrets = run_secrets()
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
        err.write(f"plex-source: {shorten_secret_free(cli_words(error), run_secrets())}\n")
        return EXIT_USAGE
    except PlexSourceError as error:  # not expected here (each item has its outcome), but ours
        err.write(f"plex-source: {shorten_secret_free(error, message_secrets())}\n")
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
