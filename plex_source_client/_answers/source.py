"""A 2xx body as a Plex source: every field has the JSON type the spec gives it
(``_generated/spec.py``), the required fields are there, and a server of a known release sends
the fields that release has.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final
from uuid import UUID

from .._generated.spec import REQUIRED_SOURCE_FIELDS, SOURCE_FIELD_TYPES, JsonType
from .._generated.types import Unset
from .._http.body import Answer
from .._models import PlexSource
from .._releases import ADDED_IN, Release, has_field
from .json_body import success_json

_STR: Final = "a string"
_NULLABLE_STR: Final = "a string or null"
_BOOL: Final = "true or false"
_STR_LIST: Final = "a list of strings"
_UUID: Final = "a UUID string"
_NULLABLE_UUID: Final = "a UUID string or null"
_UUID_LIST: Final = "a list of UUID strings"
_THEMED: Final = "null or an object of light and dark URLs (strings or null)"

#: Each JSON type the spec gives an answer's field, in a message's words.
_WORDS: Final[Mapping[JsonType, str]] = {
    "str": _STR,
    "nullable_str": _NULLABLE_STR,
    "bool": _BOOL,
    "str_list": _STR_LIST,
    "uuid": _UUID,
    "nullable_uuid": _NULLABLE_UUID,
    "uuid_list": _UUID_LIST,
    "nullable_themed_urls": _THEMED,
}

#: Each field of ``PlexSource`` (openapi.yaml with codegen/releases.yaml and
#: spec-corrections.yaml applied: every supported release's fields) and the JSON type the spec
#: gives it, from ``_generated/spec.py``. Fields not listed (a newer server's) pass as they
#: are; enum fields take any string (new values parse as ``UNKNOWN``).
RESPONSE_FIELD_TYPES: Final[Mapping[str, str]] = {
    name: _WORDS[kind] for name, kind in SOURCE_FIELD_TYPES.items()
}

#: ``required`` of ``PlexSource`` as generate.sh generates it: every field authentik 2024.8
#: sends (codegen/spec-corrections.yaml). An answer from a known release must also carry the
#: fields that release added (:func:`require_release_fields`).
REQUIRED_RESPONSE_FIELDS: Final = REQUIRED_SOURCE_FIELDS


def _is_uuid(value: Any) -> bool:
    if type(value) is not str:
        return False
    try:
        UUID(value)
    except ValueError:
        return False
    return True


def _is_str(value: Any) -> bool:
    return type(value) is str


def _is_nullable_str(value: Any) -> bool:
    return value is None or type(value) is str


def _is_str_list(value: Any) -> bool:
    return type(value) is list and all(type(item) is str for item in value)


def _is_themed(value: Any) -> bool:
    """``ThemedUrls`` or null: an object whose ``light`` and ``dark`` are strings or null."""
    if value is None:
        return True
    if type(value) is not dict:
        return False
    return all(_is_nullable_str(value.get(key)) for key in ("light", "dark"))


#: The JSON type checks, made on every answer (cheap); UUID formats are checked only when the
#: generated model cannot take the value (see :func:`parse_source`), to name the field.
_TYPE_CHECKS: Final[Mapping[str, Callable[[Any], bool]]] = {
    _STR: _is_str,
    _NULLABLE_STR: _is_nullable_str,
    _BOOL: lambda v: type(v) is bool,
    _STR_LIST: _is_str_list,
    _UUID: _is_str,
    _NULLABLE_UUID: _is_nullable_str,
    _UUID_LIST: _is_str_list,
    _THEMED: _is_themed,
}
_FORMAT_CHECKS: Final[Mapping[str, Callable[[Any], bool]]] = {
    **_TYPE_CHECKS,
    _UUID: _is_uuid,
    _NULLABLE_UUID: lambda v: v is None or _is_uuid(v),
    _UUID_LIST: lambda v: type(v) is list and all(_is_uuid(item) for item in v),
}


_BY_TYPE: Final = {
    kind: tuple(name for name, expected in RESPONSE_FIELD_TYPES.items() if expected is kind)
    for kind in (_STR, _UUID, _NULLABLE_STR, _NULLABLE_UUID, _BOOL, _STR_LIST, _UUID_LIST)
}
_STRINGS: Final = _BY_TYPE[_STR] + _BY_TYPE[_UUID]
_NULLABLE_STRINGS: Final = _BY_TYPE[_NULLABLE_STR] + _BY_TYPE[_NULLABLE_UUID]
_BOOLS: Final = _BY_TYPE[_BOOL]
_STRING_LISTS: Final = _BY_TYPE[_STR_LIST] + _BY_TYPE[_UUID_LIST]
_THEMED_URLS: Final = tuple(n for n, kind in RESPONSE_FIELD_TYPES.items() if kind is _THEMED)


def _json_types_ok(data: dict[str, Any]) -> bool:
    """:func:`source_problem`'s JSON type checks, fast: True when every field present has its
    type (the answer of every call goes through here; the message is made only on failure).
    """
    get = data.get
    for name in _STRINGS:
        if type(get(name, "")) is not str:
            return False
    for name in _NULLABLE_STRINGS:
        value = get(name)
        if value is not None and type(value) is not str:
            return False
    for name in _BOOLS:
        if type(get(name, False)) is not bool:
            return False
    for name in _STRING_LISTS:
        value = get(name, [])
        if type(value) is not list:
            return False
        for item in value:
            if type(item) is not str:
                return False
    return all(_is_themed(get(name)) for name in _THEMED_URLS)


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string" if len(value) <= 40 else "a long string"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _wrong(name: str, expected: str, value: Any) -> str:
    got = json_type(value)
    if isinstance(value, list) and value:
        got = "a list with an item of another kind"
    elif expected in (_UUID, _NULLABLE_UUID) and type(value) is str:
        got = "a string that is not a UUID"
    return f"{name} must be {expected}, got {got}"


def source_problem(
    data: Any, checks: Mapping[str, Callable[[Any], bool]] = _FORMAT_CHECKS
) -> str | None:
    """Why ``data`` (parsed JSON) is not a Plex source, or None when it is one."""
    if not isinstance(data, dict):
        return f"expected a JSON object, got {json_type(data)}"
    missing = [name for name in REQUIRED_RESPONSE_FIELDS if name not in data]
    if missing:
        return f"missing required field(s): {', '.join(missing)}"
    wrong = [
        _wrong(name, expected, data[name])
        for name, expected in RESPONSE_FIELD_TYPES.items()
        if name in data and not checks[expected](data[name])
    ]
    if wrong:
        return "wrong type: " + "; ".join(wrong)
    return None


def require_release_fields(source: PlexSource, release: Release) -> None:
    """ValueError when ``source`` (parsed as from any release) lacks a field ``release`` has;
    the message allows that the release, not the answer, may be what is wrong.
    """
    missing = [
        name
        for name in ADDED_IN
        if has_field(release, name) and isinstance(getattr(source, name), Unset)
    ]
    if missing:
        raise ValueError(
            f"missing required field(s): {', '.join(missing)} (authentik {release} sends them: "
            "if the server runs an older release, fix server_version / AUTHENTIK_SERVER_VERSION)"
        )


def parse_source(
    answer: Answer, secrets: tuple[str, ...], release: Release | None = None
) -> PlexSource:
    """The 2xx body as a PlexSource, or ValueError saying (safely: masked) why it is not one."""
    return source_from_json(success_json(answer, secrets), release)


def source_from_json(data: Any, release: Release | None = None) -> PlexSource:
    """Parsed JSON as a PlexSource, or ValueError saying which field is wrong (no values).
    A server of a known ``release`` must send the fields that release has.
    """
    if not isinstance(data, dict) or not _json_types_ok(data):
        raise ValueError(source_problem(data, _TYPE_CHECKS) or "not a Plex source")
    missing = [name for name in REQUIRED_RESPONSE_FIELDS if name not in data]
    if missing:
        raise ValueError(f"missing required field(s): {', '.join(missing)}")
    try:
        source = PlexSource.from_dict(data)
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        problem = source_problem(data) or f"a field has the wrong format ({type(exc).__name__})"
        raise ValueError(problem) from None
    # The generated model keeps a flow that is not a UUID as a string; that is no UUID either.
    if isinstance(source.authentication_flow, str) or isinstance(source.enrollment_flow, str):
        raise ValueError(source_problem(data) or "a flow is not a UUID")
    if release is not None:
        require_release_fields(source, release)
    return source
