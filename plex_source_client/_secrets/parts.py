"""Finding a known secret written in parts (a UUID-shaped key, ``3f1c7e2a-8b4d-...``) part
by part, whatever an echo wrote for each separator (an escape of any language, a
typographic dash, nothing): :func:`holds_parts`, :func:`bytes_hold_parts`, and
:func:`mask_parts` for :func:`.known.redact`.
"""

from __future__ import annotations

import functools
import re
from typing import Final

from .secret import MASK, MIN_ANYWHERE, MIN_DASHLESS

#: A secret looked for part by part: its first part, and the pattern finding its parts.
Parted = tuple[tuple[str, re.Pattern[str]], ...]


#: A run of letters or digits: a secret's parts, between its separators (``-``, ``_``, ``.``).
_PART: Final = re.compile(r"[^\W_]+")
#: The most characters an echo may write for one separator of a secret: ``\x2d``, ``%252D``,
#: ``&hyphen;``, ``\N{HYPHEN-MINUS}`` (16; 17 with its backslash doubled in a JSON text), a
#: typographic dash, a quoting ``\``, ``^`` or `````, or nothing (a UUID as 32 hex digits).
_GAP: Final = 24
#: What an echo may write for a separator (the shortest that reaches the next part): nothing,
#: up to eight marks or spaces that are no letter, digit or ``_`` (a dash of any kind,
#: ``\-``, ``^-``; a list's ``", "`` or ``",\n  "`` between parts a server split at the
#: hyphens), one or two ``_`` (``re.sub(r"\W", "_", ...)``: a cache key, a metric label), or
#: an escape: a ``\``, ``%``, ``&``, ``=``, ``^`` or a backtick and what follows it, up to
#: :data:`_GAP` characters in all, no space but one ending it (``\x2d``, ``%u002D``,
#: ``&hyphen;``, ``=2D``, CSS's ``\2d ``). Not letters alone: in ``plex_token:
#: plex-token-1...`` a secret's word-like parts would reach from a key's name into its value.
_SEPARATOR: Final = rf"(?:\W{{0,8}}?|_{{1,2}}|[\\%&=^`]\S{{0,{_GAP - 2}}}? ?)"
#: The most parts, and characters, a secret looked for part by part has (a UUID has 5 parts and
#: 36 characters; an API token, 60): each search from a first part's match costs up to this
#: many parts, so a stored "secret" a hostile answer made of 12,000 parts (``a1-a1-...``),
#: repeated elsewhere but for its last part, cost quadratic time; it is masked as written.
_MAX_PARTS: Final = 8
_MAX_PARTED_LENGTH: Final = 256
#: How many of a text's secrets written in parts are looked for part by part (the first ones
#: given: the client's own come first, a page's stored tokens after them): each costs a search
#: of every text masked.
_PARTED_UP_TO: Final = 32


@functools.lru_cache(maxsize=1024)
def _parts_of(secret: str) -> tuple[str, re.Pattern[str]] | None:
    """For a long secret written in parts (``3f1c7e2a-8b4d-4e6f-...``, a UUID-shaped key), its
    first part and a pattern finding its parts in order with up to :data:`_GAP` characters in
    place of each separator (see :data:`_SEPARATOR`): however an echo writes its
    separators (an escape of any language, a typographic dash, none), the parts are the
    secret's. Each separator's stand-in is the shortest that reaches the next part (an atomic
    group: no backtracking, linear time). None for a secret of one part or of more than
    :data:`_MAX_PARTS`, longer than :data:`_MAX_PARTED_LENGTH`, or whose parts hold fewer than
    :data:`MIN_DASHLESS` characters (they could be words).
    """
    if not MIN_ANYWHERE <= len(secret) <= _MAX_PARTED_LENGTH:
        return None
    parts = _PART.findall(secret)
    if not 2 <= len(parts) <= _MAX_PARTS or sum(map(len, parts)) < MIN_DASHLESS:
        return None
    rest = "".join(f"(?>{_SEPARATOR}{re.escape(part)})" for part in parts[1:])
    # The marks before its first part and after its last (``-`` of ``...Xu-``), as written:
    # masked with it when they are there, else the masked text would end in ``***-``.
    before = secret[: secret.index(parts[0])]
    after = secret[secret.rindex(parts[-1]) + len(parts[-1]) :]
    head = f"(?:{re.escape(before)})?" if before else ""
    tail = f"(?>{re.escape(after)})?" if after else ""
    return parts[0], re.compile(head + re.escape(parts[0]) + rest + tail)


@functools.lru_cache(maxsize=8)
def secrets_in_parts(secrets: tuple[str, ...]) -> Parted:
    """The first :data:`_PARTED_UP_TO` of ``secrets`` written in parts (see :func:`_parts_of`)."""
    found: list[tuple[str, re.Pattern[str]]] = []
    for secret in dict.fromkeys(secrets):
        parts = _parts_of(secret)
        if parts is not None:
            found.append(parts)
            if len(found) == _PARTED_UP_TO:
                break
    return tuple(found)


def mask_parts(text: str, parted: Parted) -> str:
    """``text`` with each secret of ``parted`` masked where its parts show in order, whatever
    stands between them (see :func:`_parts_of`).
    """
    for first, pattern in parted:
        if first in text:
            text = pattern.sub(MASK, text)
    return text


def bytes_hold_parts(content: bytes, secrets: tuple[str, ...]) -> bool:
    """:func:`holds_parts` of a body as bytes (UTF-8), decoded only when a secret's first
    part is in it (a check of every successful answer: most hold none).
    """
    parted = secrets_in_parts(secrets)
    if not any(first.encode("utf-8", "surrogatepass") in content for first, _ in parted):
        return False
    return holds_parts(content.decode("utf-8", "replace"), secrets)


def holds_parts(text: str, secrets: tuple[str, ...]) -> bool:
    """Whether ``text`` holds one of ``secrets`` written in parts, its separators written in
    any way (see :func:`_parts_of`).
    """
    return any(
        first in text and pattern.search(text) for first, pattern in secrets_in_parts(secrets)
    )
