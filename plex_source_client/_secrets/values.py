"""A secret-named key's value, as every rule by syntax (:mod:`.keyed`, :mod:`.markup`) reads
it: the key's word (:data:`_KEY_WORD`), where its value ends (:func:`_value_end`: a quoted
string, a list or an object at its matching bracket, a bare word), the value masked with its
quotes kept (:func:`_masked`), and the secrets it holds collected (:func:`_held_values`) so
that the text's other mentions of them are masked too. Shared, so that a value is masked the
same way whatever syntax named it.
"""

from __future__ import annotations

import re
from typing import Final

from .names import _SECRET_NAME_PARTS
from .secret import MASK

#: A CDATA section (``<![CDATA[T]]>``), to its end or the text's.
_CDATA: Final = r"<!\[CDATA\[(?:[^\]]|\](?!\]>))*(?:\]\]>)?"
_PARTS: Final = _SECRET_NAME_PARTS
#: A secret-named key: a whole word (letters, digits, ``_``, ``.``, ``-``; not the ``-`` of
#: a ``->`` after it) of up to 400 characters with a secret's name in its first 200
#: (``plex_token``, ``plex_token_used_by_the_nightly_sync_job=``). The lookahead finds the
#: name once and the word is taken whole without backtracking: linear in the text.
_KEY_WORD: Final = (
    r"(?<![\w.-])(?=[\w.-]{0,200}?(?:" + _PARTS + r"))(?:[\w.]|-(?!>)){1,400}+(?![\w.-])"
)
#: A value that is not a list or an object: quoted (to its closing quote or the end of the
#: text; in triple quotes as TOML and Python write them; in doubled quotes as SQL escapes a
#: quote, ``''T''``, when a value follows them; a Python bytes or raw string's prefix,
#: ``b'...'``, with it), quoted with escaped quotes (JSON inside a JSON string), a
#: CDATA section, or a bare word (to the next space: a token may hold ``&`` or ``;``).
_VALUE: Final = re.compile(
    r"(?:[bBrRuU]{1,2}(?=[\"']))?"
    r"(?:\"{3}(?:[^\"\\]|\\.|\"(?!\"\"))*(?:\"{3})?|'{3}(?:[^']|'(?!''))*(?:'{3})?"
    r"|(?P<doubled>''|\"\")(?=[^\s'\"])(?:(?!(?P=doubled))[\s\S])*(?P=doubled)?"
    r"|\"(?:[^\"\\]|\\.)*\"?|'[^']*'?"
    r"|\u201c[^\u201d]*\u201d?|\u2018[^\u2019]*\u2019?|\u00ab[^\u00bb]*\u00bb?)"
    r"|\\\"(?:(?!\\\")[\s\S])*(?:\\\")?|" + _CDATA + r"|[^\s\"'<>]+"
)
#: What matters when finding where a list or an object ends: brackets, quotes, backslashes.
_STRUCTURE: Final = re.compile(r"[\[\]{}\"\\]")


def _value_end(text: str, start: int) -> int:
    """Where the value at ``text[start]`` ends: a list or an object at its matching bracket
    (brackets inside strings skipped), however long or nested; the text's end when it is
    cut short. Otherwise as :data:`_VALUE` reads it.
    """
    if text[start] not in "[{":
        match = _VALUE.match(text, start)
        return match.end() if match else start
    depth, in_string, escaped, escaped_at = 0, False, False, -2
    for found in _STRUCTURE.finditer(text, start):
        char, at = found.group(), found.start()
        if escaped and at == escaped_at + 1:
            escaped = False
            continue
        escaped = False
        if char == "\\":
            escaped, escaped_at = True, at
        elif char == '"':
            in_string = not in_string
        elif not in_string:
            depth += 1 if char in "[{" else -1
            if depth == 0:
                return at + 1
    return len(text)


#: What opens a quoted value and closes it, longest first (``"""`` before ``"``).
_QUOTES: Final = (
    ("<![CDATA[", "]]>"),
    ('"""', '"""'),
    ("'''", "'''"),
    ('\\"', '\\"'),
    ('"', '"'),
    ("'", "'"),
    ("\u201c", "\u201d"),
    ("\u2018", "\u2019"),
    ("\u00ab", "\u00bb"),
    ("[", "]"),
    ("{", "}"),
)
#: A Python string's prefix (``b'...'``, ``rb"..."``): kept with the masked value.
_STRING_PREFIX: Final = re.compile(r"[bru]{1,2}(?=[\"'])", re.IGNORECASE)


def _masked(value: str, found: dict[str, None]) -> str:
    """A secret-named key's ``value`` masked (its quotes, or a list's or an object's brackets,
    kept); what it holds (its strings, quotes taken off) is added to ``found``.
    """
    prefix = _STRING_PREFIX.match(value)
    prefix_text = prefix.group() if prefix else ""
    value = value[len(prefix_text) :]
    doubled = value[:2] if value[:2] in ("''", '""') and value[2:3] not in ("", value[0]) else ""
    quote, ends = next(
        ((o, c) for o, c in ((doubled, doubled), *_QUOTES) if o and value.startswith(o)),
        ("", ""),
    )
    closing = (
        ends if quote and len(value) >= len(quote) + len(ends) and value.endswith(ends) else ""
    )
    found.update(dict.fromkeys(_held_values(value, quote, closing)))
    return f"{prefix_text}{quote}{MASK}{closing}"


#: A letter or a digit: a value without any is no secret (``~>``, ``::``, ``***``).
_LETTER_OR_DIGIT: Final = re.compile(r"[^\W_]")


def _separator_only(value: str) -> bool:
    """Whether a key's "value" is punctuation of a syntax no rule reads (``~`` of
    ``plex_token ~> T``, ``::`` of ``password ::: T``, the ``[`` of ``plex-token ["T"]``
    where a rule stops at the quote) or a mask already: at most 3 characters, no letter or
    digit, not a quoted string (``""`` stays masked). Not masked as the value: the fallback
    (:func:`.nearby.mask_nearby`) then looks at what follows.
    """
    return len(value) <= 3 and value[:1] not in "\"'" and not _LETTER_OR_DIGIT.search(value)


def _mask_value(match: re.Match[str], found: dict[str, None]) -> str:
    """The match of a secret-named key and its value (``key``, ``sep``, ``value``), masked;
    as it is when the value is punctuation only (see :func:`_separator_only`).
    """
    if _separator_only(match["value"]):
        return match.group()
    return f"{match['key']}{match['sep']}{_masked(match['value'], found)}"


#: The strings inside a masked list or object value (``["T1", "T2"]``, ``{"k": "T"}``).
_QUOTED: Final = re.compile(r"\"((?:[^\"\\]|\\.)*)\"|'([^']*)'")


def _held_values(value: str, quote: str, closing: str) -> list[str]:
    """The secret(s) a masked ``value`` holds: a quoted one without its quotes, the quoted
    strings of a list or an object, a bare word as it is; stripped, empty ones left out.
    """
    if quote in ("[", "{"):
        held = [a or b for a, b in _QUOTED.findall(value)]
    elif quote:
        held = [value[len(quote) : len(value) - len(closing)]]
    else:
        # A bare value runs to the next space: ``T&next=1`` may be the token ``T&next=1`` or
        # the token ``T`` and a next parameter; both are masked where the text repeats them.
        held = [value, *(part for part in re.split(r"[&;,|]", value) if part != value)]
    return [x.strip() for x in held if x.strip()]
