"""Keeping secrets (the API token, Plex tokens) out of reprs, logs, errors and output."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Final

MASK: Final = "***"

#: The largest secret file read (an authentik token is 60 characters): a huge file or a device
#: named by mistake is refused, not read whole.
MAX_SECRET_FILE_BYTES: Final = 64 * 1024

#: Secrets shorter than this are not searched for in text: replacing one or two characters
#: everywhere would mangle messages, and real tokens are far longer.
_MIN_REDACTABLE = 4

#: Parts of field names that hold a secret, in authentik's responses and in our requests.
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


def redact(text: str, secrets: Iterable[str], *, cut: bool = False) -> str:
    """``text`` with every occurrence of each secret replaced by ``***``.

    A text ``cut`` short (a body read up to a size limit) may end in the first part of a
    secret: that part is masked too.
    """
    for secret in sorted({s for s in secrets if len(s) >= _MIN_REDACTABLE}, key=len, reverse=True):
        text = text.replace(secret, MASK)
        if not cut:
            continue
        for length in range(len(secret) - 1, _MIN_REDACTABLE - 1, -1):
            if text.endswith(secret[:length]):
                text = text[:-length] + MASK
                break
    return text


_TAG: Final = r"<[^<>]{0,200}>"
_PARTS: Final = "|".join(_SECRET_NAME_PARTS)
#: A secret-named key and what separates it from its value, in JSON (complete or cut short),
#: ``key=value``, ``key: value`` and ``key -> value`` text, and HTML (``<td>token</td><td>
#: value``, ``name="token" value="..."``); then the value: quoted (to its closing quote or the
#: end of the text), a list or an object (to its end), or a bare word.
_SECRET_VALUE: Final = re.compile(
    r"(?<![\w.-])(?P<key>[\w.-]{0,40}?(?:" + _PARTS + r")[\w.-]{0,40})"
    r"(?P<sep>[\"']?(?:\s*(?:[:=]|->|=>|\u2192)|\s+value\s*=|(?=\s*<))(?:\s*" + _TAG + r"){0,8}\s*)"
    r"(?P<value>\"(?:[^\"\\]|\\.)*\"?|'[^']*'?|\[[^\]]{0,4096}\]?|\{[^}]{0,4096}\}?"
    r"|[^\s\"'<>,;&]+)",
    re.IGNORECASE,
)
#: An identifier-like secret-named key (``plex_token``, ``api-key``: a ``_`` or ``-`` in it)
#: followed by its value after mere spaces: ``plex_token abc123``.
_SECRET_SPACED: Final = re.compile(
    r"(?<![\w.-])(?P<key>[\w.-]{0,40}?[_-](?:"
    + _PARTS
    + r")[\w.-]{0,40}|(?:"
    + _PARTS
    + r")[_-][\w.-]{0,40})(?P<sep>[ \t]+)(?P<value>[^\s\"'<>,;&=:-][^\s\"'<>,;&]*)",
    re.IGNORECASE,
)
#: HTTP credentials anywhere: ``Bearer <token>``, ``Basic <base64 of user:password>``.
_CREDENTIALS: Final = re.compile(r"\b(?P<scheme>Bearer|Basic)(?P<sep>\s+)[\w+/=.~-]{6,}", re.I)
#: Escapes that can spell a key so the patterns above miss it: JSON's ``\u0074``, HTML's
#: ``&quot;``, URLs' ``%22``.
_ESCAPES: Final = re.compile(
    r"\\u[0-9a-fA-F]{4}|&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|\w{2,8});|%[0-9a-fA-F]{2}"
)


def _mask_value(match: re.Match[str]) -> str:
    value = match["value"]
    quote = value[0] if value[0] in "\"'[{" else ""
    ends = {"[": "]", "{": "}"}.get(quote, quote)
    closing = ends if quote and len(value) > 1 and value.endswith(ends) else ""
    return f"{match['key']}{match['sep']}{quote}{MASK}{closing}"


def _unescape(text: str) -> str:
    """``text`` with JSON, HTML and URL escapes decoded, so escaped keys are found too."""
    import html
    from urllib.parse import unquote

    def one(match: re.Match[str]) -> str:
        escape = match.group()
        if escape.startswith("\\u"):
            return chr(int(escape[2:], 16))
        if escape.startswith("%"):
            return unquote(escape)
        return html.unescape(escape)

    return _ESCAPES.sub(one, text)


def mask_text(text: str, secrets: Iterable[str], *, cut: bool = False) -> str:
    """``text`` (a body that may not parse: cut-short JSON, HTML, plain text) with the value
    of every secret-named key masked and every known secret redacted (see :func:`redact` for
    ``cut``). Escaped text (``\u0074oken``, ``&quot;``, ``%22``) is shown decoded: that is
    how its secrets are found.
    """
    if _ESCAPES.search(text):
        text = _unescape(text)
    text = _SECRET_VALUE.sub(_mask_value, text)
    text = _SECRET_SPACED.sub(_mask_value, text)
    text = _CREDENTIALS.sub(lambda m: f"{m['scheme']}{m['sep']}{MASK}", text)
    return redact(text, secrets, cut=cut)


def redact_json(value: Any, secrets: Iterable[str]) -> Any:
    """A copy of a JSON value with secret-named fields masked and known secrets redacted,
    in keys too (a server may echo a secret as a key).
    """
    secrets = tuple(secrets)
    if isinstance(value, dict):
        return {
            redact(key, secrets) if isinstance(key, str) else key: MASK
            if is_secret_name(str(key))
            else redact_json(item, secrets)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [redact_json(item, secrets) for item in value]
    if isinstance(value, str):
        return redact(value, secrets)
    return value
