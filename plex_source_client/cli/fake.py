"""``plex-source fake``: serve a fake authentik in the foreground."""

from __future__ import annotations

import argparse
from typing import Any, TextIO


def add_parser(commands: Any) -> None:
    """Add ``fake`` to the subcommands."""
    from .options import number_option

    fake = commands.add_parser(
        "fake",
        allow_abbrev=False,
        help="run a fake authentik in the foreground, to try the other commands against",
        description="Serve a fake authentik (plex_source_client.testing.FakeAuthentik) on\n"
        "127.0.0.1 until Ctrl-C or SIGTERM, and print the export lines that point\n"
        "AUTHENTIK_URL and AUTHENTIK_TOKEN at it. It logs one line per request on stderr\n"
        "and keeps its state in memory only.",
        epilog="example:\n  plex-source fake --source my-plex --source plex-eu\n"
        "  # in another shell: paste the two export lines, then\n"
        "  plex-source update my-plex --disabled\n"
        "  plex-source fake --authentik-version 2026.2   # a newer release's fields",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    fake.add_argument(
        "--port",
        type=number_option(int),
        default=0,
        metavar="PORT",
        help="the port to listen on (default: 0, a free port)",
    )
    fake.add_argument(
        "--source",
        dest="sources",
        action="append",
        default=[],
        metavar="SLUG",
        help="a Plex source to start with; repeat for several (default: one source, plex)",
    )
    fake.add_argument(
        "--flow",
        dest="flows",
        action="append",
        default=[],
        metavar="UUID",
        help="a flow that updates may name, besides authentik's two default source flows; "
        "repeat for several (default: none)",
    )
    fake.add_argument(
        "--property-mapping",
        dest="property_mappings",
        action="append",
        default=[],
        metavar="UUID",
        help="a property mapping that updates may name; repeat for several (default: none)",
    )
    fake.add_argument(
        "--authentik-version",
        default="2024.8.2",
        metavar="RELEASE",
        help="the authentik release to play, e.g. 2026.2 or 2025.12.2: its fields, validation "
        "and version endpoint (default: 2024.8.2)",
    )
    fake.add_argument(
        "--no-version-endpoint",
        dest="version_endpoint",
        action="store_false",
        help="answer /api/v3/admin/version/ 404, as a proxy blocking /api/v3/admin/ would "
        "(default: serve it)",
    )


# -- turning arguments into a plan ---------------------------------------------------------------


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``plex-source fake``: serve until interrupted."""
    from ..testing._serve import serve_fake

    return serve_fake(
        port=args.port,
        sources=args.sources,
        flows=args.flows,
        property_mappings=args.property_mappings,
        version=args.authentik_version,
        version_endpoint=args.version_endpoint,
        out=out,
        err=err,
    )
