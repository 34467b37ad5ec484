"""The asynchronous client: :class:`~._core.ClientCore`'s flows performed with
``httpx.AsyncClient`` and ``asyncio.sleep``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
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
from ._http import attempts, clients
from ._http.transports import Backend
from ._listing import DEFAULT_PAGE_SIZE, Pager
from ._models import PlexSource, RawResponse
from ._public import publish

_T = TypeVar("_T")


async def _asyncio_sleep(seconds: float) -> None:
    import asyncio  # here, not at import: a script using only the sync client never pays for it

    await asyncio.sleep(seconds)


class AsyncPlexSourceClient:
    """The async twin of :class:`PlexSourceClient`: same options, same errors; ``await`` it.

    ::

        async with AsyncPlexSourceClient.from_env() as client:
            source = await client.update("my-plex", name="Plex")

    Options: :class:`PlexSourceClient`'s (``http_client`` an ``httpx.AsyncClient``). Requests
    travel over httpx, on sharded connection pools; ``backend`` is kept so that code written
    for earlier releases still runs: ``"auto"`` (default) and ``"httpx"`` both mean that. The
    ``"aiohttp"`` backend was removed (no faster against a real server: benchmarks/); asking
    for it is a ConfigurationError. In Jupyter, use top-level ``await``. Calls may run
    concurrently on one client.
    """

    _sleep = staticmethod(_asyncio_sleep)

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
        http_client: httpx.AsyncClient | None = None,
        server_version: str | None = None,
        backend: Backend = "auto",
    ) -> None:
        if backend not in ("auto", "httpx"):
            if str(backend) == "aiohttp":  # typed out, but older untyped code may pass it
                raise ConfigurationError(
                    "the aiohttp backend was removed: it was no faster against a real server;"
                    " omit backend (httpx over sharded connection pools is the only one)"
                )
            raise ConfigurationError(f"backend must be auto or httpx, got {backend!r}")
        self.backend = backend
        settings = Settings.check(
            url=url, token=token, timeout=timeout, max_retries=max_retries,
            max_response_size=max_response_size, verify=verify, validate=validate,
            allow_insecure_http=allow_insecure_http, limits=limits, server_version=server_version,
        )  # fmt: skip
        if http_client is None:
            call_timeout = settings.timeout or DEFAULT_TIMEOUT
            self._http, secrets = clients.async_client(settings, proxy, call_timeout)
            self._owns_http = True
        else:
            clients.check_own_client(http_client, httpx.AsyncClient)
            if proxy is not None:
                raise ConfigurationError("proxy cannot be combined with http_client: set it there")
            call_timeout = settings.timeout or finite_or_default(http_client.timeout)
            self._http, secrets = http_client, clients.own_client_secrets(http_client)
            self._owns_http = False
        self._core = ClientCore(settings, self._http, timeout=call_timeout, proxy_secrets=secrets)

    @classmethod
    def from_env(
        cls, *, environ: Mapping[str, str] | None = None, **options: Any
    ) -> AsyncPlexSourceClient:
        """A client configured from the environment, as :meth:`PlexSourceClient.from_env`."""
        return cls(**{**settings_from_env(environ, given=options), **options})

    # -- changing ------------------------------------------------------------------------------

    async def update(
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

        The same checks, release handling and errors as :meth:`PlexSourceClient.update`.
        Returns (awaited) the source as the server now has it.
        """
        wanted = given("AsyncPlexSourceClient.update", changes, CHANGE_KEYWORDS, ("timeout",))
        return (await self._drive(self._core.update_flow(slug, wanted, timeout))).source

    async def update_from_mapping(
        self, slug: str, changes: Mapping[str, Any], *, timeout: Timeout | NotGiven = NOT_GIVEN
    ) -> PlexSource:
        """:meth:`update` with the changes as a mapping (see
        :meth:`PlexSourceClient.update_from_mapping`).
        """
        return (await self._drive(self._core.update_flow(slug, changes, timeout))).source

    async def update_raw(
        self, slug: str, changes: Mapping[str, Any], *, timeout: Timeout | NotGiven = NOT_GIVEN
    ) -> RawResponse:
        """:meth:`update_from_mapping`, returning a :class:`RawResponse` (see
        :meth:`PlexSourceClient.update_raw`).
        """
        return await self._drive(self._core.update_flow(slug, changes, timeout))

    # -- reading -------------------------------------------------------------------------------

    async def get(self, slug: str, *, timeout: Timeout | NotGiven = NOT_GIVEN) -> PlexSource:
        """The Plex source ``slug`` as the server has it (see :meth:`PlexSourceClient.get`)."""
        return (await self._drive(self._core.get_flow(slug, timeout))).source

    async def diff(
        self, slug: str, /, *, timeout: Timeout | NotGiven = NOT_GIVEN, **changes: Unpack[Changes]
    ) -> SourceDiff:
        """What :meth:`update` with these keywords would change, changing nothing (see
        :meth:`PlexSourceClient.diff`).
        """
        wanted = given("AsyncPlexSourceClient.diff", changes, CHANGE_KEYWORDS, ("timeout",))
        return await self._drive(self._core.diff_flow(slug, wanted, timeout))

    async def diff_from_mapping(
        self, slug: str, changes: Mapping[str, Any], *, timeout: Timeout | NotGiven = NOT_GIVEN
    ) -> SourceDiff:
        """:meth:`diff` with the changes as a mapping (see
        :meth:`PlexSourceClient.diff_from_mapping`).
        """
        return await self._drive(self._core.diff_flow(slug, changes, timeout))

    def list(
        self,
        *,
        page_size: int = DEFAULT_PAGE_SIZE,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        **filters: Unpack[ListFilters],
    ) -> AsyncIterator[PlexSource]:
        """Every Plex source, fetched lazily a page at a time: ``async for source in
        client.list()``. The filters, checks and errors of :meth:`PlexSourceClient.list`
        (a bad filter is an :class:`InvalidRequest` when this is called).
        """
        wanted = given(
            "AsyncPlexSourceClient.list", filters, FILTER_KEYWORDS, ("page_size", "timeout")
        )
        return self._pages(self._core.pager(wanted, page_size, timeout))

    async def _pages(self, pager: Pager) -> AsyncIterator[PlexSource]:
        await self._drive(self._core.before_listing(pager))
        while True:
            page, more = await self._drive(self._core.page_flow(pager))
            for source in page.results:
                yield source
            if not more:
                return

    @property
    def server_version(self) -> str | None:
        """The server's authentik release, as :attr:`PlexSourceClient.server_version`."""
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

    async def _drive(self, flow: Flow[_T]) -> _T:
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
                    outcome = await attempts.send_async(self._http, step)
                else:
                    await self._sleep(step.seconds)
                    outcome = None
                try:
                    step = flow.send(outcome)
                except StopIteration as done:
                    result: _T = done.value
                    return result
        finally:
            flow.close()

    async def aclose(self) -> None:
        """Close the connection pool (not an ``http_client`` you passed in)."""
        self._core.close()
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> AsyncPlexSourceClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return self._core.describe(type(self).__name__)


publish(AsyncPlexSourceClient)
