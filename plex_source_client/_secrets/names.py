"""What names a secret: the field names that hold one (``plex_token``, ``apiKey``...), the
values a JSON value stores under them, and DRF's validation messages (no stored value).
"""

from __future__ import annotations

import re
from typing import Any, Final

#: Parts of field names that hold a secret, in authentik's responses and in our requests,
#: however a server spells the name: ``plex_token``, ``X-Plex-Token``, ``apiKey``,
#: ``private-key``, ``APIKEY``, ``passwd``, ``passphrase``, ``credentials``, ``key`` or
#: ``keys`` as a word of its own (``signing_key``, ``accessKeys``, ``KEY``; not ``monkey``,
#: ``keyboard``) or joined to what kind of key it is (``accesskey``, ``signingkey``) (a
#: regular expression, matched ignoring case).
_SECRET_NAME_PARTS: Final = (
    r"token|secret|passw(?:or)?d|passphrase|credential"  # noqa: S105
    r"|(?:private|api|access|signing|encryption|auth|master|session|license|ssh)[_-]?keys?"
    r"|(?<![a-z])keys?(?![a-z])|(?-i:(?<=[a-z0-9])Keys?(?![a-z]))"
)
_SECRET_NAME: Final = re.compile(_SECRET_NAME_PARTS, re.IGNORECASE)
#: The fewest characters a number stored under a secret-named key has to be a secret.
_MIN_NUMBER: Final = 6


def is_secret_name(name: str) -> bool:
    """Whether a field called ``name`` holds a secret (``plex_token``, ``client_secret``,
    ``apiKey``, ``x-api-key``, ...).
    """
    return _SECRET_NAME.search(name) is not None


def stored_secrets(value: Any) -> tuple[str, ...]:
    """The strings a JSON value stores under secret-named keys (``plex_token``, at any depth;
    every string inside such a key's list or object too), stripped forms included: an answer
    that masks them under their key may repeat them in another field (a name, a message), so
    whatever shows that JSON masks them there too (see :func:`redact`). Walks the value once:
    called where it is masked or shown (an error, a repr), never on a successful call's path.
    """
    found: dict[str, None] = {}
    stack: list[tuple[Any, bool]] = [(value, False)]
    while stack:
        item, under_secret = stack.pop()
        if isinstance(item, str):
            if under_secret:
                found.update(dict.fromkeys(x for x in (item, item.strip()) if x))
        elif isinstance(item, int | float) and not isinstance(item, bool):
            # A number stored as a secret (a numeric key, a PIN) is masked where it is
            # repeated too, from 6 digits on: a smaller one (a count, a flag) is no secret.
            if under_secret and len(text := str(item)) >= _MIN_NUMBER:
                found[text] = None
        elif isinstance(item, dict):
            stack.extend(
                (child, under_secret or is_secret_name(str(key))) for key, child in item.items()
            )
        elif isinstance(item, list | tuple):
            # An error body's messages about a secret field (``This field may not be
            # blank.``) are no stored value.
            stack.extend((child, under_secret) for child in item if not is_message(child))
    return tuple(found)


#: A validation message, as DRF writes them (``This field may not be blank.``): words of a
#: few letters, spaces, a full stop. Under a secret-named key of an error body such a
#: sentence is the reason, not the secret: a token is one long word.
_MESSAGE: Final = re.compile(r"[A-Z][a-z]{0,11}(?: [\w,'\"()-]{1,12}){2,30}\.")


def is_message(value: object) -> bool:
    """Whether ``value`` is a validation message (see :data:`_MESSAGE`), not a stored value."""
    return isinstance(value, str) and _MESSAGE.fullmatch(value) is not None
