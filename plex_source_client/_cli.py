"""The ``plex-source`` command line (also ``python -m plex_source_client``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ._version import AUTHENTIK_API_VERSION, __version__


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="plex-source",
        description="Change an authentik Plex source: PATCH /api/v3/sources/plex/{slug}/.",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"plex-source-client {__version__} (authentik API {AUTHENTIK_API_VERSION})",
        help="print the package version and the authentik API version of the bundled spec",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser(
        "demo",
        help="change a source on an embedded fake authentik and show before and after",
        description="Start a fake authentik on 127.0.0.1, change its Plex source through the "
        "client and print the source before and after (secrets masked).",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "demo":
        from ._demo import run_demo

        return run_demo(sys.stdout)
    parser.print_help()
    return 0
