"""Putting values from files and servers into one-line messages: shortened, controls escaped.

A slug of a megabyte in a plan, or a field name of a megabyte in a server's answer, must not
become a megabyte-long error line; a newline or a terminal escape sequence in it must not start
a line of its own or repaint the terminal.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from ._secrets import redact

#: The longest value (a slug, a field name, a path) shown in a message, in characters.
VALUE_LIMIT: Final = 80
#: The longest message taken from elsewhere (a server's, a parser's, an error's) shown.
MESSAGE_LIMIT: Final = 400

#: C0 controls, DEL and the C1 controls, each shown as an escape (``\n``, ``\x1b``).
_CONTROLS: Final = {code: repr(chr(code))[1:-1] for code in (*range(0x20), *range(0x7F, 0xA0))} | {
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def plural(count: int, noun: str) -> str:
    """``1 item``, ``3 items``: a count with its noun (regular plurals only)."""
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def text_of(value: object) -> str:
    """``str(value)``, or ``<TypeName>`` when even that fails (a hostile or broken object)."""
    if isinstance(value, str):
        return value
    try:
        return str(value)
    except Exception:  # noqa: BLE001 - any failure of a foreign __str__ is shown, never raised
        return f"<{type(value).__name__}>"


def shorten(value: object, limit: int = VALUE_LIMIT, *, length: int | None = None) -> str:
    """``value`` as text for a one-line message, control characters escaped: at most ``limit``
    characters, the end of a longer one replaced by ``... (N characters)`` (``length``: the
    N to show when ``value`` is itself a prefix). Shortening twice changes nothing more.
    """
    text = text_of(value)
    total = len(text) if length is None else length
    escaped = text[: limit + 1].translate(_CONTROLS)
    if total <= limit and len(escaped) <= limit:
        return escaped
    suffix = f"... ({total} characters)"
    return escaped[: max(limit - len(suffix), 1)] + suffix


def shorten_secret_free(value: object, secrets: Iterable[str], limit: int = MESSAGE_LIMIT) -> str:
    """:func:`shorten`, with every secret in ``secrets`` masked first, even one the cut would
    have split (only the text that can be shown is searched, so a huge message stays cheap).
    """
    text = text_of(value)
    secrets = [s for s in secrets if s]
    longest = max((len(s) for s in secrets), default=0)
    prefix_length = limit + longest
    while True:
        # A secret cut off at the end of the prefix is not masked, but masking only shortens
        # the text: once the masked prefix is still ``longest`` characters longer than what is
        # shown, no part of a cut-off secret can be shown.
        masked = redact(text[:prefix_length], secrets)
        if prefix_length >= len(text) or len(masked) >= limit + longest:
            break
        prefix_length *= 2
    if prefix_length >= len(text):
        return shorten(masked, limit)
    return shorten(masked, limit, length=len(text))
