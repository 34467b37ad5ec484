"""How authentik (Django REST framework) validates a PATCH of a Plex source: 2024.8's rules,
and what other releases changed (``release``: the fields a release lacks are unknown to it, so
ignored; the slug's 50-character limit until 2025.12; ``promoted`` and a writable ``icon`` from
2025.12).

Pure functions, no I/O: :class:`~plex_source_client.testing.FakeAuthentik` uses them to answer
exactly as the real server does, with DRF's own messages. Unknown and read-only fields are
ignored, as DRF does.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any, Final

from .._changes import FIELDS
from .._releases import SPEC_RELEASE, Release, slug_max_length, writable_since
from ._shape import DJANGO_SLUG_MESSAGE_IN

NOT_NULL: Final = "This field may not be null."
BLANK: Final = "This field may not be blank."
NOT_A_STRING: Final = "Not a valid string."
NOT_A_BOOLEAN: Final = "Must be a valid boolean."
SLUG_INVALID: Final = 'Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.'
#: Django's ``validate_slug`` message (typographic quotes), the slug's from 2025.12
#: (:data:`~._shape.DJANGO_SLUG_MESSAGE_IN`).
DJANGO_SLUG_INVALID: Final = (
    "Enter a valid \u201cslug\u201d consisting of letters, numbers, underscores or hyphens."
)
SLUG_TAKEN: Final = "source with this slug already exists."
REQUIRED: Final = "This field is required."
NUL: Final = "Null characters are not allowed."
NO_DATA: Final = "No data provided"
#: The fields a full update (PUT) must carry: PlexSourceRequest's ``required`` in authentik's
#: schema (the model fields with neither a default nor ``blank=True``).
REQUIRED_ON_PUT: Final = ("name", "slug", "plex_token")
_SLUG: Final = re.compile(r"[-a-zA-Z0-9_]+")

_TRUE: Final = frozenset(
    {
        True,
        "1",
        "true",
        "True",
        "TRUE",
        "t",
        "T",
        "y",
        "Y",
        "yes",
        "Yes",
        "YES",
        "on",
        "On",
        "ON",
    }
)
_FALSE: Final = frozenset(
    {
        False,
        "0",
        "false",
        "False",
        "FALSE",
        "f",
        "F",
        "n",
        "N",
        "no",
        "No",
        "NO",
        "off",
        "Off",
        "OFF",
    }
)

#: The choices of authentik's enum fields: the spec's (through the generated enums).
CHOICES: Final = {
    field.wire: tuple(member.value for member in field.enum)
    for field in FIELDS
    if field.enum is not None
}


class FieldError(Exception):
    """One field's validation errors, as DRF reports them (a list, or a dict by list index)."""

    def __init__(self, detail: list[str] | dict[str, list[str]]) -> None:
        super().__init__(detail)
        self.detail = detail


def _input_type(value: object) -> str:
    return type(value).__name__


def _char(value: object) -> str:
    """DRF CharField before its validators: ``run_validation`` refuses blank input (``""``,
    or only whitespace once trimmed), ``to_internal_value`` takes strings and numbers (as
    strings) and trims them (``trim_whitespace``: ``str.strip()``).
    """
    if value is None:
        raise FieldError([NOT_NULL])
    if value == "" or str(value).strip() == "":
        raise FieldError([BLANK])
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise FieldError([NOT_A_STRING])
    return str(value).strip()


def _string(value: object) -> str:
    """A CharField with DRF's own validators (``ProhibitNullCharactersValidator``)."""
    text = _char(value)
    if "\x00" in text:
        raise FieldError([NUL])
    return text


def _blankable_string(value: object) -> str:
    """A CharField with ``allow_blank=True`` (a model field with ``blank=True``): ``""``, or
    only whitespace, is ``""``; otherwise as :func:`_string`.
    """
    if value is None:
        raise FieldError([NOT_NULL])
    if value == "" or str(value).strip() == "":
        return ""
    return _string(value)


def _boolean(value: object) -> bool:
    if value is None:
        raise FieldError([NOT_NULL])
    try:
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
    except TypeError:  # unhashable (a list, a dict)
        pass
    raise FieldError([NOT_A_BOOLEAN])


def _choice(field: str) -> Callable[[object], str]:
    """DRF ChoiceField: the input's ``str()`` must be one of the choices."""

    def check(value: object) -> str:
        if value is None:
            raise FieldError([NOT_NULL])
        if str(value) in CHOICES[field]:
            return str(value)
        raise FieldError([f'"{value}" is not a valid choice.'])

    return check


def _uuid_pk(value: object) -> uuid.UUID:
    """Django's ``UUIDField.to_python``, which the pk lookup runs: an int is ``UUID(int=)``,
    anything else is ``UUID(hex=)`` (a list or a dict fails there too).
    """
    try:
        if isinstance(value, int):
            return uuid.UUID(int=value)
        return uuid.UUID(hex=value)  # type: ignore[arg-type]
    except (AttributeError, TypeError, ValueError):
        raise FieldError([f"“{value}” is not a valid UUID."]) from None


def _pk(value: object, existing: Collection[str]) -> str:
    """DRF ``PrimaryKeyRelatedField.to_internal_value`` over a UUID pk: a bool is the wrong
    type; anything else is looked up (``queryset.get(pk=value)``). ``None`` finds nothing. The
    messages quote the value as given.
    """
    if isinstance(value, bool):
        raise FieldError([f"Incorrect type. Expected pk value, received {_input_type(value)}."])
    pk = None if value is None else str(_uuid_pk(value))
    if pk is None or pk not in existing:
        raise FieldError([f'Invalid pk "{value}" - object does not exist.'])
    return pk


def _string_list(value: object) -> list[str]:
    """DRF ListField(child=CharField()): errors of items are reported by index."""
    if value is None:
        raise FieldError([NOT_NULL])
    if isinstance(value, str | Mapping) or not isinstance(value, list):
        raise FieldError([f'Expected a list of items but got type "{_input_type(value)}".'])
    result, errors = [], {}
    for index, item in enumerate(value):
        try:
            result.append(_string(item))
        except FieldError as error:
            errors[str(index)] = error.detail
    if errors:
        raise FieldError(errors)  # type: ignore[arg-type]
    return result


def validate_patch(
    data: object,
    *,
    partial: bool = True,
    current_slug: str,
    taken_slugs: Collection[str],
    flows: Collection[str],
    property_mappings: Collection[str],
    release: Release = SPEC_RELEASE,
) -> dict[str, Any]:
    """The validated changes in ``data``, or :class:`ValidationFailed` with DRF's error body.

    ``partial``: a PATCH (``partial_update``). Otherwise a PUT (``update``): the same checks,
    and a missing required field is an error; a missing optional one is left as it is (DRF
    skips it: the serializer fields carry no defaults of their own). ``release``: the authentik
    release whose serializer validates (a field it cannot write is ignored).
    """
    max_length = slug_max_length(release)
    slug_invalid = DJANGO_SLUG_INVALID if release >= DJANGO_SLUG_MESSAGE_IN else SLUG_INVALID
    if data is None:  # the body was JSON null: the serializer's own "null" message
        raise ValidationFailed({"non_field_errors": [NO_DATA]})
    if not isinstance(data, Mapping):
        raise ValidationFailed(
            {
                "non_field_errors": [
                    f"Invalid data. Expected a dictionary, but got {_input_type(data)}."
                ]
            }
        )

    def slug(value: object) -> str:
        text = _char(value)
        problems = []  # every validator runs: UniqueValidator, max length, NUL, slug pattern
        if max_length is not None and len(text) > max_length:
            problems.append(f"Ensure this field has no more than {max_length} characters.")
        if "\x00" in text:
            problems.append(NUL)
        if not _SLUG.fullmatch(text):
            problems.append(slug_invalid)
        if text != current_slug and text in taken_slugs:
            problems.append(SLUG_TAKEN)
        if problems:
            raise FieldError(problems)
        return text

    def flow(value: object) -> str | None:
        # RelatedField.run_validation: "" is None for relational fields; the flows are nullable.
        return None if value is None or value == "" else _pk(value, flows)

    def mappings(value: object) -> list[str]:
        # ManyRelatedField: any iterable but a string (a dict gives its keys); each item goes
        # straight to the child's to_internal_value; the first bad one fails the field.
        if value is None:
            raise FieldError([NOT_NULL])
        if isinstance(value, str) or not isinstance(value, Iterable):
            raise FieldError([f'Expected a list of items but got type "{_input_type(value)}".'])
        # A many-to-many set: each mapping once.
        return list(dict.fromkeys(_pk(item, property_mappings) for item in value))

    fields: dict[str, Callable[[object], Any]] = {
        "name": _string,
        "slug": slug,
        "enabled": _boolean,
        "promoted": _boolean,
        "authentication_flow": flow,
        "enrollment_flow": flow,
        "user_property_mappings": mappings,
        "group_property_mappings": mappings,
        "policy_engine_mode": _choice("policy_engine_mode"),
        "user_matching_mode": _choice("user_matching_mode"),
        "user_path_template": _string,
        "icon": _blankable_string,
        "group_matching_mode": _choice("group_matching_mode"),
        "client_id": _string,
        "allowed_servers": _string_list,
        "allow_friends": _boolean,
        "plex_token": _string,
    }
    changes: dict[str, Any] = {}
    errors: dict[str, Any] = {}
    for name, check in fields.items():
        since = writable_since(name)
        if since is not None and release < since:
            continue  # not a (writable) field of this release's serializer: ignored
        if name not in data:
            if not partial and name in REQUIRED_ON_PUT:
                errors[name] = [REQUIRED]
            continue
        try:
            changes[name] = check(data[name])
        except FieldError as error:
            errors[name] = error.detail
    if errors:
        raise ValidationFailed(errors)
    return changes


class ValidationFailed(Exception):
    """The body authentik answers 400 with."""

    def __init__(self, body: dict[str, Any]) -> None:
        super().__init__(body)
        self.body = body
