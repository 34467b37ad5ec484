"""A 2xx body of authentik's version endpoint: the server's release."""

from __future__ import annotations

from typing import Final

from .._http.body import Answer
from .._releases import Release, parse_release
from .json_body import success_json

#: authentik's version endpoint below the API root (``admin_version_retrieve``; any valid token).
VERSION_PATH: Final = "/admin/version/"


def parse_version(answer: Answer, secrets: tuple[str, ...]) -> Release:
    """The release a version answer (``{"version_current": "2025.12.2", ...}``) names;
    ValueError when it names none. The server's own text is never shown: it could carry
    anything (``str(release)`` has only digits and dots).
    """
    data = success_json(answer, secrets)
    current = data.get("version_current") if isinstance(data, dict) else None
    if type(current) is not str:
        raise ValueError("expected an object with version_current, a string")
    try:
        release = parse_release(current)
    except ValueError:
        raise ValueError("version_current is not an authentik release") from None
    return release
