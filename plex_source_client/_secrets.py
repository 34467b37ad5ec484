"""Keeping secrets (the API token, Plex tokens) out of reprs, logs, errors and output."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

MASK: Final = "***"

#: Secrets shorter than this are not searched for in text: replacing one or two characters
#: everywhere would mangle messages, and real tokens are far longer.
_MIN_REDACTABLE = 4

#: Field names that hold a secret, in authentik's responses and in our requests.
_SECRET_NAME_PARTS: Final = ("token", "secret", "password", "private_key", "api_key")


class Secret:
    """A string that never shows itself: ``repr()`` and ``str()`` give ``***``.

    Call :meth:`reveal` where the real value is needed (the Authorization header).
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The secret itself."""
        return self._value

    def __repr__(self) -> str:
        return f"Secret({MASK!r})"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


def is_secret_name(name: str) -> bool:
    """Whether a field called ``name`` holds a secret (``plex_token``, ``client_secret``, ...)."""
    lowered = name.lower()
    return any(part in lowered for part in _SECRET_NAME_PARTS)


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every occurrence of each secret replaced by ``***``."""
    for secret in sorted({s for s in secrets if len(s) >= _MIN_REDACTABLE}, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text


def redact_json(value: Any, secrets: Iterable[str]) -> Any:
    """A copy of a JSON value with secret-named fields masked and known secrets redacted."""
    secrets = tuple(secrets)
    if isinstance(value, dict):
        return {
            key: MASK if is_secret_name(str(key)) else redact_json(item, secrets)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [redact_json(item, secrets) for item in value]
    if isinstance(value, str):
        return redact(value, secrets)
    return value
