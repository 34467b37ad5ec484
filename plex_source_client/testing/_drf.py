"""How authentik 2024.8 (Django REST framework) validates a PATCH of a Plex source.

Pure functions, no I/O: :class:`~plex_source_client.testing.FakeAuthentik` uses them to answer
exactly as the real server does, with DRF's own messages. Unknown and read-only fields are
ignored, as DRF does.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Collection, Mapping
from typing import Any, Final

from .._changes import FIELDS

NOT_NULL: Final = "This field may not be null."
BLANK: Final = "This field may not be blank."
NOT_A_STRING: Final = "Not a valid string."
NOT_A_BOOLEAN: Final = "Must be a valid boolean."
SLUG_INVALID: Final = 'Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.'
SLUG_TAKEN: Final = "source with this slug already exists."
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


def _string(value: object) -> str:
    """DRF CharField: strings, and numbers turned into strings; trimmed; never blank."""
    if value is None:
        raise FieldError([NOT_NULL])
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise FieldError([NOT_A_STRING])
    text = str(value).strip()
    if not text:
        raise FieldError([BLANK])
    return text


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
    def check(value: object) -> str:
        if value is None:
            raise FieldError([NOT_NULL])
        if isinstance(value, str) and value in CHOICES[field]:
            return value
        raise FieldError([f'"{value}" is not a valid choice.'])

    return check


def _pk(value: object, existing: Collection[str]) -> str:
    """DRF PrimaryKeyRelatedField over a UUID primary key: parse, then look up."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise FieldError([f"Incorrect type. Expected pk value, received {_input_type(value)}."])
    try:
        pk = str(uuid.UUID(int=value) if isinstance(value, int) else uuid.UUID(value))
    except ValueError:
        raise FieldError([f"“{value}” is not a valid UUID."]) from None
    if pk not in existing:
        raise FieldError([f'Invalid pk "{pk}" - object does not exist.'])
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
    current_slug: str,
    taken_slugs: Collection[str],
    flows: Collection[str],
    property_mappings: Collection[str],
) -> dict[str, Any]:
    """The validated changes in ``data``, or :class:`ValidationFailed` with DRF's error body."""
    if not isinstance(data, Mapping):
        raise ValidationFailed(
            {
                "non_field_errors": [
                    f"Invalid data. Expected a dictionary, but got {_input_type(data)}."
                ]
            }
        )

    def slug(value: object) -> str:
        text = _string(value)
        problems = []
        if len(text) > 50:
            problems.append("Ensure this field has no more than 50 characters.")
        if not _SLUG.fullmatch(text):
            problems.append(SLUG_INVALID)
        if text != current_slug and text in taken_slugs:
            problems.append(SLUG_TAKEN)
        if problems:
            raise FieldError(problems)
        return text

    def flow(value: object) -> str | None:
        return None if value is None else _pk(value, flows)

    def mappings(value: object) -> list[str]:
        if value is None:
            raise FieldError([NOT_NULL])
        if isinstance(value, str | Mapping) or not isinstance(value, list):
            raise FieldError([f'Expected a list of items but got type "{_input_type(value)}".'])
        return [_pk(item, property_mappings) for item in value]

    fields: dict[str, Callable[[object], Any]] = {
        "name": _string,
        "slug": slug,
        "enabled": _boolean,
        "authentication_flow": flow,
        "enrollment_flow": flow,
        "user_property_mappings": mappings,
        "group_property_mappings": mappings,
        "policy_engine_mode": _choice("policy_engine_mode"),
        "user_matching_mode": _choice("user_matching_mode"),
        "user_path_template": _string,
        "group_matching_mode": _choice("group_matching_mode"),
        "client_id": _string,
        "allowed_servers": _string_list,
        "allow_friends": _boolean,
        "plex_token": _string,
    }
    changes: dict[str, Any] = {}
    errors: dict[str, Any] = {}
    for name, check in fields.items():
        if name in data:
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
