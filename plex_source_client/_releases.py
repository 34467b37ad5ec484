"""authentik releases, and what each changed in the Plex source endpoint.

Pure data and parsing, no I/O. The spec (openapi.yaml) is authentik 2024.8.2's, and the package
supports authentik 2024.8 and newer (:data:`OLDEST_SUPPORTED`). What later releases changed is
marked, field by field, in ``codegen/releases.yaml``, from which ``generate.sh`` writes the
marks into ``_generated/spec.py``; this module reads them there. For this endpoint, every mark
is one boundary, :data:`BOUNDARY` (2025.12: ``promoted``, a writable ``icon``, slugs over 50
characters): a release is before it or not.

A release is written as authentik writes it: ``2025.12`` (the same as ``2025.12.0``),
``2025.12.2``, ``2026.2.0-rc1`` (a pre-release counts as its release).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Final, NamedTuple

from ._generated import spec


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
    (a token pasted into the wrong variable must not be echoed), by the configuration's rule.
    """
    from ._config.shown import RELEASE, shown_setting  # _config imports this module

    return shown_setting(value, RELEASE)


#: The release openapi.yaml describes.
SPEC_RELEASE: Final = Release(2024, 8, 2)
#: The oldest release this package supports: every field 2024.8 sends is required of answers.
OLDEST_SUPPORTED: Final = Release(2024, 8, 0)
#: The supported releases, in words, for messages.
SUPPORTED: Final = f"authentik {OLDEST_SUPPORTED} and newer"

#: Each field of a Plex source that 2024.8 lacks (by its JSON name), and the release that added
#: it (``_generated/spec.py``, from codegen/releases.yaml).
ADDED_IN: Final[Mapping[str, Release]] = {
    name: Release(*mark) for name, mark in spec.ADDED_IN.items()
}
#: The release each field can be *written* from, for the fields 2024.8 cannot write.
WRITABLE_IN: Final[Mapping[str, Release]] = {
    name: Release(*mark) for name, mark in spec.WRITABLE_FROM.items()
}
#: From this release on, a slug may be longer than 50 characters.
SLUG_LIMIT_DROPPED_IN: Final = Release(*spec.MAX_LENGTH_UNTIL["slug"])
#: From this release on, ``icon`` is writable (the stored file name or URL); before, it was the
#: read-only resolved URL, and a body ``icon`` was ignored.
ICON_WRITABLE_IN: Final = WRITABLE_IN["icon"]
#: The one release that changes what a client may send: every writable field and limit a
#: release changed changed with it (tests/test_releases.py checks it).
BOUNDARY: Final = SLUG_LIMIT_DROPPED_IN


def unsupported(release: Release) -> str | None:
    """Why ``release`` is not supported (older than :data:`OLDEST_SUPPORTED`), or None."""
    if release >= OLDEST_SUPPORTED:
        return None
    return (
        f"this server runs authentik {release}, which this client does not support: it "
        f"supports {SUPPORTED} (releases before 2024.8 lack fields every answer must carry)"
    )


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


def needs_phrase(needs: Mapping[str, object]) -> str:
    """Fields by the release each needs, in words: ``promoted and icon need authentik 2025.12
    or newer`` ("" for none).
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
