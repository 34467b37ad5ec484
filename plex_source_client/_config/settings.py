"""Each client option checked (the token, timeout, retries, size limit, TLS, the server's
release), the defaults, and the frozen :class:`Settings` both clients check their options
into.
"""

from __future__ import annotations

import math
import os
import ssl
import sys
from typing import Final

import httpx

from .. import _releases
from .._errors import ConfigurationError
from .._files import not_a_file
from .._public import publish
from .._releases import Release, parse_release
from .._secrets import MIN_ANYWHERE, Secret, redact
from .._text import describe_type
from .._version import __version__
from .shown import NUMBER, PATH, shown_setting
from .urls import api_base_url

DEFAULT_TIMEOUT: Final = httpx.Timeout(30.0, connect=5.0)
"""The default ``timeout``: each attempt (connecting, sending, waiting for and reading the
answer) ends within 30 s, connecting within 5 s of them. The generated client and the official
one wait forever by default, and httpx's own timeouts count per socket read: a dead or
trickling server would hang a CI job.
"""
#: The longest ``timeout`` accepted: a day. Longer is a mistake (and overflows the OS's timers).
MAX_TIMEOUT: Final = 86_400.0
DEFAULT_MAX_RETRIES: Final = 2
"""The default ``max_retries``: retries after a connection error, a timeout, 429, 502, 503 or
504 (at most 10 may be asked for)."""
#: Keep every connection the pool opens alive (httpx keeps 20 of 100), so concurrent updates
#: reuse connections instead of reconnecting.
DEFAULT_LIMITS: Final = httpx.Limits(max_connections=100, max_keepalive_connections=100)
_PYTHON: Final = ".".join(map(str, sys.version_info[:3]))
USER_AGENT: Final = f"plex-source-client/{__version__} httpx/{httpx.__version__} python/{_PYTHON}"


class NotGiven:
    """The default of an optional argument that was not passed (``None`` can mean "clear")."""

    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


publish(NotGiven)
NOT_GIVEN: Final = NotGiven()
"""The one :class:`NotGiven`: the default of an option not passed, falsy, distinct from ``None``
(which clears a flow)."""

Timeout = float | httpx.Timeout
Verify = bool | str | ssl.SSLContext
Proxy = str | httpx.URL | httpx.Proxy


def check_token(token: object) -> Secret:
    """The API token, checked: it goes into a header, so only printable ASCII without spaces
    (which every authentik token is). Messages never repeat it.
    """
    if isinstance(token, Secret):
        token = token.reveal()
    if not isinstance(token, str) or not token.strip():
        raise ConfigurationError("token must be a non-empty authentik API token")
    words = token.split(maxsplit=1)
    if len(words) == 2 and words[0].lower() == "bearer":  # the Authorization header, whole
        raise ConfigurationError(
            'token starts with "Bearer ": give the token alone, without that prefix (the '
            "client adds it)"
        )
    if not token.isascii() or not token.isprintable() or any(c.isspace() for c in token):
        raise ConfigurationError(
            "token must be printable ASCII without spaces or line breaks, as authentik API "
            "tokens are; it has another character (copied along with it?)"
        )
    return Secret(token)


def check_timeout(timeout: Timeout | NotGiven) -> httpx.Timeout | None:
    """``timeout`` as the httpx.Timeout the client uses: ``read`` is each attempt's whole
    budget, ``connect`` the part of it connecting may take. None when not given.
    """
    if isinstance(timeout, NotGiven):
        return None
    if isinstance(timeout, httpx.Timeout):
        values: list[object] = [timeout.connect, timeout.read, timeout.write, timeout.pool]
    elif isinstance(timeout, int | float) and not isinstance(timeout, bool):
        values = [timeout]
    else:
        raise ConfigurationError(
            f"timeout must be seconds or an httpx.Timeout, got {shown_setting(timeout, NUMBER)}"
        )
    if not all(_seconds_in_range(v) for v in values):
        raise ConfigurationError(
            f"timeout must be a positive number of seconds, at most {MAX_TIMEOUT:.0f}, got "
            f"{_shown_timeout(timeout)}: without a limit a dead server would hang the call forever"
        )
    if isinstance(timeout, httpx.Timeout):
        budget, connect = float(timeout.read or 0), float(timeout.connect or 0)
    else:
        budget, connect = float(timeout), float(DEFAULT_TIMEOUT.connect or 0)
    return httpx.Timeout(budget, connect=min(connect, budget))


def _shown_timeout(timeout: Timeout) -> str:
    """A timeout out of range for a message: an httpx.Timeout's repr (numbers and None only),
    else :func:`.shown.shown_setting`.
    """
    return repr(timeout) if isinstance(timeout, httpx.Timeout) else shown_setting(timeout, NUMBER)


def _seconds_in_range(value: object) -> bool:
    """Whether ``value`` is a number of seconds in (0, MAX_TIMEOUT] (huge ints included)."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    try:
        seconds = float(value)
    except OverflowError:
        return False
    return math.isfinite(seconds) and 0 < seconds <= MAX_TIMEOUT


#: The largest ``max_response_size``: a gibibyte (decompression takes sizes below 2**63 only,
#: and no answer of this API comes near).
MAX_RESPONSE_SIZE_LIMIT: Final = 1024**3


def check_max_response_size(size: object) -> int:
    """``max_response_size``, checked: a whole number of bytes from 1 to
    :data:`MAX_RESPONSE_SIZE_LIMIT`.
    """
    if (
        not isinstance(size, int)
        or isinstance(size, bool)
        or not 1 <= size <= MAX_RESPONSE_SIZE_LIMIT
    ):
        raise ConfigurationError(
            f"max_response_size must be 1 to {MAX_RESPONSE_SIZE_LIMIT:,} bytes, "
            f"got {shown_setting(size, NUMBER)}"
        )
    return size


def ssl_verify(verify: Verify) -> bool | ssl.SSLContext:
    """``verify`` as httpx takes it: a bool, or an SSLContext (a CA bundle's path loaded)."""
    if isinstance(verify, bool | ssl.SSLContext):
        return verify
    if isinstance(verify, str | os.PathLike):
        # stat, not open: OpenSSL's open() of a FIFO blocks for good; a directory is no bundle
        if (problem := not_a_file(os.fspath(verify))) is not None:
            raise ConfigurationError(
                f"verify: cannot load CA bundle {shown_setting(verify, PATH)}: {problem}"
            )
        try:
            return ssl.create_default_context(cafile=os.fspath(verify))
        except (OSError, ssl.SSLError, ValueError) as exc:
            raise ConfigurationError(
                f"verify: cannot load CA bundle {shown_setting(verify, PATH)}: {exc}"
            ) from None
    raise ConfigurationError(
        f"verify must be True, False or a CA bundle path, got {shown_setting(verify, PATH)}"
    )


#: The most retries a client may make: with the waits between them capped, this bounds a call.
MAX_RETRIES_LIMIT: Final = 10


def check_max_retries(max_retries: object) -> int:
    """``max_retries``, checked: a whole number from 0 to :data:`MAX_RETRIES_LIMIT`."""
    if (
        not isinstance(max_retries, int)
        or isinstance(max_retries, bool)
        or not 0 <= max_retries <= MAX_RETRIES_LIMIT
    ):
        raise ConfigurationError(
            f"max_retries must be 0 to {MAX_RETRIES_LIMIT}, "
            f"got {shown_setting(max_retries, NUMBER)}"
        )
    return max_retries


def check_server_version(server_version: object) -> Release | None:
    """``server_version`` (the server's authentik release, as given) parsed; None if not given."""
    if server_version is None:
        return None
    try:
        release = parse_release(server_version)  # any value: parse_release checks it
    except ValueError as exc:
        raise ConfigurationError(f"server_version: {exc}") from None
    if release < _releases.OLDEST_SUPPORTED:
        raise ConfigurationError(
            f"server_version: authentik {release} is not supported; this client supports "
            f"{_releases.SUPPORTED}"
        )
    return release


def finite_or_default(timeout: httpx.Timeout) -> httpx.Timeout:
    """An ``http_client``'s own timeout when every part of it is finite, else the default."""
    try:
        checked = check_timeout(timeout)
    except ConfigurationError:
        return DEFAULT_TIMEOUT
    return checked or DEFAULT_TIMEOUT


class Settings:
    """A client's options, checked once (:meth:`check`), then never changed: both clients
    build one and hand it to their shared core.

    ``timeout`` is the one each attempt gets unless a call gives its own; ``release`` the
    server's authentik release when given (``server_version``), else None (learned later).
    """

    __slots__ = (
        "base_url",
        "limits",
        "max_response_size",
        "max_retries",
        "release",
        "timeout",
        "token",
        "validate",
        "verify",
    )

    base_url: str
    token: Secret
    timeout: httpx.Timeout | None
    max_retries: int
    max_response_size: int
    verify: bool | ssl.SSLContext
    validate: bool
    limits: httpx.Limits
    release: Release | None

    @classmethod
    def check(
        cls,
        *,
        url: str,
        token: str,
        timeout: Timeout | NotGiven,
        max_retries: int,
        max_response_size: int,
        verify: Verify,
        validate: bool,
        allow_insecure_http: bool,
        limits: httpx.Limits,
        server_version: str | None,
    ) -> Settings:
        """Every option checked, in the order a user would fix them; ConfigurationError for
        the first that is wrong (its message never shows the token, even where another option
        holds it: a URL pasted with ``?token=...``).
        """
        try:
            settings = cls._checked(
                url=url, token=token, timeout=timeout, max_retries=max_retries,
                max_response_size=max_response_size, verify=verify, validate=validate,
                allow_insecure_http=allow_insecure_http, limits=limits,
                server_version=server_version,
            )  # fmt: skip
        except ConfigurationError as exc:
            if not isinstance(token, str) or not token.strip():
                raise
            message = str(exc)
            masked = redact(message, (token, token.strip(), token.strip().lower()))
            if masked == message:
                raise
        else:
            secret = settings.token.reveal()
            if len(secret) < MIN_ANYWHERE or secret.lower() not in settings.base_url.lower():
                return settings
            # A URL built from the wrong variable: every message about a request would
            # quote it (its host is no secret anywhere else).
            masked = "url holds the API token: give the token as token only"
        # Raised outside the handler: the error quoting the token is on no chain.
        raise ConfigurationError(masked)

    @classmethod
    def _checked(
        cls,
        *,
        url: str,
        token: str,
        timeout: Timeout | NotGiven,
        max_retries: int,
        max_response_size: int,
        verify: Verify,
        validate: bool,
        allow_insecure_http: bool,
        limits: httpx.Limits,
        server_version: str | None,
    ) -> Settings:
        """:meth:`check`'s checks, in order."""
        settings = cls()
        settings.base_url = api_base_url(url, allow_insecure_http=allow_insecure_http)
        settings.release = check_server_version(server_version)
        settings.token = check_token(token)
        settings.max_retries = check_max_retries(max_retries)
        settings.max_response_size = check_max_response_size(max_response_size)
        settings.validate = bool(validate)
        settings.timeout = check_timeout(timeout)
        settings.verify = ssl_verify(verify)
        if not isinstance(limits, httpx.Limits):
            raise ConfigurationError(f"limits must be an httpx.Limits, got {describe_type(limits)}")
        settings.limits = limits
        return settings

    def __setattr__(self, name: str, value: object) -> None:
        if hasattr(self, name):
            raise AttributeError(f"Settings are frozen: {name} is already set")
        super().__setattr__(name, value)
