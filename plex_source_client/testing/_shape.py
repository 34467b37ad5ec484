"""What a Plex source looks like in each authentik release the fake can play.

Pure data and functions, no I/O: :class:`~plex_source_client.testing.FakeAuthentik` keeps each
source in its release's shape (:func:`source_fields`, :func:`defaults`) and recomputes the
read-only icon fields after every write (:func:`derive`). Which release added which field is
:mod:`plex_source_client._releases`' table; the order is the serializer's, as authentik
2026.2.2's schema lists it (a release without a field leaves it out, the order of the rest
unchanged: 2024.8.2's is the same order without the four fields 2025.12 added).

The icon, from 2025.12.0 (``ICON_WRITABLE_IN``): ``icon`` is the stored value (a file name or
URL, ``""`` when none); ``icon_url`` resolves it as authentik's file manager does, with the
Plex source's own fallback, as :func:`icon_url` says; ``icon_themed_urls`` (2025.12.2) is null
unless the icon holds ``%(theme)s``. Before 2025.12, ``icon`` is the read-only resolved URL.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from .._display import FIELD_ORDER
from .._releases import ADDED_IN, ICON_WRITABLE_IN, Release, has_field

#: Every field of a Plex source in any release, in the serializer's order (authentik
#: 2026.2.2's ``PlexSource`` schema; the client shows sources in the same order).
SOURCE_FIELDS: Final = FIELD_ORDER

#: Fields computed from ``icon`` (never set directly).
DERIVED_FIELDS: Final = ("icon_url", "icon_themed_urls")

#: What authentik fills in for every Plex source, in every release that has the field.
_DEFAULTS: Final[Mapping[str, Any]] = {
    "enabled": True,
    "promoted": False,
    "user_property_mappings": [],
    "group_property_mappings": [],
    "component": "ak-source-plex-form",
    "verbose_name": "Plex Source",
    "verbose_name_plural": "Plex Sources",
    "meta_model_name": "authentik_sources_plex.plexsource",
    "policy_engine_mode": "any",
    "user_matching_mode": "identifier",
    "managed": None,
    "user_path_template": "goauthentik.io/sources/%(slug)s",
    "icon_url": None,
    "icon_themed_urls": None,
    "group_matching_mode": "identifier",
    "allowed_servers": [],
    "allow_friends": True,
}

#: The Plex source's own icon: ``PlexSource.icon_url`` falls back to it when no icon is set,
#: in 2024.8 (where ``icon`` is that URL: the recorded answers carry it) as after 2025.12
#: (where the schema types ``icon_url`` as a non-null string for the Plex source, unlike the
#: base ``Source.icon_url``, which is null without an icon).
PLEX_ICON: Final = "/static/authentik/sources/plex.svg"
#: Where the fake says a stored icon file is served from (authentik 2025.12 serves files from
#: ``/files``; the exact URL of its local backend, which may sign it, is not emulated).
MEDIA_URL: Final = "/files/media/public/"
#: What the file manager passes through unchanged: external URLs, Font Awesome icons, and
#: (the fake's choice) static paths.
_PASSTHROUGH: Final = ("http://", "https://", "fa://", "/static/")
THEME_VARIABLE: Final = "%(theme)s"
THEMES: Final = ("light", "dark")

#: Releases the README does not date: both are in 2026.2.2's schema and not in 2024.8.2's, and
#: the fake puts them with the other changes to this endpoint, in 2025.12.0 (a guess).
#: ``autocomplete`` (``{}`` for this viewset, which has no QL fields) in the list's answer:
LIST_AUTOCOMPLETE_IN: Final = Release(2025, 12, 0)
#: The list filter ``pbm_uuid`` (the source's pk, a UUID):
PBM_UUID_FILTER_IN: Final = Release(2025, 12, 0)

_SHORT_RELEASE: Final = re.compile(r"(?:version/)?\d{4}\.\d{1,2}")


def source_fields(release: Release) -> tuple[str, ...]:
    """The fields of a Plex source in ``release``'s answers, in order."""
    return tuple(name for name in SOURCE_FIELDS if has_field(release, name))


def added_in(name: str) -> Release | None:
    """The release that added the field ``name`` (None: every release has it)."""
    return ADDED_IN.get(name)


def defaults(release: Release) -> dict[str, Any]:
    """The defaulted and read-only fields of a new source in ``release`` (copies)."""
    fields = source_fields(release)
    values = {name: _copy(value) for name, value in _DEFAULTS.items() if name in fields}
    values["icon"] = "" if release >= ICON_WRITABLE_IN else PLEX_ICON
    return values


def _copy(value: Any) -> Any:
    return list(value) if isinstance(value, list) else value


def icon_url(icon: str) -> str:
    """``icon_url`` for a stored ``icon`` (2025.12 on): the Plex icon when there is none; an
    external URL, ``fa://`` icon or static path as it is; any other value is a file name in
    the media storage, served below :data:`MEDIA_URL`.
    """
    if not icon:
        return PLEX_ICON
    if icon.startswith(_PASSTHROUGH):
        return icon
    return MEDIA_URL + icon.lstrip("/")


def icon_themed_urls(icon: str) -> dict[str, str] | None:
    """``icon_themed_urls`` (2025.12.2 on): null unless ``icon`` holds ``%(theme)s``; then the
    resolved URL for each theme, the variable replaced by ``light`` and ``dark``.
    """
    if THEME_VARIABLE not in icon:
        return None
    return {theme: icon_url(icon.replace(THEME_VARIABLE, theme)) for theme in THEMES}


def derive(source: dict[str, Any], release: Release) -> None:
    """Recompute ``source``'s read-only icon fields from its ``icon``, in place."""
    if release < ICON_WRITABLE_IN:
        return
    icon = source.get("icon") or ""
    if "icon_url" in source:
        source["icon_url"] = icon_url(str(icon))
    if "icon_themed_urls" in source:
        source["icon_themed_urls"] = icon_themed_urls(str(icon))


def version_string(text: str, release: Release) -> str:
    """The version as authentik writes it (``__version__``): ``2026.2`` is ``2026.2.0``;
    anything longer (``2025.12.2``, ``2026.2.0-rc1``) as given, without ``version/``.
    """
    text = text.strip()
    if _SHORT_RELEASE.fullmatch(text):
        return f"{release.year}.{release.month}.0"
    return text.removeprefix("version/")
