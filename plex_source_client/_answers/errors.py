"""A non-2xx answer as its status's own typed error, and what an error keeps of a body it
did not expect: JSON masked, or text masked and shortened; the request id to quote.
"""

from __future__ import annotations

import re
from typing import Any, Final

import httpx

from .. import _mismatch, _retry
from .._errors import (
    APIError,
    BadRequest,
    NotFound,
    PermissionDenied,
    RateLimited,
    ServerError,
    UnexpectedStatus,
    format_field_errors,
)
from .._http.body import Answer
from .._http.clients import UNREADABLE_LOCATION
from .._secrets import (
    MASK,
    is_secret_name,
    json_stored_secrets,
    mask_json,
    mask_text,
    redact,
)
from .._text import one_line
from .json_body import (
    DEFAULT_MAX_RESPONSE_SIZE,
    as_utf8,
    body_text,
    body_text_secrets,
    parse_json,
    shown_problem,
)

#: The largest error body parsed as JSON (authentik's are under 1 KiB); a larger one is kept
#: as text, cut to :data:`KEPT_TEXT`, so an error never holds a big parsed structure.
MAX_PARSED_ERROR: Final = 64 * 1024

#: How much of a body that is not authentik's JSON an error keeps (``.body``), in characters.
KEPT_TEXT: Final = 4096

REQUEST_ID_HEADER: Final = "X-Authentik-Id"


#: How much of a text :func:`kept_text` masks: a few times what it keeps (masking shortens
#: a text), not a whole 1 MiB body (a body of 175,000 ``key=1`` lines took seconds more).
MASKED_TEXT: Final = 4 * KEPT_TEXT


def kept_text(text: str, secrets: tuple[str, ...], *, cut: bool = False) -> str:
    """``text`` masked, then shortened to :data:`KEPT_TEXT` characters: what errors keep.
    ``cut``: the text is the start of a longer one (see :func:`mask_text`).

    Only its first :data:`MASKED_TEXT` characters are masked, as a text cut there: the rest is
    not kept. ``secrets`` must hold the values the whole text stores (:func:`answer_secrets`
    gives them): a value named beyond that point is masked where the kept part repeats it.
    """
    length = len(text)
    if length > MASKED_TEXT:
        text, cut = text[:MASKED_TEXT], True
    masked = mask_text(text, secrets, cut=cut)
    if len(masked) <= KEPT_TEXT and length <= MASKED_TEXT:
        return masked
    more = max(length - KEPT_TEXT, len(masked) - KEPT_TEXT)
    return f"{masked[:KEPT_TEXT]}... [{more:,} more characters not kept]"


def _about(answer: Answer, secrets: tuple[str, ...]) -> str:
    """`` (the body is larger than ...)`` when the body was not read in full (masked: it can
    quote a header).
    """
    if not answer.problem:
        return ""
    return f" ({shown_problem(answer, secrets)}; the rest was not read)"


_PLAIN_ID: Final = re.compile(r"[\w-]{1,100}")


def request_id(
    response: httpx.Response, secrets: tuple[str, ...], content: bytes = b""
) -> str | None:
    """The ``X-Authentik-Id`` header (authentik's request id, to quote in a report); one that
    is not a plain id is shortened and masked.

    One that the answer's body (``content``) repeats is not shown at all: authentik's id (a
    UUID's hex) is never in its body, while a hostile server's may repeat a token the body
    stores (masked there). One ``in`` search: the successful path stays fast.
    """
    value: str | None = response.headers.get(REQUEST_ID_HEADER)
    if value is None:
        return None
    if value and value.encode("utf-8", "replace") in as_utf8(content):
        return MASK
    if _PLAIN_ID.fullmatch(value) and redact(value, secrets) == value:
        return value
    return one_line(mask_text(value, secrets), 100)


def request_id_hiding(request_id: str | None, held: tuple[str, ...]) -> str | None:
    """``request_id`` (see :func:`request_id`) for a result that stores the secrets ``held``:
    not shown when it holds one (an escaped token in the body, or one with text around it,
    escapes the body's ``in`` search). A substring test per token: cheap on every call.
    """
    if request_id is not None and any(secret in request_id for secret in held):
        return MASK
    return request_id


def answer_secrets(answer: Answer, secrets: tuple[str, ...]) -> tuple[str, ...]:
    """``secrets`` and the values the answer stores under secret-named keys: in its body (JSON
    at any depth, or a text's ``plex_token=T``) and its headers (``X-Plex-Token: T``); what an
    error about this answer masks in all it shows, its status line and headers too (a
    ``Location``, a request id repeating the stored token). Only on an error's path: a good
    answer is not walked for them.
    """
    data = _parsed_error(answer, DEFAULT_MAX_RESPONSE_SIZE)
    stored = body_text_secrets(answer) if data is _NOT_JSON else json_stored_secrets(data)
    named = tuple(
        value.strip()
        for name, value in answer.response.headers.items()
        if value.strip() and is_secret_name(name)
    )
    return (*secrets, *stored, *named) if stored or named else secrets


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
        return mask_json(data, (*secrets, *json_stored_secrets(data)))
    return kept_text(body_text(answer), secrets, cut=not answer.complete)


def unexpected_body(answer: Answer, secrets: tuple[str, ...]) -> str:
    """What an :class:`UnexpectedResponse` keeps of a 2xx body that is not what was expected:
    its text, masked and shortened (see :func:`kept_text`). ``secrets``: those
    :func:`answer_secrets` gives, which hold the values the body stores under secret-named
    keys, masked wherever else it repeats them (a mistyped field holding the stored
    ``plex_token``): the body is not walked for them again (a second walk of a 1 MiB answer
    cost ~1.7 s).
    """
    return kept_text(body_text(answer), secrets, cut=not answer.complete)


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
    unreadable = response.extensions.get(UNREADABLE_LOCATION)
    if response.is_redirect or unreadable is not None:
        location = response.headers.get("Location", unreadable)
        shown = None if location is None else one_line(mask_text(location, secrets), 300)
        return UnexpectedStatus(
            f"redirected to {shown}; not followed, because the request carries your API "
            "token. Give the client the final URL (https:// if this was http://)",
            location=shown,
            **kwargs,
        )
    return UnexpectedStatus(summary, **kwargs)
