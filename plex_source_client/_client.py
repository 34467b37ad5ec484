"""The synchronous client: :class:`~._core.ClientCore`'s flows performed with ``httpx.Client``
and ``time.sleep``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from types import TracebackType
from typing import Any, TypeVar, Unpack

import httpx

from ._answers import DEFAULT_MAX_RESPONSE_SIZE
from ._config import (
    DEFAULT_LIMITS,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    NOT_GIVEN,
    NotGiven,
    Proxy,
    Settings,
    Timeout,
    Verify,
    finite_or_default,
    settings_from_env,
)
from ._core import CHANGE_KEYWORDS, FILTER_KEYWORDS, ClientCore, given
from ._diff import SourceDiff
from ._errors import ConfigurationError
from ._flow import Flow, Send
from ._generated.spec import Changes, ListFilters
from ._http import attempts, clients, deadline
from ._listing import DEFAULT_PAGE_SIZE, Pager
from ._models import PlexSource, RawResponse
from ._public import publish

_T = TypeVar("_T")


class PlexSourceClient:
    """Changes authentik Plex sources; use it as a context manager (or call :meth:`close`).

    ::

        with PlexSourceClient(url="https://auth.example.com", token="...") as client:
            source = client.update("my-plex", enabled=False)

    ``url`` is authentik's root URL (or its ``/api/v3``) and ``token`` an API token. Keyword
    options: ``timeout`` (seconds each attempt may take, connecting included; default 30, of
    which connecting at most 5), ``max_retries`` (default 2), ``max_response_size`` (bytes,
    after decompression; default 1 MiB), ``verify`` (TLS: True, False or a CA bundle path),
    ``validate`` (default True; False sends values unchecked), ``allow_insecure_http`` (permit
    ``http://`` to a remote host), ``limits`` (the connection pool's), ``proxy`` (a proxy URL
    for every request; by default the environment's ``HTTPS_PROXY``, ``NO_PROXY``, ...),
    ``http_client`` (your own ``httpx.Client``; you close it) and ``server_version`` (the
    server's authentik release, e.g. ``"2025.12"``; by default learned from the server, once,
    when a change depends on it). A bad option is a :class:`ConfigurationError`. Never uses
    asyncio, so it works inside Jupyter.
    """

    _sleep = staticmethod(time.sleep)

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
        http_client: httpx.Client | None = None,
        server_version: str | None = None,
    ) -> None:
        settings = Settings.check(
            url=url, token=token, timeout=timeout, max_retries=max_retries,
            max_response_size=max_response_size, verify=verify, validate=validate,
            allow_insecure_http=allow_insecure_http, limits=limits, server_version=server_version,
        )  # fmt: skip
        if http_client is None:
            call_timeout = settings.timeout or DEFAULT_TIMEOUT
            self._http, secrets = clients.sync_client(settings, proxy, call_timeout)
            self._owns_http = True
        else:
            # Their client keeps its own settings (verify, proxies, headers, its timeout when
            # finite and none is given here); we only never follow redirects with the token.
            clients.check_own_client(http_client, httpx.Client)
            if proxy is not None:
                raise ConfigurationError("proxy cannot be combined with http_client: set it there")
            call_timeout = settings.timeout or finite_or_default(http_client.timeout)
            self._http, secrets = http_client, clients.own_client_secrets(http_client)
            self._owns_http = False
            deadline.install(deadline.client_transports(http_client))
        self._core = ClientCore(settings, self._http, timeout=call_timeout, proxy_secrets=secrets)

    @classmethod
    def from_env(
        cls, *, environ: Mapping[str, str] | None = None, **options: Any
    ) -> PlexSourceClient:
        """A client configured like authentik's Terraform provider, from the environment.

        ``AUTHENTIK_URL``, ``AUTHENTIK_TOKEN`` (or ``AUTHENTIK_TOKEN_FILE``, a file holding the
        token), ``AUTHENTIK_INSECURE`` (true: skip TLS certificate checks) and
        ``AUTHENTIK_SERVER_VERSION``. Keyword ``options`` (``timeout``, ``max_retries``, ...)
        are passed on and win over the environment. ``environ`` defaults to ``os.environ``.
        """
        return cls(**{**settings_from_env(environ, given=options), **options})

    # -- changing ------------------------------------------------------------------------------

    def update(
        self, slug: str, /, *, timeout: Timeout | NotGiven = NOT_GIVEN, **changes: Unpack[Changes]
    ) -> PlexSource:
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

        A keyword passed as ``NOT_GIVEN`` is left out, as if not passed. Fields a release
        lacks (``promoted`` and ``icon`` before 2025.12) are refused before sending when the
        server's release is known: given as ``server_version``, or learned once per client
        from the server when such a field (or a slug over 50 characters) is first changed.

        Returns the source as the server now has it. Raises :class:`InvalidRequest` before
        sending anything if a value breaks the API's rules, and an :class:`APIError`,
        :class:`UnexpectedResponse`, :class:`NotApplied` (the server ignored a field: its
        release lacks it) or :class:`TransportError` for what the server did.
        """
        wanted = given("PlexSourceClient.update", changes, CHANGE_KEYWORDS, ("timeout",))
        return self._drive(self._core.update_flow(slug, wanted, timeout)).source

    def update_from_mapping(
        self, slug: str, changes: Mapping[str, Any], *, timeout: Timeout | NotGiven = NOT_GIVEN
    ) -> PlexSource:
        """:meth:`update` with the changes as a mapping of field names (as :meth:`update`'s
        keywords) to values, for config-driven callers. Unknown keys are an
        :class:`InvalidRequest` that suggests the closest field name.
        """
        return self._drive(self._core.update_flow(slug, changes, timeout)).source

    def update_raw(
        self, slug: str, changes: Mapping[str, Any], *, timeout: Timeout | NotGiven = NOT_GIVEN
    ) -> RawResponse:
        """:meth:`update_from_mapping`, returning a :class:`RawResponse`: the parsed source plus
        the status, headers, request id, attempts and elapsed time.
        """
        return self._drive(self._core.update_flow(slug, changes, timeout))

    # -- reading -------------------------------------------------------------------------------

    def get(self, slug: str, *, timeout: Timeout | NotGiven = NOT_GIVEN) -> PlexSource:
        """The Plex source ``slug`` as the server has it.

        The same checks, limits and errors as :meth:`update`: an invalid ``slug`` is an
        :class:`InvalidRequest` before anything is sent, an unknown one a :class:`NotFound`;
        a GET changes nothing, so it is retried like a PATCH. ``timeout``: each attempt's
        budget, for this call only.
        """
        return self._drive(self._core.get_flow(slug, timeout)).source

    def diff(
        self, slug: str, /, *, timeout: Timeout | NotGiven = NOT_GIVEN, **changes: Unpack[Changes]
    ) -> SourceDiff:
        """What :meth:`update` with these keywords would change: a :class:`SourceDiff` of the
        fields whose current value (one GET) differs from the requested one, compared as the
        server stores them (see :func:`compute_diff`). Nothing is changed.

        The keywords are :meth:`update`'s, checked the same way (an :class:`InvalidRequest`
        before anything is sent); ``diff.patch()`` is the minimal change to send, and
        ``diff.unchanged`` says whether there is any.
        """
        wanted = given("PlexSourceClient.diff", changes, CHANGE_KEYWORDS, ("timeout",))
        return self._drive(self._core.diff_flow(slug, wanted, timeout))

    def diff_from_mapping(
        self, slug: str, changes: Mapping[str, Any], *, timeout: Timeout | NotGiven = NOT_GIVEN
    ) -> SourceDiff:
        """:meth:`diff` with the changes as a mapping keyed by :meth:`update`'s keyword names
        (as :meth:`update_from_mapping`), for changes read from a config file.
        """
        return self._drive(self._core.diff_flow(slug, changes, timeout))

    def list(
        self,
        *,
        page_size: int = DEFAULT_PAGE_SIZE,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        **filters: Unpack[ListFilters],
    ) -> Iterator[PlexSource]:
        """Every Plex source, fetched lazily a page at a time (``page_size`` sources a request,
        1 to 1,000, default 100): iterate it (``for source in client.list()``).

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
        wanted = given("PlexSourceClient.list", filters, FILTER_KEYWORDS, ("page_size", "timeout"))
        return self._pages(self._core.pager(wanted, page_size, timeout))

    def _pages(self, pager: Pager) -> Iterator[PlexSource]:
        self._drive(self._core.before_listing(pager))
        while True:
            page, more = self._drive(self._core.page_flow(pager))
            yield from page.results
            if not more:
                return

    @property
    def server_version(self) -> str | None:
        """The server's authentik release (``"2025.12.2"``; ``"2025.12"`` for 2025.12.0), as
        given (``server_version``) or as the server reported it; None until the client needed
        and learned it, or when the server would not say.
        """
        return self._core.release_text

    @property
    def base_url(self) -> str:
        """The API root requests go to (the URL given, ending in ``/api/v3``)."""
        return self._core.base_url

    @property
    def timeout(self) -> httpx.Timeout:
        """Each attempt's budget (``read``), of which connecting may take ``connect``."""
        return self._core.timeout

    @property
    def max_retries(self) -> int:
        """Retries after a connection error, a timeout, 429, 502, 503 or 504."""
        return self._core.max_retries

    @property
    def validate(self) -> bool:
        """Whether changes are checked before sending."""
        return self._core.validate

    # -- I/O -----------------------------------------------------------------------------------

    def _drive(self, flow: Flow[_T]) -> _T:
        """Run ``flow`` to its result, sending its requests and sleeping its waits."""
        try:
            step = next(flow)
        except StopIteration as done:  # a flow with nothing to send
            finished: _T = done.value
            return finished
        # Closed however the run ends (a cancelled task, Ctrl-C, an error kept by the caller):
        # the flow's own cleanup runs now (a release lookup in progress is given up), not
        # whenever the kept traceback lets the suspended flow go.
        try:
            while True:
                if isinstance(step, Send):
                    outcome = attempts.send(self._http, step)
                else:
                    self._sleep(step.seconds)
                    outcome = None
                try:
                    step = flow.send(outcome)
                except StopIteration as done:
                    result: _T = done.value
                    return result
        finally:
            flow.close()

    def close(self) -> None:
        """Close the connection pool (not an ``http_client`` you passed in)."""
        self._core.close()
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> PlexSourceClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return self._core.describe(type(self).__name__)


publish(PlexSourceClient)
