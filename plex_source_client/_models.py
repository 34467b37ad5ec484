"""What the clients return: :class:`PlexSource` and, for power users, :class:`RawResponse`."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any

import attrs
import httpx

from ._display import in_schema_order
from ._generated.models import (
    GroupMatchingMode,
    PolicyEngineMode,
    ThemedUrls,
    UserMatchingMode,
)
from ._generated.models import PlexSource as _GeneratedPlexSource
from ._generated.models import plex_source as _generated_module
from ._generated.types import UNSET, Unset
from ._public import publish
from ._secrets import MASK, is_secret_name, redact, redact_json, stored_secrets

# The generated names are re-exported: plex_source_client takes them from here (published).
__all__ = [
    "UNSET",
    "GroupMatchingMode",
    "PlexSource",
    "PolicyEngineMode",
    "RawResponse",
    "ThemedUrls",
    "Unset",
    "UserMatchingMode",
]


class PlexSource(_GeneratedPlexSource):
    """A Plex source as authentik returns it (``PlexSource`` in the API schema).

    Every field of every authentik release from 2024.8 to 2026.2 is a typed attribute; a field
    the server's release lacks (``promoted`` before 2025.12, ``group_matching_mode`` before
    2024.8, ...) is ``UNSET``. Fields no known release has are kept in ``additional_properties``
    (and ``source["name"]``), and enum values a newer server adds parse as ``UNKNOWN`` members
    that keep their string. ``to_dict()`` gives the JSON back (``UNSET`` fields left out).
    ``str()`` (and ``print()``) names the source on one short line: its slug, name and whether
    it is enabled. ``repr()`` shows every field the answer has (``UNSET`` ones, and an empty
    ``additional_properties``, left out), ``plex_token`` and any other secret-named field masked,
    at any depth, and the values they hold masked wherever else the answer repeats them.
    """

    #: ``_page_secrets``: the secrets the other sources of the same list answer store (set
    #: when a page is parsed): the server may repeat one source's token in another's name.
    __slots__ = ("_page_secrets",)

    def __str__(self) -> str:
        stored = _stored(self)
        shown = ", ".join(
            f"{name}={_redacted(getattr(self, name), stored)!r}"
            for name in ("slug", "name", "enabled")
        )
        return f"{type(self).__name__}({shown})"

    def __repr__(self) -> str:
        stored = _stored(self)
        parts = []
        for field in attrs.fields(type(self)):
            value = getattr(self, field.name)
            if value is UNSET or (field.name == "additional_properties" and not value):
                continue
            if field.name == "additional_properties":
                value = redact_json(value, stored)  # secret-named keys masked, nested ones too
            elif is_secret_name(field.name):
                value = MASK
            else:
                value = _redacted(value, stored)
            parts.append(f"{field.name}={value!r}")
        return f"{type(self).__name__}({', '.join(parts)})"

    def to_dict(self) -> dict[str, Any]:
        """The source as JSON, in the order authentik sends its fields (``UNSET`` ones left
        out; fields no known release has, after them).
        """
        return in_schema_order(super().to_dict())

    def _repr_html_(self) -> str:
        """A compact table in Jupyter, secrets masked."""
        from ._display import html_table

        return html_table(self.to_dict(), _stored(self))


def _stored(source: PlexSource) -> tuple[str, ...]:
    """The secrets ``source`` stores (``plex_token``, secret-named keys of its
    ``additional_properties``) and those the other sources of its list answer store (see
    :func:`share_page_secrets`): showing it masks them wherever the answer repeats them.
    """
    page: tuple[str, ...] = getattr(source, "_page_secrets", ())
    return tuple(dict.fromkeys((*stored_secrets(source.to_dict()), *page)))


def share_page_secrets(sources: list[PlexSource], data: Any) -> None:
    """Give each of ``sources`` (parsed from one list answer, ``data``) the secrets the whole
    answer stores, to mask where it is shown: the server may repeat source A's ``plex_token``
    in source B's ``name``. One walk of the page, when it is parsed (not on update()'s path).
    """
    stored = stored_secrets(data)
    for source in sources:
        # A slot, not a field: no type hint (typing.get_type_hints shows the API's fields only).
        object.__setattr__(source, "_page_secrets", stored)


def _redacted(value: Any, stored: tuple[str, ...]) -> Any:
    """``value`` (a field's: text, an enum member, a list, an object, a nested model) with the
    ``stored`` secrets redacted in every string; other values (UUIDs, bools) as they are.
    An enum's ``UNKNOWN`` value keeps its type, so the copy still parses as the field's.
    """
    if not stored:
        return value
    if isinstance(value, str):
        shown = redact(value, stored)
        if shown == value:
            return value
        return type(value)(shown) if isinstance(value, StrEnum) else shown
    if isinstance(value, list):
        return [_redacted(item, stored) for item in value]
    if isinstance(value, dict):
        return redact_json(value, stored)
    if attrs.has(type(value)):
        changes = {
            field.name: _redacted(getattr(value, field.name), stored)
            for field in attrs.fields(type(value))
            if field.init
        }
        copy = attrs.evolve(value, **changes)
        if hasattr(value, "additional_properties"):
            copy.additional_properties = redact_json(value.additional_properties, stored)
        return copy
    return value


def _non_empty_text(value: object) -> bool:
    return isinstance(value, str) and bool(value)


def masked_source(source: PlexSource) -> PlexSource:
    """A copy of ``source`` with every secret it holds masked (``***``): each non-empty
    secret-named field (``plex_token``) and every secret-named key in ``additional_properties``,
    at any depth; and those values wherever else the source repeats them (its name, an enum's
    unknown value). For what is kept where a source is shown or travels on (an error's
    ``.source``, which pickles): the caller can get() the source for the real values.
    """
    secret_fields: dict[str, Any] = {
        field.name: MASK
        for field in attrs.fields(type(source))
        if field.init
        and is_secret_name(field.name)
        and _non_empty_text(getattr(source, field.name))
    }
    stored = _stored(source)
    shown: dict[str, Any] = {
        field.name: _redacted(getattr(source, field.name), stored)
        for field in attrs.fields(type(source))
        if field.init and field.name not in secret_fields
    }
    masked = attrs.evolve(source, **shown, **secret_fields)
    masked.additional_properties = redact_json(source.additional_properties, stored)
    return masked


# The generated module imports ThemedUrls for type checkers only (openapi-python-client avoids
# import cycles that way); give it the name, so typing.get_type_hints(PlexSource) resolves
# ``icon_themed_urls`` at run time too (attrs/cattrs-style tools, typeguard, notebooks).
_generated_module.ThemedUrls = ThemedUrls  # type: ignore[attr-defined]


@attrs.frozen
class RawResponse:
    """The parsed source plus what the HTTP exchange looked like, for power users.

    ``elapsed`` is in seconds, over every attempt; ``http_response`` is the final
    :class:`httpx.Response` (its request's headers mask the token when printed; its body was
    read, with limits, into ``content``).
    """

    source: PlexSource
    status_code: int
    request_id: str | None
    attempts: int
    elapsed: float
    headers: httpx.Headers = attrs.field(repr=False)
    http_response: httpx.Response = attrs.field(repr=False)
    content: bytes = attrs.field(repr=False, default=b"")

    def json(self) -> Any:
        """The response body as JSON, secrets included: handle with care."""
        return json.loads(self.content)


def secrets_held(result: object) -> tuple[str, ...]:
    """The secrets a call's result stores: a source's ``plex_token`` and secret-named extra
    fields, a page's (every source's, see :func:`share_page_secrets`). Cheap: a source's
    token is one attribute, its extra fields are walked only when there are any.
    """
    if isinstance(result, RawResponse):
        result = result.source
    if isinstance(result, PlexSource):
        token = result.plex_token
        held = (token,) if isinstance(token, str) and token else ()
        extra = result.additional_properties
        return (*held, *stored_secrets(extra)) if extra else held
    results = getattr(result, "results", None)  # a page of the list
    if isinstance(results, list) and results:
        page: tuple[str, ...] = getattr(results[0], "_page_secrets", ())
        return page
    return ()


# The generated classes users meet (a source's fields) are public too; published here, where
# every PlexSource comes from, since generated code is never edited.
publish(PlexSource, RawResponse, ThemedUrls, UserMatchingMode, GroupMatchingMode, PolicyEngineMode)
publish(Unset)
