"""``plex-source get SLUG``: one source as authentik has it, as a table or JSON; secrets masked
unless ``--show-secrets``.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any, TextIO

from .._text import MESSAGE_LIMIT, json_text, shorten
from .exits import EXIT_CODES_HELP, EXIT_FAILED, EXIT_OK, EXIT_REJECTED

if TYPE_CHECKING:
    from .._errors import PlexSourceError


def read_error(slug: str, error: PlexSourceError, err: TextIO) -> int:
    """One stderr line for a source that could not be read; exit 1 when the server refused
    (unknown slug, no permission), 3 otherwise.
    """
    from .planfile import PlanItem
    from .report import problem_lines
    from .runner import REJECTED, result_for_error

    result = result_for_error(PlanItem(index=0, slug=slug, changes={}), error)
    for line in problem_lines(result):
        err.write(f"plex-source: {line}\n")
    return EXIT_REJECTED if result.outcome in REJECTED else EXIT_FAILED


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``plex-source get SLUG``."""
    import os

    from .._client import PlexSourceClient
    from .._errors import ConfigurationError, PlexSourceError
    from .exits import UsageError, cli_words
    from .guard import remember_client_secrets, remember_secret, shown_json
    from .settings import client_settings
    from .tables import text_table

    try:
        settings = client_settings(args, os.environ)
        with PlexSourceClient(**settings) as client:
            remember_client_secrets(client)
            source = client.get(args.slug).to_dict()
    except ConfigurationError as error:
        raise UsageError(cli_words(error)) from None
    except PlexSourceError as error:
        return read_error(args.slug, error, err)
    remember_secret(source.get("plex_token"))
    shown = source if args.show_secrets else shown_json(source)
    if args.output == "json":
        out.write(json_text(shown) + "\n")
    else:
        out.write(f'Plex source "{shorten(source.get("slug", args.slug), MESSAGE_LIMIT)}":\n')
        out.write(text_table(shown, show_secrets=args.show_secrets) + "\n")
    return EXIT_OK


def add_parser(commands: Any) -> None:
    """Add ``get`` to the subcommands."""
    import textwrap

    from .options import add_connection_options

    parser = commands.add_parser(
        "get",
        allow_abbrev=False,
        help="show one Plex source as authentik has it",
        description=textwrap.fill(
            "Read the Plex source SLUG (one GET) and print it: a table, or with "
            "--output json its JSON. Secrets (the Plex token) are masked unless --show-secrets.",
            88,
        ),
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("slug", metavar="SLUG", help="the slug of the source to show")
    parser.add_argument(
        "--show-secrets",
        action="store_true",
        help="show the Plex token's value (default: masked); mind where the output goes",
    )
    add_connection_options(parser, writes=False)
