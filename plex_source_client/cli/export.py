"""``plex-source export [SLUG ...]``: the current values of the writable fields as a plan
(config as code), so that ``plan`` on the same server reports no change.

The plan's ``changes`` use ``update()``'s keyword names; the Plex token only with
``--include-secrets``. TOML (the default) has no null: a field that is null (no flow) is left
out of a TOML plan and written as null in JSON.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TextIO

from .exits import EXIT_CODES_HELP, EXIT_OK

if TYPE_CHECKING:
    from .._models import PlexSource


def plan_item(source: PlexSource, *, include_secrets: bool) -> dict[str, Any]:
    """A plan item ``{slug, changes}`` holding ``source``'s writable fields as they are."""
    from .._changes import FIELDS, is_writable_in

    current = source.to_dict()
    changes = {
        field.name: current[field.wire]
        for field in FIELDS
        if field.name != "new_slug"
        and (include_secrets or not field.secret)
        and is_writable_in(field, current)  # what the server's release can write
    }
    return {"slug": source.slug, "changes": changes}


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        # A JSON string is a TOML basic string, but for DEL, which TOML wants escaped.
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    raise TypeError(f"no TOML for {type(value).__name__}")


def to_toml(items: list[dict[str, Any]]) -> str:
    """The plan as TOML: an ``[[items]]`` table per item, its ``[items.changes]`` below; null
    values left out (TOML has none).
    """
    lines = ["# Plex sources, exported by plex-source export: apply with plex-source apply"]
    for item in items:
        lines += ["", "[[items]]", f"slug = {_toml_value(item['slug'])}", "", "[items.changes]"]
        changes: Mapping[str, Any] = item["changes"]
        lines += [f"{name} = {_toml_value(v)}" for name, v in changes.items() if v is not None]
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``plex-source export``: read, then write the plan to ``-o FILE`` or standard output."""
    import asyncio
    import os

    from .._async_client import AsyncPlexSourceClient
    from .._errors import ConfigurationError, PlexSourceError
    from .exits import UsageError, cli_words
    from .get import read_error
    from .guard import remember_secret
    from .reading import list_all, read_slugs
    from .settings import client_settings

    try:
        settings = client_settings(args, os.environ)

        async def go() -> dict[str, PlexSource | PlexSourceError]:
            async with AsyncPlexSourceClient(**settings) as client:
                if not args.slugs:
                    try:
                        return {source.slug: source for source in await list_all(client)}
                    except PlexSourceError as error:
                        return {"": error}
                return await read_slugs(args.slugs, client, concurrency=8)

        read = asyncio.run(go())
    except ConfigurationError as error:
        raise UsageError(cli_words(error)) from None
    failed = [(slug, value) for slug, value in read.items() if isinstance(value, PlexSourceError)]
    if failed:
        codes = [read_error(slug or "(the list)", error, err) for slug, error in failed]
        err.write("plex-source: nothing was written\n")
        return max(codes)
    sources = [value for value in read.values() if not isinstance(value, PlexSourceError)]
    items = [plan_item(source, include_secrets=args.include_secrets) for source in sources]
    for item in items:
        remember_secret(item["changes"].get("plex_token"))
    fmt = args.format or ("json" if str(args.o or "").lower().endswith(".json") else "toml")
    text = (
        json.dumps({"items": items}, indent=2, ensure_ascii=False) + "\n"
        if fmt == "json"
        else to_toml(items)
    )
    if args.o is None:
        out.write(text)
    else:
        _write_file(args.o, text, private=args.include_secrets)
    return EXIT_OK


def _write_file(path: str, text: str, *, private: bool) -> None:
    """Write ``text`` to ``path``; readable by its owner only when it holds a secret."""
    import os

    from .exits import UsageError

    mode = 0o600 if private else 0o666
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
    except OSError as error:
        raise UsageError(f"-o {path}: cannot write: {error.strerror or error}") from None


def add_parser(commands: Any) -> None:
    """Add ``export`` to the subcommands."""
    import textwrap

    from .options import add_connection_options

    parser = commands.add_parser(
        "export",
        allow_abbrev=False,
        help="write the sources' current settings as a plan (config as code)",
        description=textwrap.fill(
            "Read the named Plex sources (every one when none is named) and print a "
            "plan of their writable fields' current values, in update()'s keyword names: TOML, "
            "or JSON with --format json. plex-source plan on the result reports no change. The "
            "Plex token is left out unless --include-secrets. TOML has no null: a null field "
            "(no flow) is left out of TOML, written as null in JSON.",
            88,
        ),
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "slugs", metavar="SLUG", nargs="*", help="a source to export (default: every source)"
    )
    parser.add_argument(
        "--format",
        choices=("toml", "json"),
        default=None,
        help="the plan's format (default: json when -o FILE ends in .json, else toml)",
    )
    parser.add_argument(
        "-o", metavar="FILE", default=None, help="write the plan to FILE (default: stdout)"
    )
    parser.add_argument(
        "--include-secrets",
        action="store_true",
        help="include each source's plex_token (default: left out); FILE is then made "
        "readable by its owner only",
    )
    add_connection_options(parser, writes=False, output=False)
