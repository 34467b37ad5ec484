"""The clients' configuration, checked once: the URL, the token, timeouts, retries, limits,
TLS, proxies, the environment's settings and secret files. No I/O but reading a token file.

Both clients check their options into one frozen :class:`Settings` (a bad option is a
:class:`~plex_source_client.ConfigurationError` before anything else happens); the command line
reads the same environment variables and secret files through :func:`settings_from_env` and
:func:`read_secret_file`.
"""

from __future__ import annotations

import ipaddress
import math
import os
import re
import ssl
import sys
from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import urlsplit, urlunsplit

import httpx

from . import _releases
from ._errors import ConfigurationError
from ._public import publish
from ._releases import Release, parse_release
from ._secrets import (
    MAX_SECRET_FILE_BYTES,
    Secret,
    mask_text,
    mask_userinfo,
    url_secrets,
    url_userinfo,
)
from ._text import describe_type, shorten
from ._version import __version__

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


def _shown_value(value: object) -> str:
    """A bad option's value for a message: its repr, shortened."""
    return shorten(repr(value))


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


#: A configured URL's start up to its credentials' end (its last ``@``, as
#: :func:`url_userinfo` reads it: a password may hold ``/``, ``#``, ``?`` or a space), with
#: or without a scheme and its slashes: ``https://user:pw@``, ``https:user:pw@``, ``user:pw@``.
_CONFIG_USERINFO: Final = re.compile(r"^(\s*(?:[A-Za-z][A-Za-z0-9+.-]{0,30}:)?/{0,3})(?s:.*)@")


def _shown_url(url: str) -> str:
    """``url`` for a message: its credentials (``user:password@``) masked, even when the URL
    is invalid (a bad port or scheme, a space, a control character, no ``//``), then
    shortened.
    """
    return shorten(repr(mask_userinfo(_CONFIG_USERINFO.sub(r"\1***@", url))))


def _url_problem(exc: Exception, url: str) -> str:
    """What a URL parser said about ``url``, without the URL's credentials (some messages
    quote the host part, ``user:password@host``).
    """
    text = str(exc)
    start = _CONFIG_USERINFO.match(url)
    if start is not None:
        userinfo = start.group()[len(start[1]) : -1]
        text = text.replace(userinfo, "***")
    return mask_text(text, url_secrets(url))


def _refuse_split_credentials(url: str, where: str) -> None:
    """Refuse a URL whose credentials (read to the last ``@``, :func:`url_userinfo`) hold a
    ``/``, ``#`` or ``?``: a URL parser ends the host there, reads the password's start as a
    port (its error would quote it) or sends the request to the wrong host. Nothing of the
    URL or of a parser's message is quoted.
    """
    userinfo = url_userinfo(url)
    if userinfo and any(c in userinfo for c in "/#?"):
        raise ConfigurationError(
            f"{where} is not a usable URL: its credentials (before the last '@') hold a '/', "
            "'#' or '?', which ends the host part of a URL; percent-encode them (%2F, %23, %3F)"
        )


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
    if url_userinfo(url.strip()) is not None:  # read as a careful reader does, before parsing
        raise ConfigurationError(
            "url must not contain credentials; pass the API token as token= instead",
            cli_message="the URL must not contain credentials; give the API token in "
            "AUTHENTIK_TOKEN, AUTHENTIK_TOKEN_FILE or --token-file instead",
        )
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
            f"timeout must be seconds or an httpx.Timeout, got {_shown_value(timeout)}"
        )
    if not all(_seconds_in_range(v) for v in values):
        raise ConfigurationError(
            f"timeout must be a positive number of seconds, at most {MAX_TIMEOUT:.0f}, got "
            f"{_shown_value(timeout)}: without a limit a dead server would hang the call forever"
        )
    if isinstance(timeout, httpx.Timeout):
        budget, connect = float(timeout.read or 0), float(timeout.connect or 0)
    else:
        budget, connect = float(timeout), float(DEFAULT_TIMEOUT.connect or 0)
    return httpx.Timeout(budget, connect=min(connect, budget))


def check_proxy(proxy: object, where: str = "proxy") -> httpx.Proxy:
    """``proxy`` as an httpx.Proxy, or ConfigurationError (never showing its password)."""
    if not isinstance(proxy, str | httpx.URL | httpx.Proxy):
        raise ConfigurationError(f"{where} must be a proxy URL, got {describe_type(proxy)}")
    if not isinstance(proxy, httpx.Proxy):
        _refuse_split_credentials(str(proxy), where)
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
    if (
        not isinstance(size, int)
        or isinstance(size, bool)
        or not 1 <= size <= MAX_RESPONSE_SIZE_LIMIT
    ):
        raise ConfigurationError(
            f"max_response_size must be 1 to {MAX_RESPONSE_SIZE_LIMIT:,} bytes, "
            f"got {_shown_value(size)}"
        )
    return size


def ssl_verify(verify: Verify) -> bool | ssl.SSLContext:
    if isinstance(verify, bool | ssl.SSLContext):
        return verify
    if isinstance(verify, str | os.PathLike):
        try:
            return ssl.create_default_context(cafile=os.fspath(verify))
        except (OSError, ssl.SSLError, ValueError) as exc:
            raise ConfigurationError(
                f"verify: cannot load CA bundle {_shown_value(verify)}: {exc}"
            ) from None
    raise ConfigurationError(
        f"verify must be True, False or a CA bundle path, got {_shown_value(verify)}"
    )


def env_flag(name: str, environ: Mapping[str, str]) -> bool:
    """A boolean environment variable (1/true/yes/on or 0/false/no/off, any case)."""
    value = environ.get(name, "").strip().lower()
    if value in _TRUE_WORDS:
        return True
    if value in _FALSE_WORDS:
        return False
    raise ConfigurationError(f"{name} must be true or false, got {_shown_value(environ[name])}")


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
        settings["token"] = token_from_env(env)
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


def token_from_env(env: Mapping[str, str]) -> str:
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
            f"max_retries must be 0 to {MAX_RETRIES_LIMIT}, got {_shown_value(max_retries)}"
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
        the first that is wrong (its message never shows the token).
        """
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
            raise ConfigurationError(f"limits must be an httpx.Limits, got {_shown_value(limits)}")
        settings.limits = limits
        return settings

    def __setattr__(self, name: str, value: object) -> None:
        if hasattr(self, name):
            raise AttributeError(f"Settings are frozen: {name} is already set")
        super().__setattr__(name, value)
