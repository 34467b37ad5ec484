"""The ``plex-source`` parser and :func:`main`: the commands' modules imported only when
they run (``--help`` stays fast).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import Final, TextIO

from .._version import AUTHENTIK_API_VERSION, __version__
from . import apply, demo, export, fake, get, plan, update
from .exits import EXIT_CODES_HELP, EXIT_USAGE
from .guard import guarded, proxy_secrets_read, secrets_read, short_client_secrets
from .options import ArgumentParser
from .streams import quiet_standard_streams


def build_parser() -> argparse.ArgumentParser:
    """The parser of every command."""
    formatter = argparse.RawDescriptionHelpFormatter
    parser = ArgumentParser(
        prog="plex-source",
        allow_abbrev=False,  # --token must never be read as --token-file
        description="Read and change authentik Plex sources (/api/v3/sources/plex/): changes are "
        "PATCHed only where the server differs.",
        epilog=EXIT_CODES_HELP,
        formatter_class=formatter,
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"plex-source-client {__version__} (spec: authentik API {AUTHENTIK_API_VERSION}; "
        "serves authentik 2024.8 to 2026.x)",
        help="print the package version and the authentik API version of the bundled spec",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    update.add_parser(commands)
    apply.add_parser(commands)
    plan.add_parser(commands)
    get.add_parser(commands)
    export.add_parser(commands)
    demo.add_parser(commands)
    fake.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit code.

    Never raises (argparse's own exits aside): usage errors exit 2, an interrupt 130, and
    any exception that is not one of this package's errors, a bug, exits 5 with one line.
    Writing never fails the command (:mod:`.streams`): when the reader of stdout went away
    (``| head -1``) the rest of the output is dropped and the command still finishes with
    its own exit code; characters stdout's encoding cannot hold are written escaped.
    """
    secrets_read.clear()
    short_client_secrets.clear()
    proxy_secrets_read.clear()
    with quiet_standard_streams() as (out, err):
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return EXIT_USAGE
        run: Callable[[argparse.Namespace, TextIO, TextIO], int] = COMMANDS[args.command]
        return guarded(lambda: run(args, out, err), err)


#: Each command's runner, by name (each imports what it needs only when it runs).
COMMANDS: Final[dict[str, Callable[[argparse.Namespace, TextIO, TextIO], int]]] = {
    "update": apply.run_command,
    "apply": apply.run_command,
    "plan": plan.run,
    "get": get.run,
    "export": export.run,
    "demo": demo.run,
    "fake": fake.run,
}
