"""What the sync and async clients share: configuration, request building, the retry loop and
response handling. Nothing here does I/O.

The update itself is a generator (:meth:`BaseClient._update_flow`), as httpx does for auth
flows: it yields :class:`Send` and :class:`Sleep` steps and receives each step's outcome. The
sync client runs it with ``httpx.Client`` and ``time.sleep``, the async one with
``httpx.AsyncClient`` and ``asyncio.sleep``; everything else is written once, here.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import ssl
import sys
import time
from collections.abc import Callable, Generator, Mapping, Sequence
from typing import Any, Final, Generic, Literal, Self, TypeVar
from urllib.parse import urlsplit, urlunsplit
from uuid import UUID

import httpx

from . import _changes, _retry
from ._errors import (
    APIError,
    BadRequest,
    ConfigurationError,
    NotFound,
    PermissionDenied,
    RateLimited,
    RequestTimeout,
    ServerError,
    TransportError,
    UnexpectedResponse,
    UnexpectedStatus,
    format_field_errors,
)
from ._generated.models import GroupMatchingModeEnum, PolicyEngineMode, UserMatchingModeEnum
from ._models import PlexSource, RawResponse
from ._secrets import Secret, redact, redact_json
from ._version import __version__

logger = logging.getLogger("plex_source_client")

API_PATH: Final = "/api/v3"

#: Connect within 5 s; each read, write and pool wait within 30 s. The generated client and the
#: official one wait forever by default: a dead server would hang a CI job.
DEFAULT_TIMEOUT: Final = httpx.Timeout(30.0, connect=5.0)
DEFAULT_MAX_RETRIES: Final = 2
#: Keep every connection the pool opens alive (httpx keeps 20 of 100), so concurrent updates
#: reuse connections instead of reconnecting.
DEFAULT_LIMITS: Final = httpx.Limits(max_connections=100, max_keepalive_connections=100)
_PYTHON: Final = ".".join(map(str, sys.version_info[:3]))
USER_AGENT: Final = f"plex-source-client/{__version__} httpx/{httpx.__version__} python/{_PYTHON}"
REQUEST_ID_HEADER: Final = "X-Authentik-Id"
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


NOT_GIVEN: Final = NotGiven()

Timeout = float | httpx.Timeout
Verify = bool | str | ssl.SSLContext


# --- configuration ----------------------------------------------------------------------------


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def api_base_url(url: str, *, allow_insecure_http: bool = False) -> str:
    """The API root for ``url``: the authentik root gets ``/api/v3`` appended; a URL already
    ending in ``/api/v3`` is kept. A trailing slash does not matter.

    Refuses URLs that would leak the token: credentials in the URL, and plain ``http://`` to a
    host other than this machine unless ``allow_insecure_http``.
    """
    if not isinstance(url, str) or not url.strip():
        raise ConfigurationError("url must be the authentik URL, e.g. https://auth.example.com")
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(
            f"url must start with https:// (or http://) and name a host, got {url!r}"
        )
    if parts.username is not None or parts.password is not None:
        raise ConfigurationError(
            "url must not contain credentials; pass the API token as token= instead"
        )
    if parts.query or parts.fragment:
        raise ConfigurationError(f"url must not have a query or fragment, got {url!r}")
    if parts.scheme == "http" and not allow_insecure_http and not _is_loopback(parts.hostname):
        raise ConfigurationError(
            f"refusing to send the API token in clear text to {parts.scheme}://{parts.netloc}: "
            "use https://, or pass allow_insecure_http=True (plex-source: --allow-insecure-http) "
            "if this network is trusted"
        )
    path = parts.path.rstrip("/")
    if not path.endswith(API_PATH):
        path += API_PATH
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def _check_token(token: object) -> Secret:
    if isinstance(token, Secret):
        token = token.reveal()
    if not isinstance(token, str) or not token.strip():
        raise ConfigurationError("token must be a non-empty authentik API token")
    if token != token.strip() or any(c in token for c in "\r\n\t "):
        raise ConfigurationError("token must not contain spaces or line breaks")
    return Secret(token)


def _check_timeout(timeout: Timeout | NotGiven) -> httpx.Timeout | None:
    if isinstance(timeout, NotGiven):
        return None
    if isinstance(timeout, httpx.Timeout):
        values = [timeout.connect, timeout.read, timeout.write, timeout.pool]
    elif isinstance(timeout, int | float) and not isinstance(timeout, bool):
        values = [float(timeout)]
    else:
        raise ConfigurationError(f"timeout must be seconds or an httpx.Timeout, got {timeout!r}")
    if any(v is None or v <= 0 for v in values):
        raise ConfigurationError(
            f"timeout must be a positive number of seconds, got {timeout!r}: "
            "without a limit a dead server would hang the call forever"
        )
    return timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(float(timeout))


def _ssl_verify(verify: Verify) -> bool | ssl.SSLContext:
    if isinstance(verify, bool | ssl.SSLContext):
        return verify
    if isinstance(verify, str | os.PathLike):
        try:
            return ssl.create_default_context(cafile=os.fspath(verify))
        except (OSError, ssl.SSLError) as exc:
            raise ConfigurationError(f"verify: cannot load CA bundle {verify!r}: {exc}") from None
    raise ConfigurationError(f"verify must be True, False or a CA bundle path, got {verify!r}")


def env_flag(name: str, environ: Mapping[str, str]) -> bool:
    """A boolean environment variable (1/true/yes/on or 0/false/no/off, any case)."""
    value = environ.get(name, "").strip().lower()
    if value in _TRUE_WORDS:
        return True
    if value in _FALSE_WORDS:
        return False
    raise ConfigurationError(f"{name} must be true or false, got {environ[name]!r}")


def settings_from_env(
    environ: Mapping[str, str] | None = None, *, given: Mapping[str, object] = {}
) -> dict[str, Any]:
    """``url``, ``token`` and ``verify`` from authentik's Terraform provider variables.

    ``AUTHENTIK_URL``, ``AUTHENTIK_TOKEN`` (or ``AUTHENTIK_TOKEN_FILE``, a file holding it) and
    ``AUTHENTIK_INSECURE`` (true: do not verify TLS certificates). Settings in ``given`` are
    not looked up (and so need not be set).
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
    return settings


def _token_from_env(env: Mapping[str, str]) -> str:
    token = env.get("AUTHENTIK_TOKEN", "").strip()
    token_file = env.get("AUTHENTIK_TOKEN_FILE", "").strip()
    if not token and token_file:
        try:
            with open(token_file, encoding="utf-8") as f:
                token = f.read().strip()
        except OSError as exc:
            raise ConfigurationError(
                f"AUTHENTIK_TOKEN_FILE: cannot read {token_file}: {exc.strerror}"
            ) from None
    if not token:
        raise ConfigurationError("AUTHENTIK_TOKEN (or AUTHENTIK_TOKEN_FILE) is not set")
    return token


# --- the sans-I/O update flow -----------------------------------------------------------------


class Send:
    """Step: send ``request``; the outcome is the response (body read) or the httpx error."""

    __slots__ = ("request",)

    def __init__(self, request: httpx.Request) -> None:
        self.request = request


class Sleep:
    """Step: wait ``seconds`` before the next attempt; the outcome is None."""

    __slots__ = ("seconds",)

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds


Step = Send | Sleep
Outcome = httpx.Response | httpx.RequestError | None
Flow = Generator[Step, Outcome, RawResponse]

_HttpT = TypeVar("_HttpT", httpx.Client, httpx.AsyncClient)
_ResultT = TypeVar("_ResultT")
_RawT = TypeVar("_RawT")


def _request_id(response: httpx.Response) -> str | None:
    request_id: str | None = response.headers.get(REQUEST_ID_HEADER)
    return request_id


def _body_of(response: httpx.Response) -> Any:
    """The parsed JSON body, or its text when it is not JSON."""
    try:
        return response.json()
    except ValueError:  # JSONDecodeError, UnicodeDecodeError
        return response.text


def _snippet(text: str, limit: int = 200) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def field_errors(body: Any) -> dict[str, list[str]]:
    """Authentik's 400 body as ``{field: [message, ...]}``, like :class:`InvalidRequest`'s.

    DRF nests errors of list items by index (``{"allowed_servers": {"0": [...]}}``); those
    become ``"Item 0: ..."`` messages. A JSON array body becomes ``non_field_errors``.
    """
    if isinstance(body, list):
        body = {"non_field_errors": body}
    if not isinstance(body, dict):
        return {"non_field_errors": [_snippet(str(body))]} if body else {}

    def messages(value: Any) -> list[str]:
        if isinstance(value, list):
            return [m for item in value for m in messages(item)]
        if isinstance(value, dict):
            return [f"Item {key}: {m}" for key, item in value.items() for m in messages(item)]
        return [str(value)]

    return {str(key): messages(value) for key, value in body.items() if key != "code"}


def _parse_source(response: httpx.Response) -> PlexSource:
    """The response body as a PlexSource, or ValueError saying why it is not one."""
    try:
        data = response.json()
    except ValueError:
        content_type = response.headers.get("Content-Type", "no content type")
        raise ValueError(
            f"the body is not JSON ({content_type}): {_snippet(response.text, 100)!r}"
        ) from None
    if not isinstance(data, dict):
        raise ValueError(f"expected a JSON object, got {type(data).__name__}")
    missing = [name for name in _REQUIRED_RESPONSE_FIELDS if name not in data]
    if missing:
        raise ValueError(f"missing required field(s): {', '.join(missing)}")
    try:
        return PlexSource.from_dict(data)
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        raise ValueError(f"a field has the wrong type ({type(exc).__name__}: {exc})") from None


_REQUIRED_RESPONSE_FIELDS: Final = (
    "pk",
    "name",
    "slug",
    "component",
    "verbose_name",
    "verbose_name_plural",
    "meta_model_name",
    "managed",
    "icon",
    "plex_token",
)


class _Prepared:
    """A validated update, ready to send (and resend). Plain slots: made on every call."""

    __slots__ = ("fields", "method", "request", "secrets", "url")

    def __init__(
        self, request: httpx.Request, url: str, fields: tuple[str, ...], secrets: tuple[str, ...]
    ) -> None:
        self.request = request
        self.method = request.method
        self.url = url
        self.fields = fields
        self.secrets = secrets


class BaseClient(Generic[_HttpT, _ResultT, _RawT]):
    """Configuration and logic shared by :class:`PlexSourceClient` and its async twin.

    ``_ResultT``/``_RawT`` are what ``update``/``update_raw`` return: the value itself for the
    sync client, an awaitable of it for the async one. So each public method is written once.
    """

    _http: _HttpT

    def __init__(
        self,
        *,
        url: str,
        token: str,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        verify: Verify = True,
        validate: bool = True,
        allow_insecure_http: bool = False,
        limits: httpx.Limits = DEFAULT_LIMITS,
        http_client: _HttpT | None = None,
    ) -> None:
        self.base_url = api_base_url(url, allow_insecure_http=allow_insecure_http)
        self._token = _check_token(token)
        # Built once; httpx.Headers masks the Authorization header in its repr.
        self._headers = httpx.Headers(
            {
                "Authorization": f"Bearer {self._token.reveal()}",
                "Content-Type": "application/json",
                "Accept": "application/json",
            }
        )
        if not isinstance(max_retries, int) or isinstance(max_retries, bool) or max_retries < 0:
            raise ConfigurationError(f"max_retries must be 0 or more, got {max_retries!r}")
        self.max_retries = max_retries
        self.validate = bool(validate)
        explicit_timeout = _check_timeout(timeout)
        self._verify = _ssl_verify(verify)
        if http_client is None:
            self.timeout: httpx.Timeout | None = explicit_timeout or DEFAULT_TIMEOUT
            self._http = self._create_http_client(
                timeout=self.timeout,
                verify=self._verify,
                follow_redirects=False,
                headers={"User-Agent": USER_AGENT},
                limits=limits,
            )
            self._owns_http = True
        else:
            # Their client keeps its own settings (verify, proxies, headers, its timeout unless
            # one is given here); we only never follow redirects with the token.
            self.timeout = explicit_timeout
            self._http = http_client
            self._owns_http = False

    def _create_http_client(self, **settings: Any) -> _HttpT:
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
            f"timeout={self.timeout!r}, max_retries={self.max_retries}, validate={self.validate})"
        )

    # -- the public verbs, written once for both clients --

    def update(
        self,
        slug: str,
        *,
        name: str | NotGiven = NOT_GIVEN,
        new_slug: str | NotGiven = NOT_GIVEN,
        enabled: bool | NotGiven = NOT_GIVEN,
        authentication_flow: UUID | str | NotGiven | None = NOT_GIVEN,
        enrollment_flow: UUID | str | NotGiven | None = NOT_GIVEN,
        user_property_mappings: Sequence[UUID | str] | NotGiven = NOT_GIVEN,
        group_property_mappings: Sequence[UUID | str] | NotGiven = NOT_GIVEN,
        policy_engine_mode: PolicyEngineMode | Literal["all", "any"] | NotGiven = NOT_GIVEN,
        user_matching_mode: UserMatchingModeEnum
        | Literal["identifier", "email_link", "email_deny", "username_link", "username_deny"]
        | NotGiven = NOT_GIVEN,
        user_path_template: str | NotGiven = NOT_GIVEN,
        group_matching_mode: GroupMatchingModeEnum
        | Literal["identifier", "name_link", "name_deny"]
        | NotGiven = NOT_GIVEN,
        client_id: str | NotGiven = NOT_GIVEN,
        allowed_servers: Sequence[str] | NotGiven = NOT_GIVEN,
        allow_friends: bool | NotGiven = NOT_GIVEN,
        plex_token: str | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
    ) -> _ResultT:
        """Change the Plex source ``slug``; only the fields you pass are sent.

        ``new_slug`` renames the source (it is the body's ``slug``). ``None`` clears
        ``authentication_flow`` or ``enrollment_flow`` (sent as JSON null); no other field
        accepts it. Enum fields take the enum or its string. ``timeout`` overrides the
        client's for this call.

        Returns the source as the server now has it. Raises :class:`InvalidRequest` before
        sending anything if a value breaks the API's rules, and an :class:`APIError`,
        :class:`UnexpectedResponse` or :class:`TransportError` for what the server did.
        """
        changes = {
            key: value
            for key, value in locals().items()
            if key in _changes.FIELDS_BY_NAME and not isinstance(value, NotGiven)
        }
        return self.update_from_mapping(slug, changes, timeout=timeout)

    def update_from_mapping(
        self, slug: str, changes: Mapping[str, Any], *, timeout: Timeout | NotGiven = NOT_GIVEN
    ) -> _ResultT:
        """:meth:`update` with the changes as a mapping of field names (as :meth:`update`'s
        keywords) to values, for config-driven callers. Unknown keys are an
        :class:`InvalidRequest` that suggests the closest field name.
        """
        return self._run_for_source(lambda: self._prepare(slug, changes, timeout))

    def update_raw(
        self, slug: str, changes: Mapping[str, Any], *, timeout: Timeout | NotGiven = NOT_GIVEN
    ) -> _RawT:
        """:meth:`update_from_mapping`, returning a :class:`RawResponse`: the parsed source plus
        the status, headers, request id, attempts and elapsed time.
        """
        return self._run_for_raw(lambda: self._prepare(slug, changes, timeout))

    def _run_for_raw(self, prepare: Callable[[], _Prepared]) -> _RawT:
        """Prepare, then run the update flow with this client's I/O (sync or async)."""
        raise NotImplementedError

    def _run_for_source(self, prepare: Callable[[], _Prepared]) -> _ResultT:
        """:meth:`_run_for_raw`, keeping only the parsed source."""
        raise NotImplementedError

    # -- building the request (pure) --

    def _prepare(
        self,
        slug: str,
        changes: Mapping[str, object],
        timeout: Timeout | NotGiven,
    ) -> _Prepared:
        """Validate and build the request, or raise before anything is sent."""
        content = _changes.build_body(slug, changes, validate=self.validate)
        call_timeout = self.timeout if isinstance(timeout, NotGiven) else _check_timeout(timeout)
        url = self.base_url + _changes.source_path(slug)
        request = self._http.build_request(
            "PATCH",
            url,
            content=content,
            headers=self._headers,
            timeout=call_timeout if call_timeout is not None else httpx.USE_CLIENT_DEFAULT,
        )
        plex_token = changes.get("plex_token")
        secrets = (self._token.reveal(), plex_token if isinstance(plex_token, str) else "")
        return _Prepared(request, url, tuple(changes), secrets)

    # -- the retry loop (pure: yields steps, the subclass performs them) --

    def _update_flow(self, prepared: _Prepared) -> Flow:
        method, url = prepared.method, prepared.url
        started = time.monotonic()
        debug = logger.isEnabledFor(logging.DEBUG)
        if debug:
            logger.debug("%s %s: sending fields %s", method, url, ", ".join(prepared.fields) or "-")
        attempt = 0
        while True:
            attempt += 1
            attempt_started = time.monotonic()
            outcome = yield Send(prepared.request)
            assert outcome is not None  # noqa: S101 - a Send always gets an outcome
            if debug:
                self._log_attempt(prepared, outcome, attempt, time.monotonic() - attempt_started)
            status: int | None = None
            retry_after: float | None = None
            if isinstance(outcome, httpx.Response):
                if outcome.is_success:
                    break
                status = outcome.status_code
                retry_after = _retry.parse_retry_after(outcome.headers.get("Retry-After"))
            delay = None
            if attempt <= self.max_retries:
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
                self.max_retries,
                delay,
            )
            yield Sleep(delay)
        return self._finish(prepared, outcome, attempt, time.monotonic() - started)

    def _log_attempt(
        self, prepared: _Prepared, outcome: Outcome, attempt: int, elapsed: float
    ) -> None:
        if isinstance(outcome, httpx.Response):
            logger.debug(
                "%s %s -> %d in %.3fs (attempt %d of %d, request id %s)",
                prepared.method,
                prepared.url,
                outcome.status_code,
                elapsed,
                attempt,
                self.max_retries + 1,
                _request_id(outcome) or "-",
            )
        else:
            logger.debug(
                "%s %s -> no answer in %.3fs (attempt %d of %d): %s",
                prepared.method,
                prepared.url,
                elapsed,
                attempt,
                self.max_retries + 1,
                _transport_reason(outcome, prepared.secrets),
            )

    def _finish(
        self, prepared: _Prepared, outcome: Outcome, attempts: int, elapsed: float
    ) -> RawResponse:
        """The final outcome as a RawResponse, or the typed error it stands for."""
        method, url = prepared.method, prepared.url
        if not isinstance(outcome, httpx.Response):
            reason = _transport_reason(outcome, prepared.secrets)
            kind = RequestTimeout if isinstance(outcome, httpx.TimeoutException) else TransportError
            raise kind(reason, method=method, url=url, attempts=attempts) from None
        where: dict[str, Any] = {
            "method": method,
            "url": url,
            "status_code": outcome.status_code,
            "request_id": _request_id(outcome),
            "attempts": attempts,
        }
        if outcome.is_success:
            try:
                source = _parse_source(outcome)
            except ValueError as exc:
                raise UnexpectedResponse(
                    redact(str(exc), prepared.secrets),
                    body=redact(outcome.text, prepared.secrets),
                    **where,
                ) from None
            return RawResponse(
                source=source,
                status_code=outcome.status_code,
                request_id=where["request_id"],
                attempts=attempts,
                elapsed=elapsed,
                headers=outcome.headers,
                http_response=outcome,
            )
        raise _api_error(outcome, prepared.secrets, where)


def _transport_reason(outcome: Outcome, secrets: tuple[str, ...]) -> str:
    text = str(outcome) or type(outcome).__name__
    return redact(f"{type(outcome).__name__}: {text}", secrets)


def _api_error(
    response: httpx.Response, secrets: tuple[str, ...], where: dict[str, Any]
) -> APIError:
    """The typed error for a non-2xx response."""
    status = response.status_code
    body = redact_json(_body_of(response), secrets)
    detail = body.get("detail") if isinstance(body, dict) else None
    if isinstance(detail, str):
        summary = detail
    elif isinstance(body, str):
        summary = _snippet(body) if body.strip() else response.reason_phrase or "no body"
    else:
        summary = _snippet(str(body))
    kwargs: dict[str, Any] = {**where, "body": body}
    if status == 400:
        errors = field_errors(body)
        return BadRequest(format_field_errors(errors) or summary, errors=errors, **kwargs)
    if status == 403:
        return PermissionDenied(summary, **kwargs)
    if status == 404:
        return NotFound(f"no Plex source with this slug ({summary})", **kwargs)
    if status == 429:
        retry_after = _retry.parse_retry_after(response.headers.get("Retry-After"))
        return RateLimited(summary, retry_after=retry_after, **kwargs)
    if status >= 500:
        return ServerError(summary, **kwargs)
    if response.is_redirect:
        location = response.headers.get("Location")
        return UnexpectedStatus(
            f"redirected to {location}; not followed, because the request carries your API "
            "token. Give the client the final URL (https:// if this was http://)",
            location=location,
            **kwargs,
        )
    return UnexpectedStatus(summary, **kwargs)
