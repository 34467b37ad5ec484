"""Faults a test queues on the fake (``fail_next``, ``drop_next``, ``corrupt_next``): each
replaces the answer to one PATCH or GET, as a proxy or a hostile server would (no ``Allow``);
the dispatch (:func:`._views.dispatch`) applies them in order.
"""

from __future__ import annotations

import json
from http import HTTPStatus

import attrs


@attrs.define
class Fault:
    """One queued fault: what it does, and for "fail" and "corrupt" the answer."""

    kind: str  # "fail", "drop" or "corrupt"
    status: int = 200
    headers: dict[str, str] = attrs.field(factory=dict)
    body: bytes = b""


def failure(status: int, retry_after: float | None, body: str | bytes | None) -> Fault:
    """The fault of :meth:`~plex_source_client.testing.FakeAuthentik.fail_next`: ``status``,
    with authentik's ``{"detail": ...}`` JSON or ``body`` (HTML if it starts with ``<``).
    """
    headers: dict[str, str] = {}
    if retry_after is not None:
        headers["Retry-After"] = f"{retry_after:g}"
    if body is None:
        content = json.dumps({"detail": HTTPStatus(status).phrase}).encode()
        headers["Content-Type"] = "application/json"
    else:
        content = body.encode() if isinstance(body, str) else body
        is_html = content.lstrip().startswith(b"<")
        headers["Content-Type"] = "text/html" if is_html else "text/plain"
    return Fault("fail", status, headers, content)


def corruption(body: str | bytes) -> Fault:
    """The fault of :meth:`~plex_source_client.testing.FakeAuthentik.corrupt_next`: 200 with
    ``body``, as HTML if it starts with ``<``, else as JSON.
    """
    content = body.encode() if isinstance(body, str) else body
    is_html = content.lstrip().startswith(b"<")
    content_type = "text/html" if is_html else "application/json"
    return Fault("corrupt", 200, {"Content-Type": content_type}, content)
