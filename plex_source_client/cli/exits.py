"""The exit codes, their help text, and the errors that end a command with exit code 2."""

from __future__ import annotations

from typing import Final

from .._text import text_of

EXIT_OK: Final = 0


EXIT_REJECTED: Final = 1


EXIT_USAGE: Final = 2


EXIT_FAILED: Final = 3


EXIT_DRIFT: Final = 4


EXIT_INTERNAL: Final = 5


EXIT_INTERRUPTED: Final = 130


#: Where to report a bug: the ``Source`` URL of pyproject.toml (a test keeps them equal).
SOURCE_URL: Final = "https://github.com/plex-source-client/plex-source-client"

_REFUSED_WRITE: Final = (
    "1  the server refused at least one update or read (invalid field, unknown slug, no permission)"
)
_REFUSED_READ: Final = "1  the server refused a read (unknown slug, no permission)"
_USAGE: Final = "2  usage error or client-side validation failure: nothing was sent"
_TRANSPORT: Final = (
    "3  transport failure or unexpected response (unreachable, timeout, 5xx after retries)"
)
_INTERNAL: Final = "5  internal error: a bug in plex-source-client (the message asks for a report)"
_NOT_APPLIED: Final = (
    "4  a field was not applied (the server's authentik release lacks it), or --check\n"
    "     found a field the server has otherwise than sent"
)
_READ: Final = ("0  every source asked for was read", _REFUSED_READ, _USAGE, _TRANSPORT, _INTERNAL)

#: The exit codes each command can end with, in its words; None: ``plex-source`` itself.
_EXIT_LINES: Final[dict[str | None, tuple[str, ...]]] = {
    None: (
        "0  success: every update applied or already in place; plan: nothing would change",
        _REFUSED_WRITE,
        _USAGE,
        _TRANSPORT,
        "4  something differs: plan found changes, --check found drift, or the server ignored "
        "a field",
        _INTERNAL,
    ),
    "update": (
        "0  the update was applied or already in place",
        _REFUSED_WRITE,
        _USAGE,
        _TRANSPORT,
        _NOT_APPLIED,
        _INTERNAL,
    ),
    "apply": (
        "0  every update was applied or already in place",
        _REFUSED_WRITE,
        _USAGE,
        _TRANSPORT,
        _NOT_APPLIED,
        _INTERNAL,
    ),
    "plan": (
        "0  nothing would change",
        _REFUSED_READ,
        _USAGE,
        _TRANSPORT,
        "4  something would change",
        _INTERNAL,
    ),
    "get": _READ,
    "export": (
        "0  every source asked for was read",
        _REFUSED_READ,
        "2  usage error, or a value export cannot write as it is (a value repeating a secret,\n"
        "     a lone surrogate in TOML): nothing was written",
        _TRANSPORT,
        _INTERNAL,
    ),
}

_ENVIRONMENT_HELP: Final = """\
environment:
  AUTHENTIK_URL         authentik's URL, e.g. https://auth.example.com (or --url)
  AUTHENTIK_TOKEN       an API token; or AUTHENTIK_TOKEN_FILE, a file holding it (not
                        both; --token-file wins over either). There is no --token option:
                        a token in the argument list is visible to every user of the machine.
  AUTHENTIK_INSECURE    true: do not verify TLS certificates
  AUTHENTIK_SERVER_VERSION
                        the server's authentik release, e.g. 2025.12 (or --server-version,
                        which wins); unset: asked of the server when a change needs it
"""


def exit_codes_help(command: str | None = None) -> str:
    """The ``exit codes:`` and ``environment:`` part of ``--help``: for ``command``, only the
    exit codes it can end with, in its own words; for ``plex-source`` itself (None), all.
    """
    lines = "".join(f"  {line}\n" for line in _EXIT_LINES[command])
    return f"exit codes:\n{lines}{_ENVIRONMENT_HELP}"


#: The top-level ``--help``'s part: every exit code, the environment.
EXIT_CODES_HELP: Final = exit_codes_help()


class UsageError(Exception):
    """Bad command-line input: exit code 2, nothing sent."""


class Invalid(Exception):
    """Invalid input (a plan, options): exit code 2, one line per problem, nothing sent."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


# -- running -------------------------------------------------------------------------------------


def cli_words(error: BaseException) -> str:
    """An error's message in the command line's words (its options, not the client's
    keyword arguments) when it has them (``ConfigurationError.cli_message``).
    """
    cli_message = getattr(error, "cli_message", None)
    return cli_message if isinstance(cli_message, str) else text_of(error)
