"""The fallback of the masking by key (:mod:`.text`): after a secret name in a text whose
value no rule for a known syntax masked, the token-like words that follow it nearby.

Defence in depth for syntaxes no rule reads yet (``plex_token ~> T``, a new dump format):
each rule masks one syntax; this masks what looks like a secret near any secret name.

- **A secret name**: a word (letters, digits, ``_``, ``.``, ``-``) holding one of the names
  :func:`.names.is_secret_name` knows (``plex_token``, ``X-Plex-Token``, ``apiKey``,
  ``password``). Not one in a path (``/core/tokens/``: ``/`` before or after it), nor
  PostgreSQL's ``Key (columns)=(values)`` (read by its own rule, which knows the columns).
- **Nearby**: the rest of the name's line, up to :data:`NEARBY` characters, up to the next
  secret name (that one's own window starts there) and up to the first ``***`` (a rule masked
  the value: what follows it is another field's; the rules mask no grammar word as a value,
  so in prose, ``the plex_token is T``, the window reaches ``T``). When that rest holds no
  letter or digit and ends no sentence (``name="plex_token"`` before a blank line), the next
  non-blank line instead, bounded the same way.
- **Token-like**: a run of characters between spaces, quotes, brackets, ``,;=|*`` (its
  leading and trailing ``.:!?-`` left shown) of at least :data:`MIN_WORD` characters that
  holds a digit, or a lowercase letter followed by an uppercase one unless it is a CamelCase
  identifier (``XvTkLm``; not ``Plex``, ``Content-Type``, ``RuntimeError``), or is at least
  :data:`LONG_WORD` long. The words of a plain sentence (``may not be blank``) and the class
  named by a traceback stay shown, so a message still says what was wrong.

Accepted limits: a secret shorter than :data:`LONG_WORD` without a digit that is all
lowercase (or all uppercase) letters or reads as CamelCase (``QwertyUiop``), or one shorter
than :data:`MIN_WORD`, in a syntax no rule reads, is shown; so is a value further than the
name's line (or the next non-blank one) or :data:`NEARBY` characters away. Over-masking is
accepted: an error text near a secret name loses its token-like words (a date, a request
id, a version), never its meaning.

Linear in the text: the windows do not overlap (each ends where the next name starts).
"""

from __future__ import annotations

import re
from typing import Final

from . import locate
from .known import MASK
from .names import _SECRET_NAME_PARTS

#: How far after a secret name its value is looked for, in characters.
NEARBY: Final = 200
#: The fewest characters a token-like word has.
MIN_WORD: Final = 4
#: From this length on, a word is token-like whatever its letters (a lowercase hex token).
LONG_WORD: Final = 16

#: A word holding a secret's name: found once per word (the lazy scan runs only from a
#: word's start), taken whole but for a trailing ``.`` or ``-`` (``Invalid token.``).
_NAME: Final = re.compile(
    r"(?<![\w.-])[\w.-]*?(?:" + _SECRET_NAME_PARTS + r")(?:[\w.-]*\w)?", re.IGNORECASE
)
#: A run of characters between spaces, quotes, brackets and separators, CJK ones and
#: fullwidth punctuation too (``\u4ee4\u724c\uff08T\uff09\u65e0\u6548``, ``\uff1aT\u3002``: a
#: localized message after a localized name reads on around the value).
_WORD: Final = re.compile(
    r"[^\s\"'`()\[\]{}<>,;=|*\u201c\u201d\u2018\u2019\u201e\u00ab\u00bb\u2039\u203a"
    r"\u3001-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]+"
)
#: What is left around a word's core: sentence punctuation, a leading ``:`` (a keyword).
_EDGE: Final = ".:!?-"
_LETTER_OR_DIGIT: Final = re.compile(r"[^\W_]")
#: A lowercase letter followed by an uppercase one (``XvTkLm``); not in a word capitalized
#: (``Plex``) or a header's name (``X-Authentik-Id``).
_CAMEL: Final = re.compile(r"[a-z][A-Z]")
#: An identifier in CamelCase: capitalized parts of at least two lowercase letters each
#: (``RuntimeError``, ``HTTPStatusError``, ``iPhone``), as a traceback or a message names a
#: class; a random token's parts are shorter (``XvTkLm``).
_CAMEL_WORDS: Final = re.compile(r"[a-z]*(?:[A-Z]+[a-z]{2,})+[A-Z]*")
_BLANK: Final = re.compile(r"\s*")


def _token_like(word: str) -> bool:
    """Whether ``word`` looks like a secret rather than a word of a sentence."""
    if len(word) < MIN_WORD:
        return False
    if len(word) >= LONG_WORD or any(map(str.isdigit, word)):
        return True
    return _CAMEL.search(word) is not None and _CAMEL_WORDS.fullmatch(word) is None


def _mask_words(window: str, found: dict[str, None]) -> str:
    """``window`` with its token-like words masked (their edges kept); they go to ``found``."""

    def masked(match: re.Match[str]) -> str:
        word = match.group()
        core = word.strip(_EDGE)
        if not _token_like(core):
            return word
        found[core] = None
        head = len(word) - len(word.lstrip(_EDGE))
        return f"{word[:head]}{MASK}{word[head + len(core) :]}"

    return _WORD.sub(masked, window)


def _line(text: str, start: int, limit: int) -> tuple[int, bool]:
    """Where the rest of the line from ``start`` ends (at most at ``limit``, :data:`NEARBY`
    characters on, or the first ``***``), and whether that is the line's end (so a next line
    may hold the value).
    """
    end = min(limit, start + NEARBY)
    newline = text.find("\n", start, end)
    if newline != -1:
        end = newline
    mask = text.find(MASK, start, end)
    if mask != -1:
        return mask, False
    return end, newline != -1


def _window(text: str, start: int, limit: int) -> tuple[int, int]:
    """Where to look for the value of a secret name ending at ``start`` (see the module)."""
    end, at_line_end = _line(text, start, limit)
    rest = text[start:end]
    if not at_line_end or _LETTER_OR_DIGIT.search(rest) or any(c in rest for c in ".!?"):
        return start, _word_end(text, end, limit)
    blank = _BLANK.match(text, end, min(limit, end + NEARBY))
    following = blank.end() if blank is not None else end
    if following >= limit or following == end + NEARBY:
        return start, end
    next_end, _ = _line(text, following, limit)
    return following, _word_end(text, next_end, limit)


def _word_end(text: str, end: int, limit: int) -> int:
    """``end``, or the end of the word it cuts (a long token is masked whole), up to
    ``limit`` (where the next name starts).
    """
    if 0 < end < limit and _WORD.fullmatch(text, end - 1, end + 1):
        word = _WORD.match(text, end, limit)
        return word.end() if word is not None else end
    return end


def _skipped(text: str, name: re.Match[str]) -> bool:
    """Whether a secret name is no key of a value: a path's segment, PostgreSQL's ``Key (``."""
    before = text[name.start() - 1 : name.start()]
    after = text[name.end() : name.end() + 2]
    return before == "/" or after.startswith("/") or (name.group() == "Key" and after == " (")


def mask_nearby(text: str, found: dict[str, None]) -> str:
    """``text`` with the token-like words near each secret name masked (see the module);
    the words masked are added to ``found``.
    """
    return mask_nearby_at(text, found, locate.word_starts(text))


def mask_nearby_at(text: str, found: dict[str, None], starts: locate.Starts) -> str:
    """:func:`mask_nearby`, given where a name can start (:func:`.locate.word_starts` of
    ``text``): found once for the passes of the masking that share it.
    """
    names = list(locate.finditer(_NAME, text, starts))
    if not names:
        return text
    parts: list[str] = []
    shown_from = 0
    for index, name in enumerate(names):
        limit = names[index + 1].start() if index + 1 < len(names) else len(text)
        if _skipped(text, name):
            continue
        start, end = _window(text, name.end(), limit)
        masked = _mask_words(text[start:end], found)
        if masked != text[start:end]:
            parts += [text[shown_from:start], masked]
            shown_from = end
    parts.append(text[shown_from:])
    return "".join(parts)
