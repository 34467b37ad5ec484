"""The argument parser and the option groups commands share: connection and behaviour,
fields to change.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from collections.abc import Callable, Sequence
from typing import Any, Final, NoReturn, TypeVar

from .._text import MESSAGE_LIMIT, shorten
from .exits import EXIT_USAGE

DEFAULT_CONCURRENCY: Final = 8

_Number = TypeVar("_Number", int, float)


def number_option(convert: Callable[[str], _Number]) -> Callable[[str], _Number]:
    """An option's ``type``: its value as ``convert`` (``int``, ``float``) reads it. A value it
    refuses is shown by the configuration's rule (:func:`.._config.shown.shown_setting`):
    quoted if it looks like a number (``1.5`` for an ``int``), else described, never quoted
    (argparse would quote a token pasted there, ``--timeout "$AUTHENTIK_TOKEN"``).
    """

    def parse(text: str) -> _Number:
        try:
            return convert(text)
        except ValueError:
            from .._config.shown import NUMBER, shown_setting

            shown = shown_setting(text, NUMBER)
            raise argparse.ArgumentTypeError(f"invalid {convert.__name__} value: {shown}") from None

    return parse


class ArgumentParser(argparse.ArgumentParser):
    """argparse's parser, its errors short and pointed: one line of usage (the command's, with
    its positional arguments; ``--help`` has the rest) before the error, "did you mean" for a
    mistyped option or command, an invalid choice as one line listing the choices, and the
    error line shortened (it quotes the offending argument).
    """

    #: The error being reported is an invalid choice: its line lists the choices, and no usage
    #: is printed before it.
    _choice_error = False

    def parse_args(  # type: ignore[override]  # one signature: argv in, namespace out
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> argparse.Namespace:
        """argparse's, an unrecognized argument reported by the command it was given to
        (its usage, its options suggested), not by ``plex-source`` itself.
        """
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            parser = self._command_parser(parsed)
            parser.error(unrecognized_message(extras, parser))
        return parsed

    def _command_parser(self, parsed: argparse.Namespace) -> ArgumentParser:
        """The parser of the subcommand ``parsed`` ran (this one when none)."""
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction):
                chosen = action.choices.get(getattr(parsed, action.dest, None) or "")
                if isinstance(chosen, ArgumentParser):
                    return chosen._command_parser(parsed)
        return self

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        """An invalid choice as one line naming every choice (and the nearest, for a
        command's name).
        """
        choices = action.choices
        if choices is None or value in choices:
            return
        names = [str(choice) for choice in choices]
        near = difflib.get_close_matches(str(value), names, n=1)
        hint = f"; did you mean {near[0]}?" if near and isinstance(choices, dict) else ""
        self._choice_error = True
        raise argparse.ArgumentError(
            action, f"invalid choice {shorten(value)!r} (choose from {', '.join(names)}){hint}"
        )

    def short_usage(self) -> str:
        """``usage: plex-source update [options] SLUG (plex-source update --help: ...)``."""
        formatter = self._get_formatter()
        formatter.add_usage(None, self._get_positional_actions(), [], prefix="")
        positionals = formatter.format_help().strip()[len(self.prog) :].strip()
        return (
            f"usage: {self.prog} [options] {positionals}".rstrip() + f" (see {self.prog} --help)\n"
        )

    def error(self, message: str) -> NoReturn:
        """Print the short usage (none before an invalid choice) and the error; exit 2."""
        if not self._choice_error:
            sys.stderr.write(self.short_usage())
        self.exit(EXIT_USAGE, f"{self.prog}: error: {shorten(message, MESSAGE_LIMIT)}\n")


def unrecognized_message(extras: Sequence[str], parser: argparse.ArgumentParser) -> str:
    """``unrecognized arguments: --enabeld (did you mean --enabled?)``: each option compared
    with the options ``parser`` takes (its hidden ones left out).
    """
    options = [
        option
        for action in parser._actions
        if action.help != argparse.SUPPRESS
        for option in action.option_strings
    ]
    shown = []
    for extra in extras:
        text = shorten(extra)
        if extra.startswith("-"):
            near = difflib.get_close_matches(extra.split("=", 1)[0], options, n=1, cutoff=0.6)
            if near:
                text += f" (did you mean {near[0]}?)"
        shown.append(text)
    noun = "argument" if len(extras) == 1 else "arguments"
    return f"unrecognized {noun}: {' '.join(shown)}"


class RefuseSecretInArgv(argparse.Action):
    """``--token VALUE`` / ``--plex-token VALUE``: refused, without echoing the value."""

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        """Refuse the option, naming the safe way instead; exit 2."""
        option = kwargs.get("option_string") or (args[2] if len(args) > 2 else "--token")
        instead = (
            "--plex-token-file" if "plex" in str(option) else "AUTHENTIK_TOKEN or --token-file"
        )
        sys.stderr.write(
            f"plex-source: {option} is not supported: a secret in the argument list is visible "
            f"to every user of this machine and stays in shell history; use {instead}\n"
        )
        parser.exit(EXIT_USAGE)


def add_connection_options(
    parser: argparse.ArgumentParser,
    *,
    writes: bool = True,
    output: bool = True,
    changes: bool = True,
) -> None:
    """The connection and behaviour options every command that talks to authentik takes;
    ``writes``: also those of commands that change sources (``--dry-run``, ``--no-read``,
    ``--check``); ``output``: ``--output``; ``changes``: the command takes changes (a plan,
    field options), which ``--no-validate`` and ``--server-version`` check; a command that
    only reads gets ``--server-version`` in its words and no ``--no-validate``.
    """
    parser.add_argument(
        "--token", action=RefuseSecretInArgv, default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )
    group = parser.add_argument_group("connection and behaviour")
    group.add_argument("--url", help="authentik's URL (default: $AUTHENTIK_URL)")
    group.add_argument(
        "--token-file",
        metavar="PATH",
        help="read the API token from PATH ('-': standard input, which must end within 10 s; "
        "default: $AUTHENTIK_TOKEN or $AUTHENTIK_TOKEN_FILE)",
    )
    if output:
        group.add_argument(
            "--output",
            choices=("text", "json"),
            default="text",
            help="output format (default: text)",
        )
    if writes:
        group.add_argument(
            "--dry-run",
            action="store_true",
            help="validate and print the requests of every planned field (secrets masked), "
            "reading nothing and sending nothing (plan FILE shows what would change)",
        )
        group.add_argument(
            "--no-read",
            action="store_true",
            help="PATCH every planned field without reading the sources first (default: read "
            "them, PATCH only the fields that differ, and send nothing for an unchanged source)",
        )
        group.add_argument(
            "--check",
            action="store_true",
            help="compare each returned source with the request; exit 4 on any difference",
        )
    group.add_argument(
        "--timeout",
        type=number_option(float),
        metavar="SECONDS",
        help="time budget of each attempt, in seconds, connecting included (default: 30)",
    )
    group.add_argument(
        "--max-retries",
        type=number_option(int),
        metavar="N",
        help="retries after a connection error, a timeout, 429, 502, 503 or 504 (default: 2)",
    )
    group.add_argument(
        "--max-response-size",
        type=number_option(int),
        metavar="BYTES",
        help="largest response body accepted, after decompression (default: 1 MiB)",
    )
    group.add_argument(
        "--allow-insecure-http",
        action="store_true",
        help="allow an http:// URL to a host other than this machine (the token travels in "
        "clear; default: refused)",
    )
    release_help = (
        "the server's authentik release, e.g. 2025.12 or 2024.8.2 (default: "
        "$AUTHENTIK_SERVER_VERSION; else asked of the server when a change needs it): a field "
        "the release lacks is refused before anything is sent"
        if changes
        else "the server's authentik release, e.g. 2025.12 or 2024.8.2 (default: "
        "$AUTHENTIK_SERVER_VERSION): an answer without a field that release has is refused "
        "as unexpected"
    )
    group.add_argument("--server-version", metavar="RELEASE", help=release_help)
    if changes:
        group.add_argument(
            "--no-validate",
            action="store_true",
            help="send values unchecked; the slug, field names and fields the server's release "
            "lacks are still checked",
        )


def add_field_options(parser: argparse.ArgumentParser) -> None:
    """The options of the fields to change (``update``)."""
    from .._changes import FIELDS

    fields = parser.add_argument_group("fields to change (only those given are sent)")
    S = argparse.SUPPRESS  # noqa: N806 - short, for the long list below
    fields.add_argument("--name", default=S, help="the display name")
    fields.add_argument("--new-slug", default=S, metavar="SLUG", help="rename the source to SLUG")
    toggle = fields.add_mutually_exclusive_group()
    toggle.add_argument(
        "--enabled", dest="enabled", action="store_const", const=True, default=S,
        help="enable the source: users can log in with Plex",
    )  # fmt: skip
    toggle.add_argument(
        "--disabled", dest="enabled", action="store_const", const=False, default=S,
        help="disable the source",
    )  # fmt: skip
    promoted = fields.add_mutually_exclusive_group()
    promoted.add_argument(
        "--promoted", dest="promoted", action="store_const", const=True, default=S,
        help="show the source as a prominent button on the login page (authentik 2025.12+)",
    )  # fmt: skip
    promoted.add_argument(
        "--no-promoted", dest="promoted", action="store_const", const=False, default=S,
        help="show the source as a small icon on the login page (authentik 2025.12+)",
    )  # fmt: skip
    for flow, purpose in (
        ("authentication_flow", "logs in users who already have an account"),
        ("enrollment_flow", "creates an account for a new user"),
    ):
        option = flow.replace("_", "-")
        group = fields.add_mutually_exclusive_group()
        group.add_argument(
            f"--{option}", dest=flow, metavar="UUID", default=S,
            help=f"the flow (its UUID) that {purpose}",
        )  # fmt: skip
        group.add_argument(
            f"--clear-{option}", dest=flow, action="store_const", const=None, default=S,
            help=f"set the {option.replace('-', ' ')} to null: none",
        )  # fmt: skip
    for mappings in ("user_property_mappings", "group_property_mappings"):
        option = mappings.replace("_", "-")
        fields.add_argument(
            f"--{option[:-1]}", dest=mappings, action="append", metavar="UUID", default=S,
            help=f"a {option[:-1].replace('-', ' ')} (its UUID); repeat for several; "
            "replaces the list",
        )  # fmt: skip
        fields.add_argument(
            f"--clear-{option}", dest=mappings, action="store_const", const=[], default=S,
            help="empty the list",
        )  # fmt: skip
    enum_help = {
        "policy_engine_mode": "all: every bound policy must pass; any: one passing is enough",
        "user_matching_mode": "how a Plex user is matched to an existing authentik user: by "
        "the Plex ID only (identifier), or by email or username, linking to the user with the "
        "same one (*_link) or refusing when there is one (*_deny)",
        "group_matching_mode": "how a Plex group is matched to an existing authentik group: by "
        "its ID only (identifier), or by name, linking (name_link) or refusing (name_deny)",
    }
    for field in FIELDS:
        if field.enum is not None:
            choices = [member.value for member in field.enum]
            fields.add_argument(
                f"--{field.name.replace('_', '-')}", choices=choices, default=S,
                help=enum_help[field.name],
            )  # fmt: skip
    fields.add_argument(
        "--user-path-template", default=S, metavar="TEMPLATE",
        help="the path of users this source creates, e.g. goauthentik.io/sources/%%(slug)s",
    )  # fmt: skip
    fields.add_argument(
        "--icon", default=S, metavar="TEXT",
        help="the icon: a file name or URL; '' removes it (authentik 2025.12+; before, the "
        "icon cannot be set here)",
    )  # fmt: skip
    fields.add_argument("--client-id", default=S, metavar="ID", help="the client ID sent to Plex")
    fields.add_argument(
        "--allowed-server", dest="allowed_servers", action="append", metavar="ID", default=S,
        help="a Plex server (its ID) whose users may log in; repeat for several; replaces the "
        "list",
    )  # fmt: skip
    fields.add_argument(
        "--clear-allowed-servers", dest="allowed_servers", action="store_const", const=[],
        default=S, help="empty list: every server is allowed",
    )  # fmt: skip
    friends = fields.add_mutually_exclusive_group()
    friends.add_argument(
        "--allow-friends", dest="allow_friends", action="store_const", const=True, default=S,
        help="also let friends of the allowed servers' owners log in",
    )  # fmt: skip
    friends.add_argument(
        "--no-allow-friends", dest="allow_friends", action="store_const", const=False, default=S,
        help="do not let friends log in",
    )  # fmt: skip
    fields.add_argument(
        "--plex-token", action=RefuseSecretInArgv, default=S, help=argparse.SUPPRESS
    )
    fields.add_argument(
        "--plex-token-file", metavar="PATH", default=S,
        help="read the Plex token from PATH ('-': standard input, which must end within "
        "10 s)",
    )  # fmt: skip
    fields.add_argument(
        "--from-file", metavar="FILE", default=S,
        help="a JSON, TOML or YAML file of changes (by its extension): a mapping with the "
        "keys a plan's changes have (see apply --help)",
    )  # fmt: skip
