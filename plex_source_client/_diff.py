"""What a change would change: the fields whose current value differs from the requested one.

Pure, no I/O. :func:`compute_diff` compares a source (as the server returned it) with changes
keyed by :meth:`~plex_source_client.PlexSourceClient.update`'s keyword names; ``client.diff()``
is a GET followed by it, and ``--check`` (:mod:`._drift`) uses the same comparison
(:func:`differs`) on the source a PATCH returned. Values are compared as the server stores them:

- strings trimmed as authentik trims them (:func:`~._changes.normalize`), so padding is no change;
- UUIDs in canonical form (``uuid.UUID`` or a string of any case or form);
- enum members as their string;
- property-mapping lists as sets: authentik keeps a many-to-many set (each mapping once, in
  its own order); ``allowed_servers`` in order (a list field).

A secret (``plex_token``) is compared, but its values are never shown: ``str()``, ``repr()``
and :meth:`FieldChange.display` say only that it changed.
"""

from __future__ import annotations

import uuid
import weakref
from collections.abc import Mapping, Sequence
from enum import Enum
from typing import Any

import attrs

from . import _changes
from ._changes import FIELDS_BY_NAME, Field, normalize
from ._errors import InvalidRequest
from ._models import PlexSource, shown_secrets
from ._public import publish
from ._releases import writable_since
from ._secrets import MASK, redact
from ._text import describe_type, json_text

__all__ = ["FieldChange", "SourceDiff", "compute_diff", "differs", "stored"]


def _canonical_uuid(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, str):
        try:
            return str(uuid.UUID(value))
        except ValueError:
            return value
    return value


def stored(field: Field, value: Any) -> Any:
    """``value`` (a change for ``field``, checked or not) as JSON, the way the server stores
    and returns it: strings trimmed, UUIDs canonical, enums as strings, a property-mapping list
    without repeats. A value the server would refuse is kept as it is.
    """
    value = normalize(field, value)
    if value is None:
        return None
    if field.kind == "uuid":
        return _canonical_uuid(value)
    if field.kind == "enum":
        return value.value if isinstance(value, Enum) else value
    if isinstance(value, Sequence) and not isinstance(value, str | bytes | bytearray):
        items = [_canonical_uuid(item) for item in value] if field.kind == "uuid_list" else value
        if field.kind == "uuid_list":
            try:
                return list(dict.fromkeys(items))
            except TypeError:  # unhashable items (validate=False): as given
                return list(items)
        return list(items)
    return value


def _current(field: Field, value: Any) -> Any:
    """A field's value in the server's JSON, in the same canonical form as :func:`stored`."""
    if field.kind == "uuid":
        return _canonical_uuid(value)
    if field.kind == "uuid_list" and isinstance(value, list):
        return [_canonical_uuid(item) for item in value]
    return value


def differs(field: Field, desired: Any, current: Any) -> bool:
    """Whether ``desired`` (from :func:`stored`) differs from ``current`` (the server's JSON)."""
    current = _current(field, current)
    if field.kind == "uuid_list" and isinstance(desired, list) and isinstance(current, list):
        try:
            return set(desired) != set(current)
        except TypeError:
            return desired != current
    if isinstance(desired, bool) or isinstance(current, bool):
        return desired is not current
    return bool(desired != current)


def _json(value: Any) -> str:
    try:
        return json_text(value, default=str)
    except (TypeError, ValueError):
        return repr(value)


#: The secrets each FieldChange masks (its source's stored ones, a token being sent), by its
#: id, until it is collected: kept beside it, as a source's page secrets are
#: (:data:`._models._PAGE_SECRETS`), not in a field, which would hand the stored Plex token to
#: ``attrs.asdict()`` and ``pickle`` of a diff that changes only the name.
_HIDDEN: dict[int, tuple[str, ...]] = {}


@attrs.frozen(repr=False, init=False)
class FieldChange:
    """One field that differs: its keyword ``name`` (``new_slug`` for the slug), the server's
    ``current`` value and the ``desired`` one, both as the server stores them (JSON values).

    ``str()`` and :meth:`display` show ``current -> desired`` as JSON; for a ``secret`` field
    (``plex_token``) only ``changed``. ``repr()`` masks a secret's values too, and both mask
    the secrets the source stores where another value repeats them (a ``name`` holding the
    stored Plex token).
    """

    name: str
    current: Any
    desired: Any
    secret: bool = False

    def __init__(
        self,
        name: str,
        current: Any,
        desired: Any,
        secret: bool = False,
        hidden: tuple[str, ...] = (),
    ) -> None:
        """``hidden``: the secrets masked wherever a value shown repeats them (the source's
        stored ones); not a field (see :data:`_HIDDEN`).
        """
        self.__attrs_init__(name, current, desired, secret)
        if hidden:
            _HIDDEN[id(self)] = tuple(hidden)
            weakref.finalize(self, _HIDDEN.pop, id(self), None)

    @property
    def _hidden(self) -> tuple[str, ...]:
        return _HIDDEN.get(id(self), ())

    def display(self) -> str:
        """``current -> desired`` (JSON), or ``changed`` for a secret: never its value."""
        if self.secret:
            return "changed"
        return redact(f"{_json(self.current)} -> {_json(self.desired)}", self._hidden)

    def __str__(self) -> str:
        return self.display()

    def __repr__(self) -> str:
        current, desired = (MASK, MASK) if self.secret else (self.current, self.desired)
        return redact(
            f"FieldChange(name={self.name!r}, current={current!r}, desired={desired!r}, "
            f"secret={self.secret!r})",
            self._hidden,
        )


@attrs.frozen(repr=False)
class SourceDiff:
    """What changing source ``slug`` would change: ``changes`` holds only the fields that
    differ, by keyword name, in the order they were requested.

    ``unchanged`` is True when nothing differs (a PATCH would change nothing: skip it);
    :meth:`patch` is the minimal mapping to pass to ``update_from_mapping()``; ``str()``
    lists the changes, secrets masked.
    """

    slug: str
    changes: dict[str, FieldChange]
    _requested: dict[str, Any] = attrs.field(alias="requested", factory=dict)

    @property
    def unchanged(self) -> bool:
        """True when no requested field differs from the server's value."""
        return not self.changes

    def patch(self) -> dict[str, Any]:
        """The changes to send: only the differing fields, with the values as given."""
        return {name: self._requested[name] for name in self.changes}

    def display(self) -> str:
        """One ``name: current -> desired`` line per change (secrets: ``changed``), or
        ``no changes``.
        """
        if not self.changes:
            return "no changes"
        return "\n".join(f"{name}: {change.display()}" for name, change in self.changes.items())

    def __str__(self) -> str:
        return self.display()

    def __repr__(self) -> str:
        return f"SourceDiff(slug={self.slug!r}, changes={self.changes!r})"


def check_changes(changes: Mapping[str, object], *, validate: bool) -> None:
    """:class:`InvalidRequest` naming every problem with ``changes``, as ``update()`` would
    raise it; nothing when there is none.
    """
    errors = _changes.change_errors(changes, validate=validate)
    if errors:
        raise InvalidRequest(errors)


def _lacking(current: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, list[str]]:
    """An error for each field of ``changes`` the source's release cannot write, as its shape
    tells: the field is missing (``promoted`` before 2025.12), or, for ``icon``, ``icon_url``
    is (before 2025.12 ``icon`` is the read-only URL).
    """
    errors = {}
    for name in _changes.unwritable_fields(current, changes):
        field = FIELDS_BY_NAME[name]
        since = writable_since(field.wire)
        newer = f" ({name} needs authentik {since} or newer)" if since else ""
        errors[name] = [
            f"The source, as the server sent it, has no writable {field.wire}: this "
            f"server's authentik release lacks it{newer}."
        ]
    return errors


def compute_diff(
    source: PlexSource, changes: Mapping[str, Any], *, validate: bool = True
) -> SourceDiff:
    """The fields of ``changes`` (``update()``'s keyword names; ``new_slug`` renames) whose
    value differs from ``source``'s, compared as the server stores them.

    ``changes`` is checked as ``update()`` checks it: an unknown name, or with ``validate`` a
    value the API refuses, is an :class:`InvalidRequest` naming every problem. Pure: no I/O.
    """
    if not isinstance(source, PlexSource):
        raise TypeError(f"source must be a PlexSource, got {describe_type(source)}")
    check_changes(changes, validate=validate)
    current = source.to_dict()
    lacking = _lacking(current, changes)
    if lacking:
        raise InvalidRequest(lacking)
    found: dict[str, FieldChange] = {}
    requested: dict[str, Any] = {}
    # The source's stored secrets, and the secrets being sent (a new Plex token), masked
    # where another value shown repeats them.
    hidden = (*shown_secrets(source), *_changes.sent_secrets(changes))
    for name, value in changes.items():
        field = FIELDS_BY_NAME[name]
        desired = stored(field, value)
        if differs(field, desired, current[field.wire]):
            found[name] = FieldChange(
                name, _current(field, current[field.wire]), desired, field.secret, hidden=hidden
            )
            requested[name] = value
    return SourceDiff(source.slug, found, requested=requested)


publish(FieldChange, SourceDiff, compute_diff)
