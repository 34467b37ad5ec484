"""``plex-source plan FILE``: what applying a plan would change, read from the server; nothing
is changed. Per item, each field that differs as ``current -> desired`` (a secret only as
``changed``), then a summary; exit 0 when nothing would change, 4 when something would.

Items are compared in the order ``apply`` runs them: an item after another on the same slug
(a rename, then an update of the new slug) is compared with the state the earlier one leaves.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any, Final, Literal, TextIO

import attrs

from .._text import MESSAGE_LIMIT, json_text, plural, shorten, shorten_secret_free
from .exits import EXIT_DRIFT, EXIT_FAILED, EXIT_OK, EXIT_REJECTED, exit_codes_help

if TYPE_CHECKING:
    from .._async_client import AsyncPlexSourceClient
    from .._diff import FieldChange
    from .._errors import PlexSourceError
    from .._models import PlexSource
    from .planfile import PlanItem

Verdict = Literal["change", "unchanged", "not_applied", "not_found", "rejected", "failed"]
#: Each verdict in the summary's words.
WORDS: Final[dict[Verdict, str]] = {
    "change": "to change",
    "unchanged": "unchanged",
    "not_applied": "not applicable",
    "not_found": "not found",
    "rejected": "refused",
    "failed": "failed",
}
NOT_FOUND: Final = "no Plex source has this slug"


@attrs.frozen
class ItemPlan:
    """What applying one item would do: ``change`` (``changes`` holds each differing field),
    ``unchanged``, ``not_applied`` (the source shows that the server's release lacks the fields
    in ``not_applied``: they would not be applied; ``changes`` holds the other differing
    fields), or why the source could not be read.
    """

    index: int
    slug: str
    outcome: Verdict
    changes: tuple[FieldChange, ...] = ()
    status_code: int | None = None
    request_id: str | None = None
    message: str | None = None
    not_applied: tuple[str, ...] = ()
    #: A not_found whose 404 blames the URL, not the slug (``NotFound.wrong_url``).
    wrong_url: bool = False

    def as_json(
        self, secrets: tuple[str, ...] = (), said: tuple[str, ...] | None = None
    ) -> dict[str, Any]:
        """One line of ``plan --output json``: a secret's values are never included, nor
        (masked) any of ``secrets`` another field's value holds; the message masks ``said``
        (default ``secrets``; see :func:`.guard.message_secrets`).
        """
        from .._secrets import redact, redact_json

        return {
            "index": self.index,
            "slug": self.slug,
            "outcome": self.outcome,
            "changes": {
                change.name: {"changed": True, "secret": True}
                if change.secret
                else {
                    "current": redact_json(change.current, secrets),
                    "desired": redact_json(change.desired, secrets),
                }
                for change in self.changes
            },
            "status_code": self.status_code,
            "request_id": self.request_id,
            "message": None
            if self.message is None
            else redact(self.message, secrets if said is None else said),
            "not_applied": list(self.not_applied),
        }


def _failed(item: PlanItem, error: PlexSourceError) -> ItemPlan:
    from .runner import result_for_error

    result = result_for_error(item, error)
    outcome: Verdict = "failed"
    if result.outcome in ("not_found", "rejected"):
        outcome = "not_found" if result.outcome == "not_found" else "rejected"
    return ItemPlan(
        item.index, item.slug, outcome, (), result.status_code, result.request_id, result.message,
        wrong_url=result.wrong_url,
    )  # fmt: skip


def compare(
    items: list[PlanItem], read: dict[str, PlexSource | PlexSourceError], *, validate: bool
) -> list[ItemPlan]:
    """Each item compared with the source ``read`` has for its slug, in input order; an item
    sees the state the items before it on the same slug would leave. Pure.
    """
    from .._diff import compute_diff
    from .._errors import NotFound
    from .._models import PlexSource
    from .releases import lacking_fields

    state: dict[str, PlexSource | PlexSourceError | None] = dict(read)
    plans = []
    for item in items:
        current = state.get(item.slug)
        slug = item.slug  # the source's slug now: the new one when already renamed
        target = item.renamed_to
        if isinstance(current, NotFound) and target is not None:
            renamed = state.get(target)
            if isinstance(renamed, PlexSource):  # an earlier run applied the rename
                current, slug = renamed, target
        if current is None:  # renamed away by an earlier item: the PATCH would be a 404
            message = "no Plex source would have this slug: an earlier item renames it"
            plans.append(ItemPlan(item.index, item.slug, "not_found", message=message))
            continue
        if not isinstance(current, PlexSource):
            plans.append(_failed(item, current))
            continue
        lacking = lacking_fields(current, item.changes)
        wanted = {k: v for k, v in item.changes.items() if k not in lacking}
        diff = compute_diff(current, wanted, validate=validate)
        if lacking:
            message = not_applicable_message(lacking)
            plans.append(
                ItemPlan(
                    item.index, item.slug, "not_applied", tuple(diff.changes.values()),
                    message=message, not_applied=tuple(lacking),
                )
            )  # fmt: skip
        elif diff.unchanged:
            plans.append(ItemPlan(item.index, item.slug, "unchanged"))
            continue
        else:
            plans.append(ItemPlan(item.index, item.slug, "change", tuple(diff.changes.values())))
        if diff.unchanged:
            continue
        after = current.to_dict()
        from .._changes import FIELDS_BY_NAME

        for change in diff.changes.values():
            after[FIELDS_BY_NAME[change.name].wire] = change.desired
        try:
            new = PlexSource.from_dict(after)
        except Exception:  # noqa: BLE001 - an unchecked value (--no-validate): unknown state
            state.pop(slug, None)
            continue
        state[slug] = None if new.slug != slug else new
        state[new.slug] = new
    return plans


def not_applicable_message(lacking: list[str]) -> str:
    """Why a plan's item would not be applied whole: the source lacks fields."""
    from .releases import NOT_APPLIED_HINT, needs_text

    them = "it" if len(lacking) == 1 else "them"
    return (
        f"would not be applied: {', '.join(lacking)}: the source, as the server sent it, shows "
        f"it cannot write {them}, so the server's authentik release lacks {them}"
        f"{needs_text(lacking)}; "
        f"{NOT_APPLIED_HINT}"
    )


def exit_code(plans: list[ItemPlan]) -> int:
    """3 when a source could not be read, 1 when one was refused or is unknown, 4 when
    something would change or would not be applied, 0 when nothing would change.
    """
    outcomes = {plan.outcome for plan in plans}
    if "failed" in outcomes:
        return EXIT_FAILED
    if outcomes & {"rejected", "not_found"}:
        return EXIT_REJECTED
    return EXIT_DRIFT if outcomes & {"change", "not_applied"} else EXIT_OK


def write_report(plans: list[ItemPlan], output: str, out: TextIO, err: TextIO) -> None:
    """The plan as text (changed items and problems, then a summary) or JSON lines; every
    secret this run knows masked in the values shown.
    """
    from .._secrets import redact
    from .guard import data_secrets, message_secrets

    secrets = data_secrets()
    said = message_secrets()  # for messages: the package's own words are not rewritten
    wrong_url = [plan for plan in plans if plan.outcome == "not_found" and plan.wrong_url]
    if len(wrong_url) > 1 and len(wrong_url) == len(plans):  # once: the URL, not every slug
        first = shorten_secret_free(plans[0].message, said, 2 * MESSAGE_LIMIT)
        err.write(f"plex-source: all {len(plans):,} items not found: {first}\n")
        plans_with_lines: list[ItemPlan] = []
    else:
        plans_with_lines = plans
    for plan in plans_with_lines:
        if plan.outcome == "not_found" and plan.wrong_url:
            message = shorten_secret_free(plan.message, said, 2 * MESSAGE_LIMIT)
            err.write(f"plex-source: {shorten(plan.slug)}: not found: {message}\n")
        elif plan.outcome == "not_found":
            err.write(f"plex-source: {shorten(plan.slug)}: not found: {NOT_FOUND}\n")
        elif plan.outcome in ("rejected", "failed", "not_applied"):
            err.write(
                f"plex-source: {shorten(plan.slug)}: {plan.outcome}: "
                f"{shorten_secret_free(plan.message, said)}\n"
            )
    if output == "json":
        for plan in plans:
            out.write(json_text(plan.as_json(secrets, said)) + "\n")
        return
    for plan in plans:
        if plan.outcome in ("change", "not_applied"):
            if plan.outcome == "change":
                out.write(f"~ {shorten(plan.slug)} (item {plan.index + 1})\n")
            else:
                out.write(
                    f"! {shorten(plan.slug)} (item {plan.index + 1}): not applicable: "
                    f"{', '.join(plan.not_applied)} (the server's release lacks "
                    f"{'it' if len(plan.not_applied) == 1 else 'them'})\n"
                )
            for change in plan.changes:
                shown = redact(change.display(), secrets)
                out.write(f"    {change.name}: {shorten(shown, MESSAGE_LIMIT)}\n")
        elif plan.outcome != "unchanged":
            what = WORDS[plan.outcome]
            out.write(f"! {shorten(plan.slug)} (item {plan.index + 1}): {what}\n")
    counts = {verdict: sum(1 for p in plans if p.outcome == verdict) for verdict in WORDS}
    always = ("change", "unchanged")
    summary = ", ".join(f"{n} {WORDS[v]}" for v, n in counts.items() if n or v in always)
    out.write(f"{plural(len(plans), 'item')}: {summary}\n")


async def _read(
    items: list[PlanItem], client: AsyncPlexSourceClient, concurrency: int
) -> dict[str, PlexSource | PlexSourceError]:
    from .._errors import NotFound
    from .reading import read_slugs

    read = await read_slugs((item.slug for item in items), client, concurrency=concurrency)
    # An item whose source is gone but whose new slug names one: an earlier run renamed it.
    targets = [
        target
        for item in items
        if isinstance(read.get(item.slug), NotFound)
        and (target := item.renamed_to) is not None
        and target not in read
    ]
    if targets:
        renamed = await read_slugs(targets, client, concurrency=concurrency)
        read.update((slug, source) for slug, source in renamed.items() if slug not in read)
    return read


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``plex-source plan FILE``: read, compare, report; the exit code."""
    import asyncio
    import os

    from .._async_client import AsyncPlexSourceClient
    from .._errors import ConfigurationError
    from .apply import load_items
    from .exits import UsageError, cli_words
    from .guard import remember_client_secrets
    from .releases import settle_release
    from .settings import client_settings

    if args.concurrency < 1:
        raise UsageError("--concurrency must be at least 1")
    items = load_items(args)
    try:
        settings = client_settings(args, os.environ)

        async def go() -> dict[str, PlexSource | PlexSourceError]:
            async with AsyncPlexSourceClient(**settings) as client:
                remember_client_secrets(client)
                await settle_release(client, items)
                return await _read(items, client, args.concurrency)

        read = asyncio.run(go())
    except ConfigurationError as error:
        raise UsageError(cli_words(error)) from None
    plans = compare(items, read, validate=not args.no_validate)
    write_report(plans, args.output, out, err)
    return exit_code(plans)


def add_parser(commands: Any) -> None:
    """Add ``plan`` to the subcommands."""
    import textwrap

    from .options import DEFAULT_CONCURRENCY, add_connection_options, number_option

    parser = commands.add_parser(
        "plan",
        allow_abbrev=False,
        help="show what applying a plan file would change; change nothing",
        description=textwrap.fill(
            "Read the current state of every source a plan names (the list, a few "
            "requests, when it names many) and print, per item, each field that would change as "
            "current -> desired (a secret only as changed), then a summary. Nothing is changed. "
            "Exit 0 when nothing would change, 4 when something would.",
            88,
        ),
        epilog=exit_codes_help("plan"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", metavar="FILE", help="the plan: a .json, .toml, .yaml or .yml file")
    parser.add_argument(
        "--concurrency",
        type=number_option(int),
        default=DEFAULT_CONCURRENCY,
        metavar="N",
        help=f"reads in flight at once (default: {DEFAULT_CONCURRENCY})",
    )
    add_connection_options(parser, writes=False)
