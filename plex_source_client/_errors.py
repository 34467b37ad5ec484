"""The exceptions this package raises; every one derives from :class:`PlexSourceError`.

::

    PlexSourceError
    ├── ConfigurationError (also ValueError)   bad url, token or option, or the client is
    │                                          closed; nothing was sent
    ├── InvalidRequest (also ValueError)       a change failed validation; nothing was sent
    ├── APIError                               the server answered with a non-2xx status
    │   ├── BadRequest                         400: the server rejected fields (.errors)
    │   ├── PermissionDenied                   403: bad, expired or unprivileged token
    │   ├── NotFound                           404: no Plex source with that slug (.wrong_url)
    │   ├── RateLimited                        429 after every retry (.retry_after)
    │   ├── ServerError                        5xx after every retry
    │   └── UnexpectedStatus                   anything else: a redirect, 405, 415, ...
    ├── UnexpectedResponse                     2xx, but the body is not a PlexSource
    ├── NotApplied                             2xx, but the server ignored fields it lacks
    └── TransportError                         no answer after every retry
        └── RequestTimeout                     ... because the request timed out

Errors that come from the network carry ``method``, ``url``, ``attempts`` and, when the server
answered, ``status_code``, ``request_id`` (authentik's ``X-Authentik-Id`` header) and ``body``.
No message, attribute or repr ever contains the API token or a Plex token.
"""

from __future__ import annotations

import copyreg
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from ._public import publish
from ._releases import needs_phrase
from ._text import shorten

if TYPE_CHECKING:
    from ._models import PlexSource

__all__ = [
    "APIError",
    "BadRequest",
    "ConfigurationError",
    "InvalidRequest",
    "NotApplied",
    "NotFound",
    "PermissionDenied",
    "PlexSourceError",
    "RateLimited",
    "RequestTimeout",
    "ServerError",
    "TransportError",
    "UnexpectedResponse",
    "UnexpectedStatus",
]


class PlexSourceError(Exception):
    """Base class of every error this package raises.

    Every one pickles and copies with all its attributes (to a ``multiprocessing`` parent, a
    notebook's parallel workers): rebuilt from its message and attributes, not by calling
    ``__init__`` again, whose keyword-only arguments ``Exception``'s own pickling cannot pass.
    """

    def __reduce__(self) -> tuple[Any, ...]:
        # copyreg.__newobj__(cls, *args) is cls.__new__(cls, *args): pickle's own NEWOBJ.
        newobj = copyreg.__newobj__  # type: ignore[attr-defined]  # not in typeshed
        return newobj, (type(self), *self.args), self.__dict__


#: The longest URL shown in a message (``.url`` keeps it whole).
_URL_SHOWN = 200


class ConfigurationError(PlexSourceError, ValueError):
    """The client was configured wrongly (URL, token, option); no request was sent.

    ``cli_message``, when set, is the same message in the words of the ``plex-source``
    command line (its options instead of the client's keyword arguments).
    """

    def __init__(self, message: str, *, cli_message: str | None = None) -> None:
        super().__init__(message)
        self.cli_message = cli_message


def format_field_errors(errors: Mapping[str, list[str]]) -> str:
    """``field: message; field: message`` for a one-line error message."""
    return "; ".join(f"{field}: {' '.join(messages)}" for field, messages in errors.items())


class InvalidRequest(PlexSourceError, ValueError):
    """A requested change failed client-side validation; no request was sent.

    ``errors`` maps each bad field (by the keyword name you used) to its problems, all of them
    at once: fix everything in one go.
    """

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        self.errors: dict[str, list[str]] = {field: list(msgs) for field, msgs in errors.items()}
        super().__init__(f"invalid request, nothing was sent: {format_field_errors(self.errors)}")


class _Answered(Protocol):
    """What every error about an answer carries: which request, which status, which id."""

    method: str
    url: str
    status_code: int
    request_id: str | None
    body: Any
    attempts: int


def _answered(
    error: _Answered,
    message: str,
    *,
    method: str,
    url: str,
    status_code: int,
    request_id: str | None,
    body: Any,
    attempts: int = 1,
) -> str:
    """Set ``error``'s :class:`_Answered` attributes; return its message, which names them.

    A function, not a shared base class: the three answered errors (:class:`APIError`,
    :class:`UnexpectedResponse`, :class:`NotApplied`) then have only public classes in their
    ``help()``, and need no further public name.
    """
    error.method = method
    error.url = url
    error.status_code = status_code
    error.request_id = request_id
    error.body = body
    error.attempts = attempts
    suffix = f" (request id {request_id})" if request_id else ""
    return f"{method} {shorten(url, _URL_SHOWN)} -> {status_code}: {message}{suffix}"


class APIError(PlexSourceError):
    """The server answered with a status other than 2xx.

    ``body`` is the parsed JSON body (a dict for authentik's own errors) or, when the body is not
    JSON, its text. ``request_id`` is authentik's ``X-Authentik-Id`` header, to quote in a report.
    """

    method: str
    url: str
    status_code: int
    request_id: str | None
    body: Any
    attempts: int

    def __init__(
        self,
        message: str,
        *,
        method: str,
        url: str,
        status_code: int,
        request_id: str | None,
        body: Any,
        attempts: int = 1,
    ) -> None:
        super().__init__(
            _answered(
                self,
                message,
                method=method,
                url=url,
                status_code=status_code,
                request_id=request_id,
                body=body,
                attempts=attempts,
            )
        )


class BadRequest(APIError):
    """400: the server rejected the change.

    ``errors`` has the same shape as :class:`InvalidRequest`'s, keyed by authentik's field names
    (``slug`` for ``new_slug``); ``non_field_errors`` and ``detail`` are kept as keys too.
    """

    def __init__(self, message: str, *, errors: Mapping[str, list[str]], **kwargs: Any) -> None:
        self.errors: dict[str, list[str]] = dict(errors)
        super().__init__(message, **kwargs)


class PermissionDenied(APIError):
    """403: authentik refused the token (invalid or expired) or its permissions.

    authentik answers 403 for both a bad token and a token without permission on sources; the
    server's ``detail`` (in the message and ``body``) tells them apart.
    """


class NotFound(APIError):
    """404: no Plex source has this slug (or the token may not see it).

    ``wrong_url`` is True when the answer points at the URL instead: the 404 is not authentik's
    JSON (a web server's or proxy's page), or the list of Plex sources itself, which every
    authentik has, is not found. The message then says so and names the API base URL used.
    """

    def __init__(self, message: str, *, wrong_url: bool = False, **kwargs: Any) -> None:
        self.wrong_url = wrong_url
        super().__init__(message, **kwargs)


class RateLimited(APIError):
    """429 on every attempt. ``retry_after`` is the server's last Retry-After, in seconds."""

    def __init__(self, message: str, *, retry_after: float | None, **kwargs: Any) -> None:
        self.retry_after = retry_after
        super().__init__(message, **kwargs)


class ServerError(APIError):
    """5xx: the server failed (after every retry, for 502, 503 and 504)."""


class UnexpectedStatus(APIError):
    """A status this API does not use: a redirect (never followed: the request carries your
    token), 405, 415, ... ``location`` holds a redirect's target.
    """

    def __init__(self, message: str, *, location: str | None = None, **kwargs: Any) -> None:
        self.location = location
        super().__init__(message, **kwargs)


class UnexpectedResponse(PlexSourceError):
    """The server answered 2xx but the body is not a PlexSource (HTML from a proxy, truncated
    JSON, a missing field), or not a page of them for ``list()`` (or its pagination does not
    advance as authentik's does). After a PATCH the server reported success: the change was
    probably applied. A GET changed nothing.

    ``body`` holds the raw body as text (None when the page itself parsed but its pagination
    is wrong).
    """

    method: str
    url: str
    status_code: int
    request_id: str | None
    body: Any
    attempts: int

    def __init__(self, reason: str, *, expected: str = "a Plex source", **where: Any) -> None:
        if where.get("method") == "GET":
            message = f"the server answered {where.get('status_code')}, but not with {expected}"
        else:
            message = (
                "the server reported success, so the change was probably applied, but its "
                f"response is not {expected}"
            )
        super().__init__(_answered(self, f"{message}: {reason}", **where))


class NotApplied(PlexSourceError):
    """The server answered a PATCH with success but ignored some fields: its answer shows it
    cannot write them (the field is missing; for ``icon``, ``icon_url`` is), as an authentik
    release without a field ignores it in a body (DRF does). The other fields were applied.

    Raised when the client did not know the server's release beforehand (with it, such a
    field is an :class:`InvalidRequest` before anything is sent). ``not_applied`` and
    ``applied`` name the fields by the keyword names you used; ``needs`` maps each field not
    applied to the release that made it writable (``{"promoted": "2025.12"}``); ``source`` is
    the source as the server now has it (a :class:`~plex_source_client.PlexSource`), its
    secret fields masked (``plex_token`` is ``"***"``; get() the source for the real value). With a
    release given (``server_version``) or learned, the server behaved older than it: the
    message says so (``believed``).
    """

    method: str
    url: str
    status_code: int
    request_id: str | None
    body: Any
    attempts: int

    def __init__(
        self,
        *,
        not_applied: tuple[str, ...],
        applied: tuple[str, ...],
        source: PlexSource,
        needs: Mapping[str, str] | None = None,
        believed: str | None = None,
        **where: Any,
    ) -> None:
        self.not_applied = not_applied
        self.applied = applied
        from ._models import masked_source

        # Masked: an error's attributes never hold a secret (they are shown, logged, pickled).
        self.source = masked_source(source)
        self.needs: dict[str, str] = dict(needs or {})
        them = "it" if len(not_applied) == 1 else "them"
        needs_part = needs_phrase(self.needs)
        if believed is not None:
            hint = (
                f"the server behaves older than authentik {believed}, the release given or "
                "learned: fix server_version"
            )
        else:
            hint = "set server_version to have such fields refused before sending"
        applied_part = (
            f"the other fields ({', '.join(applied)}) were applied"
            if applied
            else "nothing was changed"
        )
        message = (
            f"not applied: {', '.join(not_applied)}: the server ignored {them}"
            + (f" ({needs_part})" if needs_part else "")
            + f"; {applied_part}; {hint}"
        )
        super().__init__(_answered(self, message, body=None, **where))


class TransportError(PlexSourceError):
    """No answer from the server after every attempt (connection refused, reset, TLS, ...)."""

    def __init__(self, message: str, *, method: str, url: str, attempts: int) -> None:
        self.method = method
        self.url = url
        self.attempts = attempts
        self.status_code = None
        self.request_id = None
        plural = "s" if attempts != 1 else ""
        shown = shorten(url, _URL_SHOWN)
        super().__init__(f"{method} {shown} failed after {attempts} attempt{plural}: {message}")


class RequestTimeout(TransportError):
    """The request timed out on every attempt (see the client's ``timeout``)."""


publish(*(globals()[name] for name in __all__))


def masked_copy(
    error: InvalidRequest | ConfigurationError, secrets: tuple[str, ...]
) -> InvalidRequest | ConfigurationError | None:
    """A copy of a check's ``error`` with ``secrets`` masked in what it says (a token pasted
    into another field is quoted by its message); None when it says none of them.
    """
    from ._secrets import redact

    if isinstance(error, InvalidRequest):
        errors = {
            redact(field, secrets): [redact(message, secrets) for message in messages]
            for field, messages in error.errors.items()
        }
        return InvalidRequest(errors) if errors != error.errors else None
    message = str(error)
    masked = redact(message, secrets)
    return ConfigurationError(masked) if masked != message else None
