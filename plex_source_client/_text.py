"""Putting values from files and servers into one-line messages: shortened, controls escaped.

A slug of a megabyte in a plan, or a field name of a megabyte in a server's answer, must not
become a megabyte-long error line; a newline or a terminal escape sequence in it must not start
a line of its own or repaint the terminal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final
from uuid import UUID

from ._secrets import redact

#: The longest value (a slug, a field name, a path) shown in a message, in characters.
VALUE_LIMIT: Final = 80
#: The longest message taken from elsewhere (a server's, a parser's, an error's) shown.
MESSAGE_LIMIT: Final = 400
#: A file's path in a message: whole as a CI runner's deep work folders make it, bounded.
PATH_LIMIT: Final = 1024

#: Lone surrogates: a server's JSON may hold one (``"\\ud800"``); no encoding can write it.
_SURROGATES: Final = range(0xD800, 0xE000)

#: Invisible format characters that reorder or hide what follows them on a line: the bidi
#: marks, embeddings, overrides and isolates (U+061C, U+200E/F, U+202A-E, U+2066-9: a name
#: with U+202E shows the rest of its line reversed in bidi-aware terminals and browser log
#: viewers, as Trojan Source does), the deprecated shaping controls (U+206A-F) and the
#: interlinear annotation marks (U+FFF9-B). Joiners (U+200C/D) stay: emoji sequences and
#: Persian or Indic words need them.
_INVISIBLE: Final = (
    *(0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x2070)),
    *range(0xFFF9, 0xFFFC),
)

#: C0 controls, DEL, the C1 controls, the line and paragraph separators, the invisible format
#: characters above and lone surrogates, each shown as an escape (``\\n``, ``\\x1b``,
#: ``\\x9b``, ``\\u2028``, ``\\u202e``, ``\\ud800``).
_CONTROLS: Final = {code: repr(chr(code))[1:-1] for code in (*range(0x20), *range(0x7F, 0xA0))} | {
    code: f"\\u{code:04x}" for code in (0x2028, 0x2029, *_INVISIBLE, *_SURROGATES)
}

#: What ``json.dumps(..., ensure_ascii=False)`` leaves raw in a string that a terminal or an
#: encoder must not get: DEL, the C1 controls (``\\x9b`` is a CSI on many terminals), the line
#: and paragraph separators, the invisible format characters and lone surrogates; each as a
#: JSON ``\\u`` escape.
_JSON_RAW: Final = {
    code: f"\\u{code:04x}"
    for code in (*range(0x7F, 0xA0), 0x2028, 0x2029, *_INVISIBLE, *_SURROGATES)
}


def escape_controls(text: str) -> str:
    """``text`` safe to print: every control character (C0, newline, tab and ESC included;
    DEL; C1), line or paragraph separator, bidi or other invisible format character (see
    ``_INVISIBLE``) and lone surrogate backslash-escaped. Text from a
    server or a file can then neither start a line of its own (forging an output line), nor
    move the cursor, repaint or retitle the terminal, nor fail the output's encoding.
    """
    return text.translate(_CONTROLS)


def json_text(
    value: Any, *, indent: int | None = None, default: Callable[[Any], Any] | None = None
) -> str:
    """``value`` as JSON that is safe to print and to write as UTF-8: non-ASCII letters kept
    readable, every control character, bidi or invisible format character and lone surrogate
    as a JSON escape (``json.dumps``
    with ``ensure_ascii=False`` escapes C0 only). It reads back as the same value.
    ``indent`` and ``default`` are ``json.dumps``'.
    """
    import json

    text = json.dumps(value, ensure_ascii=False, indent=indent, default=default)
    return text.translate(_JSON_RAW)


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
    escaped = escape_controls(text[: limit + 1])
    if total <= limit and len(escaped) <= limit:
        return escaped
    suffix = f"... ({total} characters)"
    return escaped[: max(limit - len(suffix), 1)] + suffix


def one_line(value: object, limit: int = VALUE_LIMIT) -> str:
    """:func:`shorten`, with every run of whitespace (newlines included) made one space first:
    a server's page or message read as one line (only its first 100,000 characters are
    flattened: a huge body stays cheap; the count shown is still the whole text's).
    """
    text = text_of(value)
    flat = " ".join(text[:100_000].split())
    return shorten(flat, limit, length=None if len(text) <= 100_000 else len(text))


def describe_type(value: object) -> str:
    """What ``value`` is, in the words of JSON, TOML and YAML (a plan's and an answer's
    formats), not Python's: ``null``, ``true``, ``a number``, ``a string``, ``a list``,
    ``a mapping``; another Python type by its name (``a PlexSourceClient``). For every message
    that says what a bad value was instead of quoting it.
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, set | frozenset):
        return "a set"
    if isinstance(value, bytes | bytearray):
        return "bytes"
    if isinstance(value, UUID):
        return "a UUID"
    return f"a {type(value).__name__}"


def quoted(value: object, limit: int = 60) -> str:
    """A bad value for a message: a string as JSON and TOML write it (``"abc"``), shortened;
    anything else by :func:`describe_type`.
    """
    if not isinstance(value, str):
        return describe_type(value)
    return shorten(json_text(value), limit)


def shown_path(path: object) -> str:
    """A file's path for a message (a CA bundle, a token file's folder): its repr, whole up to
    :data:`PATH_LIMIT` characters, so that the user can find the file named.
    """
    return shorten(repr(path), PATH_LIMIT)


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
