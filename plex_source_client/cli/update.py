"""``plex-source update SLUG``: change one source, its fields given as options."""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from .._text import MESSAGE_LIMIT, shorten
from .exits import Invalid, UsageError, exit_codes_help
from .guard import remember_secrets_in
from .settings import api_token_file, read_secret_option

if TYPE_CHECKING:
    from .planfile import PlanItem
    from .releases import Namer

#: What ``update`` says when no field option was given: it would send an empty PATCH.
NO_FIELD_HELP: Final = (
    "no field to change: give at least one field option such as --enabled or --name NAME "
    "(see plex-source update --help); nothing was sent"
)


def given_fields(args: argparse.Namespace) -> set[str]:
    """The fields given as options (not in ``--from-file``), by keyword name."""
    from .._changes import FIELDS_BY_NAME

    given = {name for name in vars(args) if name in FIELDS_BY_NAME}
    return given | {"plex_token"} if hasattr(args, "plex_token_file") else given


#: The option that gives a field's value, where it is not ``--`` and the field's name.
OPTION_OF: Final = {
    "new_slug": "--new-slug",
    "user_property_mappings": "--user-property-mapping",
    "group_property_mappings": "--group-property-mapping",
    "allowed_servers": "--allowed-server",
    "plex_token": "--plex-token-file",
}


#: The option that sets a boolean field to false.
OPTION_OF_FALSE: Final = {
    "enabled": "--disabled",
    "promoted": "--no-promoted",
    "allow_friends": "--no-allow-friends",
}


def option_of(field: str, value: object = None) -> str:
    """The option that gives ``field`` (``--new-slug``, ``--allowed-server``...; with its
    ``value`` false, ``--no-promoted``, ``--disabled``...).
    """
    if value is False and field in OPTION_OF_FALSE:
        return OPTION_OF_FALSE[field]
    return OPTION_OF.get(field, "--" + field.replace("_", "-"))


def update_changes(args: argparse.Namespace) -> dict[str, Any]:
    """The changes ``update`` was given: options and ``--from-file`` (never both for a field)."""
    from .._changes import FIELDS_BY_NAME
    from .planfile import PlanError, load_changes

    given = {k: v for k, v in vars(args).items() if k in FIELDS_BY_NAME}
    if hasattr(args, "plex_token_file"):
        if args.plex_token_file == "-" and api_token_file(args, os.environ) == "-":  # noqa: S105
            raise UsageError(
                "--plex-token-file - and the API token's file (--token-file or "
                "AUTHENTIK_TOKEN_FILE) both read standard input: give one of them a file"
            )
        given["plex_token"] = read_secret_option(args.plex_token_file, "--plex-token-file")
    if not hasattr(args, "from_file"):
        if not given:
            raise UsageError(NO_FIELD_HELP)
        return given
    try:
        changes = load_changes(args.from_file)
    except PlanError as error:
        raise UsageError(str(error)) from None
    remember_secrets_in(changes)
    both = sorted(set(changes) & set(given))
    if both:
        raise UsageError(
            f"given both in {shorten(args.from_file, MESSAGE_LIMIT)} and as options: "
            + ", ".join(both)
        )
    if not changes and not given:
        shown = shorten(args.from_file, MESSAGE_LIMIT)
        raise UsageError(NO_FIELD_HELP.replace("give", f"{shown} has none; give", 1))
    return {**changes, **given}


def update_namer(args: argparse.Namespace, changes: Mapping[str, Any]) -> Namer:
    """How ``update`` names a problem: in the command line's words (``SLUG``, ``--new-slug``;
    a key of ``--from-file`` by its name).
    """
    options = given_fields(args)

    def named(field: str) -> str:
        if field == "slug" and field not in changes:  # the path's, not a key of the file
            return "SLUG"
        return option_of(field, changes.get(field)) if field in options else shorten(field)

    def problem(item: PlanItem, field: str, message: str) -> str:
        return f"{named(field)}: {shorten(message, MESSAGE_LIMIT)}"

    return problem


def update_item(args: argparse.Namespace) -> PlanItem:
    """The one item of ``update``, validated; problems named in the command line's words
    (``SLUG``, ``--new-slug``; a key of ``--from-file`` by its name).
    """
    from .._changes import build_body
    from .._errors import InvalidRequest
    from .planfile import PlanItem

    changes = update_changes(args)
    item = PlanItem(index=0, slug=args.slug, changes=changes)
    try:
        build_body(args.slug, changes, validate=not args.no_validate)
    except InvalidRequest as invalid:
        name = update_namer(args, changes)
        raise Invalid(
            [
                name(item, field, message)
                for field, messages in invalid.errors.items()
                for message in messages
            ]
        ) from None
    return item


def add_parser(commands: Any) -> None:
    """Add ``update`` to the subcommands."""
    from .options import add_connection_options, add_field_options

    formatter = argparse.RawDescriptionHelpFormatter
    parser = commands.add_parser(
        "update",
        allow_abbrev=False,
        help="change one Plex source",
        description="Change the Plex source SLUG. Only the fields given are sent; give at "
        "least one.",
        epilog=exit_codes_help("update"),
        formatter_class=formatter,
    )
    parser.add_argument("slug", metavar="SLUG", help="the slug of the source to change")
    add_field_options(parser)
    add_connection_options(parser)
