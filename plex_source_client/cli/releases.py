"""The server's authentik release on the command line: ``--server-version`` (or
``AUTHENTIK_SERVER_VERSION``), checking a run's changes against the release before anything is
sent, and the words for fields a server did not apply.

A field the server's release lacks (``promoted`` and ``icon`` before 2025.12), or a slug over
50 characters before 2025.12, is refused before anything is sent (exit 2) when the release is
known: given, or asked of the server once (``/api/v3/admin/version/``) when a change needs it.
When the server will not say, the fields are still never silently lost: the PATCH's answer
lacks them (``NotApplied``), and the item ends ``not_applied`` (exit 4).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Final

from .._text import MESSAGE_LIMIT, shorten
from .exits import Invalid, UsageError

if TYPE_CHECKING:
    from .._async_client import AsyncPlexSourceClient
    from .._models import PlexSource
    from .._releases import Release
    from .planfile import PlanItem

#: The variable ``--server-version`` defaults to (read by the client's ``settings_from_env``).
SERVER_VERSION_VARIABLE: Final = "AUTHENTIK_SERVER_VERSION"

#: What helps when a server did not apply a field (its release unknown to the command).
NOT_APPLIED_HINT: Final = (
    "give --server-version RELEASE (or AUTHENTIK_SERVER_VERSION) to have such fields refused "
    "before anything is sent, or upgrade authentik"
)


def given_release(
    args: argparse.Namespace, environ: Mapping[str, str]
) -> tuple[Release, str] | None:
    """The release ``--server-version`` gives, else ``AUTHENTIK_SERVER_VERSION`` (the option
    wins), parsed, with its text; None when neither is given. A value that is not a release is
    a :class:`UsageError` naming where it came from.
    """
    from .._releases import OLDEST_SUPPORTED, SUPPORTED, parse_release

    text: str | None = getattr(args, "server_version", None)
    where = "--server-version"
    if text is None:
        text = environ.get(SERVER_VERSION_VARIABLE, "").strip() or None
        where = SERVER_VERSION_VARIABLE
    if text is None:
        return None
    try:
        release = parse_release(text)
    except ValueError as exc:
        raise UsageError(f"{where}: {shorten(exc, MESSAGE_LIMIT)}") from None
    if release < OLDEST_SUPPORTED:
        raise UsageError(
            f"{where}: authentik {release} is not supported; this tool supports {SUPPORTED}"
        )
    return release, str(release)  # shown as parsed: "2024.06" is 2024.6


#: How a run names a problem: ``(item, field, message) -> line`` (``update`` in its options'
#: words, a plan by item and slug).
Namer = Callable[["PlanItem", str, str], str]


def plan_problem(item: PlanItem, field: str, message: str) -> str:
    """A problem of a plan's item, as the plan's validation words it."""
    from .planfile import _problem

    return _problem(item.index, item.slug, field, message)


def release_problems(
    items: Sequence[PlanItem],
    release: Release,
    shown: str,
    *,
    validate: bool,
    name: Namer = plan_problem,
) -> list[str]:
    """Every problem the items have on a server of ``release`` (``shown`` as written): fields
    it cannot write, and (with ``validate``) a slug longer than it takes.
    """
    from .._changes import change_errors

    problems: list[str] = []
    for item in items:
        errors = change_errors(item.changes, validate=validate, release=release, shown=shown)
        for field, messages in errors.items():
            problems.extend(name(item, field, message) for message in messages)
    return problems


def check_given_release(
    items: Sequence[PlanItem],
    args: argparse.Namespace,
    environ: Mapping[str, str],
    *,
    name: Namer = plan_problem,
) -> None:
    """With the release given (``--server-version``, ``AUTHENTIK_SERVER_VERSION``), refuse
    the items' fields it lacks before anything is read or sent: :class:`Invalid`.
    """
    given = given_release(args, environ)
    if given is None:
        return
    problems = release_problems(items, given[0], given[1], validate=not args.no_validate, name=name)
    if problems:
        raise Invalid(problems)


async def settle_release(
    client: AsyncPlexSourceClient, items: Sequence[PlanItem], *, name: Namer = plan_problem
) -> None:
    """Before anything is sent: when a change depends on the server's release and the client
    does not know it, ask the server (once; a server that will not say leaves it unknown), and
    refuse every item the release cannot take: :class:`Invalid` (exit 2).
    """
    from .._changes import needs_release
    from .._config import NOT_GIVEN
    from .._releases import parse_release

    if not any(needs_release(item.changes) for item in items):
        return
    if client.server_version is None:
        # The client learns the release on its first update that needs it; the command asks
        # first, so that a plan is refused whole before any item is sent.
        await client._drive(client._core.learn_release(NOT_GIVEN))
    text = client.server_version
    if text is None:  # the server would not say: its answers tell (see the module)
        return
    problems = release_problems(
        items, parse_release(text), text, validate=client.validate, name=name
    )
    if problems:
        raise Invalid(problems)


def lacking_fields(source: PlexSource, changes: Mapping[str, object]) -> list[str]:
    """The fields of ``changes`` (keyword names) that ``source``, as the server sent it, shows
    its release cannot write: ``promoted`` missing, ``icon`` without ``icon_url``.
    """
    from .._changes import unwritable_fields

    return unwritable_fields(source.to_dict(), changes)


def needs_text(names: Sequence[str]) -> str:
    """`` (promoted and icon need authentik 2025.12 or newer)``, grouped by release."""
    from .._changes import FIELDS_BY_NAME
    from .._releases import needs_phrase, writable_since

    needs = {
        name: since
        for name in names
        if name in FIELDS_BY_NAME
        and (since := writable_since(FIELDS_BY_NAME[name].wire)) is not None
    }
    return f" ({needs_phrase(needs)})" if needs else ""


def not_applied_message(
    not_applied: Sequence[str], applied: Sequence[str], *, patched: bool, others: bool
) -> str:
    """Why an item ended ``not_applied``: which fields, that the server's release lacks them,
    what became of the others, and what helps.

    ``patched``: the fields were sent and the PATCH's answer lacked them (else the source read
    first lacked them, and they were not sent); ``applied``: the fields applied; ``others``:
    whether the item had other fields at all (those not applied then already had their values).
    """
    them = "it" if len(not_applied) == 1 else "them"
    if patched:
        what = f"the server ignored {them}: its answer shows it cannot write {them}"
    else:
        what = f"not sent: the source, as the server sent it, shows it cannot write {them}"
    what += f", so the server's authentik release lacks {them}{needs_text(not_applied)}"
    if applied:
        rest = f"the other fields ({', '.join(applied)}) were applied"
    elif others:
        rest = "the other fields already had the values given"
    else:
        rest = "nothing was changed"
    return f"not applied: {', '.join(not_applied)}: {what}; {rest}; {NOT_APPLIED_HINT}"
