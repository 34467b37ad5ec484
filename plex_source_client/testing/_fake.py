"""The fake authentik, :class:`FakeAuthentik`: its state, serving and faults; what it emulates.

One implementation, no sockets: :meth:`FakeAuthentik.handle` turns a request into an answer
(:func:`._views.dispatch`: the route, a queued fault, DRF's dispatch, the handler).
The socket server and the in-process httpx transport (:mod:`._server`) both call it. Its
answers are checked against a real authentik 2024.8.2's on 87 recorded raw requests and a
real 2026.2.2's on 88 (tests/test_replay.py, shared/authentik/<release>/recorded-answers.json).

What it implements, as authentik 2024.8 (Django REST framework) does (and other releases,
see *Releases*):

- **Releases.** ``FakeAuthentik(version="2026.2")`` plays that authentik release (default
  2024.8.2; 2024.8 and newer, as the client supports; ``fake.version`` as given,
  ``fake.release`` parsed), with the changes :mod:`plex_source_client._releases` dates.
  *Shape*: a field the release lacks is absent from every answer; from 2025.12.0
  ``promoted`` (default false) and ``icon`` as the stored value (``""`` when none) with the
  read-only ``icon_url`` (the Plex icon ``/static/authentik/sources/plex.svg`` when there is
  none, as ``PlexSource.icon_url`` falls back to it; an ``http(s)://`` or ``fa://`` URL or a
  ``/static/`` path as it is; any other value a file below ``/files/media/public/``), and
  from 2025.12.2 ``icon_themed_urls`` (null unless the icon holds ``%(theme)s``, then
  ``{"light": ..., "dark": ...}``, each resolved as ``icon_url``); keys in the serializer's
  order (2026.2.2's schema). Before 2025.12, ``icon`` is the read-only resolved URL.
  *Validation*: the slug's 50-character limit until 2025.12; ``promoted`` a
  ``BooleanField``, ``icon`` a ``CharField(allow_blank=True)`` (trimmed, no NUL, not null);
  a body field the release cannot write is ignored, as DRF ignores unknown fields.
  *Listing*: a filter or ``ordering`` term naming a field the release lacks is ignored; from
  2025.12.0 (the fake's guess: 2026.2.2 has them, 2024.8.2 not) the answer carries
  ``autocomplete: {}``, the list takes ``pbm_uuid`` (the pk; not a UUID: 400 ``Enter a
  valid UUID.``) and ``ordering`` may name ``promoted`` and ``icon``. *Version*:
  ``GET``/``HEAD /api/v3/admin/version/`` (authentik's ``VersionView``, ``IsAuthenticated``:
  any valid token, the unprivileged one too; no or a bad token: the 403s below) answers
  ``version_current`` and ``version_latest`` (the release as authentik writes it: ``2026.2``
  is ``2026.2.0``), ``version_latest_valid: true``, ``build_hash: ""``, ``outdated: false``,
  ``outpost_outdated: false``; other methods 405, ``OPTIONS`` 501; every answer carries
  ``Allow: GET, HEAD, OPTIONS``; faults never apply to it. ``version_endpoint=False``
  answers it as a path no route matches (404 to a GET), as a proxy blocking
  ``/api/v3/admin/`` would. *Messages* (:mod:`._shape` dates each): from 2025.10 an unknown
  slug's 404 says ``No PlexSource matches the given query.`` (DRF 3.15+ passes Django's
  ``Http404`` message on; 3.14 said ``Not found.``); from 2025.12 a non-Bearer scheme is
  denied like no header (``You do not have permission...``), the slug's pattern message is
  Django's ``validate_slug``'s (typographic quotes), and a stored file's ``icon_url`` (and
  themed URLs) carry the ``?token=`` JWT authentik's local file backend signs them with
  (HS256, the fake's own random key; valid 15 minutes from 15 seconds back; the same URL
  while valid); answers are signed, :attr:`FakeAuthentik.sources` keeps them unsigned.

- **Routes.** DRF's router for the Plex source viewset: ``/api/v3/sources/plex/`` (list) and
  ``/api/v3/sources/plex/<slug>/`` (detail; the slug matches ``[^/.]+`` after
  percent-decoding; the trailing slash is required; a query string is ignored). A path below
  ``/api/v3/`` that no route matches reaches a GET-only Django view: 405 with
  ``Allow: GET, HEAD, OPTIONS`` and an empty body for any other method.
- **Operations.** Detail: ``GET``/``HEAD`` (retrieve; HEAD without a body), ``PATCH``
  (partial update: only sent fields change, a body ``slug`` renames), ``PUT`` (full update:
  ``name``, ``slug`` and ``plex_token`` required, optional fields left out keep their values,
  the same validation), ``DELETE`` (204). List: ``GET``/``HEAD`` (see *Listing*), ``POST``
  (create: validated as a PUT; 201 with the new source, no flows, a generated ``client_id``).
  Any other method: 405 ``Method "X" not allowed.``. Every answer of the two views carries
  DRF's ``Allow`` (``GET, PUT, PATCH, DELETE, HEAD, OPTIONS``; ``GET, POST, HEAD, OPTIONS``).
- **Listing** (``sources_plex_list``, :mod:`._listing`), as authentik's viewset with DRF's
  ``PageNumberPagination`` and authentik's ``pagination`` wrapper (``next``/``previous`` page
  numbers, 0 when there is none; ``count``, ``current``, ``total_pages``, ``start_index``,
  ``end_index``): ``page`` (default 1; ``last``; anything else that is not a page: 404
  ``Invalid page.``) and ``page_size`` (:func:`~._listing.page_size`: until 2026.2 default
  100, authentik's ``PAGE_SIZE``, no maximum, a value that is not a positive whole number
  falls back to 100, as DRF does; from 2026.2 the tenant's default 20 and maximum 100). Filters, as
  django-filter applies the viewset's ``filterset_fields``: exact matches on ``name``,
  ``slug``, ``client_id`` (trimmed; empty: no filter), ``enabled``/``allow_friends``
  (``true``/``false``/``True``/``False``/``1``/``0``... as Django's NullBooleanField reads
  them; anything else: no filter), the two flows (a pk the fake knows, else 400 ``Select a
  valid choice...``), the three enums (a choice, else 400); ``search``: every whitespace- or
  comma-separated term found, case-insensitively, in the name or the slug (DRF's
  ``SearchFilter`` on ``search_fields = ["name", "slug"]``); ``ordering``: comma-separated
  fields among :data:`~._listing.ORDERING_FIELDS`, ``-`` for descending, unknown terms
  dropped, by ``name`` when none is left (the viewset's ``ordering``). Ties are broken by
  slug, strings compared as Python compares them (a database collation may order case and
  accents otherwise) and nulls sort last ascending, first descending (as PostgreSQL does).
- **Dispatch**, in DRF's order (``APIView.initial``, then the handler). Content negotiation
  (:mod:`._conneg`; authentik renders JSON only): ``?format=`` other than ``json``: 404 ``Not
  found.``; an ``Accept`` that ``application/json`` does not satisfy: 406 ``Could not
  satisfy the request Accept header.``. Authentication: ``Authorization: Bearer <token>``
  (scheme case-insensitive) with the admin token or the unprivileged one; an unknown token:
  403 ``Token invalid/expired``; another scheme: 403 ``Unsupported authentication type``
  (2025.12 on: no user); no header or no credentials: no user. Permissions, as authentik's
  ``ObjectPermissions`` and ``ObjectFilter``: on a detail route anyone passes (a method the
  route lacks is a 405 for anyone), then a read or write without the admin token is 403
  ``You do not have permission to perform this action.``, then 404 ``Not found.`` (2025.10
  on: ``No PlexSource matches the given query.``) for an unknown slug. On the list, a method
  outside DRF's ``perms_map`` is 405; no user: 403 ``Authentication credentials were not
  provided.``; the unprivileged token: 403 ``You do not have permission...`` (reads too).
- **Parsing.** A body needs a ``Content-Type`` DRF matches to ``application/json`` (else 415
  naming the header as sent) and is decoded with its ``charset`` (:mod:`._conneg`); an empty
  body is no data. The body is parsed as ``ORJSONParser`` does (:mod:`._json`): not text
  in its charset, malformed, nested 1025 levels deep: 400 ``JSON parse error - ...`` with
  orjson's wording and position, from the fake's own scanner (not the interpreter's
  ``json``: the same on any Python). JSON ``null``: ``No data provided``; another
  non-object: ``Invalid data. Expected a dictionary, but got <type>.``. Bodies over
  :attr:`FakeAuthentik.max_body_size` (1 MiB): 413.
- **Validation** (:mod:`._drf`), every field error at once, in DRF's shapes and words:
  strings as ``CharField`` (numbers coerced, ``str.strip()``-trimmed, never blank, no NUL
  character), the slug's length, pattern and uniqueness, ``BooleanField``'s coercions,
  choices, flows and property mappings as ``PrimaryKeyRelatedField`` (``""`` or ``null``
  clears a flow; pks parsed as Django's ``UUIDField`` parses them and looked up among
  :meth:`~FakeAuthentik.add_flow` / :meth:`~FakeAuthentik.add_property_mapping`; mappings
  kept once each), ``allowed_servers`` as ``ListField(child=CharField())`` (errors by index).
  Read-only and unknown fields are ignored.

What it does not: ``OPTIONS`` (DRF's metadata) answers 501 saying so; a ``GET`` of a path no
route matches answers 404 (the real catch-all view's page is not emulated); the viewset's
extra routes (``redeem_token/``, ``<slug>/used_by/``); sessions, CSRF, throttling;
per-object permissions (the admin token sees every source, the unprivileged one none);
authentik's query-language search (2026.2 tries it first; the fake searches as its fallback,
DRF's ``SearchFilter``);
other authentik objects (flows and property mappings are only pks that exist). Faults
(``fail_next``, ``drop_next``, ``corrupt_next``) apply to PATCHes by default, or to GETs
(of a source or of the list) with ``method="GET"``, as a proxy's would: their answers carry
no ``Allow``. Every request is recorded in :attr:`FakeAuthentik.requests` with its method
and path (query string included): the most recent 10,000, bodies up to 32 MiB in all.
"""

from __future__ import annotations

import copy
import secrets
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterable, Mapping
from typing import Any, Final

import attrs
import httpx

from .. import _config
from .._async_client import AsyncPlexSourceClient
from .._client import PlexSourceClient
from .._public import publish
from .._releases import OLDEST_SUPPORTED, SUPPORTED, Release, parse_release
from . import _conneg, _shape, _views
from ._faults import Fault, corruption, failure
from ._recording import RecordedRequest, Recording
from ._server import (
    DEFAULT_IDLE_TIMEOUT,
    DEFAULT_MAX_BODY_SIZE,
    DROP,
    Answer,
    SocketServer,
    Transport,
    too_large,
)
from ._views import ASGI_SERVER_ERROR, SERVER_ERROR_PAGE

#: The release the fake plays unless told otherwise (the one recorded answers check).
DEFAULT_VERSION: Final = "2024.8.2"
DEFAULT_AUTHENTICATION_FLOW: Final = "default-source-authentication"
"""The slug of authentik's default source authentication flow, which every fake has (its pk is
``fake.default_authentication_flow``)."""
DEFAULT_ENROLLMENT_FLOW: Final = "default-source-enrollment"
"""The slug of authentik's default source enrollment flow, which every fake has (its pk is
``fake.default_enrollment_flow``)."""


class FakeAuthentik:
    """A stateful, fault-injecting fake of authentik's Plex source endpoint (2024.8.2's, or
    another release's with ``version=``).

    ::

        with FakeAuthentik() as fake:            # serving on 127.0.0.1:<free port>
            client = fake.client()               # a PlexSourceClient pointed at it
            client.update("plex", enabled=False)
            assert fake.sources["plex"]["enabled"] is False

    It keeps Plex sources by slug and applies real PATCH and PUT semantics (only sent fields
    change; a body ``slug`` renames; read-only and unknown fields are ignored; slugs are
    unique), answers with authentik's own status codes, DRF messages and ``Allow`` headers,
    and records every request (the module docstring lists what is and is not emulated).
    Without ``with`` (or :meth:`start`) it serves only in process, through :meth:`transport`.

    ``sources``: the Plex sources to start with (dicts of fields, ``slug`` required); by
    default one, ``plex``. ``version``: the authentik release to play (``"2026.2"``,
    ``"2025.12.2"``...; by default 2024.8.2, the one checked against recorded answers): its
    fields, validation, list filters and version endpoint (the module docstring's *Releases*).
    ``version_endpoint=False``: answer ``/api/v3/admin/version/`` as a path no route matches
    (404 to a GET, as a proxy blocking ``/api/v3/admin/`` would), for a client that cannot
    learn the release. ``idle_timeout``: seconds a connection may take to send a request once
    idle (over sockets). ``max_body_size``: the largest body in bytes (413 above it, in both
    modes). Thread-safe.
    """

    def __init__(
        self,
        sources: Iterable[Mapping[str, Any]] | None = None,
        *,
        version: str | Release = DEFAULT_VERSION,
        version_endpoint: bool = True,
        idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
        max_body_size: int = DEFAULT_MAX_BODY_SIZE,
    ) -> None:
        if not isinstance(version, str | Release):
            raise TypeError(
                "version: an authentik release as a string, like 2025.12 or 2024.8.2, "
                f"got {type(version).__name__}"
            )
        #: The authentik release played, parsed (``Release(2026, 2, 0)``).
        self.release: Final[Release] = parse_release(version)
        if self.release < OLDEST_SUPPORTED:
            raise ValueError(f"version: the fake plays {SUPPORTED}, got {self.release}")
        #: The release as given (``"2026.2"``).
        self.version: Final[str] = str(version)
        #: Whether ``/api/v3/admin/version/`` is served.
        self.version_endpoint: Final[bool] = bool(version_endpoint)
        self._fields = _shape.source_fields(self.release)
        self._lock = threading.RLock()
        #: Seconds a connection may take to send a request once idle (sockets; set before
        #: :meth:`start`). A client that sends nothing, or trickles, is disconnected.
        self.idle_timeout: float = idle_timeout
        #: The largest request body, in bytes; a larger one is answered 413 (see ``too_large``).
        self.max_body_size: int = max_body_size
        self._sources: dict[str, dict[str, Any]] = {}
        self._faults: dict[str, deque[Fault]] = {"PATCH": deque(), "GET": deque()}
        self._recording = Recording()
        #: The admin API token: may change sources.
        self.token: str = "ak-fake-admin-" + secrets.token_urlsafe(24)
        #: A valid API token whose user has no permission on sources.
        self.unprivileged_token: str = "ak-fake-user-" + secrets.token_urlsafe(24)
        #: Seconds added before every answer.
        self.latency: float = 0.0
        self._flows: dict[str, str] = {}
        self._property_mappings: set[str] = set()
        self._media_key = secrets.token_bytes(32)  # signs stored files' URLs (2025.12 on)
        self._signed_urls: dict[str, tuple[str, float]] = {}
        self.default_authentication_flow = self.add_flow(slug=DEFAULT_AUTHENTICATION_FLOW)
        self.default_enrollment_flow = self.add_flow(slug=DEFAULT_ENROLLMENT_FLOW)
        self._server: Any = None
        for source in [{"slug": "plex", "name": "Plex"}] if sources is None else sources:
            self.add_source(**source)

    # -- serving ------------------------------------------------------------------------------

    #: The URL an in-process client uses (``.invalid`` never resolves: nothing leaves the process).
    IN_PROCESS_URL: Final = "https://authentik.invalid"

    def start(self, *, port: int = 0) -> FakeAuthentik:
        """Serve on 127.0.0.1 at ``port`` (0: a free one), in a background thread (``with``
        does this). Raises :class:`OSError` when the port cannot be had.
        """
        with self._lock:
            if self._server is None:
                self._server = SocketServer(
                    self.handle,
                    port=port,
                    idle_timeout=self.idle_timeout,
                    max_body_size=self.max_body_size,
                )
        return self

    def stop(self) -> None:
        """Stop serving (the state stays)."""
        with self._lock:
            server, self._server = self._server, None
        if server is not None:
            server.close()

    def __enter__(self) -> FakeAuthentik:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The root URL to give a client: the socket server's, or :attr:`IN_PROCESS_URL`
        when not serving (for use with :meth:`transport`).
        """
        server = self._server
        return server.url if server is not None else self.IN_PROCESS_URL

    def transport(self) -> Transport:
        """An httpx transport (sync and async) that answers in process, with no sockets."""
        return Transport(self.handle)

    def client(self, **options: Any) -> PlexSourceClient:
        """A :class:`PlexSourceClient` for this fake, with its admin token: over the socket
        while serving, else in process. ``options`` go to the client (``max_retries``, ...).
        """
        settings: dict[str, Any] = {"url": self.url, "token": self.token, **options}
        if self._server is None and "http_client" not in settings:
            settings["http_client"] = httpx.Client(
                transport=self.transport(), timeout=_config.DEFAULT_TIMEOUT
            )
        return PlexSourceClient(**settings)

    def async_client(self, **options: Any) -> AsyncPlexSourceClient:
        """:meth:`client`'s async twin."""
        settings: dict[str, Any] = {"url": self.url, "token": self.token, **options}
        if self._server is None and "http_client" not in settings:
            settings["http_client"] = httpx.AsyncClient(
                transport=self.transport(), timeout=_config.DEFAULT_TIMEOUT
            )
        return AsyncPlexSourceClient(**settings)

    def __repr__(self) -> str:
        serving = f"serving at {self.url}" if self._server is not None else "in process"
        played = "" if self.version == DEFAULT_VERSION else f" (authentik {self.version})"
        return f"<FakeAuthentik{played} {serving}, {len(self._sources)} source(s), token='***'>"

    # -- state --------------------------------------------------------------------------------

    def add_source(self, *, slug: str, name: str | None = None, **fields: Any) -> dict[str, Any]:
        """Create a Plex source, filling every read-only and defaulted field as authentik
        does; returns its JSON. ``fields`` may set any PlexSource field of the release played
        (``pk`` included; TypeError for a field it lacks, or one derived from ``icon``);
        ``client_id`` and ``plex_token`` default to random values, the flows to authentik's
        default source flows. From 2025.12, ``icon`` is the stored value (``icon_url`` and
        ``icon_themed_urls`` follow from it); before, the resolved URL answers carry.
        """
        _shape.check_fields(fields, self._fields, self.version)
        with self._lock:
            if slug in self._sources:
                raise ValueError(f"a source with slug {slug!r} already exists")
            values = {
                **_shape.defaults(self.release),
                "pk": str(uuid.uuid4()),
                "name": name if name is not None else slug,
                "slug": slug,
                "authentication_flow": str(self.default_authentication_flow),
                "enrollment_flow": str(self.default_enrollment_flow),
                "client_id": secrets.token_hex(12),
                "plex_token": "fake-plex-" + secrets.token_urlsafe(15),
                **fields,
            }
            source = {key: values[key] for key in self._fields}
            _shape.derive(source, self.release)
            self._sources[slug] = source
            return copy.deepcopy(source)

    def add_flow(self, pk: uuid.UUID | str | None = None, *, slug: str | None = None) -> uuid.UUID:
        """Register a flow that PATCHes may reference; returns its pk."""
        flow_pk = uuid.UUID(str(pk)) if pk is not None else uuid.uuid4()
        with self._lock:
            self._flows[str(flow_pk)] = slug or f"flow-{flow_pk.hex[:8]}"
        return flow_pk

    def add_property_mapping(self, pk: uuid.UUID | str | None = None) -> uuid.UUID:
        """Register a property mapping that PATCHes may reference; returns its pk."""
        mapping_pk = uuid.UUID(str(pk)) if pk is not None else uuid.uuid4()
        with self._lock:
            self._property_mappings.add(str(mapping_pk))
        return mapping_pk

    @property
    def sources(self) -> dict[str, dict[str, Any]]:
        """A snapshot of every source's JSON, by slug (a copy: changing it changes nothing)."""
        with self._lock:
            return copy.deepcopy(self._sources)

    @property
    def flows(self) -> dict[uuid.UUID, str]:
        """The flows PATCHes may reference: pk to slug (two default source flows at first)."""
        with self._lock:
            return {uuid.UUID(pk): slug for pk, slug in self._flows.items()}

    @property
    def property_mappings(self) -> set[uuid.UUID]:
        """The property mappings PATCHes may reference."""
        with self._lock:
            return {uuid.UUID(pk) for pk in self._property_mappings}

    @property
    def requests(self) -> list[RecordedRequest]:
        """The requests received so far, oldest first: the most recent 10,000, bodies up to
        32 MiB in all (a long-running fake stays bounded).
        """
        with self._lock:
            return self._recording.all()

    # -- faults -------------------------------------------------------------------------------

    def fail_next(
        self,
        count: int = 1,
        *,
        status: int = 503,
        retry_after: float | None = None,
        body: str | bytes | None = None,
        method: str = "PATCH",
    ) -> None:
        """Answer the next ``count`` PATCHes (or GETs, with ``method="GET"``) with ``status``,
        without applying them.

        ``retry_after`` sets a ``Retry-After`` header (for 429). ``body`` replaces the JSON
        ``{"detail": ...}`` body: HTML (a proxy's error page) if it starts with ``<``, text
        otherwise.
        """
        self._queue(count, failure(status, retry_after, body), method)

    def drop_next(self, count: int = 1, *, method: str = "PATCH") -> None:
        """Close the connection of the next ``count`` PATCHes (or GETs, with ``method="GET"``)
        without answering (not applied).
        """
        self._queue(count, Fault("drop"), method)

    def corrupt_next(
        self,
        count: int = 1,
        *,
        body: str | bytes = "<html><body>OK</body></html>",
        method: str = "PATCH",
    ) -> None:
        """Apply the next ``count`` PATCHes (or answer the next GETs, with ``method="GET"``),
        then answer 200 with ``body`` instead of the source or page (a proxy that mangles
        responses, a hostile server): as HTML if it starts with ``<``, else as JSON.
        """
        self._queue(count, corruption(body), method)

    def _queue(self, count: int, fault: Fault, method: str) -> None:
        if count < 1:
            raise ValueError(f"count must be at least 1, got {count}")
        if method not in self._faults:
            raise ValueError(f"faults apply to PATCH or GET requests, not {method!r}")
        with self._lock:
            self._faults[method].extend([fault] * count)

    # -- the server's behaviour ---------------------------------------------------------------

    def handle(self, method: str, path: str, headers: Mapping[str, str], body: bytes) -> Answer:
        """Answer one HTTP request as the release played would; :data:`DROP` for no answer.

        Never raises: whatever the request, the answer is one a real server could give.
        """
        if self.latency > 0:
            time.sleep(self.latency)
        if len(body) > self.max_body_size:
            return too_large(self.max_body_size)
        lowered = {k.lower(): v for k, v in headers.items()}
        if _conneg.breaks_the_request(lowered.get("content-type", "")):
            return Answer(500, {"Content-Type": "text/plain; charset=utf-8"}, ASGI_SERVER_ERROR)
        try:
            answer = _views.dispatch(self, method.upper(), path, lowered, body)
        except RecursionError:  # a value nested too deep for Python (as in Django): its 500
            answer = Answer(500, {"Content-Type": "text/html"}, SERVER_ERROR_PAGE)
        if answer is DROP:
            return answer
        if method.upper() == "HEAD":
            answer = attrs.evolve(answer, body=b"")
        return attrs.evolve(answer, headers={**answer.headers, "X-Authentik-Id": uuid.uuid4().hex})


publish(FakeAuthentik, module="plex_source_client.testing")
