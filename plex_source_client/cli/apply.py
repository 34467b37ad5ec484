"""``plex-source apply FILE``: many updates from a plan file; and the run ``update`` shares."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import TYPE_CHECKING, Any, Final, TextIO

from .._text import plural
from .exits import EXIT_OK, Invalid, UsageError, cli_words, exit_codes_help
from .guard import remember_secrets_in
from .report import exit_code, report
from .settings import client_settings
from .update import update_item

if TYPE_CHECKING:
    from .planfile import PlanItem
    from .releases import Namer
    from .runner import ItemResult

#: The start of ``apply --help``'s epilog: a plan to copy.
PLAN_HELP: Final = """\
a minimal plan, plex-sources.toml (in JSON or YAML: a list of the same items):
  [[items]]
  slug = "plex-eu"
  changes = { enabled = true, allowed_servers = ["abc123"] }

"""


def plan_help() -> str:
    """The start of ``apply --help``'s epilog: a plan to copy and the keys of changes."""
    import textwrap

    from .._changes import FIELD_NAMES

    keys = textwrap.fill(
        "the keys of changes (at least one per item): " + ", ".join(FIELD_NAMES) + "; "
        'new_slug renames; null, or "" in TOML, clears a flow.',
        width=88,
    )
    return PLAN_HELP + keys + "\n\n"


def load_items(args: argparse.Namespace) -> list[PlanItem]:
    """The validated items of ``update`` or ``apply``; :class:`Invalid` listing every problem."""
    from .planfile import PlanError, load_document, parse_plan
    from .releases import check_given_release

    try:
        if args.command == "update":
            items = [update_item(args)]
        else:
            document = load_document(args.file)
            remember_secrets_in(document)
            items = parse_plan(document, validate=not args.no_validate, source=args.file)
    except PlanError as error:
        # A Plex token pasted into another field is quoted by that field's problem.
        from .._secrets import redact
        from .guard import run_secrets

        secrets = run_secrets()
        raise Invalid([redact(problem, secrets) for problem in error.problems]) from None
    check_given_release(items, args, os.environ, name=namer(args, items))
    return items


def namer(args: argparse.Namespace, items: list[PlanItem]) -> Namer:
    """How the command names a problem of an item: ``update`` in its options' words, a plan
    by item and slug.
    """
    from .releases import plan_problem
    from .update import update_namer

    return update_namer(args, items[0].changes) if args.command == "update" else plan_problem


def dry_run(items: list[PlanItem], args: argparse.Namespace, out: TextIO) -> int:
    """``--dry-run``: print the requests the items would send (secrets masked); send nothing."""
    from .. import _changes
    from .._config import api_base_url
    from .._secrets import MASK, redact_json, stored_secrets

    url = args.url or os.environ.get("AUTHENTIK_URL", "").strip()
    base = api_base_url(url, allow_insecure_http=True) if url else "$AUTHENTIK_URL/api/v3"
    for item in items:
        body = _changes.build_body(item.slug, item.changes, validate=not args.no_validate)
        sent = json.loads(body)
        request = {
            "method": "PATCH",
            "url": base + _changes.source_path(item.slug),
            "headers": {"Authorization": f"Bearer {MASK}", "Content-Type": "application/json"},
            # The Plex token sent is masked where another field repeats it too.
            "json": redact_json(sent, stored_secrets(sent)),
        }
        if args.output == "json":
            out.write(json.dumps(request) + "\n")
        else:
            out.write(f"PATCH {request['url']}\n")
            for name, value in request["headers"].items():
                out.write(f"{name}: {value}\n")
            out.write(f"\n{json.dumps(request['json'])}\n\n")
    if args.output == "text":
        out.write(f"dry run: {plural(len(items), 'request')} shown, none sent\n")
    return EXIT_OK


def _run(
    items: list[PlanItem], args: argparse.Namespace, settings: dict[str, Any]
) -> list[ItemResult]:
    import asyncio

    import httpx

    from .._async_client import AsyncPlexSourceClient
    from .guard import remember_client_secrets
    from .releases import settle_release
    from .runner import Progress, run_plan

    concurrency = getattr(args, "concurrency", 1)
    progress = None
    if args.command == "apply" and sys.stderr.isatty():
        progress = Progress(len(items), sys.stderr.write)

    async def go() -> list[ItemResult]:
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        async with AsyncPlexSourceClient(**settings, limits=limits) as client:
            remember_client_secrets(client)
            await settle_release(client, items, name=namer(args, items))
            return await run_plan(
                items,
                client,
                concurrency=concurrency,
                fail_fast=getattr(args, "fail_fast", False),
                check=args.check,
                keep_sources=args.command == "update",
                progress=progress,
                read=not args.no_read,
            )

    return asyncio.run(go())


def run_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``update`` and ``apply``: validate, send, report; the exit code."""
    from .._errors import ConfigurationError

    if args.command == "apply" and args.concurrency < 1:
        raise UsageError("--concurrency must be at least 1")
    items = load_items(args)
    if args.dry_run:
        return dry_run(items, args, out)
    try:
        settings = client_settings(args, os.environ)
        results = _run(items, args, settings)
    except ConfigurationError as error:
        raise UsageError(cli_words(error)) from None
    report(results, args, out, err, items)
    return exit_code(results)


def add_parser(commands: Any) -> None:
    """Add ``apply`` to the subcommands."""
    import textwrap

    from .options import DEFAULT_CONCURRENCY, add_connection_options, number_option

    formatter = argparse.RawDescriptionHelpFormatter
    parser = commands.add_parser(
        "apply",
        allow_abbrev=False,
        help="apply many updates from a file",
        description=textwrap.fill(
            "Apply a plan: a JSON, TOML or YAML list of {slug, changes} items "
            "(TOML: [[items]] tables). The whole file is validated first; then the items run "
            "concurrently, and each ends in one outcome: applied, unchanged, not_applied, "
            "rejected, not_found, failed or skipped. Each source is read first and only the "
            "fields that differ are PATCHed: a source that already matches is unchanged and "
            "gets no PATCH, so re-running a plan changes nothing, renames included (--no-read "
            "PATCHes every field unread).",
            88,
        ),
        epilog=plan_help() + exit_codes_help("apply"),
        formatter_class=formatter,
    )
    parser.add_argument("file", metavar="FILE", help="the plan: a .json, .toml, .yaml or .yml file")
    parser.add_argument(
        "--concurrency",
        type=number_option(int),
        default=DEFAULT_CONCURRENCY,
        metavar="N",
        help=f"updates in flight at once (default: {DEFAULT_CONCURRENCY})",
    )
    parser.add_argument(
        "--fail-fast", action="store_true", help="stop sending after the first failed item"
    )
    add_connection_options(parser)
