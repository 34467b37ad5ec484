"""Reading and checking what the server answered. Pure logic, no I/O, shared by both clients.

An answer is never trusted: its body is read up to a size limit counted after decompression
(:class:`BodyReader`), parsed with a bound on nesting (:func:`parse_json`), and a 2xx body must
be a Plex source whose every field has the JSON type the spec gives it (:func:`parse_source`).
A non-2xx answer becomes its status's own error (:func:`api_error`). Whatever is kept on an
error or shown in a message is masked (secret-named keys and known secrets, parsed or not) and
shortened first.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any, Final
from uuid import UUID

import httpx

from . import _mismatch, _retry
from ._errors import (
    APIError,
    BadRequest,
    NotFound,
    PermissionDenied,
    RateLimited,
    ServerError,
    UnexpectedStatus,
    format_field_errors,
)
from ._generated.spec import (
    PAGINATION_FIELDS,
    REQUIRED_SOURCE_FIELDS,
    SOURCE_FIELD_TYPES,
    JsonType,
)
from ._generated.types import Unset
from ._http.body import Answer
from ._models import PlexSource, share_page_secrets
from ._releases import ADDED_IN, Release, has_field, parse_release
from ._secrets import mask_json, mask_text, redact, stored_secrets
from ._text import one_line

#: The default largest body accepted, after decompression. A Plex source is about 1 KiB.
DEFAULT_MAX_RESPONSE_SIZE: Final = 1024 * 1024

#: Deepest JSON nesting accepted. authentik's answers nest 3 levels at most (a 400's
#: ``{"field": {"0": ["message"]}}``); deeper is not an answer of this API.
MAX_JSON_DEPTH: Final = 32

#: The most lists and objects a JSON answer may hold: a page of 1,000 sources has about 4,000;
#: a megabyte of ``[{},{},...]`` would parse into some 80 MB of Python objects.
MAX_JSON_CONTAINERS: Final = 20_000

#: The largest error body parsed as JSON (authentik's are under 1 KiB); a larger one is kept
#: as text, cut to :data:`KEPT_TEXT`, so an error never holds a big parsed structure.
MAX_PARSED_ERROR: Final = 64 * 1024

#: How much of a body that is not authentik's JSON an error keeps (``.body``), in characters.
KEPT_TEXT: Final = 4096

REQUEST_ID_HEADER: Final = "X-Authentik-Id"


class JSONTooDeep(ValueError):
    """The JSON nests deeper than :data:`MAX_JSON_DEPTH`."""


# --- JSON ---------------------------------------------------------------------------------------


class NotUTF8(ValueError):
    """The body is not UTF-8 (JSON in UTF-16 or UTF-32, or invalid UTF-8)."""


def _encoding(content: bytes) -> str:
    """The encoding ``json.loads(content)`` would read ``content`` in: UTF-8 (``utf-8-sig``
    with a byte order mark), or UTF-16/32 when the first bytes hold NULs or their BOM.
    """
    return json.detect_encoding(content)


def as_utf8(content: bytes) -> bytes:
    """``content`` as UTF-8: unchanged when it is (or is not text at all), else decoded as the
    UTF-16/32 JSON decoding reads it (undecodable bytes replaced) and re-encoded. Checks for
    echoed secrets look at this, so they see what a JSON parser would.
    """
    encoding = _encoding(content)
    if encoding.startswith("utf-8"):
        return content
    return content.decode(encoding, "replace").encode("utf-8", "replace")


def parse_json(content: bytes) -> Any:
    """The JSON value in ``content``; ValueError if it is not JSON or nests too deeply, and
    :class:`NotUTF8` if it is not UTF-8: JSON between systems is UTF-8 (RFC 8259, section
    8.1; a leading byte order mark is ignored, as it allows) and authentik sends nothing else.
    ``json.loads(bytes)`` would read UTF-16 and UTF-32 too, past every check on the raw bytes.

    Nesting is bounded before anything recursive sees the value: a body with few brackets
    cannot nest deeply (the fast path for real answers); otherwise the parsed value is walked
    without recursion, and the parser's own RecursionError is caught.
    """
    encoding = _encoding(content)
    if not encoding.startswith("utf-8"):
        raise NotUTF8(
            f"the body is {encoding.upper()}, not UTF-8: JSON between systems is UTF-8 "
            "(RFC 8259), and authentik sends nothing else"
        )
    try:
        # As json.loads(bytes) decodes (a UTF-8-encoded lone surrogate passes, as before).
        text = content.decode(encoding, "surrogatepass")
    except UnicodeDecodeError:
        raise NotUTF8("the body is not valid UTF-8") from None
    containers = text.count("[") + text.count("{")
    if containers > MAX_JSON_CONTAINERS:  # each parses into a Python object of ~50+ bytes
        raise JSONTooDeep(f"the JSON holds more than {MAX_JSON_CONTAINERS:,} lists and objects")
    try:
        value = json.loads(text)
    except RecursionError:
        raise JSONTooDeep(f"the JSON nests deeper than {MAX_JSON_DEPTH} levels") from None
    if containers > MAX_JSON_DEPTH and _depth(value) > MAX_JSON_DEPTH:
        raise JSONTooDeep(f"the JSON nests deeper than {MAX_JSON_DEPTH} levels")
    return value


def _depth(value: Any) -> int:
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            if depth > deepest:
                deepest = depth
            if depth > MAX_JSON_DEPTH:
                break
            stack.extend((child, depth + 1) for child in item)
    return deepest


def body_text(answer: Answer) -> str:
    """The body as text (UTF-8, or UTF-16/32 as :func:`as_utf8` reads it; undecodable bytes
    replaced), not yet masked: masking then finds a secret however the body spells it.
    """
    content = answer.content
    encoding = _encoding(content)
    return content.decode("utf-8" if encoding.startswith("utf-8") else encoding, "replace")


def kept_text(text: str, secrets: tuple[str, ...], *, cut: bool = False) -> str:
    """``text`` masked, then shortened to :data:`KEPT_TEXT` characters: what errors keep.
    ``cut``: the text is the start of a longer one (see :func:`mask_text`).
    """
    masked = mask_text(text, secrets, cut=cut)
    if len(masked) <= KEPT_TEXT:
        return masked
    return f"{masked[:KEPT_TEXT]}... [{len(masked) - KEPT_TEXT:,} more characters not kept]"


def _about(answer: Answer, secrets: tuple[str, ...]) -> str:
    """`` (the body is larger than ...)`` when the body was not read in full (masked: it can
    quote a header).
    """
    if not answer.problem:
        return ""
    return f" ({shown_problem(answer, secrets)}; the rest was not read)"


def shown_problem(answer: Answer, secrets: tuple[str, ...]) -> str:
    """Why the body was not read in full, masked, then shortened: it can quote a header."""
    return one_line(mask_text(answer.problem or "the body was not read in full", secrets), 300)


# --- 2xx: a Plex source --------------------------------------------------------------------------

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


def _json_type(value: Any) -> str:
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
    got = _json_type(value)
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
        return f"expected a JSON object, got {_json_type(data)}"
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


def _success_json(answer: Answer, secrets: tuple[str, ...]) -> Any:
    """The 2xx body's JSON, or ValueError saying (safely: masked) why there is none."""
    if not answer.complete:
        raise ValueError(shown_problem(answer, secrets))
    try:
        return parse_json(answer.content)
    except (JSONTooDeep, NotUTF8) as exc:
        raise ValueError(str(exc)) from None
    except ValueError:
        content_type = one_line(
            mask_text(answer.response.headers.get("Content-Type", "no content type"), secrets), 200
        )
        start = one_line(mask_text(body_text(answer), secrets), 100)
        raise ValueError(f"the body is not JSON ({content_type}): {start!r}") from None


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
    return source_from_json(_success_json(answer, secrets), release)


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


# --- 2xx of the version endpoint: the server's release -------------------------------------------

#: authentik's version endpoint below the API root (``admin_version_retrieve``; any valid token).
VERSION_PATH: Final = "/admin/version/"


def parse_version(answer: Answer, secrets: tuple[str, ...]) -> Release:
    """The release a version answer (``{"version_current": "2025.12.2", ...}``) names;
    ValueError when it names none. The server's own text is never shown: it could carry
    anything (``str(release)`` has only digits and dots).
    """
    data = _success_json(answer, secrets)
    current = data.get("version_current") if isinstance(data, dict) else None
    if type(current) is not str:
        raise ValueError("expected an object with version_current, a string")
    try:
        release = parse_release(current)
    except ValueError:
        raise ValueError("version_current is not an authentik release") from None
    return release


# --- 2xx of the list: a page of Plex sources ----------------------------------------------------


class Page:
    """One page of the list: its sources and authentik's ``pagination`` numbers (``next`` is
    the next page's number, 0 on the last page).
    """

    __slots__ = ("attempts", "count", "current", "next", "request_id", "results", "status_code")

    def __init__(self, results: list[PlexSource], pagination: Mapping[str, int]) -> None:
        self.results = results
        self.next = pagination["next"]
        self.count = pagination["count"]
        self.current = pagination["current"]
        self.request_id: str | None = None
        self.status_code = 200
        self.attempts = 1


def _whole_number(value: Any) -> bool:
    """A JSON number (``type: number`` in the spec) that is a whole, non-negative number."""
    if type(value) is int:
        return value >= 0
    return type(value) is float and value.is_integer() and value >= 0


def page_from_json(data: Any, release: Release | None = None) -> Page:
    """Parsed JSON as a :class:`Page` (``PaginatedPlexSourceList``), or ValueError naming the
    field, with its index for a source in ``results`` (``results[2]: enabled must be ...``).
    """
    if not isinstance(data, dict):
        raise ValueError(f"expected a JSON object (a page of sources), got {_json_type(data)}")
    missing = [name for name in ("pagination", "results") if name not in data]
    if missing:
        raise ValueError(f"missing required field(s): {', '.join(missing)}")
    pagination = data["pagination"]
    if not isinstance(pagination, dict):
        raise ValueError(f"pagination must be an object, got {_json_type(pagination)}")
    missing = [f"pagination.{name}" for name in PAGINATION_FIELDS if name not in pagination]
    if missing:
        raise ValueError(f"missing required field(s): {', '.join(missing)}")
    wrong = [
        f"pagination.{name} must be a whole number, got {_json_type(pagination[name])}"
        for name in PAGINATION_FIELDS
        if not _whole_number(pagination[name])
    ]
    if wrong:
        raise ValueError("wrong type: " + "; ".join(wrong))
    results = data["results"]
    if type(results) is not list:
        raise ValueError(f"results must be a list, got {_json_type(results)}")
    sources = []
    for index, item in enumerate(results):
        try:
            sources.append(source_from_json(item, release))
        except ValueError as exc:
            raise ValueError(f"results[{index}]: {exc}") from None
    share_page_secrets(sources, results)
    return Page(sources, {name: int(pagination[name]) for name in PAGINATION_FIELDS})


def parse_page(answer: Answer, secrets: tuple[str, ...], release: Release | None = None) -> Page:
    """The list's 2xx body as a :class:`Page`, or ValueError saying (masked) why it is not."""
    return page_from_json(_success_json(answer, secrets), release)


# --- non-2xx: the status's own error -----------------------------------------------------------


_PLAIN_ID: Final = re.compile(r"[\w-]{1,100}")


def request_id(response: httpx.Response, secrets: tuple[str, ...]) -> str | None:
    """The ``X-Authentik-Id`` header (authentik's request id, to quote in a report); one that
    is not a plain id is shortened and masked.
    """
    value: str | None = response.headers.get(REQUEST_ID_HEADER)
    if value is None:
        return None
    if _PLAIN_ID.fullmatch(value) and redact(value, secrets) == value:
        return value
    return one_line(mask_text(value, secrets), 100)


def field_errors(body: Any) -> dict[str, list[str]]:
    """Authentik's 400 body as ``{field: [message, ...]}``, like :class:`InvalidRequest`'s.

    DRF nests errors of list items by index (``{"allowed_servers": {"0": [...]}}``); those
    become ``"Item 0: ..."`` messages. A JSON array body becomes ``non_field_errors``.
    """
    if isinstance(body, list):
        body = {"non_field_errors": body}
    if not isinstance(body, dict):
        return {"non_field_errors": [one_line(str(body), 200)]} if body else {}

    def messages(value: Any) -> list[str]:
        if isinstance(value, list):
            return [m for item in value for m in messages(item)]
        if isinstance(value, dict):
            return [f"Item {key}: {m}" for key, item in value.items() for m in messages(item)]
        return [one_line(str(value), 500)]

    return {
        one_line(str(key), 100): messages(value) for key, value in body.items() if key != "code"
    }


#: What :func:`_parsed_error` gives for a body that is not JSON.
_NOT_JSON: Final = object()


def _parsed_error(answer: Answer, limit: int = MAX_PARSED_ERROR) -> Any:
    """An error's body as JSON, or ``_NOT_JSON`` (cut short, over ``limit`` bytes, not JSON)."""
    if answer.complete and len(answer.content) <= limit:
        try:
            return parse_json(answer.content)
        except ValueError:
            pass
    return _NOT_JSON


def error_body(answer: Answer, secrets: tuple[str, ...]) -> Any:
    """What an error keeps of a non-2xx body: parsed JSON, masked; else its text, masked and
    shortened. The values the JSON stores under secret-named keys are masked wherever else
    it repeats them (``{"plex_token": T, "name": ["T is not valid"]}``).
    """
    data = _parsed_error(answer)
    if data is not _NOT_JSON:
        return mask_json(data, (*secrets, *stored_secrets(data)))
    return kept_text(body_text(answer), secrets, cut=not answer.complete)


def unexpected_body(answer: Answer, secrets: tuple[str, ...]) -> str:
    """What an :class:`UnexpectedResponse` keeps of a 2xx body that is not what was expected:
    its text, masked and shortened (see :func:`kept_text`); when it is JSON, the values it
    stores under secret-named keys are masked wherever else it repeats them (a mistyped field
    holding the stored ``plex_token``). Only on this error's path: a good answer is not
    walked for them.
    """
    data = _parsed_error(answer, DEFAULT_MAX_RESPONSE_SIZE)  # walked, not kept
    stored = stored_secrets(data) if data is not _NOT_JSON else ()
    return kept_text(body_text(answer), (*secrets, *stored), cut=not answer.complete)


#: What a 404 on the first page of the list says: the list itself is not found, which
#: every authentik has (DRF's first page exists even when the list is empty).
LIST_NOT_FOUND: Final = "the list of Plex sources is not found, and every authentik has one"

#: The path every request's URL has after the API base (``api_base_url`` appends it).
_API_PATH: Final = "/api/v3"


def wrong_url_advice(url: str) -> str:
    """The end of a 404's message that blames the URL: the API base ``url`` (a request's) was
    sent under, and what to give instead.
    """
    at = url.find(_API_PATH + "/")
    base = url[: at + len(_API_PATH)] if at != -1 else url
    return (
        f"the URL is probably wrong: requests went to {one_line(base, 200)}/... (give authentik's "
        "root URL, e.g. https://auth.example.com)"
    )


def api_error(
    answer: Answer,
    secrets: tuple[str, ...],
    where: dict[str, Any],
    not_found: str = "no Plex source with this slug",
) -> APIError:
    """The typed error for a non-2xx answer; ``not_found`` says what a 404 from authentik
    means for this request.
    """
    response = answer.response
    status = response.status_code
    body = error_body(answer, secrets)
    detail = body.get("detail") if isinstance(body, dict) else None
    if isinstance(detail, str):
        summary = one_line(detail, 200)
    elif isinstance(body, str):
        # No body: the status line's reason phrase, which the server wrote too.
        reason = one_line(mask_text(response.reason_phrase, secrets), 200)
        summary = one_line(body, 200) if body.strip() else reason or "no body"
    else:
        summary = one_line(str(body), 200)
    summary += _about(answer, secrets)
    kwargs: dict[str, Any] = {**where, "body": body}
    if status == 400:
        hint = _mismatch.answer_hint(status, body if isinstance(body, str) else "", where["url"])
        if hint is not None:  # a web server's 400 to plain HTTP on its TLS port
            return UnexpectedStatus(f"{hint} (it answered 400: {summary})", **kwargs)
        errors = field_errors(body)
        message = format_field_errors(errors) if isinstance(body, dict | list) else ""
        return BadRequest((message + _about(answer, secrets)) or summary, errors=errors, **kwargs)
    if status == 403:
        return PermissionDenied(summary, **kwargs)
    if status == 404:
        authentiks = isinstance(body, dict) and isinstance(body.get("detail"), str)
        if authentiks and not_found != LIST_NOT_FOUND:
            return NotFound(f"{not_found} ({summary})", **kwargs)
        # Not authentik's JSON (a web server's or proxy's page), or no list where every
        # authentik has one: the URL, not the slug, is the likely culprit.
        what = not_found if not_found == LIST_NOT_FOUND else "not found, and not by authentik"
        return NotFound(
            f"{what} ({summary}): {wrong_url_advice(where['url'])}", wrong_url=True, **kwargs
        )
    if status == 429:
        retry_after = _retry.parse_retry_after(response.headers.get("Retry-After"))
        return RateLimited(summary, retry_after=retry_after, **kwargs)
    if status >= 500:
        return ServerError(summary, **kwargs)
    if response.is_redirect:
        location = response.headers.get("Location")
        shown = None if location is None else one_line(mask_text(location, secrets), 300)
        return UnexpectedStatus(
            f"redirected to {shown}; not followed, because the request carries your API "
            "token. Give the client the final URL (https:// if this was http://)",
            location=shown,
            **kwargs,
        )
    return UnexpectedStatus(summary, **kwargs)
