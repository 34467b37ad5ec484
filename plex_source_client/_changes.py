"""The writable fields of a Plex source, their validation, and the JSON body they become.

Pure logic, no I/O: shared by the sync and async clients. Each field's kind and constraints
are ``PatchedPlexSourceRequest``'s in openapi.yaml, read from the table ``generate.sh`` writes
(``_generated/spec.py``); this module adds only what the spec cannot say: DRF's trimming and
NUL rule, which fields are secrets, and the path's safety. A change has three states: absent
(not sent), ``None`` (sent as JSON null; only the two nullable flow fields accept it) and a
value. For those two, ``""`` (after trimming) means ``None`` too: TOML has no null, and
authentik itself (DRF's relational field) takes an empty string for a flow as null; it is sent,
and compared, as null.

Strings are checked as authentik's serializer (DRF's ``CharField``) checks them: trimmed with
``str.strip()`` first (``trim_whitespace``), then refused if blank, too long, not a slug or
holding a NUL character (``ProhibitNullCharactersValidator``); and sent trimmed, so what is
sent is what the server stores. With ``validate=False`` values are sent as given.

Some rules depend on the server's authentik release (:mod:`._releases`): a field its release
lacks is refused, whatever ``validate`` says (the server would ignore it), and the slug's
50-character limit holds only before 2025.12. With the release unknown, neither is checked here:
the server decides, and the client checks its answer for ignored fields.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from typing import Any, Final, NamedTuple
from urllib.parse import quote
from uuid import UUID

from ._errors import InvalidRequest
from ._generated.models import PatchedPlexSourceRequest
from ._generated.spec import WRITABLE_FIELDS, Kind
from ._releases import SLUG_LIMIT_DROPPED_IN, Release, slug_max_length, writable_since
from ._secrets import MASK, is_secret_name
from ._text import describe_type, quoted

SLUG_MESSAGE: Final = 'Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.'
BLANK_MESSAGE: Final = "This field may not be blank."
NUL_MESSAGE: Final = "Null characters are not allowed."
#: A lone surrogate (``"\ud800"``, as a JSON plan's ``"\\ud800"`` reads) is no text: UTF-8
#: cannot encode it, so authentik's database refuses it with a 500, after the request is sent.
SURROGATE_MESSAGE: Final = (
    "Holds a lone surrogate (such as \\ud800), which is not text: UTF-8 cannot encode it and "
    "the server cannot store it."
)
_SURROGATE: Final = re.compile("[\ud800-\udfff]")


class Field(NamedTuple):
    """One writable field: its keyword name, its JSON name and its constraints (the spec's,
    from :data:`~._generated.spec.WRITABLE_FIELDS`), and whether it holds a secret.
    """

    name: str
    wire: str
    kind: Kind
    nullable: bool = False
    min_length: int | None = None
    max_length: int | None = None
    pattern: re.Pattern[str] | None = None
    enum: type[StrEnum] | None = None
    secret: bool = False


FIELDS: Final[tuple[Field, ...]] = tuple(
    Field(*field, secret=is_secret_name(field.wire)) for field in WRITABLE_FIELDS
)
FIELDS_BY_NAME: Final = {field.name: field for field in FIELDS}
#: What may name a source in a URL path (:func:`path_slug_problems`): Django's slug validator,
#: the spec's pattern for ``slug``, restated here on purpose: the path's safety must not depend
#: on a table (tests/test_changes.py checks the two agree).
SLUG_PATTERN: Final = re.compile(r"^[-a-zA-Z0-9_]+$")
FIELD_NAMES: Final = tuple(FIELDS_BY_NAME)
NULLABLE_NAMES: Final = tuple(field.name for field in FIELDS if field.nullable)


#: The message for a change that changes nothing (a PATCH without fields).
NO_FIELD_MESSAGE: Final = (
    "No field to change: give at least one field (such as enabled or name); "
    "an empty update would change nothing."
)


def trim(value: str) -> str:
    """What DRF's ``CharField`` (``trim_whitespace=True``) makes of a string: ``str.strip()``."""
    return value.strip()


def _check_string(
    field: Field, value: object, max_length: int | None, too_long_note: str = ""
) -> list[str]:
    if not isinstance(value, str):
        return [f"Must be a string, got {describe_type(value)}."]
    # authentik (DRF) trims surrounding whitespace, then checks: so "  " is blank too, and
    # the validators (length, NUL, slug pattern; every one reports) see the trimmed string.
    value = trim(value)
    if field.min_length and len(value) < field.min_length:
        return [BLANK_MESSAGE]
    problems: list[str] = []
    if max_length is not None and len(value) > max_length:
        problems.append(
            f"Ensure this field has no more than {max_length} characters.{too_long_note}"
        )
    if "\x00" in value:
        problems.append(NUL_MESSAGE)
    if _SURROGATE.search(value):
        problems.append(SURROGATE_MESSAGE)
    if field.pattern is not None and not field.pattern.fullmatch(value):
        problems.append(SLUG_MESSAGE)
    return problems


def _check_uuid(value: object) -> list[str]:
    if isinstance(value, UUID):
        return []
    if not isinstance(value, str):
        return [f"Must be a UUID, got {describe_type(value)}."]
    try:
        UUID(value)
    except ValueError:
        return [f"{quoted(value)} is not a valid UUID."]
    return []


def _check_list(field: Field, value: object) -> list[str]:
    if isinstance(value, str):
        return [f"Must be a list, got a single string; wrap it in a list: [{quoted(value)}]."]
    if not isinstance(value, Sequence) or isinstance(value, bytes | bytearray):
        return [f"Must be a list, got {describe_type(value)}."]
    problems: list[str] = []
    for index, item in enumerate(value):
        if field.kind == "uuid_list":
            item_problems = _check_uuid(item)
        else:
            item_problems = _check_string(field, item, field.max_length)
        problems.extend(f"Item {index}: {problem}" for problem in item_problems)
    return problems


def _check_enum(field: Field, value: object) -> list[str]:
    assert field.enum is not None  # noqa: S101 - guaranteed by FIELDS
    choices = [member.value for member in field.enum]
    if isinstance(value, field.enum) and value.value in choices:
        return []
    if isinstance(value, str) and value in choices:
        return []
    if not isinstance(value, str):
        return [f"Must be one of: {', '.join(choices)}; got {describe_type(value)}."]
    return [f"{quoted(value)} is not a valid choice. Choose one of: {', '.join(choices)}."]


def check_field(
    field: Field, value: object, release: Release | None = None, shown: str = ""
) -> list[str]:
    """Every problem with ``value`` for ``field`` (empty when valid), on a server of
    ``release`` (None: unknown, so no limit that depends on it is checked; ``shown``: how
    messages name it).

    Messages quote bad UUIDs and choices, never a string field's value: ``plex_token`` is one.
    """
    if value is None or (field.nullable and is_blank(value)):
        if field.nullable:
            return []
        clearable = " and ".join(NULLABLE_NAMES)
        return [f"May not be null: only {clearable} can be cleared."]
    if field.kind == "bool":
        if isinstance(value, bool):
            return []
        short = isinstance(value, str) and len(value) <= 10  # "false", "yes": never a secret
        got = f"the string {quoted(value)}" if short else describe_type(value)
        return [f"Must be true or false, got {got}."]
    if field.kind == "str":
        max_length, note = field.max_length, ""
        if field.wire == "slug":
            # No release takes a slug longer than one a URL can carry: renamed to one, the
            # source could never be read or changed by its slug again.
            limit = slug_max_length(release)
            max_length = limit or MAX_PATH_SLUG
            if limit is not None:
                note = (
                    f" (this server runs {_release_words(shown or str(release))}: slugs longer "
                    f"than {limit} characters need {SLUG_LIMIT_DROPPED_IN} or newer)"
                )
        problems = _check_string(field, value, max_length, note)
    elif field.kind == "uuid":
        problems = _check_uuid(value)
    elif field.kind == "enum":
        problems = _check_enum(field, value)
    else:
        problems = _check_list(field, value)
    return problems


def _as_uuid(value: Any) -> Any:
    """A UUID string as a UUID (sent in canonical form); anything else unchanged."""
    if isinstance(value, str):
        try:
            return UUID(value)
        except ValueError:
            return value  # validate=False: sent as given
    return value


def is_blank(value: object) -> bool:
    """Whether ``value`` is a string that is empty once trimmed (``""``, ``"  "``)."""
    return isinstance(value, str) and not trim(value)


def normalize(field: Field, value: Any) -> Any:
    """The value as authentik will store it, for a value :func:`check_field` accepted: strings
    (and the items of a string list) trimmed as DRF trims them; a blank flow ``None`` (it
    clears the flow). Anything else is unchanged.
    """
    if field.nullable and is_blank(value):
        return None
    if field.kind == "str" and isinstance(value, str):
        return trim(value)
    if field.kind == "str_list" and isinstance(value, Sequence) and not isinstance(value, str):
        return [trim(item) if isinstance(item, str) else item for item in value]
    return value


def _model_value(field: Field, value: Any) -> Any:
    """Convert a (checked) value into what the generated request model expects."""
    if value is None:
        return None
    if field.kind == "enum" and isinstance(value, str):
        assert field.enum is not None  # noqa: S101 - guaranteed by FIELDS
        return field.enum(value)  # an unlisted value (validate=False) survives, see codegen/
    if field.kind == "uuid":
        return _as_uuid(value)
    if field.kind == "uuid_list" and isinstance(value, Sequence):
        return [_as_uuid(item) for item in value]
    if field.kind == "str_list" and isinstance(value, Sequence):
        return list(value)
    return value


def suggest(name: str, candidates: tuple[str, ...] = FIELD_NAMES) -> str | None:
    """A "did you mean" hint for a near miss among ``candidates``, if there is one."""
    if name == "slug":
        return "did you mean 'new_slug'? (the source to change is the first argument)"
    import difflib  # only on this error path: it is slow to import

    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else None


def unknown_field_errors(changes: Mapping[str, object]) -> dict[str, list[str]]:
    """An error for every key of ``changes`` that is not a writable field."""
    errors = {}
    for key in changes:
        if key not in FIELDS_BY_NAME:
            hint = suggest(str(key))
            errors[str(key)] = [f"Unknown field; {hint}" if hint else "Unknown field."]
    return errors


def release_errors(
    changes: Mapping[str, object], release: Release, shown: str
) -> dict[str, list[str]]:
    """An error for every field of ``changes`` that a server of ``release`` (``shown`` as the
    server or the caller wrote it) cannot write: it would ignore it.
    """
    errors = {}
    for name in changes:
        field = FIELDS_BY_NAME.get(name)
        since = writable_since(field.wire) if field else None
        if since is not None and release < since:
            if name == "icon":
                errors[name] = [
                    f"icon can be set from authentik {since} on (before, it is the read-only "
                    f"icon URL); this server runs {shown}"
                ]
            else:
                errors[name] = [
                    f"{name} needs authentik {since} or newer; this server runs {shown}"
                ]
    return errors


def is_writable_in(field: Field, source: Mapping[str, Any]) -> bool:
    """Whether a source as a server sent it (JSON) shows ``field`` writable on its release:
    the field is there (``promoted`` is not before 2025.12), and for ``icon`` so is
    ``icon_url`` (before 2025.12, ``icon`` is the read-only resolved URL).
    """
    return field.wire in source and (field.wire != "icon" or "icon_url" in source)


def _release_words(shown: str) -> str:
    """``2024.8.2`` as ``authentik 2024.8.2``; a description (``a release before ...``) as is."""
    return f"authentik {shown}" if shown[:1].isdigit() else shown


def unwritable_fields(source: Mapping[str, Any], names: Iterable[str]) -> list[str]:
    """The fields among ``names`` (keyword names) that a source, as a server sent it (JSON),
    shows its release cannot write (:func:`is_writable_in`), in their order. Unknown names are
    left to the name check.
    """
    return [
        name
        for name in names
        if name in FIELDS_BY_NAME and not is_writable_in(FIELDS_BY_NAME[name], source)
    ]


def needs_release(changes: Mapping[str, object], *, validate: bool = True) -> bool:
    """Whether checking ``changes`` depends on the server's release: a field not every release
    can write, or (when values are checked) a slug over 50 characters (every release takes
    shorter ones).
    """
    for name, value in changes.items():
        field = FIELDS_BY_NAME.get(name)
        if field is None:
            continue
        if writable_since(field.wire) is not None:
            return True
        longest = field.max_length  # the spec's (2024.8) limit: every release takes that
        if validate and longest and isinstance(value, str) and len(trim(value)) > longest:
            return True
    return False


#: Why a secret field's value that is this client's mask (``***``) is refused.
MASK_MESSAGE: Final = (
    "*** is how this client shows a secret, not its value: sent, it would replace the stored "
    "token with three asterisks; give the real token, or leave the field out to keep it"
)


def mask_errors(changes: Mapping[str, object]) -> dict[str, list[str]]:
    """An error for every secret field (``plex_token``) whose value is the mask ``***`` the
    client shows in its place (copied from ``get`` output into a changes file or a plan):
    checked even with validate=False, as no server means it.
    """
    return {
        name: [MASK_MESSAGE]
        for name, value in changes.items()
        if name in FIELDS_BY_NAME
        and FIELDS_BY_NAME[name].secret
        and isinstance(value, str)
        and value.strip() == MASK
    }


def change_errors(
    changes: Mapping[str, object],
    *,
    validate: bool,
    release: Release | None = None,
    shown: str = "",
) -> dict[str, list[str]]:
    """Every problem with ``changes`` by field: unknown names always, and fields the server's
    ``release`` (when known) cannot write; with ``validate`` every value the API refuses too
    (empty when there is none).
    """
    errors = unknown_field_errors(changes)
    errors.update(mask_errors(changes))
    if release is not None:
        errors.update(release_errors(changes, release, shown or str(release)))
    if validate:
        for name, value in changes.items():
            if name in FIELDS_BY_NAME and name not in errors:
                problems = check_field(FIELDS_BY_NAME[name], value, release, shown)
                if problems:
                    errors[name] = problems
    return errors


def build_body(
    slug: object,
    changes: Mapping[str, object],
    *,
    validate: bool,
    release: Release | None = None,
    shown: str = "",
) -> bytes:
    """The JSON body for changing source ``slug``, or :class:`InvalidRequest` naming every
    problem at once.

    The path ``slug``, unknown field names and an empty ``changes`` (an update that would
    change nothing; authentik would still log it) are always checked; with ``validate`` every
    spec constraint on the values is too, and strings are sent trimmed (:func:`normalize`), as
    the server would store them. Without it, values are sent as given (for servers newer than
    the spec). ``release``: the server's, when known (see :func:`change_errors`).
    """
    errors: dict[str, list[str]] = {}
    slug_problems = path_slug_problems(slug)
    if slug_problems:
        errors["slug"] = slug_problems
    if not changes:
        errors["changes"] = [NO_FIELD_MESSAGE]
    for key, problems in change_errors(
        changes, validate=validate, release=release, shown=shown
    ).items():
        errors.setdefault(key, []).extend(problems)  # a "slug" key: both errors kept
    if errors:
        raise InvalidRequest(errors)
    fields = {name: FIELDS_BY_NAME[name] for name in changes}
    model = PatchedPlexSourceRequest(
        **{
            fields[name].wire: _model_value(
                fields[name], normalize(fields[name], value) if validate else value
            )
            for name, value in changes.items()
        }
    )
    try:
        return json.dumps(model.to_dict(), separators=(",", ":"), allow_nan=False).encode()
    except (TypeError, ValueError) as exc:  # only reachable with validate=False
        raise InvalidRequest({"body": [f"Cannot be encoded as JSON: {exc}"]}) from None


#: The operation's path below the API root (``paths`` in openapi.yaml; tests/test_changes.py
#: checks they agree).
PATH_TEMPLATE: Final = "/sources/plex/{slug}/"
#: The list's path below the API root (``sources_plex_list``).
LIST_PATH: Final = "/sources/plex/"


def source_path(slug: str) -> str:
    """The path of source ``slug`` below the API root. Percent-quoting, as the generated
    client does, changes nothing in a slug :func:`path_slug_problems` accepts; it is skipped.
    """
    return PATH_TEMPLATE.format(slug=slug if SLUG_PATTERN.fullmatch(slug) else quote(slug, safe=""))


def path_slug_problems(slug: object) -> list[str]:
    """Why ``slug`` cannot name a source in the URL path (checked even with validate=False).

    The path must stay ``/sources/plex/<slug>/``: ``..`` would reach ``/api/v3/sources/``,
    ``.`` the list endpoint, ``""`` a double slash. Only letters, digits, ``-`` and ``_``
    can name a source. Newer servers allow slugs longer than 50 characters, but none longer
    than :data:`MAX_PATH_SLUG` can travel in a URL (web servers refuse request lines of a few
    KiB; httpx, URLs over 64 KiB).
    """
    if not isinstance(slug, str):
        return [f"Must be a string, got {describe_type(slug)}."]
    if not slug:
        return [BLANK_MESSAGE]
    if len(slug) > MAX_PATH_SLUG:
        return [
            f"Ensure this field has no more than {MAX_PATH_SLUG} characters "
            f"(it has {len(slug):,}): no longer slug fits in a URL."
        ]
    if not SLUG_PATTERN.fullmatch(slug):
        return [SLUG_MESSAGE]
    return []


#: The longest slug sent in a URL path (nginx's default request line buffer is 8 KiB).
MAX_PATH_SLUG: Final = 4096


def sent_secrets(changes: Mapping[str, object] | None) -> tuple[str, ...]:
    """The secrets ``changes`` send (a Plex token), as given and stripped: masked wherever a
    message or another field shown repeats them.
    """
    if not isinstance(changes, Mapping):
        return ()
    found: list[str] = []
    for name, value in changes.items():
        field = FIELDS_BY_NAME.get(name) if isinstance(name, str) else None
        if field is not None and field.secret and isinstance(value, str) and value.strip():
            found += [value, value.strip()]
    return tuple(found)
