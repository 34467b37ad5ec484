"""``plex-source get SLUG``: one source as authentik has it, as a table or JSON; secrets masked
unless ``--show-secrets``.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any, TextIO

from .._text import MESSAGE_LIMIT, json_text, shorten
from .exits import EXIT_FAILED, EXIT_OK, EXIT_REJECTED, exit_codes_help

if TYPE_CHECKING:
    from .._client import PlexSourceClient
    from .._errors import NotFound, PlexSourceError


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


def _blaming_the_url(client: PlexSourceClient, error: NotFound) -> NotFound:
    """``error``, or the list's 404 when the list is not found either: authentik's JSON 404
    for a path it has no route for (a wrong prefix in the URL) reads like an unknown slug's,
    but every authentik has the list. One more request, made only for a 404.
    """
    from .._errors import NotFound, PlexSourceError

    if error.wrong_url:
        return error
    try:
        next(iter(client.list(page_size=1)), None)
    except NotFound as list_error:
        return list_error if list_error.wrong_url else error
    except PlexSourceError:
        pass
    return error


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``plex-source get SLUG``."""
    import os

    from .._client import PlexSourceClient
    from .._errors import ConfigurationError, NotFound, PlexSourceError
    from .exits import UsageError, cli_words
    from .guard import remember_client_secrets, remember_source, shown_json
    from .reading import require_path_slugs
    from .settings import client_settings
    from .tables import text_table

    require_path_slugs([args.slug], named=False)
    try:
        settings = client_settings(args, os.environ)
        with PlexSourceClient(**settings) as client:
            remember_client_secrets(client)
            try:
                source = client.get(args.slug).to_dict()
            except NotFound as error:
                raise _blaming_the_url(client, error) from None
    except ConfigurationError as error:
        raise UsageError(cli_words(error)) from None
    except PlexSourceError as error:
        return read_error(args.slug, error, err)
    remember_source(source)  # before masking: the table and the JSON mask what it stores
    shown = source if args.show_secrets else shown_json(source)
    if source.get("slug") == args.slug:
        # The slug the user typed is theirs, shown as typed even when a short secret of the
        # run (a 3-character API token) equals it; any other slug the server sends is masked
        # as every field is, in the heading as in the table.
        shown["slug"] = args.slug
    if args.output == "json":
        out.write(json_text(shown) + "\n")
    else:
        out.write(f'Plex source "{shorten(shown.get("slug", args.slug), MESSAGE_LIMIT)}":\n')
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
        epilog=exit_codes_help("get"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("slug", metavar="SLUG", help="the slug of the source to show")
    parser.add_argument(
        "--show-secrets",
        action="store_true",
        help="show the Plex token's value (default: masked); mind where the output goes",
    )
    add_connection_options(parser, writes=False, changes=False)
