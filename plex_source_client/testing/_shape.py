"""What a Plex source looks like in each authentik release the fake can play.

Pure data and functions, no I/O: :class:`~plex_source_client.testing.FakeAuthentik` keeps each
source in its release's shape (:func:`source_fields`, :func:`defaults`; :func:`check_fields`
refuses what a release lacks) and recomputes the read-only icon fields after every write
(:func:`derive`). Which release added which field is
:mod:`plex_source_client._releases`' table; the order is the serializer's, as authentik
2026.2.2's schema lists it (a release without a field leaves it out, the order of the rest
unchanged: 2024.8.2's is the same order without the four fields 2025.12 added).

The icon, from 2025.12.0 (``ICON_WRITABLE_IN``): ``icon`` is the stored value (a file name or
URL, ``""`` when none); ``icon_url`` resolves it as authentik's file manager does, with the
Plex source's own fallback, as :func:`icon_url` says; ``icon_themed_urls`` (2025.12.2) is null
unless the icon holds ``%(theme)s``. Before 2025.12, ``icon`` is the read-only resolved URL.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from collections.abc import Callable, Mapping
from typing import Any, Final

from .._display import FIELD_ORDER
from .._releases import ADDED_IN, ICON_WRITABLE_IN, SLUG_LIMIT_DROPPED_IN, Release, has_field

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
#: Where a stored icon file is served from: authentik's local file backend (2025.12 on) serves
#: ``/files/<usage>/<schema>/<name>``, here usage ``media`` and the default schema ``public``.
MEDIA_URL: Final = "/files/media/public/"
#: The local file backend signs each file URL (``?token=``, a JWT): valid 15 minutes
#: (``storage.file.url_expiry``, ``minutes=15``) from 15 seconds ago, cached that long.
MEDIA_URL_EXPIRY: Final = 15 * 60
MEDIA_URL_NOT_BEFORE: Final = 15
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

#: The page size from the tenant's settings (``Tenant.pagination_default_page_size``, 20, and
#: ``pagination_max_page_size``, 100; migration ``authentik_tenants.0007``, generated
#: 2025-12-10, and ``authentik.api.pagination.Pagination.get_page_size`` reading them). Not
#: dated by a release tag: the fake puts it in 2026.2.0, the first release line after.
TENANT_PAGINATION_IN: Final = Release(2026, 2, 0)
#: How the release's DRF answers Django's ``Http404`` (``get_object_or_404``'s, for an unknown
#: slug): DRF 3.14 (authentik 2024.8.2's: it answers ``Not found.``) replaced it by its own
#: ``NotFound()``; DRF 3.15 and later pass its message on (``exceptions.NotFound(*exc.args)``),
#: Django's ``No PlexSource matches the given query.`` (2026.2.2's answer). authentik moved to
#: the official DRF 3.16.1 for 2025.10 (goauthentik/authentik#16594; before, a fork of 3.16.0
#: from an undated release): the fake dates the message there.
HTTP404_MESSAGE_IN: Final = Release(2025, 10, 0)
NOT_FOUND: Final = "Not found."
#: DRF's ``PermissionDenied`` and ``NotAuthenticated`` default messages (both answered 403 by
#: authentik: its ``TokenAuthentication`` has no ``authenticate_header``, so DRF does not make
#: ``NotAuthenticated`` a 401).
PERMISSION_DENIED: Final = "You do not have permission to perform this action."
NOT_AUTHENTICATED: Final = "Authentication credentials were not provided."
#: A non-Bearer ``Authorization`` scheme: 2024.8.2's ``TokenAuthentication`` raised
#: ``AuthenticationFailed("Unsupported authentication type")``; 2026.2.2 leaves such a header to
#: its other authenticators (none takes it), so the request is unauthenticated and denied like
#: one without a header. Not dated: the fake puts it with this endpoint's 2025.12 changes.
NON_BEARER_IGNORED_IN: Final = Release(2025, 12, 0)
#: The slug's pattern message: until 2025.12 the serializer's ``SlugField`` (DRF's own message,
#: straight quotes); from 2025.12, when the slug lost its 50-character limit, the model field is
#: a plain text field with Django's ``validate_slug``, whose message quotes typographically.
DJANGO_SLUG_MESSAGE_IN: Final = SLUG_LIMIT_DROPPED_IN

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


#: Turns a stored file's URL path into the URL an answer carries (:func:`signed_file_url`).
Signer = Callable[[str], str]


def icon_url(icon: str, sign: Signer | None = None) -> str:
    """``icon_url`` for a stored ``icon`` (2025.12 on): the Plex icon when there is none; an
    external URL, ``fa://`` icon or static path as it is; any other value is a file name in
    the media storage, served below :data:`MEDIA_URL`, signed by ``sign`` when given.
    """
    if not icon:
        return PLEX_ICON
    if icon.startswith(_PASSTHROUGH):
        return icon
    url = MEDIA_URL + icon.lstrip("/")
    return sign(url) if sign is not None else url


def icon_themed_urls(icon: str, sign: Signer | None = None) -> dict[str, str] | None:
    """``icon_themed_urls`` (2025.12.2 on): null unless ``icon`` holds ``%(theme)s``; then the
    resolved URL for each theme, the variable replaced by ``light`` and ``dark``.
    """
    if THEME_VARIABLE not in icon:
        return None
    return {theme: icon_url(icon.replace(THEME_VARIABLE, theme), sign) for theme in THEMES}


def derive(source: dict[str, Any], release: Release, sign: Signer | None = None) -> None:
    """Recompute ``source``'s read-only icon fields from its ``icon``, in place."""
    if release < ICON_WRITABLE_IN:
        return
    icon = source.get("icon") or ""
    if "icon_url" in source:
        source["icon_url"] = icon_url(str(icon), sign)
    if "icon_themed_urls" in source:
        source["icon_themed_urls"] = icon_themed_urls(str(icon), sign)


def _base64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def signed_file_url(url: str, key: bytes, now: int) -> str:
    """``url`` (below ``/files/``) with the ``?token=`` authentik's local file backend adds: a
    JWT (HS256, as PyJWT encodes one) whose claims are the file's ``path`` (``url`` without
    ``/files/``), ``exp`` (:data:`MEDIA_URL_EXPIRY` after ``now``) and ``nbf``
    (:data:`MEDIA_URL_NOT_BEFORE` before it), signed with ``key``.
    """

    def part(value: Mapping[str, Any]) -> str:
        return _base64url(json.dumps(value, separators=(",", ":")).encode())

    claims = {
        "path": url.removeprefix("/files/"),
        "exp": now + MEDIA_URL_EXPIRY,
        "nbf": now - MEDIA_URL_NOT_BEFORE,
    }
    signing_input = f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part(claims)}"
    signature = hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
    return f"{url}?token={signing_input}.{_base64url(signature)}"


def version_string(text: str, release: Release) -> str:
    """The version as authentik writes it (``__version__``): ``2026.2`` is ``2026.2.0``;
    anything longer (``2025.12.2``, ``2026.2.0-rc1``) as given, without ``version/``.
    """
    text = text.strip()
    if _SHORT_RELEASE.fullmatch(text):
        return f"{release.year}.{release.month}.0"
    return text.removeprefix("version/")


def check_fields(fields: Mapping[str, Any], release_fields: tuple[str, ...], version: str) -> None:
    """TypeError for a field :meth:`~plex_source_client.testing.FakeAuthentik.add_source`
    cannot set in the release played (``version`` as given; ``release_fields``, its
    :func:`source_fields`).
    """
    unknown = sorted(set(fields) - set(SOURCE_FIELDS))
    if unknown:
        raise TypeError(f"unknown PlexSource field(s): {', '.join(unknown)}")
    lacking = [name for name in SOURCE_FIELDS if name in fields]
    lacking = [name for name in lacking if name not in release_fields]
    if lacking:
        added = ", ".join(f"{name} (added in {ADDED_IN[name]})" for name in lacking)
        raise TypeError(
            f"authentik {version} has no PlexSource field {added}; "
            "pass version= to FakeAuthentik to play a newer release"
        )
    derived = [name for name in DERIVED_FIELDS if name in fields]
    if derived:
        raise TypeError(
            f"{', '.join(derived)}: derived from icon in authentik {version}; set icon instead"
        )
