"""What a 2xx answer becomes, for each request of :class:`._core.ClientCore` (the
``finish`` of its :class:`._flow.Prepared`): a source's :class:`RawResponse`, a list's
:class:`Page`, the server's release; or the error it stands for (:class:`NotApplied`: a
PATCH whose changed field the server ignored). Pure: the flow has read the answer.
"""

from __future__ import annotations

from . import _answers, _changes, _logs
from ._answers import Page
from ._errors import NotApplied
from ._http.body import Answer
from ._models import RawResponse, secrets_held
from ._releases import Release, writable_since


def source_result(
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
    source = _answers.parse_source(answer, secrets, release)
    return RawResponse(
        source=source,
        status_code=answer.status_code,
        request_id=_answers.request_id_hiding(request_id, secrets_held(source)),
        attempts=attempts,
        elapsed=elapsed,
        headers=answer.response.headers,
        http_response=answer.response,
        content=answer.content,
    )


def page_result(
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
    request_id = _answers.request_id_hiding(request_id, secrets_held(page))
    page.status_code, page.request_id, page.attempts = answer.status_code, request_id, attempts
    return page


def version_result(
    answer: Answer, secrets: tuple[str, ...], attempts: int, elapsed: float, request_id: str | None
) -> Release:
    """A 2xx answer of the version endpoint: the release it names."""
    return _answers.parse_version(answer, secrets)


def checked_patch_result(
    answer: Answer,
    secrets: tuple[str, ...],
    attempts: int,
    elapsed: float,
    request_id: str | None,
    *,
    fields: tuple[str, ...],
    url: str,
    release: Release | None,
    owner: object,
) -> RawResponse:
    """A PATCH's 2xx answer as a RawResponse; :class:`NotApplied` when it shows the server
    ignored a changed field (its release lacks it). The error names the request id unless it
    repeats a token the answer stores or the client (``owner``) learned from earlier answers.
    """
    # Parsed as from any release first: a field ignored is NotApplied even when the release
    # given (server_version) is wrong, not an answer "missing" that release's fields.
    raw = source_result(answer, secrets, attempts, elapsed, request_id)
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
            request_id=_answers.request_id_hiding(raw.request_id, _logs.learned(owner)),
            attempts=attempts,
        )  # fmt: skip
    if release is not None:
        _answers.require_release_fields(raw.source, release)
    return raw
