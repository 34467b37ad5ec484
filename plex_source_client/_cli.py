"""The ``plex-source`` command line (also ``python -m plex_source_client``).

``update`` changes one source, ``apply`` many from a file, ``demo`` shows it all on an
embedded fake authentik. Configured like authentik's Terraform provider; the token is read
from the environment or a file, never from the argument list. Heavy imports (the clients,
httpx, the fake server) happen only in the command that needs them.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, NoReturn, TextIO

from ._text import MESSAGE_LIMIT, plural, shorten, shorten_secret_free, text_of
from ._version import AUTHENTIK_API_VERSION, __version__

if TYPE_CHECKING:
    from ._bulk import ItemResult
    from ._plan import PlanItem

EXIT_OK: Final = 0
EXIT_REJECTED: Final = 1
EXIT_USAGE: Final = 2
EXIT_FAILED: Final = 3
EXIT_DRIFT: Final = 4
EXIT_INTERNAL: Final = 5
EXIT_INTERRUPTED: Final = 130

#: Where to report a bug: the ``Source`` URL of pyproject.toml (a test keeps them equal).
SOURCE_URL: Final = "https://github.com/plex-source-client/plex-source-client"
#: The largest secret file (API token, Plex token) read; a token is well under 1 KiB.

EXIT_CODES_HELP: Final = """\
exit codes:
  0  every update was applied
  1  the server rejected at least one update (invalid field, unknown slug, no permission)
  2  usage error or client-side validation failure: nothing was sent
  3  transport failure or unexpected response (unreachable, timeout, 5xx after retries)
  4  --check: the server did not take every requested field as given
  5  internal error: a bug in plex-source-client (the message asks for a report)

environment:
  AUTHENTIK_URL         authentik's URL, e.g. https://auth.example.com (or --url)
  AUTHENTIK_TOKEN       an API token; or AUTHENTIK_TOKEN_FILE, a file holding it (or
                        --token-file). There is no --token option: a token in the argument
                        list is visible to every user of the machine.
  AUTHENTIK_INSECURE    true: do not verify TLS certificates
"""

DEFAULT_CONCURRENCY: Final = 8

#: The start of ``apply --help``'s epilog: a plan to copy.
PLAN_HELP: Final = """\
a minimal plan, plex-sources.toml (in JSON or YAML: a list of the same items):
  [[items]]
  slug = "plex-eu"
  changes = { enabled = true, allowed_servers = ["abc123"] }

"""

#: What ``update`` says when no field option was given: it would send an empty PATCH.
NO_FIELD_HELP: Final = (
    "no field to change: give at least one field option such as --enabled or --name NAME "
    "(see plex-source update --help); nothing was sent"
)


class UsageError(Exception):
    """Bad command-line input: exit code 2, nothing sent."""


#: Every secret this run has read (tokens from files and the environment, Plex tokens in a
#: plan), masked in the one message that is not ours: an internal error's.
_secrets_read: set[str] = set()


def _remember_secret(value: object) -> None:
    if isinstance(value, str) and value:
        _secrets_read.add(value)


class _ArgumentParser(argparse.ArgumentParser):
    """argparse's parser, its error line shortened (it quotes the offending argument)."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {shorten(message, MESSAGE_LIMIT)}\n")


class _RefuseSecretInArgv(argparse.Action):
    """``--token VALUE`` / ``--plex-token VALUE``: refused, without echoing the value."""

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        option = kwargs.get("option_string") or (args[2] if len(args) > 2 else "--token")
        instead = (
            "--plex-token-file" if "plex" in str(option) else "AUTHENTIK_TOKEN or --token-file"
        )
        sys.stderr.write(
            f"plex-source: {option} is not supported: a secret in the argument list is visible "
            f"to every user of this machine and stays in shell history; use {instead}\n"
        )
        parser.exit(EXIT_USAGE)


def _add_connection_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--token", action=_RefuseSecretInArgv, default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )
    group = parser.add_argument_group("connection and behaviour")
    group.add_argument("--url", help="authentik's URL (default: $AUTHENTIK_URL)")
    group.add_argument(
        "--token-file",
        metavar="PATH",
        help="read the API token from PATH (default: $AUTHENTIK_TOKEN_FILE or $AUTHENTIK_TOKEN)",
    )
    group.add_argument(
        "--output", choices=("text", "json"), default="text", help="output format (default: text)"
    )
    group.add_argument(
        "--dry-run",
        action="store_true",
        help="validate and print the exact requests (secrets masked); send nothing",
    )
    group.add_argument(
        "--check",
        action="store_true",
        help="compare each returned source with the request; exit 4 on any difference",
    )
    group.add_argument(
        "--timeout",
        type=float,
        metavar="SECONDS",
        help="time budget of each attempt, in seconds, connecting included (default: 30)",
    )
    group.add_argument(
        "--max-retries",
        type=int,
        metavar="N",
        help="retries after a connection error, a timeout, 429, 502, 503 or 504 (default: 2)",
    )
    group.add_argument(
        "--max-response-size",
        type=int,
        metavar="BYTES",
        help="largest response body accepted, after decompression (default: 1 MiB)",
    )
    group.add_argument(
        "--allow-insecure-http",
        action="store_true",
        help="allow an http:// URL to a host other than this machine (the token travels in "
        "clear; default: refused)",
    )
    group.add_argument(
        "--no-validate",
        action="store_true",
        help="send values unchecked (for servers newer than authentik 2024.8); the slug and "
        "field names are still checked",
    )


def _add_field_options(parser: argparse.ArgumentParser) -> None:
    from ._changes import FIELDS

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
        "--plex-token", action=_RefuseSecretInArgv, default=S, help=argparse.SUPPRESS
    )
    fields.add_argument(
        "--plex-token-file", metavar="PATH", default=S,
        help="read the Plex token from PATH ('-': standard input)",
    )  # fmt: skip
    fields.add_argument(
        "--from-file", metavar="FILE", default=S,
        help="a JSON or TOML file of changes: a mapping with the keys a plan's changes have "
        "(see apply --help)",
    )  # fmt: skip


def _parser() -> argparse.ArgumentParser:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = _ArgumentParser(
        prog="plex-source",
        allow_abbrev=False,  # --token must never be read as --token-file
        description="Change authentik Plex sources: PATCH /api/v3/sources/plex/{slug}/.",
        epilog=EXIT_CODES_HELP,
        formatter_class=formatter,
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"plex-source-client {__version__} (authentik API {AUTHENTIK_API_VERSION})",
        help="print the package version and the authentik API version of the bundled spec",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    update = commands.add_parser(
        "update",
        allow_abbrev=False,
        help="change one Plex source",
        description="Change the Plex source SLUG. Only the fields given are sent; give at "
        "least one.",
        epilog=EXIT_CODES_HELP,
        formatter_class=formatter,
    )
    update.add_argument("slug", metavar="SLUG", help="the slug of the source to change")
    _add_field_options(update)
    _add_connection_options(update)
    apply = commands.add_parser(
        "apply",
        allow_abbrev=False,
        help="apply many updates from a file",
        description="Apply a plan: a JSON, TOML or YAML list of {slug, changes} items "
        "(TOML: [[items]] tables). The whole file is validated first; then the items run "
        "concurrently, and each ends in one outcome: applied, rejected, not_found, failed or "
        "skipped. Re-running a plan is safe.",
        epilog=_plan_help() + EXIT_CODES_HELP,
        formatter_class=formatter,
    )
    apply.add_argument("file", metavar="FILE", help="the plan: a .json, .toml, .yaml or .yml file")
    apply.add_argument(
        "--concurrency",
        type=int,
        default=DEFAULT_CONCURRENCY,
        metavar="N",
        help=f"updates in flight at once (default: {DEFAULT_CONCURRENCY})",
    )
    apply.add_argument(
        "--fail-fast", action="store_true", help="stop sending after the first failed item"
    )
    _add_connection_options(apply)
    commands.add_parser(
        "demo",
        help="change a source on an embedded fake authentik and show before and after",
        description="Start a fake authentik on 127.0.0.1, change its Plex source through the "
        "client and print the source before and after (secrets masked).",
    )
    _add_fake_parser(commands)
    return parser


def _plan_help() -> str:
    import textwrap

    from ._changes import FIELD_NAMES

    keys = textwrap.fill(
        "the keys of changes (at least one per item): " + ", ".join(FIELD_NAMES) + "; "
        "new_slug renames, null clears a flow.",
        width=88,
    )
    return PLAN_HELP + keys + "\n\n"


def _add_fake_parser(commands: Any) -> None:
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
        "  plex-source update my-plex --disabled",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    fake.add_argument(
        "--port",
        type=int,
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


# -- turning arguments into a plan ---------------------------------------------------------------


def _read_secret_file(path: str, what: str) -> str:
    """The secret in the file at ``path`` ('-': standard input), read as the client reads
    ``AUTHENTIK_TOKEN_FILE``: UTF-8, a byte order mark and surrounding whitespace dropped, at
    most 64 KiB. Nothing of the file's content is ever put in a message.
    """
    from ._base import read_secret_file, secret_from_bytes
    from ._errors import ConfigurationError
    from ._secrets import MAX_SECRET_FILE_BYTES

    shown = shorten(path, MESSAGE_LIMIT)
    try:
        if path == "-":
            if sys.stdin is None:
                raise UsageError(f"{what}: there is no standard input to read")
            stdin = getattr(sys.stdin, "buffer", sys.stdin)  # a StringIO in tests: no buffer
            raw: bytes | str = stdin.read(MAX_SECRET_FILE_BYTES + 1)
            value = secret_from_bytes(raw.encode() if isinstance(raw, str) else raw, shown)
        else:
            value = read_secret_file(path, shown)
    except ConfigurationError as error:
        raise UsageError(f"{what}: {shorten(str(error), MESSAGE_LIMIT)}") from None
    if not value:
        raise UsageError(f"{what}: {shown} is empty")
    _remember_secret(value)
    return value


def _given_fields(args: argparse.Namespace) -> set[str]:
    """The fields given as options (not in ``--from-file``), by keyword name."""
    from ._changes import FIELDS_BY_NAME

    given = {name for name in vars(args) if name in FIELDS_BY_NAME}
    return given | {"plex_token"} if hasattr(args, "plex_token_file") else given


#: The option that gives a field's value, where it is not ``--`` and the field's name.
_OPTION_OF: Final = {
    "new_slug": "--new-slug",
    "user_property_mappings": "--user-property-mapping",
    "group_property_mappings": "--group-property-mapping",
    "allowed_servers": "--allowed-server",
    "plex_token": "--plex-token-file",
}


def _option_of(field: str) -> str:
    return _OPTION_OF.get(field, "--" + field.replace("_", "-"))


def _update_changes(args: argparse.Namespace) -> dict[str, Any]:
    from ._changes import FIELDS_BY_NAME
    from ._plan import PlanError, load_changes

    given = {k: v for k, v in vars(args).items() if k in FIELDS_BY_NAME}
    if hasattr(args, "plex_token_file"):
        given["plex_token"] = _read_secret_file(args.plex_token_file, "--plex-token-file")
    if not hasattr(args, "from_file"):
        if not given:
            raise UsageError(NO_FIELD_HELP)
        return given
    try:
        changes = load_changes(args.from_file)
    except PlanError as error:
        raise UsageError(str(error)) from None
    _remember_secrets_in(changes)
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


def _update_item(args: argparse.Namespace) -> PlanItem:
    """The one item of ``update``, validated; problems named in the command line's words
    (``SLUG``, ``--new-slug``; a key of ``--from-file`` by its name).
    """
    from ._changes import build_body
    from ._errors import InvalidRequest
    from ._plan import PlanItem

    changes = _update_changes(args)
    try:
        build_body(args.slug, changes, validate=not args.no_validate)
    except InvalidRequest as invalid:
        options = _given_fields(args)

        def named(field: str) -> str:
            if field == "slug" and field not in changes:  # the path's, not a key of the file
                return "SLUG"
            return _option_of(field) if field in options else shorten(field)

        raise _Invalid(
            [
                f"{named(field)}: {shorten(message, MESSAGE_LIMIT)}"
                for field, messages in invalid.errors.items()
                for message in messages
            ]
        ) from None
    return PlanItem(index=0, slug=args.slug, changes=changes)


def _plan(args: argparse.Namespace) -> list[PlanItem]:
    from ._plan import PlanError, load_document, parse_plan

    try:
        if args.command == "update":
            return [_update_item(args)]
        document = load_document(args.file)
        _remember_secrets_in(document)
        return parse_plan(document, validate=not args.no_validate, source=args.file)
    except PlanError as error:
        raise _Invalid(error.problems) from None


def _remember_secrets_in(document: Any) -> None:
    """Remember the value of every secret-named key (``plex_token``) anywhere in a plan."""
    from ._secrets import is_secret_name

    stack = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, Mapping):
            for key, item in value.items():
                if isinstance(key, str) and is_secret_name(key):
                    _remember_secret(item)
                stack.append(item)
        elif isinstance(value, list):
            stack.extend(value)


class _Invalid(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


# -- running -------------------------------------------------------------------------------------


def _client_settings(args: argparse.Namespace, environ: Mapping[str, str]) -> dict[str, Any]:
    from ._base import settings_from_env

    given: dict[str, Any] = {}
    if args.url:
        given["url"] = args.url
    token_file = args.token_file or environ.get("AUTHENTIK_TOKEN_FILE", "").strip()
    if token_file:
        given["token"] = _read_secret_file(token_file, "API token file")  # checked by the client
    _remember_secret(environ.get("AUTHENTIK_TOKEN", "").strip())
    settings = {**settings_from_env(environ, given=given), **given}
    _remember_secret(settings.get("token"))
    if args.timeout is not None:
        if not 0 < args.timeout < math.inf:
            raise UsageError("--timeout must be a positive number of seconds")
        settings["timeout"] = args.timeout
    if args.max_retries is not None:
        if args.max_retries < 0:
            raise UsageError("--max-retries must be 0 or more")
        settings["max_retries"] = args.max_retries
    if args.max_response_size is not None:  # only when given: the client's default otherwise
        if args.max_response_size < 1:
            raise UsageError("--max-response-size must be at least 1 byte")
        settings["max_response_size"] = args.max_response_size
    settings["validate"] = not args.no_validate
    settings["allow_insecure_http"] = args.allow_insecure_http
    return settings


def _dry_run(items: list[PlanItem], args: argparse.Namespace, out: TextIO) -> int:
    from . import _changes
    from ._base import api_base_url
    from ._secrets import MASK, redact_json

    url = args.url or os.environ.get("AUTHENTIK_URL", "").strip()
    base = api_base_url(url, allow_insecure_http=True) if url else "$AUTHENTIK_URL/api/v3"
    for item in items:
        body = _changes.build_body(item.slug, item.changes, validate=not args.no_validate)
        request = {
            "method": "PATCH",
            "url": base + _changes.source_path(item.slug),
            "headers": {"Authorization": f"Bearer {MASK}", "Content-Type": "application/json"},
            "json": redact_json(json.loads(body), ()),
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

    from ._async_client import AsyncPlexSourceClient
    from ._bulk import Progress, run_plan

    concurrency = getattr(args, "concurrency", 1)
    progress = None
    if args.command == "apply" and sys.stderr.isatty():
        progress = Progress(len(items), sys.stderr.write)

    async def go() -> list[ItemResult]:
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        async with AsyncPlexSourceClient(**settings, limits=limits) as client:
            return await run_plan(
                items,
                client,
                concurrency=concurrency,
                fail_fast=getattr(args, "fail_fast", False),
                check=args.check,
                keep_sources=args.command == "update",
                progress=progress,
            )

    return asyncio.run(go())


def _exit_code(results: list[ItemResult]) -> int:
    from ._bulk import REJECTED

    if any(r.outcome == "failed" for r in results):
        return EXIT_FAILED
    if any(r.outcome in REJECTED for r in results):
        return EXIT_REJECTED
    if any(r.drift for r in results):
        return EXIT_DRIFT
    return EXIT_OK


def _problem_lines(result: ItemResult) -> list[str]:
    """One stderr line per problem, naming the slug and the field; every value from the plan
    or the server shortened (a megabyte-long field name makes no megabyte-long line).
    """
    slug = shorten(result.slug)
    if result.outcome == "applied":
        return [
            f"{slug}: {shorten(field)}: drift: {shorten(what, MESSAGE_LIMIT)}"
            for field, what in result.drift.items()
        ]
    if result.errors:
        return [
            f"{slug}: {shorten(field)}: {shorten(message, MESSAGE_LIMIT)}"
            for field, messages in result.errors.items()
            for message in messages
        ]
    if result.outcome == "not_found":
        return [f"{slug}: not found: no Plex source has this slug"]
    return [f"{slug}: {result.outcome}: {shorten(result.message, MESSAGE_LIMIT)}"]


def _report(
    results: list[ItemResult],
    args: argparse.Namespace,
    out: TextIO,
    err: TextIO,
    items: Sequence[PlanItem] = (),
) -> None:
    from ._display import text_table

    for result in results:
        for line in _problem_lines(result):
            err.write(f"plex-source: {line}\n")
    if args.output == "json":
        for result in results:
            out.write(json.dumps(result.as_json()) + "\n")
        return
    if args.command == "update":
        [result] = results
        if result.source is not None:
            slug = shorten(result.source.get("slug", result.slug))
            request_id = shorten(result.request_id)
            out.write(
                f'Plex source "{slug}" as authentik now has it (request id {request_id}; '
                "* marks the fields this update sent):\n"
            )
            out.write(text_table(result.source, changed=_sent_wire_names(items)) + "\n")
        return
    slugs = [shorten(r.slug) for r in results]
    width = max([len(slug) for slug in slugs] + [4])
    out.write(f"{'#':>5}  {'slug'.ljust(width)}  {'outcome':<9}  status  detail\n")
    for r, slug in zip(results, slugs, strict=True):
        problems = _problem_lines(r)
        detail = problems[0].split(": ", 1)[1] if problems else ""
        status = str(r.status_code or "-")
        out.write(f"{r.index + 1:>5}  {slug.ljust(width)}  {r.outcome:<9}  {status:<6}  {detail}\n")
    counts: dict[str, int] = {}
    for r in results:
        counts[r.outcome] = counts.get(r.outcome, 0) + 1
    order = ("applied", "rejected", "not_found", "failed", "skipped")
    summary = ", ".join(f"{counts[o]} {o.replace('_', ' ')}" for o in order if o in counts)
    drifted = sum(1 for r in results if r.drift)
    out.write(
        f"{plural(len(results), 'item')}: {summary}"
        + (f"; {drifted} drifted" if drifted else "")
        + "\n"
    )


def _sent_wire_names(items: Sequence[PlanItem]) -> set[str]:
    """The JSON names of the fields the items sent (options and ``--from-file`` alike)."""
    from ._changes import FIELDS_BY_NAME

    return {FIELDS_BY_NAME[name].wire for item in items for name in item.changes}


def _command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ._errors import ConfigurationError

    if args.command == "apply" and args.concurrency < 1:
        raise UsageError("--concurrency must be at least 1")
    items = _plan(args)
    if args.dry_run:
        return _dry_run(items, args, out)
    try:
        settings = _client_settings(args, os.environ)
        results = _run(items, args, settings)
    except ConfigurationError as error:
        raise UsageError(cli_words(error)) from None
    _report(results, args, out, err, items)
    return _exit_code(results)


def cli_words(error: BaseException) -> str:
    """An error's message in the command line's words (its options, not the client's
    keyword arguments) when it has them (``ConfigurationError.cli_message``).
    """
    cli_message = getattr(error, "cli_message", None)
    return cli_message if isinstance(cli_message, str) else text_of(error)


def _internal_error(error: BaseException) -> str:
    """The one line shown for an exception that is a bug of ours: its type and message,
    shortened, every secret read in this run masked; never a traceback.
    """
    secrets = {*_secrets_read, os.environ.get("AUTHENTIK_TOKEN", "").strip()}
    message = text_of(error)
    name = type(error).__name__
    detail = shorten_secret_free(f"{name}: {message}" if message else name, secrets)
    return (
        f"plex-source: internal error ({detail}); this is a bug, please report it at {SOURCE_URL}\n"
    )


def _guarded(run: Callable[[], int], err: TextIO) -> int:
    """``run()``'s exit code; every exception turned into its exit code and one stderr line."""
    from ._errors import ConfigurationError, InvalidRequest, PlexSourceError

    try:
        return run()
    except _Invalid as invalid:
        for problem in invalid.problems:
            err.write(f"plex-source: invalid: {shorten(problem, MESSAGE_LIMIT)}\n")
        err.write("plex-source: nothing was sent\n")
        return EXIT_USAGE
    except (UsageError, ConfigurationError, InvalidRequest) as error:
        err.write(f"plex-source: {shorten(cli_words(error), MESSAGE_LIMIT)}\n")
        return EXIT_USAGE
    except PlexSourceError as error:  # not expected here (each item has its outcome), but ours
        err.write(f"plex-source: {shorten(error, MESSAGE_LIMIT)}\n")
        return EXIT_FAILED
    except KeyboardInterrupt:
        err.write("plex-source: interrupted\n")
        return EXIT_INTERRUPTED
    except SystemExit:
        raise
    except BaseException as error:  # noqa: BLE001 - a bug: one line and exit 5, no traceback
        with contextlib.suppress(Exception):  # stderr itself broken: the exit code must do
            err.write(_internal_error(error))
        return EXIT_INTERNAL


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit code.

    Never raises (argparse's own exits aside): usage errors exit 2, an interrupt 130, and
    any exception that is not one of this package's errors, a bug, exits 5 with one line.
    """
    _secrets_read.clear()
    err = sys.stderr
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    if args.command == "demo":

        def demo() -> int:
            from ._demo import run_demo

            return run_demo(sys.stdout)

        return _guarded(demo, err)
    if args.command == "fake":

        def fake() -> int:
            from .testing._serve import serve_fake

            return serve_fake(
                port=args.port,
                sources=args.sources,
                flows=args.flows,
                property_mappings=args.property_mappings,
                out=sys.stdout,
                err=err,
            )

        return _guarded(fake, err)
    return _guarded(lambda: _command(args, sys.stdout, err), err)
