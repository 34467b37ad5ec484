"""authentik releases, and what each changed in the Plex source endpoint.

Pure data and parsing, no I/O. The spec (openapi.yaml) is authentik 2024.8.2's; what changed
before and after it is marked, field by field, with the release that added it in
``codegen/releases.yaml`` (``x-authentik-added-in``), from which the generated models come.
:data:`ADDED_IN` is that overlay as a table (tests/test_releases.py checks they agree, and that
the overlay applied to 2024.8.2's schema gives 2026.2.2's).

A release is written as authentik writes it: ``2025.12`` (the same as ``2025.12.0``),
``2025.12.2``, ``2026.2.0-rc1`` (a pre-release counts as its release).
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable, Mapping
from typing import Final, NamedTuple


class Release(NamedTuple):
    """An authentik release, ordered as releases are: ``Release(2025, 12, 2)``."""

    year: int
    month: int
    patch: int = 0

    def __str__(self) -> str:
        return f"{self.year}.{self.month}" + (f".{self.patch}" if self.patch else "")


_RELEASE: Final = re.compile(  # ASCII digits only (re.ASCII): "٣" is no patch number
    r"(?:version/)?(?P<year>20\d\d)\.(?P<month>1[0-2]|0?[1-9])(?:\.(?P<patch>\d{1,4}))?"
    r"(?P<rest>(?:[-+][0-9A-Za-z.+-]*|rc\d*)?)",
    re.ASCII,
)


def parse_release(text: object) -> Release:
    """``text`` (``"2025.12"``, ``"2025.12.2"``, ``"2026.2.0-rc1"``) as a :class:`Release`,
    or ValueError saying what a release looks like.
    """
    if isinstance(text, Release):
        return text
    match = _RELEASE.fullmatch(text.strip()) if isinstance(text, str) and len(text) <= 64 else None
    if match is None:
        raise ValueError(f"an authentik release looks like 2025.12 or 2024.8.2, got {_shown(text)}")
    return Release(int(match["year"]), int(match["month"]), int(match["patch"] or 0))


def _shown(value: object) -> str:
    """A bad release as an error shows it: short text as is, anything longer only by its length
    (a token pasted into the wrong variable must not be echoed).
    """
    if isinstance(value, str):
        return repr(value) if len(value) <= 16 else f"a string of {len(value)} characters"
    return f"a {type(value).__name__}"


#: The release openapi.yaml describes.
SPEC_RELEASE: Final = Release(2024, 8, 2)
#: From this release on, a slug may be longer than 50 characters.
SLUG_LIMIT_DROPPED_IN: Final = Release(2025, 12, 0)
#: From this release on, ``icon`` is writable (the stored file name or URL); before, it was the
#: read-only resolved URL, and a body ``icon`` was ignored.
ICON_WRITABLE_IN: Final = Release(2025, 12, 0)

#: Each field of a Plex source that not every release has (by its JSON name), and the release
#: that added it. Every other field is in every release this client supports.
ADDED_IN: Final[Mapping[str, Release]] = {
    "user_path_template": Release(2022, 7, 0),
    "user_property_mappings": Release(2024, 8, 0),
    "group_property_mappings": Release(2024, 8, 0),
    "group_matching_mode": Release(2024, 8, 0),
    "promoted": Release(2025, 12, 0),
    "icon_url": Release(2025, 12, 0),
    "icon_themed_urls": Release(2025, 12, 2),
}

#: The release each field can be *written* from, where that differs from :data:`ADDED_IN`.
WRITABLE_IN: Final[Mapping[str, Release]] = {**ADDED_IN, "icon": ICON_WRITABLE_IN}


def has_field(release: Release, wire: str) -> bool:
    """Whether ``release``'s answers carry the field ``wire``."""
    added = ADDED_IN.get(wire)
    return added is None or release >= added


def writable_since(wire: str) -> Release | None:
    """The release from which the field ``wire`` can be written (None: every release)."""
    return WRITABLE_IN.get(wire)


def missing_fields(release: Release, wires: Iterable[str]) -> list[str]:
    """The fields among ``wires`` that ``release`` cannot write, in their order."""
    return [wire for wire in wires if (since := WRITABLE_IN.get(wire)) and release < since]


def slug_max_length(release: Release | None) -> int | None:
    """The longest slug ``release`` takes (None: no limit, or the release is unknown)."""
    if release is None or release >= SLUG_LIMIT_DROPPED_IN:
        return None
    return 50


#: The fields whose absence from a source bounds its server's release (the others a release
#: added are read-only or come with one of these).
BOUNDING_FIELDS: Final = ("promoted", "group_matching_mode", "user_path_template")


def older_than(present: Container[str]) -> Release | None:
    """The earliest release a server sending a source with the fields ``present`` must be
    older than (a source without ``promoted``: 2025.12), or None when nothing shows.
    """
    bounds = [ADDED_IN[name] for name in BOUNDING_FIELDS if name not in present]
    return min(bounds) if bounds else None


def release_before(bound: Release) -> tuple[Release, str]:
    """A release to check changes against for a server older than ``bound`` (every rule that
    depends on the release then holds as for that server), and how messages name it.
    """
    last = (
        Release(bound.year, bound.month - 1, 9999)
        if bound.month > 1
        else Release(bound.year - 1, 12, 9999)
    )
    return last, f"a release before {bound} (as its answers show)"


def needs_phrase(needs: Mapping[str, object]) -> str:
    """Fields by the release each needs, in words: ``promoted and icon need authentik 2025.12
    or newer; group_matching_mode needs authentik 2024.8 or newer`` ("" for none).
    """
    by_release: dict[str, list[str]] = {}
    for name, since in needs.items():
        by_release.setdefault(str(since), []).append(name)
    return "; ".join(
        f"{_and(names)} {'needs' if len(names) == 1 else 'need'} authentik {since} or newer"
        for since, names in by_release.items()
    )


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
