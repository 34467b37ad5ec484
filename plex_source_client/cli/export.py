"""``plex-source export [SLUG ...]``: the current values of the writable fields as a plan
(config as code), so that ``plan`` on the same server reports no change.

The plan's ``changes`` use ``update()``'s keyword names; the Plex token only with
``--include-secrets``. TOML (the default) has no null: a field that is null (no flow) is left
out of a TOML plan and written as null in JSON.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final, TextIO

from .._text import json_text, shorten
from .exits import EXIT_FAILED, EXIT_OK, EXIT_USAGE, exit_codes_help

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


def plan_data(item: dict[str, Any], secrets: tuple[str, ...]) -> dict[str, Any]:
    """``item`` as export writes it without ``--include-secrets``: secret-named fields masked
    and each of the ``secrets`` (see :func:`export_secrets`) masked where a value repeats it,
    as ``get`` prints it: a long one anywhere, a short one (see
    :data:`~plex_source_client._secrets.MIN_ANYWHERE`) where it stands alone
    (``\u300cXy9Q2\u300d``; not inside ``plex_token``). Export then refuses to write such a
    plan (see :func:`masked_fields`).
    """
    from .._secrets import redact_json

    return dict(redact_json(item, secrets))


def export_secrets(run: tuple[str, ...], short_client: set[str]) -> tuple[str, ...]:
    """The secrets of the ``run`` (see :func:`.guard.data_secrets`) export masks: every one a
    server stored (a Plex token, however short: the server says it is a secret) and the API
    token when long. Not a short one the client held (``short_client``: a test token ``any``,
    ``Plex``): it may well be a real value (``name = "Plex"``), and masked, ``plan`` on the
    file would find a change and ``apply`` would send ``***``; the echo check leaves it alone
    for the same reason.
    """
    from .._secrets import MIN_ANYWHERE

    return tuple(s for s in run if len(s) >= MIN_ANYWHERE or s not in short_client)


def masked_fields(item: dict[str, Any], shown: dict[str, Any]) -> list[str]:
    """The fields of a plan ``item`` that :func:`plan_data` changed (``shown``): a value
    repeating a secret, written ``***``. Such a plan would change the source on ``apply``
    (rename it to ``***``), so export refuses to write it; ``slug`` when the slug holds one.
    """
    fields = ["slug"] if shown["slug"] != item["slug"] else []
    changes = shown.get("changes", {})
    # A key masked too (a stored value equal to a field's name, ``name``): that field changed.
    return fields + [
        name
        for name, value in item["changes"].items()
        if name not in changes or changes[name] != value
    ]


class NoToml(ValueError):
    """A value TOML cannot hold: a string with a lone surrogate (a server's JSON may have one,
    but TOML strings hold Unicode scalar values only). ``slug``: the item's, when known.
    """

    def __init__(self, slug: str = "") -> None:
        super().__init__(slug)
        self.slug = slug


_LONE_SURROGATE: Final = re.compile("[\ud800-\udfff]")


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        # A JSON string, its controls escaped (DEL and C1 too), is a TOML basic string.
        if _LONE_SURROGATE.search(value):
            raise NoToml
        return json_text(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    raise TypeError(f"no TOML for {type(value).__name__}")


def to_toml(items: list[dict[str, Any]]) -> str:
    """The plan as TOML: an ``[[items]]`` table per item, its ``[items.changes]`` below; null
    values left out (TOML has none).
    """
    lines = ["# Plex sources, exported by plex-source export: apply with plex-source apply"]
    for item in items:
        changes: Mapping[str, Any] = item["changes"]
        try:
            lines += ["", "[[items]]", f"slug = {_toml_value(item['slug'])}", ""]
            lines += ["[items.changes]"]
            lines += [f"{name} = {_toml_value(v)}" for name, v in changes.items() if v is not None]
        except NoToml:
            raise NoToml(item["slug"]) from None
    return "\n".join(lines) + "\n"


def plan_format(chosen: str | None, path: str | None) -> str:
    """The format to write (``toml`` or ``json``): the one ``plan`` and ``apply`` will read
    the file ``path`` in (by its suffix: ``.toml`` TOML, any other JSON), so that the export
    reads back; ``chosen`` (``--format``) when there is no file (default TOML). UsageError for
    a ``.yaml`` file (read as YAML, which export does not write) or a ``--format`` the file's
    name contradicts.
    """
    from pathlib import Path

    from .exits import UsageError

    if path is None:
        return chosen or "toml"
    suffix = Path(path).suffix.lower()
    shown = shorten(path)
    if suffix in (".yaml", ".yml"):
        raise UsageError(
            f"{shown}: plan and apply read a {suffix} file as YAML, and export writes TOML or "
            "JSON: name it .toml or .json; nothing was written"
        )
    read_as = "toml" if suffix == ".toml" else "json"
    if chosen is not None and chosen != read_as:
        raise UsageError(
            f"--format {chosen} does not match {shown}: plan and apply read it as "
            f"{read_as.upper()} (.toml is TOML, any other name JSON); nothing was written"
        )
    return read_as


def unnamable_slugs(sources: list[PlexSource]) -> list[tuple[str, str]]:
    """The slugs of ``sources`` no plan can name (no authentik stores them: ``a/b``, ``..``,
    ``a b``, an empty one), each with why: a hostile server's list.
    """
    from .._changes import path_slug_problems

    return [
        (source.slug, problems[0])
        for source in sources
        if (problems := path_slug_problems(source.slug))
    ]


def shown_slug(slug: str) -> str:
    """A slug a server sent, quoted and shortened for a message, every secret this run knows
    masked in it.
    """
    from .._text import shorten_secret_free
    from .guard import run_secrets

    return shorten_secret_free(repr(slug), run_secrets())


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``plex-source export``: read, then write the plan to ``-o FILE`` or standard output."""
    import asyncio
    import os

    from .._async_client import AsyncPlexSourceClient
    from .._errors import ConfigurationError, PlexSourceError
    from .exits import UsageError, cli_words
    from .get import read_error
    from .guard import (
        data_secrets,
        remember_client_secrets,
        remember_secret,
        short_client_secrets,
    )
    from .outfile import refuse_existing, write_output_file
    from .reading import list_all, read_slugs, require_path_slugs
    from .settings import client_settings

    if args.o == "-":  # the usual spelling of standard output, never a file named "-"
        args.o = None
    fmt = plan_format(args.format, args.o)  # before reading, as the checks below
    require_path_slugs(args.slugs, named=True)
    if args.o is not None:  # before reading: a refusal costs the server nothing
        refuse_existing(args.o, force=args.force, option="-o")
    try:
        settings = client_settings(args, os.environ)

        async def go() -> dict[str, PlexSource | PlexSourceError]:
            async with AsyncPlexSourceClient(**settings) as client:
                remember_client_secrets(client)
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
    if unnamable := unnamable_slugs(sources):
        # No authentik stores such a slug, and a plan naming it is refused (exit 2): the file
        # would be of no use. The slug is the server's, masked of every secret this run knows.
        for slug, problem in unnamable:
            err.write(
                f"plex-source: the server sent a source whose slug {shown_slug(slug)} no plan can "
                f"name ({problem}): not an answer of authentik's\n"
            )
        err.write("plex-source: nothing was written\n")
        return EXIT_FAILED
    items = [plan_item(source, include_secrets=args.include_secrets) for source in sources]
    if not args.include_secrets:  # a secret this run knows, in another field, is masked too
        secrets = export_secrets(data_secrets(), short_client_secrets)
        shown = [plan_data(item, secrets) for item in items]
        refused = [
            (masked, masked_fields(item, masked)) for item, masked in zip(items, shown, strict=True)
        ]
        refused = [(masked, fields) for masked, fields in refused if fields]
        if refused:  # ``***`` written for a real value: apply would send it back
            for masked, fields in refused:
                err.write(
                    f"plex-source: {shorten(masked['slug'])}: {', '.join(fields)}: the value "
                    "repeats a secret this run read (a stored Plex token or the API token), which "
                    "export would write as ***, and apply would then send: "
                    "export it with --include-secrets, or change the value on the server\n"
                )
            err.write("plex-source: nothing was written\n")
            return EXIT_USAGE
        items = shown
    for item in items:
        remember_secret(item["changes"].get("plex_token"))
    if fmt == "json":
        text = json_text({"items": items}, indent=2) + "\n"
    else:
        try:
            text = to_toml(items)
        except NoToml as error:
            raise UsageError(
                f"{shorten(error.slug)}: a value holds a lone surrogate (such as \\ud800), which "
                "TOML cannot hold: export as JSON (JSON escapes it: -o FILE.json, or --format "
                "json); nothing was written"
            ) from None
    if args.o is None:
        out.write(text)
    else:
        write_output_file(args.o, text, private=args.include_secrets, force=args.force, option="-o")
    return EXIT_OK


def add_parser(commands: Any) -> None:
    """Add ``export`` to the subcommands."""
    import textwrap

    from .options import add_connection_options
    from .outfile import FORCE_HELP

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
        epilog=exit_codes_help("export"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "slugs", metavar="SLUG", nargs="*", help="a source to export (default: every source)"
    )
    parser.add_argument(
        "--format",
        choices=("toml", "json"),
        default=None,
        help="the plan's format (default: toml on standard output; with -o FILE, the one plan "
        "and apply read it in: toml for a .toml file, json for any other name)",
    )
    parser.add_argument(
        "-o",
        metavar="FILE",
        default=None,
        help="write the plan to FILE (default, or -: stdout): a new file, renamed into place once "
        "written whole (a failure leaves an old FILE as it was)",
    )
    parser.add_argument("--force", action="store_true", help=FORCE_HELP)
    parser.add_argument(
        "--include-secrets",
        action="store_true",
        help="include each source's plex_token (default: left out); FILE is then created "
        "readable by its owner only (0600)",
    )
    add_connection_options(parser, writes=False, output=False, changes=False)
