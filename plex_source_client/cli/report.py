"""Reporting the outcomes of ``update`` and ``apply``: the table, stderr lines, the exit code."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from .._text import MESSAGE_LIMIT, plural, shorten
from .exits import EXIT_DRIFT, EXIT_FAILED, EXIT_OK, EXIT_REJECTED

if TYPE_CHECKING:
    from .planfile import PlanItem
    from .runner import ItemResult


def exit_code(results: list[ItemResult]) -> int:
    """The exit code of a run: failures, then rejections, then fields not applied or drift
    (the server did not take every field as given).
    """
    from .runner import REJECTED

    if any(r.outcome == "failed" for r in results):
        return EXIT_FAILED
    if any(r.outcome in REJECTED for r in results):
        return EXIT_REJECTED
    if any(r.drift or r.outcome == "not_applied" for r in results):
        return EXIT_DRIFT
    return EXIT_OK


def problem_lines(result: ItemResult) -> list[str]:
    """One stderr line per problem, naming the slug and the field; every value from the plan
    or the server shortened (a megabyte-long field name makes no megabyte-long line).
    """
    slug = shorten(result.slug)
    if result.outcome == "not_applied":  # the message names each field and what helps
        assert result.message is not None  # noqa: S101 - always set for this outcome
        return [f"{slug}: {shorten(result.message, 2 * MESSAGE_LIMIT)}"] + [
            f"{slug}: {shorten(field)}: drift: {shorten(what, MESSAGE_LIMIT)}"
            for field, what in result.drift.items()
            if field not in result.not_applied  # said above
        ]
    if result.outcome in ("applied", "unchanged"):
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
    if result.outcome == "not_found" and result.wrong_url:  # the message names the URL
        return [f"{slug}: not found: {shorten(result.message, 2 * MESSAGE_LIMIT)}"]
    if result.outcome == "not_found":
        return [f"{slug}: not found: no Plex source has this slug"]
    return [f"{slug}: {result.outcome}: {shorten(result.message, MESSAGE_LIMIT)}"]


def wrong_url_lines(results: Sequence[ItemResult]) -> list[str]:
    """One line instead of one per item when several items were all not found in a way that
    blames the URL (:attr:`NotFound.wrong_url`): the URL is wrong, not every slug.
    """
    if len(results) < 2 or not all(r.outcome == "not_found" and r.wrong_url for r in results):
        return []
    first = shorten(results[0].message, 2 * MESSAGE_LIMIT)
    return [f"all {len(results):,} items not found: {first}"]


def masked(
    result: ItemResult, secrets: tuple[str, ...], said: tuple[str, ...] | None = None
) -> ItemResult:
    """``result`` with every secret this run knows (``secrets``) masked in every text it
    prints: its message, field errors, drift, request id and source. A result is made when
    its item ends; a secret learnt later (a Plex token another item sent, or the server
    stored and echoed) is masked here, before anything is printed. The message and field
    errors, a client's error's (masked by the client), mask ``said`` (default ``secrets``;
    see :func:`.guard.message_secrets`).
    """
    import attrs

    from .._secrets import redact, redact_json

    def clean(text: str) -> str:
        return redact(text, secrets)

    def clean_said(text: str) -> str:
        return redact(text, secrets if said is None else said)

    return attrs.evolve(
        result,
        slug=clean(result.slug),
        request_id=None if result.request_id is None else clean(result.request_id),
        message=None if result.message is None else clean_said(result.message),
        errors={clean_said(f): [clean_said(m) for m in ms] for f, ms in result.errors.items()},
        drift={clean(f): clean(what) for f, what in result.drift.items()},
        new_slug=None if result.new_slug is None else clean(result.new_slug),
        source=None if result.source is None else redact_json(result.source, secrets),
    )


def report(
    results: list[ItemResult],
    args: argparse.Namespace,
    out: TextIO,
    err: TextIO,
    items: Sequence[PlanItem] = (),
) -> None:
    """The outcome table (or JSON lines) on ``out``, one line per problem on ``err``; every
    secret this run knows masked in all of it (see :func:`masked`).
    """
    from .guard import data_secrets, message_secrets
    from .tables import text_table

    secrets = data_secrets()
    said = message_secrets()
    results = [masked(result, secrets, said) for result in results]

    for line in wrong_url_lines(results) or [
        line for result in results for line in problem_lines(result)
    ]:
        err.write(f"plex-source: {line}\n")
    if args.output == "json":
        for result in results:
            out.write(json.dumps(result.as_json()) + "\n")
        return
    if args.command == "update":
        [result] = results
        if result.source is not None and result.outcome == "unchanged":
            slug = shorten(result.source.get("slug", result.slug))
            out.write(
                f'Plex source "{slug}" unchanged: authentik already has every field as given, '
                "so nothing was sent:\n"
            )
            out.write(text_table(result.source) + "\n")
        elif result.source is not None:
            slug = shorten(result.source.get("slug", result.slug))
            request_id = shorten(result.request_id)
            names = result.sent if result.sent is not None else sent_wire_names(items)
            names = [name for name in names if name not in result.not_applied]
            if result.outcome == "not_applied":
                how = f"request id {request_id}" if result.request_id else "nothing was sent"
                out.write(
                    f'Plex source "{slug}" as authentik now has it; not applied: '
                    f"{', '.join(result.not_applied)} ({how}; * marks the fields this update "
                    "applied):\n"
                )
            else:
                out.write(
                    f'Plex source "{slug}" as authentik now has it (request id {request_id}; '
                    "* marks the fields this update sent):\n"
                )
            out.write(text_table(result.source, changed=wire_names(names)) + "\n")
        return
    slugs = [shorten(r.slug) for r in results]
    width = max([len(slug) for slug in slugs] + [4])
    out.write(f"{'#':>5}  {'slug'.ljust(width)}  {'outcome':<11}  status  detail\n")
    for r, slug in zip(results, slugs, strict=True):
        problems = problem_lines(r)
        detail = problems[0].split(": ", 1)[1] if problems else ""
        if r.outcome == "not_applied":  # the whole story is on stderr
            detail = shorten(
                f"not applied: {', '.join(r.not_applied)} (the server's release lacks "
                f"{'it' if len(r.not_applied) == 1 else 'them'})",
                MESSAGE_LIMIT,
            )
        if r.outcome == "not_found" and r.wrong_url:  # the whole story is on stderr
            detail = "not found: the URL is probably wrong (see above)"
        if not detail and r.outcome == "applied" and r.sent is not None:
            detail = shorten("sent " + ", ".join(r.sent), MESSAGE_LIMIT)
        status = str(r.status_code or "-")
        row = f"{r.index + 1:>5}  {slug.ljust(width)}  {r.outcome:<11}  {status:<6}  {detail}"
        out.write(row + "\n")
    counts: dict[str, int] = {}
    for r in results:
        counts[r.outcome] = counts.get(r.outcome, 0) + 1
    order = ("applied", "unchanged", "not_applied", "rejected", "not_found", "failed", "skipped")
    summary = ", ".join(f"{counts[o]} {o.replace('_', ' ')}" for o in order if o in counts)
    drifted = sum(1 for r in results if r.drift)
    out.write(
        f"{plural(len(results), 'item')}: {summary}"
        + (f"; {drifted} drifted" if drifted else "")
        + "\n"
    )


def sent_wire_names(items: Sequence[PlanItem]) -> list[str]:
    """The keyword names of the fields the items sent unread (options and ``--from-file``)."""
    return [name for item in items for name in item.changes]


def wire_names(names: Sequence[str]) -> set[str]:
    """The JSON names of fields given by keyword name (``new_slug`` is ``slug``)."""
    from .._changes import FIELDS_BY_NAME

    return {FIELDS_BY_NAME[name].wire for name in names if name in FIELDS_BY_NAME}
