"""What the sync and async clients share: configuration, request building, the retry loop and
response handling. Nothing here does I/O.

Every request (a PATCH, a GET of a source, a GET of a page of the list) is prepared once
(:class:`_Prepared`: the request, its budget and size limit, and how a 2xx answer becomes its
result) and run by one generator (:meth:`BaseClient._request_flow`), as httpx does for auth
flows: it yields :class:`Send` and :class:`Sleep` steps and receives each step's outcome. The
sync client runs it with ``httpx.Client`` and ``time.sleep``, the async one with
``httpx.AsyncClient`` and ``asyncio.sleep``; everything else is written once, here. Listing
is a sequence of such requests, one a page, steered by :class:`~._listing.Pager` (also pure).

The server's authentik release (:mod:`._releases`) is learned once per client, by one GET of
``/api/v3/admin/version/`` (any valid token may read it), and only when a change depends on it
(:func:`~._changes.needs_release`); or it is given (``server_version``). Failing to learn it is
not an error: the change is then checked by the server, and its answer for ignored fields.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import os
import re
import ssl
import sys
import time
from collections.abc import Callable, Generator, Mapping, Sequence
from functools import partial
from typing import Any, Final, Generic, Literal, Self, TypeVar
from urllib.parse import urlsplit, urlunsplit
from uuid import UUID

import httpx

from . import _answers, _changes, _diff, _logs, _releases, _retry, _signatures
from ._answers import DEFAULT_MAX_RESPONSE_SIZE, Answer, Page
from ._errors import (
    APIError,
    ConfigurationError,
    InvalidRequest,
    NotApplied,
    RequestTimeout,
    TransportError,
    UnexpectedResponse,
)
from ._generated.models import GroupMatchingMode, PolicyEngineMode, UserMatchingMode
from ._listing import DEFAULT_PAGE_SIZE, Pager, list_query
from ._models import RawResponse
from ._public import publish
from ._releases import Release, parse_release, writable_since
from ._secrets import MAX_SECRET_FILE_BYTES, Secret, json_holds_secret, mask_text, mask_userinfo
from ._version import __version__

logger = logging.getLogger("plex_source_client")

API_PATH: Final = "/api/v3"

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
_TRUE_WORDS: Final = frozenset({"1", "true", "yes", "on"})
_FALSE_WORDS: Final = frozenset({"", "0", "false", "no", "off"})


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


# --- configuration ----------------------------------------------------------------------------


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _shown(value: object, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


#: A configured URL's start up to its credentials' end (the last ``@`` before the path), with
#: or without a scheme and its slashes: ``https://user:pw@``, ``https:user:pw@``, ``user:pw@``.
_CONFIG_USERINFO: Final = re.compile(r"^(\s*(?:[A-Za-z][A-Za-z0-9+.-]{0,30}:)?/{0,3})[^/?#]*@")


def _shown_url(url: str) -> str:
    """``url`` for a message: its credentials (``user:password@``) masked, even when the URL
    is invalid (a bad port or scheme, a space, a control character, no ``//``), then
    :func:`_shown`.
    """
    return _shown(mask_userinfo(_CONFIG_USERINFO.sub(r"\1***@", url)))


def _url_problem(exc: Exception, url: str) -> str:
    """What a URL parser said about ``url``, without the URL's credentials (some messages
    quote the host part, ``user:password@host``).
    """
    text = str(exc)
    start = _CONFIG_USERINFO.match(url)
    if start is not None:
        userinfo = start.group()[len(start[1]) : -1]
        text = text.replace(userinfo, "***")
    return mask_text(text, ())


def api_base_url(url: str, *, allow_insecure_http: bool = False) -> str:
    """The API root for ``url``: the authentik root gets ``/api/v3`` appended; a URL already
    ending in ``/api/v3`` is kept. A trailing slash does not matter.

    Refuses URLs that would leak the token: credentials in the URL, and plain ``http://`` to a
    host other than this machine unless ``allow_insecure_http``. Any URL httpx could not use
    is a :class:`ConfigurationError` here, never an exception of its own later.
    """
    if not isinstance(url, str) or not url.strip():
        raise ConfigurationError("url must be the authentik URL, e.g. https://auth.example.com")
    # Each parser error is raised from outside its ``except``: its own message, which can
    # quote the URL's credentials, is not kept as the ConfigurationError's __context__.
    problem = None
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError for a port out of range or not a number
        if any(c.isspace() or not c.isprintable() for c in url.strip()):
            raise ValueError("it contains a space or a control character")
    except ValueError as exc:
        problem = _url_problem(exc, url)
    if problem is not None:
        raise ConfigurationError(f"url is not a valid URL ({problem}): {_shown_url(url)}")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(
            f"url must start with https:// (or http://) and name a host, got {_shown_url(url)}"
        )
    if parts.username is not None or parts.password is not None:
        raise ConfigurationError(
            "url must not contain credentials; pass the API token as token= instead",
            cli_message="the URL must not contain credentials; give the API token in "
            "AUTHENTIK_TOKEN, AUTHENTIK_TOKEN_FILE or --token-file instead",
        )
    _refuse_page_urls(parts.scheme, parts.netloc, parts.path.rstrip("/"))
    if parts.query or parts.fragment:
        raise ConfigurationError(f"url must not have a query or fragment, got {_shown_url(url)}")
    if parts.scheme == "http" and not allow_insecure_http and not _is_loopback(parts.hostname):
        refusing = f"refusing to send the API token in clear text to http://{parts.netloc}: "
        raise ConfigurationError(
            refusing + "use https://, or pass allow_insecure_http=True if this network is trusted",
            cli_message=refusing + "use https://, or give --allow-insecure-http if this network "
            "is trusted",
        )
    path = parts.path.rstrip("/")
    if not path.endswith(API_PATH):
        path += API_PATH
    base = urlunsplit((parts.scheme, parts.netloc, path, "", ""))
    try:
        httpx.URL(base + "/")
    except (httpx.InvalidURL, ValueError) as exc:
        problem = _url_problem(exc, url)
    if problem is not None:
        raise ConfigurationError(f"url is not a valid URL ({problem}): {_shown_url(url)}")
    return base


def _refuse_page_urls(scheme: str, netloc: str, path: str) -> None:
    """Refuse the address of a page (the admin interface ``/if/admin/``, a flow, an API
    endpoint) pasted where authentik's root URL belongs: the API path would be appended to it
    and every request would end in a 404 that seems to blame the slug.
    """
    for marker, what in (("/if/", "an interface page"), (API_PATH + "/", "an API endpoint")):
        at = (path + "/").find(marker)
        if at == -1 or (marker != "/if/" and path.endswith(API_PATH)):
            continue
        root = urlunsplit((scheme, netloc, path[:at], "", ""))
        raise ConfigurationError(
            f"url is the address of {what} "
            f"({_shown_url(urlunsplit((scheme, netloc, path, '', '')))}), not authentik's root: "
            f"give {root} (or {root}{API_PATH})"
        )


def _check_token(token: object) -> Secret:
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


def _check_timeout(timeout: Timeout | NotGiven) -> httpx.Timeout | None:
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
            f"timeout must be seconds or an httpx.Timeout, got {_shown(timeout)}"
        )
    if not all(_seconds_in_range(v) for v in values):
        raise ConfigurationError(
            f"timeout must be a positive number of seconds, at most {MAX_TIMEOUT:.0f}, got "
            f"{_shown(timeout)}: without a limit a dead server would hang the call forever"
        )
    if isinstance(timeout, httpx.Timeout):
        budget, connect = float(timeout.read or 0), float(timeout.connect or 0)
    else:
        budget, connect = float(timeout), float(DEFAULT_TIMEOUT.connect or 0)
    return httpx.Timeout(budget, connect=min(connect, budget))


def _check_proxy(proxy: object, where: str = "proxy") -> httpx.Proxy:
    """``proxy`` as an httpx.Proxy, or ConfigurationError (never showing its password)."""
    if not isinstance(proxy, str | httpx.URL | httpx.Proxy):
        raise ConfigurationError(f"{where} must be a proxy URL, got {type(proxy).__name__}")
    try:  # httpx.Proxy takes http://, https://, socks5:// and socks5h://
        checked = proxy if isinstance(proxy, httpx.Proxy) else httpx.Proxy(proxy)
    except (ValueError, httpx.InvalidURL) as exc:
        shown = _url_problem(exc, str(proxy))
    else:
        port = checked.url.port
        if port is None or 0 < port <= 65535:
            return checked
        shown = f"port {port} is out of range 1-65535"  # httpx takes it, no socket would
    # Raised here, not in the except: httpx's message is not kept as the __context__.
    raise ConfigurationError(f"{where} is not a usable proxy URL: {shown}")


def proxy_mounts(proxy: Proxy | None) -> dict[str, httpx.Proxy | None]:
    """Which proxy each URL pattern goes through, as httpx decides: ``proxy`` for every URL
    when given, else the environment's ``HTTP_PROXY``, ``HTTPS_PROXY``, ``ALL_PROXY`` and
    ``NO_PROXY`` (None: no proxy for that pattern).
    """
    if proxy is not None:
        return {"all://": _check_proxy(proxy)}
    from httpx._utils import get_environment_proxies  # httpx's own reading of the variables

    return {
        pattern: None
        if url is None
        else _check_proxy(url, f"the proxy for {pattern} (environment)")
        for pattern, url in get_environment_proxies().items()
    }


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


def _check_max_response_size(size: object) -> int:
    if (
        not isinstance(size, int)
        or isinstance(size, bool)
        or not 1 <= size <= MAX_RESPONSE_SIZE_LIMIT
    ):
        raise ConfigurationError(
            f"max_response_size must be 1 to {MAX_RESPONSE_SIZE_LIMIT:,} bytes, got {_shown(size)}"
        )
    return size


def _ssl_verify(verify: Verify) -> bool | ssl.SSLContext:
    if isinstance(verify, bool | ssl.SSLContext):
        return verify
    if isinstance(verify, str | os.PathLike):
        try:
            return ssl.create_default_context(cafile=os.fspath(verify))
        except (OSError, ssl.SSLError, ValueError) as exc:
            raise ConfigurationError(
                f"verify: cannot load CA bundle {_shown(verify)}: {exc}"
            ) from None
    raise ConfigurationError(
        f"verify must be True, False or a CA bundle path, got {_shown(verify)}"
    )


def env_flag(name: str, environ: Mapping[str, str]) -> bool:
    """A boolean environment variable (1/true/yes/on or 0/false/no/off, any case)."""
    value = environ.get(name, "").strip().lower()
    if value in _TRUE_WORDS:
        return True
    if value in _FALSE_WORDS:
        return False
    raise ConfigurationError(f"{name} must be true or false, got {_shown(environ[name])}")


def settings_from_env(
    environ: Mapping[str, str] | None = None, *, given: Mapping[str, object] = {}
) -> dict[str, Any]:
    """``url``, ``token`` and ``verify`` from authentik's Terraform provider variables.

    ``AUTHENTIK_URL``, ``AUTHENTIK_TOKEN`` (or ``AUTHENTIK_TOKEN_FILE``, a file holding it;
    both set is a ConfigurationError), ``AUTHENTIK_INSECURE`` (true: do not verify TLS
    certificates) and ``AUTHENTIK_SERVER_VERSION`` (the server's release, e.g. ``2025.12``;
    unset: learned from the server when needed). Settings in ``given`` are not looked up (and
    so need not be set): a ``token`` given wins over both variables.
    """
    env = os.environ if environ is None else environ
    settings: dict[str, Any] = {}
    if "verify" not in given:
        settings["verify"] = not env_flag("AUTHENTIK_INSECURE", env)
    if "url" not in given:
        settings["url"] = env.get("AUTHENTIK_URL", "").strip()
        if not settings["url"]:
            raise ConfigurationError("AUTHENTIK_URL is not set (e.g. https://auth.example.com)")
    if "token" not in given:
        settings["token"] = _token_from_env(env)
    if "server_version" not in given and env.get("AUTHENTIK_SERVER_VERSION", "").strip():
        settings["server_version"] = env["AUTHENTIK_SERVER_VERSION"].strip()
    return settings


def clean_secret(text: str) -> str:
    """A secret as read from a file or variable: without a UTF-8 byte order mark (Windows
    editors add one) and without surrounding whitespace (the file's final newline).
    """
    return text.strip().removeprefix("\ufeff").strip()


def secret_from_bytes(data: bytes, shown: str) -> str:
    """The secret in ``data`` (read from ``shown``, a file or standard input, at most one byte
    past :data:`MAX_SECRET_FILE_BYTES`), cleaned; ConfigurationError, never showing the content,
    when there is too much or it is not UTF-8 text.
    """
    if len(data) > MAX_SECRET_FILE_BYTES:
        raise ConfigurationError(
            f"{shown} is larger than {MAX_SECRET_FILE_BYTES // 1024} KiB: refused"
        )
    try:
        return clean_secret(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigurationError(f"{shown} is not UTF-8 text") from None


def read_secret_file(path: str, shown: str | None = None) -> str:
    """The secret in the file ``path`` (see :func:`secret_from_bytes`); a huge file is not
    read whole, and a FIFO never blocks for long (:func:`._files.read_bounded`: one with no
    writer reads as empty). ``shown``: how messages name the file (default: its path).
    """
    from ._files import read_bounded

    shown = path if shown is None else shown
    try:
        data = read_bounded(path, MAX_SECRET_FILE_BYTES)
    except OSError as exc:
        raise ConfigurationError(f"cannot read {shown}: {exc.strerror or exc}") from None
    return secret_from_bytes(data, shown)


def _token_from_env(env: Mapping[str, str]) -> str:
    """The token of ``AUTHENTIK_TOKEN`` or the file ``AUTHENTIK_TOKEN_FILE`` names; both set
    is refused (which one was meant?): a token given explicitly is the way to choose.
    """
    token = clean_secret(env.get("AUTHENTIK_TOKEN", ""))
    token_file = env.get("AUTHENTIK_TOKEN_FILE", "").strip()
    if token and token_file:
        raise ConfigurationError(
            "AUTHENTIK_TOKEN and AUTHENTIK_TOKEN_FILE are both set; set only one"
        )
    if token_file:
        try:
            token = read_secret_file(token_file)
        except ConfigurationError as error:
            raise ConfigurationError(f"AUTHENTIK_TOKEN_FILE: {error}") from None
        if not token:
            raise ConfigurationError(f"AUTHENTIK_TOKEN_FILE: {token_file} is empty")
    if not token:
        raise ConfigurationError("AUTHENTIK_TOKEN (or AUTHENTIK_TOKEN_FILE) is not set")
    return token


# --- the sans-I/O request flow ----------------------------------------------------------------


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
#: The request flow, ending with the request's result (a RawResponse for a source, a Page).
Flow = Generator[Step, Outcome, _T]

_HttpT = TypeVar("_HttpT", httpx.Client, httpx.AsyncClient)
_ResultT = TypeVar("_ResultT")
_RawT = TypeVar("_RawT")
_ListT = TypeVar("_ListT")
_DiffT = TypeVar("_DiffT")


def _source_response(
    answer: Answer,
    secrets: tuple[str, ...],
    attempts: int,
    elapsed: float,
    request_id: str | None,
    *,
    release: Release | None = None,
) -> RawResponse:
    """A 2xx answer that must be a Plex source (PATCH, GET of a source) as a RawResponse; from
    a server of a known ``release``, with the fields that release has.
    """
    return RawResponse(
        source=_answers.parse_source(answer, secrets, release),
        status_code=answer.status_code,
        request_id=request_id,
        attempts=attempts,
        elapsed=elapsed,
        headers=answer.response.headers,
        http_response=answer.response,
        content=answer.content,
    )


def _page_response(
    answer: Answer,
    secrets: tuple[str, ...],
    attempts: int,
    elapsed: float,
    request_id: str | None,
    *,
    release: Release | None = None,
) -> Page:
    """A 2xx answer that must be a page of the list (``PaginatedPlexSourceList``)."""
    page = _answers.parse_page(answer, secrets, release)
    page.status_code, page.request_id, page.attempts = answer.status_code, request_id, attempts
    return page


def _version_response(
    answer: Answer, secrets: tuple[str, ...], attempts: int, elapsed: float, request_id: str | None
) -> Release:
    """A 2xx answer of the version endpoint: the release it names."""
    return _answers.parse_version(answer, secrets)


#: The writable fields not every release has: the only ones a server can ignore.
_RELEASE_FIELDS: Final = frozenset(
    field.name for field in _changes.FIELDS if writable_since(field.wire) is not None
)


def _checked_patch_response(
    answer: Answer,
    secrets: tuple[str, ...],
    attempts: int,
    elapsed: float,
    request_id: str | None,
    *,
    fields: tuple[str, ...],
    url: str,
    release: Release | None,
) -> RawResponse:
    """A PATCH's 2xx answer as a RawResponse; :class:`NotApplied` when it shows the server
    ignored a changed field (its release lacks it).
    """
    # Parsed as from any release first: a field ignored is NotApplied even when the release
    # given (server_version) is wrong, not an answer "missing" that release's fields.
    raw = _source_response(answer, secrets, attempts, elapsed, request_id)
    # The answer shows what the server could not write: it ignored it (its release lacks it).
    ignored = _changes.unwritable_fields(raw.source.to_dict(), fields)
    if ignored:
        by_name = _changes.FIELDS_BY_NAME
        raise NotApplied(
            not_applied=tuple(ignored),
            needs={
                name: str(since)
                for name in ignored
                if (since := writable_since(by_name[name].wire)) is not None
            },
            believed=None if release is None else str(release),
            applied=tuple(name for name in fields if name not in ignored),
            source=raw.source, method="PATCH", url=url, status_code=raw.status_code,
            request_id=request_id, attempts=attempts,
        )  # fmt: skip
    if release is not None:
        _answers.require_release_fields(raw.source, release)
    return raw


#: Bytes that start an escape (JSON ``\\u``, URL ``%``, HTML ``&``) a secret could hide behind.
_ESCAPE_MARKERS: Final = (b"\\u", b"%", b"&")


class _Prepared(Generic[_T]):
    """A validated request, ready to send (and resend), and how its 2xx answer becomes its
    result. Plain slots: made on every call.
    """

    __slots__ = (
        "__weakref__",  # the log filter's registry holds a call's secrets weakly
        "budget",
        "expected",
        "fields",
        "finish",
        "limit",
        "method",
        "not_found",
        "request",
        "retries",
        "secrets",
        "url",
    )

    def __init__(
        self,
        request: httpx.Request,
        url: str,
        fields: tuple[str, ...],
        secrets: tuple[str, ...],
        budget: float,
        limit: int,
        finish: Finisher[_T],
        not_found: str = "no Plex source with this slug",
        expected: str = "a Plex source",
        retries: int | None = None,
    ) -> None:
        self.retries = retries  # None: the client's max_retries
        self.request = request
        self.method = request.method
        self.url = url
        self.fields = fields
        self.secrets = secrets
        self.budget = budget
        self.limit = limit
        self.finish = finish
        self.not_found = not_found
        self.expected = expected


#: How often a call waiting for another's version request looks whether it has ended (s).
_LEARNING_POLL: Final = 0.02

#: The most retries a client may make: with the waits between them capped, this bounds a call.
MAX_RETRIES_LIMIT: Final = 10


class BaseClient(Generic[_HttpT, _ResultT, _RawT, _ListT, _DiffT]):
    """Configuration and logic shared by :class:`PlexSourceClient` and its async twin.

    ``_ResultT``/``_RawT``/``_DiffT`` are what ``update``/``update_raw``/``diff`` return: the
    value itself for the sync client, an awaitable of it for the async one; ``_ListT`` what
    ``list`` returns (an iterator or an async iterator of sources). So each public method is
    written once.
    """

    _http: _HttpT

    def __init__(
        self,
        *,
        url: str,
        token: str,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_response_size: int = DEFAULT_MAX_RESPONSE_SIZE,
        verify: Verify = True,
        validate: bool = True,
        allow_insecure_http: bool = False,
        limits: httpx.Limits = DEFAULT_LIMITS,
        proxy: Proxy | None = None,
        http_client: _HttpT | None = None,
        server_version: str | None = None,
    ) -> None:
        self.base_url = api_base_url(url, allow_insecure_http=allow_insecure_http)
        self._release: Release | None = None
        self._release_text: str | None = None
        self._release_settled = False  # given, learned, or the server would not say
        self._learning = False  # a call is asking the server its release right now
        if server_version is not None:
            try:
                self._release = parse_release(server_version)
            except ValueError as exc:
                raise ConfigurationError(f"server_version: {exc}") from None
            if self._release < _releases.OLDEST_SUPPORTED:
                raise ConfigurationError(
                    f"server_version: authentik {self._release} is not supported; this client "
                    f"supports {_releases.SUPPORTED}"
                )
            # Shown as parsed, never as written: only digits and dots reach a message.
            self._release_text = str(self._release)
            self._release_settled = True
        self._token = _check_token(token)
        # Built once; httpx.Headers masks the Authorization header in its repr. Only the
        # encodings the client decodes itself, with bounded output, are accepted.
        self._headers = httpx.Headers(
            {
                "Authorization": f"Bearer {self._token.reveal()}",
                "Content-Type": "application/json",
                "Accept": "application/json",
                "Accept-Encoding": "gzip, deflate",
            }
        )
        self._read_headers = httpx.Headers(  # a GET has no body, so no Content-Type
            {key: value for key, value in self._headers.items() if key != "content-type"}
        )
        if (
            not isinstance(max_retries, int)
            or isinstance(max_retries, bool)
            or not 0 <= max_retries <= MAX_RETRIES_LIMIT
        ):
            raise ConfigurationError(
                f"max_retries must be 0 to {MAX_RETRIES_LIMIT}, got {_shown(max_retries)}"
            )
        self.max_retries = max_retries
        self.max_response_size = _check_max_response_size(max_response_size)
        self.validate = bool(validate)
        explicit_timeout = _check_timeout(timeout)
        self._verify = _ssl_verify(verify)
        self._proxy_passwords: tuple[Secret, ...] = ()
        if not isinstance(limits, httpx.Limits):
            raise ConfigurationError(f"limits must be an httpx.Limits, got {_shown(limits)}")
        self._urls: dict[str, httpx.URL] = {}
        if http_client is None:
            self.timeout: httpx.Timeout = explicit_timeout or DEFAULT_TIMEOUT
            mounts = proxy_mounts(proxy)
            self._proxy_passwords = tuple(
                Secret(secret)
                for p in mounts.values()
                if p is not None and p.auth is not None
                for secret in (p.auth[1], _basic_credentials(*p.auth))
            )
            try:
                self._http = self._create_http_client(
                    mounts,
                    explicit_proxy=proxy is not None,
                    timeout=self.timeout,
                    verify=self._verify,
                    follow_redirects=False,
                    headers={"User-Agent": USER_AGENT},
                    limits=limits,
                )
            except (
                ValueError,
                ImportError,
                httpx.InvalidURL,
            ) as exc:  # e.g. socks5 without socksio
                raise ConfigurationError(
                    f"cannot set up the HTTP client: {mask_text(str(exc), self._known_secrets())}"
                ) from None
            self._owns_http = True
        else:
            # Their client keeps its own settings (verify, proxies, headers, its timeout when
            # finite and none is given here); we only never follow redirects with the token.
            if proxy is not None:
                raise ConfigurationError("proxy cannot be combined with http_client: set it there")
            self.timeout = explicit_timeout or _finite_or_default(http_client.timeout)
            self._http = http_client
            self._owns_http = False
        self._bound_attempts()
        # The HTTP libraries log what the server sent (httpx at INFO, httpcore at DEBUG):
        # masked there too, for as long as this client lives.
        _logs.register(self, self._known_secrets())

    @property
    def server_version(self) -> str | None:
        """The server's authentik release (``"2025.12.2"``; ``"2025.12"`` for 2025.12.0), as
        given (``server_version``) or as the server reported it; None until the client needed
        and learned it, or when the server would not say.
        """
        return self._release_text

    def _refuse_echoed_credentials(self, answer: Answer) -> None:
        r"""ValueError when a 2xx answer carries the API token or a proxy password: authentik
        never sends them back, so the answer is not authentik's (and must not be shown).

        Looked for in the answer's decoded strings (a JSON ``\u`` escape hides nothing), as
        :func:`~._secrets.json_holds_secret` finds them: a short password's letters in a
        name or a key are not an echo. Only answers that could hold one (a secret's bytes,
        or an escape) are parsed here; one that is not JSON is refused by the parser, masked.
        """
        content = _answers.as_utf8(answer.content)  # UTF-16/32: as a JSON parser reads it
        secrets = self._known_secrets()
        if not any(s.encode() in content for s in secrets) and not any(
            marker in content for marker in _ESCAPE_MARKERS
        ):
            return
        try:
            data: Any = _answers.parse_json(content)
        except ValueError:
            data = _answers.body_text(answer)
        if json_holds_secret(data, secrets):
            raise ValueError("the answer contains your API token or proxy password")

    def _parsed_url(self, url: str) -> httpx.URL:
        """``url`` parsed, once per source: parsing is a good part of httpx's per-request work,
        and scripts change the same few sources again and again. The cache stays small.
        """
        parsed = self._urls.get(url)
        if parsed is None:
            if len(self._urls) >= 256:
                self._urls.clear()
            parsed = self._urls[url] = httpx.URL(url)
        return parsed

    def _known_secrets(self) -> tuple[str, ...]:
        """The secrets this client holds, to mask wherever a text could show them."""
        return (self._token.reveal(), *(p.reveal() for p in self._proxy_passwords))

    def _bound_attempts(self) -> None:
        """Make the HTTP client able to end an attempt at its deadline (see :mod:`._deadline`)."""

    def _create_http_client(
        self, proxies: dict[str, httpx.Proxy | None], *, explicit_proxy: bool, **settings: Any
    ) -> _HttpT:
        """The client's own HTTP client. ``proxies`` maps URL patterns to their proxy (from the
        ``proxy`` option when ``explicit_proxy``, else from the environment, as httpx reads it).
        """
        raise NotImplementedError

    @classmethod
    def from_env(cls, *, environ: Mapping[str, str] | None = None, **options: Any) -> Self:
        """A client configured like authentik's Terraform provider, from the environment.

        ``AUTHENTIK_URL``, ``AUTHENTIK_TOKEN`` (or ``AUTHENTIK_TOKEN_FILE``, a file holding the
        token) and ``AUTHENTIK_INSECURE`` (true: skip TLS certificate checks). Keyword
        ``options`` (``timeout``, ``max_retries``, ...) are passed on and win over the
        environment. ``environ`` defaults to ``os.environ``.
        """
        return cls(**{**settings_from_env(environ, given=options), **options})

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(url={self.base_url!r}, token='***', "
            f"timeout={self.timeout!r}, max_retries={self.max_retries}, validate={self.validate}, "
            f"server_version={self._release_text!r})"
        )

    # -- the public verbs, written once for both clients --

    def _update_keywords(
        self,
        slug: str,
        *,
        name: str | NotGiven = NOT_GIVEN,
        new_slug: str | NotGiven = NOT_GIVEN,
        enabled: bool | NotGiven = NOT_GIVEN,
        promoted: bool | NotGiven = NOT_GIVEN,
        authentication_flow: UUID | str | NotGiven | None = NOT_GIVEN,
        enrollment_flow: UUID | str | NotGiven | None = NOT_GIVEN,
        user_property_mappings: Sequence[UUID | str] | NotGiven = NOT_GIVEN,
        group_property_mappings: Sequence[UUID | str] | NotGiven = NOT_GIVEN,
        policy_engine_mode: PolicyEngineMode | Literal["all", "any"] | NotGiven = NOT_GIVEN,
        user_matching_mode: UserMatchingMode
        | Literal["identifier", "email_link", "email_deny", "username_link", "username_deny"]
        | NotGiven = NOT_GIVEN,
        user_path_template: str | NotGiven = NOT_GIVEN,
        icon: str | NotGiven = NOT_GIVEN,
        group_matching_mode: GroupMatchingMode
        | Literal["identifier", "name_link", "name_deny"]
        | NotGiven = NOT_GIVEN,
        client_id: str | NotGiven = NOT_GIVEN,
        allowed_servers: Sequence[str] | NotGiven = NOT_GIVEN,
        allow_friends: bool | NotGiven = NOT_GIVEN,
        plex_token: str | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
    ) -> None:
        """The signature :meth:`update` and :meth:`diff` show and type-check as (never called;
        each keeps its own return type).
        """
        raise NotImplementedError

    @_signatures.keywords_of(_update_keywords)
    def update(self, slug: str, **changes: Any) -> _ResultT:
        """Change the Plex source ``slug``; only the keywords you pass are sent.

        A field you leave out is not touched, so changes made elsewhere (the admin UI, another
        job) are never overwritten. ``None`` is accepted only by the two flows, where it clears
        the flow (sent as JSON null); ``None`` for any other keyword is an
        :class:`InvalidRequest`. A misspelled keyword is a ``TypeError`` naming the closest
        one. Enum keywords take the enum member or its string.

        Keywords:
            name (str): the source's display name; not blank.
            new_slug (str): renames the source (its ``slug``, used in URLs): letters, digits,
                ``-`` and ``_``; at most 50 characters before authentik 2025.12.
            enabled (bool): whether users can log in through this source.
            promoted (bool): show the source as a prominent button on the login page instead
                of a small icon (authentik 2025.12 or newer).
            authentication_flow (UUID | str | None): the flow that authenticates existing
                users, by its UUID; ``None`` clears it.
            enrollment_flow (UUID | str | None): the flow that enrolls new users, by its UUID;
                ``None`` clears it.
            user_property_mappings (list of UUID | str): the property mappings applied to
                users, by UUID; replaces the list.
            group_property_mappings (list of UUID | str): the property mappings applied to
                groups, by UUID; replaces the list.
            policy_engine_mode (PolicyEngineMode | "all" | "any"): whether all or any of the
                policies bound to the source must pass.
            user_matching_mode (UserMatchingMode | "identifier" | "email_link" |
                "email_deny" | "username_link" | "username_deny"): how the source decides
                whether an existing user is authenticated or a new user enrolled.
            user_path_template (str): the path new users are created under; not blank.
            icon (str): the source's icon, a file name or URL; ``""`` removes it (authentik
                2025.12 or newer; before, the icon is read-only here).
            group_matching_mode (GroupMatchingMode | "identifier" | "name_link" |
                "name_deny"): how the source decides whether an existing group is used or a
                new group created.
            client_id (str): the client identifier used to talk to Plex; not blank.
            allowed_servers (list of str): the Plex servers a user must be a member of to be
                granted access (server ids, not blank); an empty list allows every server.
            allow_friends (bool): let friends authenticate, even without a shared server.
            plex_token (str): the Plex token used to check friends; a secret, masked in every
                repr, log and error.
            timeout (float | httpx.Timeout): each attempt's budget in seconds, for this call
                only (the client's ``timeout`` otherwise).

        Fields a release lacks (``promoted`` and ``icon`` before 2025.12) are refused before
        sending when the server's release is known: given as ``server_version``, or learned
        once per client from the server when such a field (or a slug over 50 characters) is
        first changed.

        Returns the source as the server now has it (a :class:`PlexSource`; awaited, with
        :class:`AsyncPlexSourceClient`). Raises :class:`InvalidRequest` before sending anything
        if a value breaks the API's rules, and an :class:`APIError`,
        :class:`UnexpectedResponse`, :class:`NotApplied` (the server ignored a field: its
        release lacks it) or :class:`TransportError` for what the server did.
        """
        if not changes.keys() <= _UPDATE_KEYWORDS:
            method = f"{type(self).__name__}.update"
            raise _signatures.unexpected_keyword(method, changes, _UPDATE_KEYWORDS)
        timeout = changes.pop("timeout", NOT_GIVEN)
        for value in changes.values():
            if value is NOT_GIVEN:  # passed explicitly: the same as leaving the keyword out
                changes = {key: v for key, v in changes.items() if v is not NOT_GIVEN}
                break
        return self.update_from_mapping(slug, changes, timeout=timeout)

    def update_from_mapping(
        self, slug: str, changes: Mapping[str, Any], *, timeout: Timeout | NotGiven = NOT_GIVEN
    ) -> _ResultT:
        """:meth:`update` with the changes as a mapping of field names (as :meth:`update`'s
        keywords) to values, for config-driven callers. Unknown keys are an
        :class:`InvalidRequest` that suggests the closest field name.
        """
        return self._run_for_source(lambda: self._update_flow(slug, changes, timeout))

    def update_raw(
        self, slug: str, changes: Mapping[str, Any], *, timeout: Timeout | NotGiven = NOT_GIVEN
    ) -> _RawT:
        """:meth:`update_from_mapping`, returning a :class:`RawResponse`: the parsed source plus
        the status, headers, request id, attempts and elapsed time.
        """
        return self._run_for_raw(lambda: self._update_flow(slug, changes, timeout))

    def _run_for_raw(self, flow: Callable[[], Flow[RawResponse]]) -> _RawT:
        """Run the request flow ``flow()`` makes with this client's I/O (sync or async)."""
        raise NotImplementedError

    def _run_for_source(self, flow: Callable[[], Flow[RawResponse]]) -> _ResultT:
        """:meth:`_run_for_raw`, keeping only the parsed source."""
        raise NotImplementedError

    # -- reading -----------------------------------------------------------------------------

    def get(self, slug: str, *, timeout: Timeout | NotGiven = NOT_GIVEN) -> _ResultT:
        """The Plex source ``slug`` as the server has it (a :class:`PlexSource`; awaited, with
        :class:`AsyncPlexSourceClient`).

        The same checks, limits and errors as :meth:`update`: an invalid ``slug`` is an
        :class:`InvalidRequest` before anything is sent, an unknown one a :class:`NotFound`;
        a GET changes nothing, so it is retried like a PATCH. ``timeout``: each attempt's
        budget, for this call only.
        """
        return self._run_for_source(lambda: self._request_flow(self._prepare_get(slug, timeout)))

    @_signatures.keywords_of(_update_keywords)
    def diff(self, slug: str, **changes: Any) -> _DiffT:
        """What :meth:`update` with these keywords would change: a :class:`SourceDiff` of the
        fields whose current value (one GET) differs from the requested one, compared as the
        server stores them (see :func:`compute_diff`). Nothing is changed.

        The keywords are :meth:`update`'s, checked the same way (an :class:`InvalidRequest`
        before anything is sent); ``diff.patch()`` is the minimal change to send, and
        ``diff.unchanged`` says whether there is any. Awaited, with
        :class:`AsyncPlexSourceClient`.
        """
        if not changes.keys() <= _UPDATE_KEYWORDS:
            method = f"{type(self).__name__}.diff"
            raise _signatures.unexpected_keyword(method, changes, _UPDATE_KEYWORDS)
        timeout = changes.pop("timeout", NOT_GIVEN)
        changes = {key: value for key, value in changes.items() if value is not NOT_GIVEN}
        return self._run_for_diff(slug, changes, timeout)

    def diff_from_mapping(
        self, slug: str, changes: Mapping[str, Any], *, timeout: Timeout | NotGiven = NOT_GIVEN
    ) -> _DiffT:
        """:meth:`diff` with the changes as a mapping keyed by :meth:`update`'s keyword names
        (as :meth:`update_from_mapping`), for changes read from a config file.
        """
        return self._run_for_diff(slug, changes, timeout)

    def _run_for_diff(
        self, slug: str, changes: Mapping[str, Any], timeout: Timeout | NotGiven
    ) -> _DiffT:
        """Run :meth:`_diff_flow` with this client's I/O (sync or async)."""
        raise NotImplementedError

    def _diff_flow(
        self, slug: str, changes: Mapping[str, Any], timeout: Timeout | NotGiven
    ) -> Flow[_diff.SourceDiff]:
        """Check ``changes`` (learning the release if they depend on it), GET the source and
        compare.
        """
        self._check_diff(slug, changes)
        if self._wants_release(changes):
            yield from self._learn_release(timeout)
            self._check_diff(slug, changes)
        raw = yield from self._request_flow(self._prepare_get(slug, timeout))
        return _diff.compute_diff(raw.source, changes, validate=self.validate)

    def _check_diff(self, slug: str, changes: Mapping[str, Any]) -> None:
        """What :meth:`diff` refuses before sending anything: the path slug and the changes."""
        _require_mapping(changes)
        errors = {}
        slug_problems = _changes.path_slug_problems(slug)
        if slug_problems:
            errors["slug"] = slug_problems
        errors.update(self._change_errors(changes))
        if errors:
            raise InvalidRequest(errors)

    def _change_errors(self, changes: Mapping[str, Any]) -> dict[str, list[str]]:
        release, shown = self._checked_release()
        return _changes.change_errors(changes, validate=self.validate, release=release, shown=shown)

    def _checked_release(self) -> tuple[Release | None, str]:
        """The release changes are checked against, and how messages name it: the server's
        when known, else None (the server decides; its answer shows what it ignored).
        """
        if self._release is not None:
            return self._release, self._release_text or str(self._release)
        return None, ""

    # -- the server's release --

    def _wants_release(self, changes: Mapping[str, Any]) -> bool:
        """Whether checking ``changes`` needs the release, and it is still to be learned."""
        return not self._release_settled and _changes.needs_release(changes, validate=self.validate)

    def _learn_release(self, timeout: Timeout | NotGiven) -> Flow[None]:
        """Ask the server its release (one attempt, no retries) and keep it for this client.

        Not an error when it will not say (a 403 or 404 from a proxy guarding
        ``/api/v3/admin/``, another body, no answer in time): the release stays unknown for
        this client's life, so a broken endpoint costs one attempt, once. While one call asks,
        concurrent ones (async tasks, threads) wait for its answer instead of asking too.
        """
        prepared = self._prepare_read(
            self.base_url + _answers.VERSION_PATH, (), timeout, _version_response,
            not_found="no version endpoint", expected="authentik's version", retries=0,
        )  # fmt: skip
        if self._learning:
            waited_until = time.monotonic() + prepared.budget
            while self._learning and time.monotonic() < waited_until:
                yield Sleep(_LEARNING_POLL)
            return
        self._learning = True
        try:
            release = yield from self._request_flow(prepared)
        except (APIError, UnexpectedResponse, TransportError) as exc:
            logger.info("could not learn the server's authentik release: %s", exc)
            self._release_settled = True
            return
        finally:
            self._learning = False
        problem = _releases.unsupported(release)
        if problem is not None:  # not kept: the next call that needs the release asks again
            raise UnexpectedResponse(
                problem, expected=f"a supported release ({_releases.SUPPORTED})",
                method="GET", url=prepared.url, status_code=200, request_id=None, body=None,
            )  # fmt: skip
        logger.debug("the server runs authentik %s", release)
        # Kept as parsed, never as the server wrote it: only digits and dots reach a message.
        self._release, self._release_text, self._release_settled = release, str(release), True

    def _update_flow(
        self, slug: str, changes: Mapping[str, object], timeout: Timeout | NotGiven
    ) -> Flow[RawResponse]:
        """Check and send a PATCH; first learn the server's release if the changes need it
        (after the checks that do not: a bad change costs no request).
        """
        prepared = self._prepare(slug, changes, timeout)
        if self._wants_release(changes):
            yield from self._learn_release(timeout)
            prepared = self._prepare(slug, changes, timeout)
        return (yield from self._request_flow(prepared))

    def _list_keywords(
        self,
        *,
        page_size: int = DEFAULT_PAGE_SIZE,
        name: str | NotGiven = NOT_GIVEN,
        slug: str | NotGiven = NOT_GIVEN,
        enabled: bool | NotGiven = NOT_GIVEN,
        authentication_flow: UUID | str | NotGiven = NOT_GIVEN,
        enrollment_flow: UUID | str | NotGiven = NOT_GIVEN,
        policy_engine_mode: PolicyEngineMode | Literal["all", "any"] | NotGiven = NOT_GIVEN,
        user_matching_mode: UserMatchingMode
        | Literal["identifier", "email_link", "email_deny", "username_link", "username_deny"]
        | NotGiven = NOT_GIVEN,
        group_matching_mode: GroupMatchingMode
        | Literal["identifier", "name_link", "name_deny"]
        | NotGiven = NOT_GIVEN,
        client_id: str | NotGiven = NOT_GIVEN,
        allow_friends: bool | NotGiven = NOT_GIVEN,
        search: str | NotGiven = NOT_GIVEN,
        ordering: str | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
    ) -> None:
        """The signature :meth:`list` shows and type-checks as (never called)."""
        raise NotImplementedError

    @_signatures.keywords_of(_list_keywords)
    def list(self, **options: Any) -> _ListT:
        """Every Plex source, fetched lazily a page at a time (``page_size`` sources a request,
        1 to 1,000, default 100): iterate it (``for source in client.list()``; ``async for``
        with :class:`AsyncPlexSourceClient`).

        Filters, as authentik's list takes them (each an exact match; leave one out not to
        filter by it): ``name``, ``slug``, ``enabled``, ``authentication_flow``,
        ``enrollment_flow``, ``policy_engine_mode``, ``user_matching_mode``,
        ``group_matching_mode``, ``client_id``, ``allow_friends``; ``search`` (a term matched
        in names and slugs); ``ordering`` (a field name, ``-`` first for descending; several,
        comma-separated; authentik orders by name by default).

        Every value is checked first (an :class:`InvalidRequest` when this is called, before
        anything is sent). Each page is one request with :meth:`get`'s retries, limits and
        errors; a page that is not a ``PaginatedPlexSourceList`` of valid sources, or
        pagination that does not advance page by page within the count the server gave, is an
        :class:`UnexpectedResponse`: a broken or hostile server cannot make it loop forever.
        """
        if not options.keys() <= _LIST_KEYWORDS:
            method = f"{type(self).__name__}.list"
            raise _signatures.unexpected_keyword(method, options, _LIST_KEYWORDS)
        page_size = options.pop("page_size", DEFAULT_PAGE_SIZE)
        timeout = options.pop("timeout", NOT_GIVEN)
        filters = {key: value for key, value in options.items() if value is not NOT_GIVEN}
        query = list_query(filters, page_size, *self._checked_release())
        _check_timeout(timeout)
        return self._iterate(Pager(query, page_size, timeout, filters))

    def _before_listing(self, pager: Pager) -> Flow[None]:
        """Before the first page: when a filter or the ordering names a field some releases
        lack, learn the release (once per client) and refuse what it lacks: the server would
        silently ignore it, listing every source.
        """
        if self._release_settled or not pager.needs_release:
            return
        yield from self._learn_release(pager.timeout)
        release, shown = self._checked_release()
        if release is not None:
            list_query(pager.filters, pager.page_size, release, shown)

    def _iterate(self, pager: Pager) -> _ListT:
        """Fetch page after page as ``pager`` says, yielding their sources (sync or async)."""
        raise NotImplementedError

    def _prepare_page(self, pager: Pager) -> _Prepared[Page]:
        """The GET of the page ``pager`` is at."""
        return self._prepare_read(
            self.base_url + _changes.LIST_PATH,
            pager.params(),
            pager.timeout,
            partial(_page_response, release=self._release),
            not_found="no such page (did the list shrink while it was read?)",
            expected="a page of Plex sources",
        )

    # -- building the request (pure) --

    def _prepare(
        self,
        slug: str,
        changes: Mapping[str, object],
        timeout: Timeout | NotGiven,
    ) -> _Prepared[RawResponse]:
        """Validate and build the request, or raise before anything is sent."""
        _require_mapping(changes)
        try:
            release, shown = self._checked_release()
            content = _changes.build_body(
                slug, changes, validate=self.validate, release=release, shown=shown
            )
        except (AttributeError, TypeError) as exc:  # validate=False and a value of no JSON type
            raise InvalidRequest({"changes": [f"Cannot be sent as JSON: {exc}"]}) from None
        call_timeout = self.timeout if isinstance(timeout, NotGiven) else _check_timeout(timeout)
        assert call_timeout is not None  # noqa: S101 - given, so checked and normalized
        url = self.base_url + _changes.source_path(slug)
        try:
            request = self._http.build_request(
                "PATCH", self._parsed_url(url), content=content, headers=self._headers,
                timeout=call_timeout,
            )  # fmt: skip
        except (httpx.InvalidURL, ValueError) as exc:  # a path slug too long for a URL
            raise InvalidRequest({"slug": [f"Cannot be part of a URL: {exc}"]}) from None
        plex_token = changes.get("plex_token")
        sent: tuple[str, ...] = (
            (plex_token, plex_token.strip()) if isinstance(plex_token, str) else ()
        )
        secrets = (*self._known_secrets(), *sent)
        budget = float(call_timeout.read or 0)
        fields = tuple(changes)
        finish: Finisher[RawResponse]
        if _RELEASE_FIELDS.isdisjoint(fields):  # every release has them: none can be ignored
            finish = _source_response
            if self._release is not None:
                finish = partial(_source_response, release=self._release)
        else:
            finish = partial(_checked_patch_response, fields=fields, url=url, release=self._release)
        return _Prepared(
            request, url, fields, secrets, budget, self.max_response_size, finish
        )  # fmt: skip

    def _prepare_get(self, slug: str, timeout: Timeout | NotGiven) -> _Prepared[RawResponse]:
        """The GET of source ``slug``; the path slug is checked as for a PATCH."""
        problems = _changes.path_slug_problems(slug)
        if problems:
            raise InvalidRequest({"slug": problems})
        return self._prepare_read(
            self.base_url + _changes.source_path(slug), (), timeout,
            partial(_source_response, release=self._release),
        )  # fmt: skip

    def _prepare_read(
        self,
        url: str,
        params: Sequence[tuple[str, str]],
        timeout: Timeout | NotGiven,
        finish: Finisher[_T],
        not_found: str = "no Plex source with this slug",
        expected: str = "a Plex source",
        retries: int | None = None,
    ) -> _Prepared[_T]:
        """A GET of ``url`` with the query ``params``, ready for the request flow."""
        call_timeout = self.timeout if isinstance(timeout, NotGiven) else _check_timeout(timeout)
        assert call_timeout is not None  # noqa: S101 - given, so checked and normalized
        try:
            request = self._http.build_request(
                "GET", self._parsed_url(url), params=list(params) or None,
                headers=self._read_headers, timeout=call_timeout,
            )  # fmt: skip
        except (httpx.InvalidURL, ValueError) as exc:  # a path slug too long for a URL
            raise InvalidRequest({"slug": [f"Cannot be part of a URL: {exc}"]}) from None
        shown = url if not params else str(request.url)
        return _Prepared(
            request, shown, (), self._known_secrets(), float(call_timeout.read or 0),
            self.max_response_size, finish, not_found, expected, retries,
        )  # fmt: skip

    # -- the retry loop (pure: yields steps, the subclass performs them) --

    def _request_flow(self, prepared: _Prepared[_T]) -> Flow[_T]:
        """Send ``prepared``, retrying as :mod:`._retry` says; its result, or its error.

        A call that sends a secret of its own (a Plex token) has it masked in the HTTP
        libraries' log records while it runs, as the client's are (:mod:`._logs`).
        """
        own = len(prepared.secrets) > len(self._known_secrets())
        if own:
            _logs.register(prepared, prepared.secrets)
        try:
            return (yield from self._attempts(prepared))
        finally:
            if own:
                _logs.unregister(prepared)

    def _attempts(self, prepared: _Prepared[_T]) -> Flow[_T]:
        """:meth:`_request_flow`'s attempts and waits."""
        method, url = prepared.method, prepared.url
        started = time.monotonic()
        debug = logger.isEnabledFor(logging.DEBUG)
        if debug and method != "GET":
            logger.debug("%s %s: sending fields %s", method, url, ", ".join(prepared.fields) or "-")
        max_retries = self.max_retries if prepared.retries is None else prepared.retries
        attempt = 0
        while True:
            attempt += 1
            attempt_started = time.monotonic()
            outcome = yield Send(prepared.request, prepared.budget, prepared.limit)
            assert outcome is not None  # noqa: S101 - a Send always gets an outcome
            if debug:
                self._log_attempt(prepared, outcome, attempt, time.monotonic() - attempt_started)
            status: int | None = None
            retry_after: float | None = None
            if isinstance(outcome, Answer):
                if outcome.is_success:
                    break
                status = outcome.status_code
                retry_after = _retry.parse_retry_after(outcome.response.headers.get("Retry-After"))
            delay = None
            if attempt <= max_retries:
                delay = _retry.retry_delay(
                    retry_number=attempt, status_code=status, retry_after=retry_after
                )
            if delay is None:
                break
            logger.info(
                "%s %s: %s; retry %d of %d in %.2fs",
                method,
                url,
                status if status is not None else _transport_reason(outcome, prepared.secrets),
                attempt,
                max_retries,
                delay,
            )
            yield Sleep(delay)
        return self._finish(prepared, outcome, attempt, time.monotonic() - started)

    def _log_attempt(
        self, prepared: _Prepared[Any], outcome: Outcome, attempt: int, elapsed: float
    ) -> None:
        if isinstance(outcome, Answer):
            logger.debug(
                "%s %s -> %d in %.3fs (attempt %d of %d, request id %s)",
                prepared.method,
                prepared.url,
                outcome.status_code,
                elapsed,
                attempt,
                (self.max_retries if prepared.retries is None else prepared.retries) + 1,
                _answers.request_id(outcome.response, prepared.secrets) or "-",
            )
        else:
            logger.debug(
                "%s %s -> no answer in %.3fs (attempt %d of %d): %s",
                prepared.method,
                prepared.url,
                elapsed,
                attempt,
                (self.max_retries if prepared.retries is None else prepared.retries) + 1,
                _transport_reason(outcome, prepared.secrets),
            )

    def _finish(
        self, prepared: _Prepared[_T], outcome: Outcome, attempts: int, elapsed: float
    ) -> _T:
        """The final outcome as the request's result, or the typed error it stands for."""
        method, url = prepared.method, prepared.url
        if not isinstance(outcome, Answer):
            reason = _transport_reason(outcome, prepared.secrets)
            timed_out = outcome is not None and _is_timeout(outcome)
            kind = RequestTimeout if timed_out else TransportError
            raise kind(reason, method=method, url=url, attempts=attempts) from None
        where: dict[str, Any] = {
            "method": method,
            "url": url,
            "status_code": outcome.status_code,
            "request_id": _answers.request_id(outcome.response, prepared.secrets),
            "attempts": attempts,
        }
        if outcome.is_success:
            try:
                self._refuse_echoed_credentials(outcome)
                result = prepared.finish(
                    outcome, prepared.secrets, attempts, elapsed, where["request_id"]
                )
            except ValueError as exc:
                raise UnexpectedResponse(
                    str(exc),
                    expected=prepared.expected,
                    body=_answers.kept_text(
                        _answers.body_text(outcome), prepared.secrets, cut=not outcome.complete
                    ),
                    **where,
                ) from None
            return result
        raise _answers.api_error(outcome, prepared.secrets, where, prepared.not_found)


#: The keywords :meth:`BaseClient.update` takes (a misspelling is a TypeError).
_UPDATE_KEYWORDS: Final = _signatures.keyword_names(BaseClient.update)
#: The keywords :meth:`BaseClient.list` takes.
_LIST_KEYWORDS: Final = _signatures.keyword_names(BaseClient.list)


def _basic_credentials(user: str, password: str) -> str:
    """What ``Proxy-Authorization: Basic`` carries for ``user:password`` (also a secret)."""
    import base64

    return base64.b64encode(f"{user}:{password}".encode()).decode()


def _require_mapping(changes: object) -> None:
    """InvalidRequest unless ``changes`` is a mapping of field names to values."""
    if not isinstance(changes, Mapping):
        raise InvalidRequest(
            {
                "changes": [
                    f"Must be a mapping of field names to values, got {type(changes).__name__}."
                ]
            }
        )


def _finite_or_default(timeout: httpx.Timeout) -> httpx.Timeout:
    """An ``http_client``'s own timeout when every part of it is finite, else the default."""
    try:
        checked = _check_timeout(timeout)
    except ConfigurationError:
        return DEFAULT_TIMEOUT
    return checked or DEFAULT_TIMEOUT


def _leaf(error: BaseException) -> BaseException:
    """The first exception inside (nested) exception groups; ``error`` itself otherwise."""
    while isinstance(error, BaseExceptionGroup) and error.exceptions:
        error = error.exceptions[0]
    return error


def _is_timeout(error: BaseException) -> bool:
    leaf = _leaf(error)
    return isinstance(leaf, httpx.TimeoutException | TimeoutError)


#: The longest reason for a failed attempt kept in a message: the HTTP layer's messages can
#: quote what the server sent (a 64 KiB header line, say).
_REASON_LIMIT: Final = 300


def _transport_reason(outcome: Outcome, secrets: tuple[str, ...]) -> str:
    """What ended an attempt without an answer, masked and shortened."""
    leaf = _leaf(outcome) if isinstance(outcome, BaseException) else outcome
    text = f"{type(leaf).__name__}: {str(leaf) or type(leaf).__name__}"
    text = mask_text(text[:100_000], secrets, cut=len(text) > 100_000)
    return text if len(text) <= _REASON_LIMIT else text[: _REASON_LIMIT - 3] + "..."
