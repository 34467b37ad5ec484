"""What the fake records of every request it receives (:attr:`FakeAuthentik.requests`), the
API token masked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from .._public import publish
from .._secrets import MASK, is_secret_name
from . import _json

if TYPE_CHECKING:
    from ._fake import FakeAuthentik


def _masked(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: MASK if is_secret_name(str(k)) else _masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(item) for item in value]
    return value


@attrs.frozen
class RecordedRequest:
    """A request the fake received. ``headers`` are lower-cased, the token masked; ``json`` is
    the parsed body (None if absent or not JSON), shown masked in ``repr()``.
    """

    method: str
    path: str
    headers: dict[str, str]
    json: Any = attrs.field(repr=_masked)
    body: bytes = attrs.field(repr=False)


def record(
    fake: FakeAuthentik, method: str, path: str, headers: dict[str, str], body: bytes
) -> None:
    """Add the request to the fake's :attr:`~FakeAuthentik.requests`: its body parsed when it
    is JSON, the ``Authorization`` header's credentials masked.
    """
    try:
        parsed = _json.parse(body) if body else None
    except _json.ParseError:
        parsed = None
    shown = dict(headers)
    if "authorization" in shown:
        scheme = shown["authorization"].partition(" ")[0]
        shown["authorization"] = f"{scheme} {MASK}"
    fake._requests.append(RecordedRequest(method, path, shown, parsed, body))


publish(RecordedRequest, module="plex_source_client.testing")
