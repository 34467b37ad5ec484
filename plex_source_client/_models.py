"""What the clients return: :class:`PlexSource` and, for power users, :class:`RawResponse`."""

from __future__ import annotations

import json
import weakref
from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any, Final, Self
from uuid import UUID

import attrs
import httpx

from ._display import in_schema_order
from ._generated.models import (
    GroupMatchingMode,
    PolicyEngineMode,
    UserMatchingMode,
)
from ._generated.models import PlexSource as _GeneratedPlexSource
from ._generated.models import ThemedUrls as _GeneratedThemedUrls
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


@attrs.define
class ThemedUrls:
    """A source's icon URLs for the light and the dark theme (``icon_themed_urls``, from
    authentik 2025.12); either may be null, or ``UNSET`` when the server leaves it out. Keys
    no known release has are kept in ``additional_properties`` (and ``urls["key"]``).
    ``to_dict()`` gives the JSON back. ``repr()`` masks a secret-named key's value
    (``api_key``, at any depth) and the secrets the source it belongs to stores, wherever
    they are repeated.
    """

    # The generated model's fields, restated as PlexSource's are (tests/test_spec_corrections.py
    # checks they are the same).
    light: None | str | Unset = UNSET  # noqa: RUF036
    dark: None | str | Unset = UNSET  # noqa: RUF036
    additional_properties: dict[str, Any] = attrs.field(init=False, factory=dict)

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        """The URLs an answer's JSON object describes (other keys in
        ``additional_properties``).
        """
        return cls._of(_GeneratedThemedUrls.from_dict(src_dict))

    @classmethod
    def _of(cls, model: _GeneratedThemedUrls) -> Self:
        urls = cls(light=model.light, dark=model.dark)
        urls.additional_properties = model.additional_properties
        return urls

    def to_dict(self) -> dict[str, Any]:
        """The URLs as JSON (``UNSET`` ones left out)."""
        model = _GeneratedThemedUrls(light=self.light, dark=self.dark)
        model.additional_properties = self.additional_properties
        return model.to_dict()

    @property
    def additional_keys(self) -> list[str]:
        """The keys no known release has (``additional_properties``)."""
        return list(self.additional_properties)

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties

    def __repr__(self) -> str:
        owner = _OWNERS.get(id(self))
        source = owner() if owner is not None else None
        stored = (*stored_secrets(self.to_dict()), *(shown_secrets(source) if source else ()))
        parts = []
        for field in attrs.fields(type(self)):
            value = getattr(self, field.name)
            if value is UNSET or (field.name == "additional_properties" and not value):
                continue
            parts.append(f"{field.name}={redact_json(value, stored)!r}")
        return f"{type(self).__name__}({', '.join(parts)})"


#: The source each ThemedUrls parsed with one belongs to (until either is collected), by the
#: URLs' id: their repr masks the secrets the source stores (a ``plex_token`` repeated in
#: ``light``). Kept beside them, as :data:`_PAGE_SECRETS` is, not in a field.
_OWNERS: dict[int, weakref.ReferenceType[PlexSource]] = {}


@attrs.define
class PlexSource:
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

    # The generated model's fields (the spec's), restated so that this class is its own, not a
    # subclass help() would show: tests/test_spec_corrections.py checks they are the same,
    # and from_dict() fails on any field the generated model has and this class lacks. Typed
    # as the generator writes them (None first: what type checkers showed users before).
    pk: UUID
    name: str
    slug: str
    enabled: bool
    authentication_flow: None | UUID  # noqa: RUF036
    enrollment_flow: None | UUID  # noqa: RUF036
    user_property_mappings: list[UUID]
    group_property_mappings: list[UUID]
    component: str
    verbose_name: str
    verbose_name_plural: str
    meta_model_name: str
    policy_engine_mode: PolicyEngineMode
    user_matching_mode: UserMatchingMode
    managed: None | str  # noqa: RUF036
    user_path_template: str
    icon: None | str  # noqa: RUF036
    group_matching_mode: GroupMatchingMode
    client_id: str
    allowed_servers: list[str]
    allow_friends: bool
    plex_token: str
    promoted: bool | Unset = UNSET
    icon_url: None | str | Unset = UNSET  # noqa: RUF036
    icon_themed_urls: None | ThemedUrls | Unset = UNSET  # noqa: RUF036
    additional_properties: dict[str, Any] = attrs.field(init=False, factory=dict)

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        """The source an answer's JSON object describes (fields no known release has kept in
        ``additional_properties``).
        """
        # The generated parser itself (its UUID, enum and ThemedUrls parsing), building this
        # class instead of its own: no second model made and copied on every answer.
        source: Self = _GENERATED_PARSER(cls, src_dict)
        if isinstance(source.icon_themed_urls, _GeneratedThemedUrls):
            urls = ThemedUrls._of(source.icon_themed_urls)
            source.icon_themed_urls = urls
            _OWNERS[id(urls)] = weakref.ref(source)
            weakref.finalize(urls, _OWNERS.pop, id(urls), None)
        return source

    def to_dict(self) -> dict[str, Any]:
        """The source as JSON, in the order authentik sends its fields (``UNSET`` ones left
        out; fields no known release has, after them).
        """
        fields = {name: getattr(self, name) for name in _GENERATED_FIELDS}
        if isinstance(self.icon_themed_urls, ThemedUrls):
            urls = self.icon_themed_urls
            fields["icon_themed_urls"] = _GeneratedThemedUrls(light=urls.light, dark=urls.dark)
            fields["icon_themed_urls"].additional_properties = urls.additional_properties
        model = _GeneratedPlexSource(**fields)
        model.additional_properties = self.additional_properties
        return in_schema_order(model.to_dict())

    @property
    def additional_keys(self) -> list[str]:
        """The names of the fields no known release has (``additional_properties``)."""
        return list(self.additional_properties)

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties

    def __str__(self) -> str:
        stored = shown_secrets(self)
        shown = ", ".join(
            f"{name}={_redacted(getattr(self, name), stored)!r}"
            for name in ("slug", "name", "enabled")
        )
        return f"{type(self).__name__}({shown})"

    def __repr__(self) -> str:
        stored = shown_secrets(self)
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

    def _repr_html_(self) -> str:
        """A compact table in Jupyter, secrets masked."""
        from ._display import html_table

        return html_table(self.to_dict(), shown_secrets(self))


#: The generated model's constructor arguments: what to_dict() hands across.
_GENERATED_FIELDS: tuple[str, ...] = tuple(
    field.name for field in attrs.fields(_GeneratedPlexSource) if field.init
)

#: The generated ``PlexSource.from_dict``'s function, to run with PlexSource as its class: it
#: calls ``cls(...)`` with the generated fields' names, which are PlexSource's (the same names,
#: types and defaults: tests/test_spec_corrections.py), then sets ``additional_properties``.
#: A field the generated model has and PlexSource lacks is a TypeError, as it was.
_GENERATED_PARSER: Final[Callable[[type[Any], Mapping[str, Any]], Any]] = vars(
    _GeneratedPlexSource
)["from_dict"].__func__


def shown_secrets(source: PlexSource) -> tuple[str, ...]:
    """The secrets ``source`` stores (``plex_token``, secret-named keys of its
    ``additional_properties``) and those the other sources of its list answer store (see
    :func:`share_page_secrets`): showing it masks them wherever the answer repeats them.
    """
    page = _PAGE_SECRETS.get(id(source), ())
    return tuple(dict.fromkeys((*stored_secrets(source.to_dict()), *page)))


def share_page_secrets(sources: list[PlexSource], data: Any) -> None:
    """Give each of ``sources`` (parsed from one list answer, ``data``) the secrets the whole
    answer stores, to mask where it is shown: the server may repeat source A's ``plex_token``
    in source B's ``name``. One walk of the page, when it is parsed (not on update()'s path).
    """
    stored = stored_secrets(data)
    for source in sources:
        _PAGE_SECRETS[id(source)] = stored
        weakref.finalize(source, _PAGE_SECRETS.pop, id(source), None)


#: The secrets of each list answer, by the id of every source parsed from it (until the source
#: is collected): kept beside the sources, not in them. attrs gives a slotted class slots for its
#: fields only, and a field would hand the other sources' tokens to ``attrs.asdict()``,
#: ``pickle`` and ``typing.get_type_hints``; a copy of a source does not have them.
_PAGE_SECRETS: dict[int, tuple[str, ...]] = {}


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
    stored = shown_secrets(source)
    shown: dict[str, Any] = {
        field.name: _redacted(getattr(source, field.name), stored)
        for field in attrs.fields(type(source))
        if field.init and field.name not in secret_fields
    }
    masked = attrs.evolve(source, **shown, **secret_fields)
    masked.additional_properties = redact_json(source.additional_properties, stored)
    return masked


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

    def __getstate__(self) -> dict[str, Any]:
        """What a pickle keeps: every field, the final response without its request's
        headers (they carry the API token, no part of the result).
        """
        state = {field.name: getattr(self, field.name) for field in attrs.fields(RawResponse)}
        response = self.http_response
        state["http_response"] = httpx.Response(
            response.status_code,
            headers=response.headers,
            content=self.content,
            request=httpx.Request(response.request.method, response.request.url),
            extensions={
                key: value
                for key, value in response.extensions.items()
                if key in ("reason_phrase", "http_version")
            },
        )
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)


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
        return _PAGE_SECRETS.get(id(results[0]), ())
    return ()


# The generated classes users meet (a source's fields) are public too; published here, where
# every PlexSource comes from, since generated code is never edited.
publish(PlexSource, RawResponse, ThemedUrls, UserMatchingMode, GroupMatchingMode, PolicyEngineMode)
publish(Unset)
