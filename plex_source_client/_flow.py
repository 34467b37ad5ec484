"""The sans-I/O request flow: one request sent, retried and turned into its result or its
typed error, as steps the clients perform with their own I/O.

Every request (a PATCH, a GET of a source, of a page of the list, of the server's version) is
prepared once (:class:`Prepared`: the request, its budget and size limit, its retries, and how
a 2xx answer becomes its result) and run by one generator (:func:`request_flow`), as httpx
runs its auth flows: it yields :class:`Send` and :class:`Sleep` steps and receives each step's
outcome. The sync client performs them with ``httpx.Client`` and ``time.sleep``, the async one
with ``httpx.AsyncClient`` and ``asyncio.sleep`` (:mod:`._http.attempts`); everything else is
written once, here and in :mod:`._core`.
"""

from __future__ import annotations

import functools
import json
import logging
import re
import time
from collections.abc import Callable, Generator
from typing import Any, Final, Generic, TypeVar

import httpx

from . import _answers, _logs, _mismatch, _retry
from ._errors import RequestTimeout, TransportError, UnexpectedResponse
from ._http.body import Answer
from ._models import secrets_held
from ._secrets import (
    _ESCAPES,
    MIN_ANYWHERE,
    as_echoed,
    bytes_hold_escape,
    bytes_hold_parts,
    holds_interleaved,
    holds_parts,
    json_holds_secret,
    lost_backslash_spellings,
    mask_text,
    redact,
)
from ._text import shorten

logger = logging.getLogger("plex_source_client")


class Send:
    """Step: send ``request`` and read its body, all within ``budget`` seconds and at most
    ``limit`` bytes (after decompression); the outcome is the :class:`Answer` or the exception
    that ended the attempt.
    """

    __slots__ = ("budget", "limit", "request")

    def __init__(self, request: httpx.Request, budget: float, limit: int) -> None:
        self.request = request
        self.budget = budget
        self.limit = limit


class Sleep:
    """Step: wait ``seconds`` before the next attempt; the outcome is None."""

    __slots__ = ("seconds",)

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds


Step = Send | Sleep
#: What a step came to: an answer, the exception that ended the attempt (the HTTP layer's,
#: never raised as is), or None after a Sleep.
Outcome = Answer | Exception | None

_T = TypeVar("_T")
#: What a request's 2xx answer becomes: ``(answer, secrets, attempts, elapsed, request_id)`` to
#: the result, or ValueError (masked) when the body is not what the operation returns.
Finisher = Callable[[Answer, tuple[str, ...], int, float, "str | None"], _T]
#: A flow of steps ending with its result (a RawResponse for a source, a Page, a Release).
Flow = Generator[Step, Outcome, _T]


class Prepared(Generic[_T]):
    """A validated request, ready to send (and resend), and how its 2xx answer becomes its
    result. Plain slots: made on every call.

    ``secrets`` are every secret the call holds (the client's, then any the call sends, a
    Plex token); ``own_secrets`` whether there are such call-only ones. ``echoed``: the
    secrets a 2xx answer must not carry, those authentik receives but never sends back (the
    API token; not a proxy's password, which only the proxy receives).
    """

    __slots__ = (
        "__weakref__",  # the log filter's registry holds a call's secrets weakly
        "budget",
        "client_secrets",
        "echoed",
        "expected",
        "fields",
        "finish",
        "limit",
        "method",
        "not_found",
        "owner",
        "request",
        "retries",
        "secrets",
        "url",
    )

    def __init__(
        self,
        request: httpx.Request,
        url: str,
        *,
        fields: tuple[str, ...] = (),
        client_secrets: tuple[str, ...],
        echoed: tuple[str, ...],
        secrets: tuple[str, ...] | None = None,
        budget: float,
        limit: int,
        retries: int,
        finish: Finisher[_T],
        not_found: str = "no Plex source with this slug",
        expected: str = "a Plex source",
        owner: object | None = None,
    ) -> None:
        self.request = request
        self.method = request.method
        self.url = url
        self.fields = fields
        self.client_secrets = client_secrets
        self.echoed = echoed
        self.secrets = client_secrets if secrets is None else secrets
        self.budget = budget
        self.limit = limit
        self.retries = retries
        self.finish = finish
        self.not_found = not_found
        self.expected = expected
        #: The client the call is made by: the secrets its answer stores are masked in the
        #: HTTP libraries' log records while that client lives (:func:`finish`).
        self.owner = owner


def request_flow(prepared: Prepared[_T]) -> Flow[_T]:
    """Send ``prepared``, retrying as :mod:`._retry` says; its result, or its typed error.

    A call that sends a secret of its own (a Plex token) has it masked in the HTTP
    libraries' log records while it runs, as the client's are (:mod:`._logs`).
    """
    own = prepared.secrets is not prepared.client_secrets
    if own:
        _logs.register(prepared, prepared.secrets)
    try:
        return (yield from _attempts(prepared))
    finally:
        if own:
            _logs.unregister(prepared)


def _attempts(prepared: Prepared[_T]) -> Flow[_T]:
    """:func:`request_flow`'s attempts and waits."""
    method, url, max_retries = prepared.method, prepared.url, prepared.retries
    started = time.monotonic()
    debug = logger.isEnabledFor(logging.DEBUG)
    if debug and method != "GET":
        logger.debug("%s %s: sending fields %s", method, url, ", ".join(prepared.fields) or "-")
    attempt = 0
    while True:
        attempt += 1
        attempt_started = time.monotonic()
        outcome = yield Send(prepared.request, prepared.budget, prepared.limit)
        took = time.monotonic() - attempt_started
        status: int | None = None
        retry_after: float | None = None
        if isinstance(outcome, Answer):
            if outcome.is_success:
                break
            status = outcome.status_code
            retry_after = _retry.parse_retry_after(outcome.response.headers.get("Retry-After"))
        delay = None
        if (
            attempt <= max_retries
            and not _mismatch.wrong_scheme(outcome, url)
            and not _answered_unreadably(method, outcome)
        ):
            delay = _retry.retry_delay(
                retry_number=attempt, status_code=status, retry_after=retry_after
            )
        if delay is None:
            break
        # What the records mask: an answer's body is read for the values it stores only for
        # the DEBUG record (a retried 1 MiB 503 page read whole at every attempt cost ~2 s
        # each); the INFO record shows an answer's status, or masks a transport's reason.
        secrets = _error_secrets(prepared, outcome) if debug or status is None else ()
        if debug:
            _log_attempt(prepared, outcome, attempt, took, secrets)
        logger.info(
            "%s %s: %s; retry %d of %d in %.2fs",
            method,
            url,
            status if status is not None else transport_reason(outcome, secrets),
            attempt,
            max_retries,
            delay,
        )
        yield Sleep(delay)
    return finish(prepared, outcome, attempt, time.monotonic() - started, took if debug else None)


#: How httpx says a redirect's Location is no URL it can read (httpx 0.27 to 0.29), raising
#: after the answer came: with the user's own http_client (the client's own keep such a
#: Location, see ``_http.clients.keep_unreadable_location``).
_UNREADABLE_LOCATION: Final = "Invalid URL in location header"
#: How httpcore says the connection closed before any answer (a kept-alive connection the
#: server had closed, the usual reason to send again): no answer came.
_NO_ANSWER: Final = "Server disconnected without sending a response"


def _answered_unreadably(method: str, outcome: Outcome) -> bool:
    """Whether ``outcome`` is an answer that could not be read, so that the request is not
    sent again: a redirect whose Location httpx cannot read (any request), or, for a PATCH,
    any answer the HTTP parser refused (a head with two Content-Lengths, a Transfer-Encoding
    it does not speak, a status line that is none): the server answered, and most likely
    applied the PATCH. A connection closed before any answer is sent again, as before.
    """
    if not isinstance(outcome, httpx.RemoteProtocolError):
        return False
    reason = str(outcome)
    if reason.startswith(_UNREADABLE_LOCATION):
        return True
    return method != "GET" and not reason.startswith(_NO_ANSWER)


def _log_attempt(
    prepared: Prepared[Any], outcome: Outcome, attempt: int, took: float, secrets: tuple[str, ...]
) -> None:
    """The DEBUG record of one attempt, its request id or reason masked with ``secrets``
    (what an error about the outcome masks: written once the answer's body is read).
    """
    if isinstance(outcome, Answer):
        logger.debug(
            "%s %s -> %d in %.3fs (attempt %d of %d, request id %s)",
            prepared.method, prepared.url, outcome.status_code, took, attempt,
            prepared.retries + 1,
            _answers.request_id(outcome.response, secrets, outcome.content) or "-",
        )  # fmt: skip
    else:
        logger.debug(
            "%s %s -> no answer in %.3fs (attempt %d of %d): %s",
            prepared.method, prepared.url, took, attempt, prepared.retries + 1,
            transport_reason(outcome, secrets),
        )  # fmt: skip


def _error_secrets(prepared: Prepared[Any], outcome: Outcome) -> tuple[str, ...]:
    """What a message about a failed attempt masks: the call's secrets, the Plex tokens the
    client learned (:func:`_learned`) and, for an answer, those its body stores.
    """
    secrets = (*prepared.secrets, *_learned(prepared))
    return _answers.answer_secrets(outcome, secrets) if isinstance(outcome, Answer) else secrets


def finish(
    prepared: Prepared[_T],
    outcome: Outcome,
    attempts: int,
    elapsed: float,
    took: float | None = None,
) -> _T:
    """The final outcome as the request's result, or the typed error it stands for; with
    ``took`` (the last attempt's seconds), its DEBUG record too, written once what it must
    mask is known (the tokens the answer stores, those the client learned).
    """
    method, url = prepared.method, prepared.url
    if not isinstance(outcome, Answer):
        secrets = _error_secrets(prepared, outcome)
        if took is not None:
            _log_attempt(prepared, outcome, attempts, took, secrets)
        reason = _mismatch.with_hint(transport_reason(outcome, secrets), outcome, url)
        if _answered_unreadably(method, outcome):
            reason += (
                "; the server answered, but not in a form that can be read: not sent again "
                "(it may have been applied)"
            )
        timed_out = outcome is not None and _is_timeout(outcome)
        kind = RequestTimeout if timed_out else TransportError
        raise kind(reason, method=method, url=url, attempts=attempts) from None
    response = outcome.response
    where: dict[str, Any] = {
        "method": method,
        "url": url,
        "status_code": outcome.status_code,
        # Masked with the tokens the client learned too: a result's id shows what it holds.
        "request_id": _answers.request_id(
            response, (*prepared.secrets, *_learned(prepared)), outcome.content
        ),
        "attempts": attempts,
    }
    if outcome.is_success:
        try:
            _refuse_echoed_credentials(outcome, prepared.echoed)
            result = prepared.finish(
                outcome, prepared.secrets, attempts, elapsed, where["request_id"]
            )
        except ValueError as exc:
            problem = str(exc)
        except Exception:  # a NotApplied: an answer refused for what it says
            if took is not None:
                _log_attempt(prepared, outcome, attempts, took, _error_secrets(prepared, outcome))
            raise
        else:
            # A Plex token the answer stored may come back in a later answer's reason phrase
            # or header, which httpx and httpcore log, or in a later error: masked there from
            # now on.
            if prepared.owner is not None and (held := secrets_held(result)):
                _logs.add(prepared.owner, held)
            if took is not None:  # now: its id may repeat a token this body stores (just added)
                secrets = (*prepared.secrets, *_learned(prepared))
                _log_attempt(prepared, outcome, attempts, took, secrets)
            return result
        # Raised outside the handler: the parser's own errors (a UnicodeDecodeError or a
        # JSONDecodeError holds the raw body, secrets and all) are on no chain of ours.
        learned = _learned(prepared)
        secrets = _answers.answer_secrets(outcome, (*prepared.secrets, *learned))
        if took is not None:
            _log_attempt(prepared, outcome, attempts, took, secrets)
        where["request_id"] = _answers.request_id(response, secrets, outcome.content)
        raise UnexpectedResponse(
            redact(problem, learned) if learned else problem,
            expected=prepared.expected,
            body=_answers.unexpected_body(outcome, secrets),
            **where,
        )
    secrets = _error_secrets(prepared, outcome)
    if took is not None:
        _log_attempt(prepared, outcome, attempts, took, secrets)
    where["request_id"] = _answers.request_id(response, secrets, outcome.content)
    raise _answers.api_error(outcome, secrets, where, prepared.not_found)


def _learned(prepared: Prepared[Any]) -> tuple[str, ...]:
    """The Plex tokens the calling client's earlier answers stored and its PATCHes sent (see
    :func:`._logs.add`): an error about a later answer masks them too (a 400 quoting a token a
    GET returned or another call sent). Only on
    an error's path; the echo check keeps to the client's own secrets (answers store tokens).
    """
    return _logs.learned(prepared.owner) if prepared.owner is not None else ()


#: How many of a long secret's first (and last) characters an answer holding a piece of it
#: is parsed for (see :func:`_written_forms`): a run of 8 of a random token does not occur by
#: chance, and a secret cut into a list's items has its ends in its first and last piece
#: (unless cut into pieces shorter than this at both ends).
_SPLIT_END: Final = 8


@functools.lru_cache(maxsize=32)
def _written_forms(secrets: tuple[str, ...]) -> tuple[bytes, ...]:
    r"""Each of ``secrets`` as a JSON body can write it: raw, and escaped in a JSON string
    (``\"``, ``\\``, and ``\/``, which JSON allows for ``/``); with its separators written
    as escapes that lost their backslash (``test-api`` as ``testu002dapi``, ``testx2dapi``:
    see :data:`~._secrets.reading._LOST_BACKSLASH`).
    """
    forms: set[str] = set()
    for secret in secrets:
        escaped = json.dumps(secret)[1:-1]
        forms.update((secret, escaped, escaped.replace("/", "\\/")))
        forms.update(lost_backslash_spellings(secret))
        if len(secret) >= MIN_ANYWHERE:
            # Its first and last characters: a piece of it, split into a list's items or
            # members (see json_holds_secret), holds them.
            forms.update((secret[:_SPLIT_END], secret[-_SPLIT_END:]))
    return tuple(form.encode("utf-8", "backslashreplace") for form in forms if form)


#: Two characters in a row written as JavaScript ``escape()`` (``%u0074``) or quoted-printable
#: (``=74=6F``) write them, in an answer's bytes: a JSON string escaping every character of
#: the API token so holds them (the other forms of :func:`~._secrets.as_echoed` need a
#: backslash, doubled in JSON). Not one alone: an icon URL's signature holds ``=AB``. Each
#: form apart, each starting with its literal: ``re`` then scans for it (some 50x faster than
#: one alternation or a repeated group, on every successful answer).
_CHARS_ESCAPED: Final = (
    re.compile(rb"%u[0-9a-fA-F]{4}%u[0-9a-fA-F]{4}"),
    re.compile(rb"=[0-9A-F]{2}=[0-9A-F]{2}"),
)


def _read_holds(text: str, secrets: tuple[str, ...]) -> bool:
    """Whether ``text``, as written or as a person reads it (characters that show nothing
    left out: ``A\u200bB...``; dashes read as ``-``, escapes decoded: see
    :func:`~._secrets.as_echoed`), holds one of ``secrets``.
    """
    read = as_echoed(text)
    return (
        any(s in text or s in read for s in secrets)
        or holds_parts(text, secrets)
        or holds_interleaved(text, secrets)
    )


def _text_holds(content: bytes, secrets: tuple[str, ...]) -> bool:
    """Whether a 2xx body, decoded once, holds one of ``secrets`` spaced out (``t e s t``),
    or, beyond ASCII, as a person reads it (see :func:`_read_holds`, which looks for both).
    """
    text = content.decode("utf-8", "replace")
    if content.isascii():
        return holds_interleaved(text, secrets)
    return _read_holds(text, secrets)


def _refuse_echoed_credentials(answer: Answer, secrets: tuple[str, ...]) -> None:
    r"""ValueError when a 2xx answer carries the API token (``secrets``): authentik never
    sends it back, so the answer is not authentik's (and must not be shown, nor handed back: a
    RawResponse keeps its status line and headers). A proxy's password is not looked for:
    authentik never receives it, so no answer of authentik's can echo it, and the proxy knows
    it anyway; looked for, a password that is a word of every answer (``authentik``,
    ``identifier``) failed every call.

    Looked for in the status line's reason phrase, the headers (names and values) and the
    body's decoded strings (a JSON ``\u`` escape hides nothing), as
    :func:`~._secrets.json_holds_secret` finds them: a short password's letters in a name or a
    key are not an echo. Only answers that could hold one (a secret's bytes, or an escape) are
    parsed here; one that is not JSON is refused by the parser, masked.
    """
    response, headers = answer.response, answer.response.headers
    # As shown: the reason phrase as httpx decodes it (non-ASCII bytes dropped), the headers
    # in the one encoding httpx decodes them in (decoded once: cheaper than each item).
    lines = b"\n".join([b": ".join(pair) for pair in headers.raw]).decode(headers.encoding)
    head = f"{response.reason_phrase}\n{lines}"
    if (_read_holds(head, secrets) or _ESCAPES.search(head)) and json_holds_secret(head, secrets):
        raise ValueError("the answer contains your API token")
    content = _answers.as_utf8(answer.content)  # UTF-16/32: as a JSON parser reads it
    # An escape is one :func:`~._secrets.json_holds_secret` decodes: a bare ``%`` or ``&``
    # (authentik's default ``user_path_template`` holds ``%(slug)s``) is none, so a real
    # answer is not parsed twice.
    if not (
        any(form in content for form in _written_forms(secrets))
        or bytes_hold_escape(content)
        or b"\\\\" in content  # a backslash in a string: ``tok\\-abc``, regex-quoted
        or any(form.search(content) for form in _CHARS_ESCAPED)  # ``%u0074``: see as_echoed
        or b"<" in content  # HTML showing nothing inside it: ``tok<wbr>abc``, see as_echoed
        or bytes_hold_parts(content, secrets)  # ``3f1c7e2a\\x2d8b4d...``: see holds_parts
        or _text_holds(content, secrets)
    ):
        return
    try:
        data: Any = _answers.parse_json(content)
    except ValueError:
        data = _answers.body_text(answer)
    if json_holds_secret(data, secrets):
        raise ValueError("the answer contains your API token")


def _leaf(error: BaseException) -> BaseException:
    """The first exception inside (nested) exception groups; ``error`` itself otherwise."""
    while isinstance(error, BaseExceptionGroup) and error.exceptions:
        error = error.exceptions[0]
    return error


def _is_timeout(error: BaseException) -> bool:
    return isinstance(_leaf(error), httpx.TimeoutException | TimeoutError)


#: The longest reason for a failed attempt kept in a message: the HTTP layer's messages can
#: quote what the server sent (a 64 KiB header line, say).
_REASON_LIMIT: Final = 300


def transport_reason(outcome: Outcome, secrets: tuple[str, ...]) -> str:
    """What ended an attempt without an answer, masked and shortened."""
    leaf = _leaf(outcome) if isinstance(outcome, BaseException) else outcome
    text = f"{type(leaf).__name__}: {str(leaf) or type(leaf).__name__}"
    text = mask_text(text[:100_000], secrets, cut=len(text) > 100_000)
    return shorten(text, _REASON_LIMIT)
