"""What both clients share, with no I/O: :class:`ClientCore` checks each call, prepares its
requests and runs its logic as flows of steps (:mod:`._flow`), which each client performs with
its own I/O. Each client holds one core (composition: the clients have no common base class).

The server's authentik release (:mod:`._releases`) is learned once per client, by one GET of
``/api/v3/admin/version/`` (any valid token may read it), and only when a change or a list's
ordering depends on it (:func:`~._changes.needs_release`); or it is given
(``server_version``). Failing to learn it is not an error: the change is then checked by the
server, and its answer for ignored fields.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any, Final, TypeVar

import httpx

from . import _answers, _changes, _diff, _logs, _releases
from ._answers import Page
from ._config import NOT_GIVEN, NotGiven, Settings, Timeout, check_timeout
from ._errors import (
    APIError,
    ConfigurationError,
    InvalidRequest,
    TransportError,
    UnexpectedResponse,
    masked_copy,
)
from ._flow import Finisher, Flow, Prepared, Sleep, request_flow
from ._listing import FILTERS, Pager, list_query
from ._models import RawResponse
from ._releases import Release, writable_since
from ._results import checked_patch_result, page_result, source_result, version_result
from ._secrets import Secret
from ._text import describe_type

logger = logging.getLogger("plex_source_client")

_T = TypeVar("_T")

#: The keywords ``update()`` and ``diff()`` take besides ``timeout``: the writable fields.
CHANGE_KEYWORDS: Final = frozenset(_changes.FIELD_NAMES)
#: The filters ``list()`` takes besides ``page_size`` and ``timeout``.
FILTER_KEYWORDS: Final = frozenset(FILTERS)

#: How often a call waiting for another's version request looks whether it has ended (s).
_LEARNING_POLL: Final = 0.02
#: A call on a closed client (after ``close()``, or its ``with`` block): refused, not sent
#: over a pool the client no longer answers for.
CLOSED_MESSAGE: Final = (
    "the client is closed: nothing was sent (make the calls inside its with block, or use a "
    "new client)"
)

#: The writable fields not every release has: the only ones a server can ignore.
_RELEASE_FIELDS: Final = frozenset(
    field.name for field in _changes.FIELDS if writable_since(field.wire) is not None
)


def given(
    method: str, keywords: Mapping[str, object], known: frozenset[str], others: tuple[str, ...]
) -> Mapping[str, object]:
    """``keywords`` (a method's ``**changes`` or ``**filters``) without those passed as
    ``NOT_GIVEN`` (the same as leaving them out); a TypeError like Python's own, naming
    ``method`` and the closest of its keywords (``known`` and its ``others``), for the first
    one ``known`` lacks: ``Unpack[Changes]`` types ``**changes`` for type checkers only.
    """
    if not keywords.keys() <= known:
        name = next(key for key in keywords if key not in known)
        message = f"{method}() got an unexpected keyword argument {name!r}"
        hint = _changes.suggest(name, (*sorted(known), *others))
        raise TypeError(f"{message}; {hint}" if hint else message)
    for value in keywords.values():
        if value is NOT_GIVEN:
            return {key: v for key, v in keywords.items() if v is not NOT_GIVEN}
    return keywords


def require_mapping(changes: object) -> None:
    """InvalidRequest unless ``changes`` is a mapping of field names to values."""
    if not isinstance(changes, Mapping):
        raise InvalidRequest(
            {
                "changes": [
                    f"Must be a mapping of field names to values, got {describe_type(changes)}."
                ]
            }
        )


class ClientCore:
    """A client's settings and state (the server's release, once known), and every call's
    logic: checking it, preparing its requests, turning answers into results or errors.
    """

    def __init__(
        self,
        settings: Settings,
        http: httpx.Client | httpx.AsyncClient,
        *,
        timeout: httpx.Timeout,
        proxy_secrets: tuple[Secret, ...] = (),
    ) -> None:
        self.settings = settings
        self.base_url = settings.base_url
        self.timeout = timeout
        self.max_retries = settings.max_retries
        self.validate = settings.validate
        self._build_request = http.build_request  # no I/O: merges the client's own settings
        self.release: Release | None = settings.release
        # Shown as parsed, never as written: only digits and dots reach a message.
        self.release_text: str | None = None if self.release is None else str(self.release)
        self._release_settled = self.release is not None  # given, learned, or never told
        self._learning = False  # a call is asking the server its release right now
        #: The secrets this client holds, to mask wherever a text could show them.
        self.secrets: tuple[str, ...] = (
            settings.token.reveal(), *(secret.reveal() for secret in proxy_secrets)
        )  # fmt: skip
        #: What a 2xx answer must not carry (see :func:`._flow._refuse_echoed_credentials`):
        #: the API token only; a proxy's password never reaches authentik.
        self.echoed: tuple[str, ...] = (settings.token.reveal(),)
        # Built once; httpx.Headers masks the Authorization header in its repr. Only the
        # encodings the client decodes itself, with bounded output, are accepted.
        self._headers = httpx.Headers(
            {
                "Authorization": f"Bearer {settings.token.reveal()}",
                "Content-Type": "application/json",
                "Accept": "application/json",
                "Accept-Encoding": "gzip, deflate",
            }
        )
        self._read_headers = httpx.Headers(  # a GET has no body, so no Content-Type
            {key: value for key, value in self._headers.items() if key != "content-type"}
        )
        self._urls: dict[str, httpx.URL] = {}
        self.closed = False
        # The HTTP libraries log what the server sent (httpx at INFO, httpcore at DEBUG):
        # masked there too, for as long as this client lives.
        _logs.register(self, self.secrets)

    def close(self) -> None:
        """Refuse every later call, and stop masking this client's secrets in log records:
        the client is closed (an ``http_client`` the user passed in stays open, and would
        otherwise carry calls whose records were no longer masked).
        """
        self.closed = True
        _logs.unregister(self)

    def _require_open(self) -> None:
        """ConfigurationError when the client is closed: nothing is sent."""
        if self.closed:
            raise ConfigurationError(CLOSED_MESSAGE)

    def describe(self, name: str) -> str:
        """The client's repr: ``name(url=..., token='***', ...)``."""
        return (
            f"{name}(url={self.base_url!r}, token='***', timeout={self.timeout!r}, "
            f"max_retries={self.max_retries}, validate={self.validate}, "
            f"server_version={self.release_text!r})"
        )

    # -- the calls, as flows ------------------------------------------------------------------

    def update_flow(
        self, slug: str, changes: Mapping[str, object], timeout: Timeout | NotGiven
    ) -> Flow[RawResponse]:
        """Check and send a PATCH; first learn the server's release if the changes need it
        (after the checks that do not: a bad change costs no request).
        """
        prepared = self._masking(changes, partial(self._prepare_patch, slug, changes, timeout))
        if self._wants_release(changes):
            yield from self.learn_release(timeout)
            prepared = self._masking(changes, partial(self._prepare_patch, slug, changes, timeout))
        return (yield from request_flow(prepared))

    def get_flow(self, slug: str, timeout: Timeout | NotGiven) -> Flow[RawResponse]:
        """The GET of source ``slug``; the path slug is checked as for a PATCH."""
        prepared = self._masking(None, partial(self._prepare_get, slug, timeout))
        return (yield from request_flow(prepared))

    def _prepare_get(self, slug: str, timeout: Timeout | NotGiven) -> Prepared[RawResponse]:
        """:meth:`get_flow`'s checks and request."""
        problems = _changes.path_slug_problems(slug)
        if problems:
            raise InvalidRequest({"slug": problems})
        return self._prepare_read(
            self.base_url + _changes.source_path(slug), (), timeout,
            partial(source_result, release=self.release),
        )  # fmt: skip

    def diff_flow(
        self, slug: str, changes: Mapping[str, Any], timeout: Timeout | NotGiven
    ) -> Flow[_diff.SourceDiff]:
        """Check ``changes`` (learning the release if they depend on it), GET the source and
        compare.
        """
        self._masking(changes, partial(self._check_diff, slug, changes))
        if self._wants_release(changes):
            yield from self.learn_release(timeout)
            self._masking(changes, partial(self._check_diff, slug, changes))
        raw = yield from self.get_flow(slug, timeout)
        return self._masking(
            changes, partial(_diff.compute_diff, raw.source, changes, validate=self.validate)
        )

    def pager(
        self, filters: Mapping[str, object], page_size: int, timeout: Timeout | NotGiven
    ) -> Pager:
        """A list's pager, every filter and option checked first (InvalidRequest)."""
        query = self._masking(
            filters, partial(list_query, filters, page_size, *self._checked_release())
        )
        self._masking(None, partial(check_timeout, timeout))
        return Pager(query, page_size, timeout, filters, owner=self)

    def before_listing(self, pager: Pager) -> Flow[None]:
        """Before the first page: when a filter or the ordering names a field some releases
        lack, learn the release (once per client) and refuse what it lacks: the server would
        silently ignore it, listing every source.
        """
        if self._release_settled or not pager.needs_release:
            return
        yield from self.learn_release(pager.timeout)
        release, shown = self._checked_release()
        if release is not None:
            list_query(pager.filters, pager.page_size, release, shown)

    def page_flow(self, pager: Pager) -> Flow[tuple[Page, bool]]:
        """The GET of the page ``pager`` is at, checked against the pagination so far; the
        page, and whether another follows.
        """
        prepared = self._prepare_read(
            self.base_url + _changes.LIST_PATH,
            pager.params(),
            pager.timeout,
            partial(page_result, release=self.release),
            not_found=_answers.LIST_NOT_FOUND
            if pager.page == 1
            else "no such page (did the list shrink while it was read?)",
            expected="a page of Plex sources",
        )
        page = yield from request_flow(prepared)
        return page, pager.advance(page, prepared.url)

    # -- checks -------------------------------------------------------------------------------

    def _masking(self, given: Mapping[str, object] | None, check: Callable[[], _T]) -> _T:
        """``check()``; its InvalidRequest or ConfigurationError with the client's secrets and
        those the call sends (``given``'s Plex token) masked: a token pasted into another
        field or option is quoted by its message. Raised outside the handler: the error that
        quotes it is on no chain.
        """
        try:
            return check()
        except (InvalidRequest, ConfigurationError) as exc:
            secrets = (*self.secrets, *_changes.sent_secrets(given))
            masked = masked_copy(exc, secrets)
            if masked is None:
                raise
        raise masked

    def _check_diff(self, slug: str, changes: Mapping[str, Any]) -> None:
        """What ``diff()`` refuses before sending anything: the path slug and the changes."""
        require_mapping(changes)
        errors = {}
        slug_problems = _changes.path_slug_problems(slug)
        if slug_problems:
            errors["slug"] = slug_problems
        release, shown = self._checked_release()
        errors.update(
            _changes.change_errors(changes, validate=self.validate, release=release, shown=shown)
        )
        if errors:
            raise InvalidRequest(errors)

    def _checked_release(self) -> tuple[Release | None, str]:
        """The release changes are checked against, and how messages name it: the server's
        when known, else None (the server decides; its answer shows what it ignored).
        """
        if self.release is not None:
            return self.release, self.release_text or str(self.release)
        return None, ""

    # -- the server's release -----------------------------------------------------------------

    def _wants_release(self, changes: Mapping[str, Any]) -> bool:
        """Whether checking ``changes`` needs the release, and it is still to be learned."""
        return not self._release_settled and _changes.needs_release(changes, validate=self.validate)

    def learn_release(self, timeout: Timeout | NotGiven) -> Flow[None]:
        """Ask the server its release (one attempt, no retries) and keep it for this client.

        Not an error when it will not say (a 403 or 404 from a proxy guarding
        ``/api/v3/admin/``, another body, no answer in time): the release stays unknown for
        this client's life, so a broken endpoint costs one attempt, once. While one call asks,
        concurrent ones (async tasks, threads) wait for its answer instead of asking too.
        """
        prepared = self._prepare_read(
            self.base_url + _answers.VERSION_PATH, (), timeout, version_result,
            not_found="no version endpoint", expected="authentik's version", retries=0,
        )  # fmt: skip
        if self._learning:
            waited_until = time.monotonic() + prepared.budget
            while self._learning and time.monotonic() < waited_until:
                yield Sleep(_LEARNING_POLL)
            return
        self._learning = True
        try:
            release = yield from request_flow(prepared)
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
        self.release, self.release_text, self._release_settled = release, str(release), True

    # -- building requests --------------------------------------------------------------------

    def _call_timeout(self, timeout: Timeout | NotGiven) -> httpx.Timeout:
        if isinstance(timeout, NotGiven):
            return self.timeout
        checked = check_timeout(timeout)
        assert checked is not None  # noqa: S101 - given, so checked and normalized
        return checked

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

    def _prepare_patch(
        self, slug: str, changes: Mapping[str, object], timeout: Timeout | NotGiven
    ) -> Prepared[RawResponse]:
        """Validate and build the PATCH, or raise before anything is sent."""
        self._require_open()
        require_mapping(changes)
        try:
            release, shown = self._checked_release()
            content = _changes.build_body(
                slug, changes, validate=self.validate, release=release, shown=shown
            )
        except (AttributeError, TypeError) as exc:  # validate=False and a value of no JSON type
            raise InvalidRequest({"changes": [f"Cannot be sent as JSON: {exc}"]}) from None
        call_timeout = self._call_timeout(timeout)
        url = self.base_url + _changes.source_path(slug)
        try:
            request = self._build_request(
                "PATCH", self._parsed_url(url), content=content, headers=self._headers,
                timeout=call_timeout,
            )  # fmt: skip
        except (httpx.InvalidURL, ValueError) as exc:  # a path slug too long for a URL
            raise InvalidRequest({"slug": [f"Cannot be part of a URL: {exc}"]}) from None
        plex_token = changes.get("plex_token")
        if isinstance(plex_token, str):
            # Masked in every later error and log record of this client too: the server has
            # it now, and may quote it in another call's answer (round 42b).
            _logs.add(self, (plex_token,), sent=True)
        fields = tuple(changes)
        finish: Finisher[RawResponse]
        if _RELEASE_FIELDS.isdisjoint(fields):  # every release has them: none can be ignored
            finish = source_result
            if self.release is not None:
                finish = partial(source_result, release=self.release)
        else:
            finish = partial(
                checked_patch_result, fields=fields, url=url, release=self.release, owner=self
            )
        return Prepared(
            request, url, fields=fields, client_secrets=self.secrets, echoed=self.echoed,
            secrets=(
                (*self.secrets, plex_token, plex_token.strip())
                if isinstance(plex_token, str) else None
            ),
            budget=float(call_timeout.read or 0), limit=self.settings.max_response_size,
            retries=self.max_retries, finish=finish, owner=self,
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
    ) -> Prepared[_T]:
        """A GET of ``url`` with the query ``params``, ready for the request flow."""
        self._require_open()
        call_timeout = self._call_timeout(timeout)
        try:
            request = self._build_request(
                "GET", self._parsed_url(url), params=list(params) or None,
                headers=self._read_headers, timeout=call_timeout,
            )  # fmt: skip
        except (httpx.InvalidURL, ValueError) as exc:  # a path slug too long for a URL
            raise InvalidRequest({"slug": [f"Cannot be part of a URL: {exc}"]}) from None
        return Prepared(
            request, url if not params else str(request.url), client_secrets=self.secrets,
            echoed=self.echoed,
            budget=float(call_timeout.read or 0), limit=self.settings.max_response_size,
            retries=self.max_retries if retries is None else retries, finish=finish,
            not_found=not_found, expected=expected, owner=self,
        )  # fmt: skip
