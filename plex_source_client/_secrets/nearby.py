"""The fallback of the masking by key (:mod:`.text`): after a secret name in a text whose
value no rule for a known syntax masked, the token-like words that follow it nearby.

Defence in depth for syntaxes no rule reads yet (``plex_token ~> T``, a new dump format):
each rule masks one syntax; this masks what looks like a secret near any secret name.

- **A secret name**: a word (letters, digits, ``_``, ``.``, ``-``) holding one of the names
  :func:`.names.is_secret_name` knows (``plex_token``, ``X-Plex-Token``, ``apiKey``,
  ``password``). Not one in a path (``/core/tokens/``: ``/`` before or after it: there,
  only the next segment is its value, when written like a token: ``/plex_token/T/``), nor
  PostgreSQL's ``Key (columns)=(values)`` (read by its own rule, which knows the columns).
- **Nearby**: the rest of the name's line, up to :data:`NEARBY` characters and up to the
  next secret name (that one's own window starts there). A ``***`` does not end it: what a
  rule masked may not be the value (a reason, ``plex_token: 'invalid', value: 'T'``; a word
  after a quoted name, ``"plex_token": rejected value T``), nor is a known secret masked
  first (``plex_token rejected for Bearer ***, got T``) or a ``***`` the server wrote. When
  that rest holds no letter, digit or ``***`` (``name="plex_token"`` before a blank line,
  ``Invalid plex_token.`` before ``Value: T``), the next non-blank line instead, bounded the
  same way.
- **Before**: the token-like words written before the name on its line (``'T' is not a
  valid Plex token``), and on the line before when the name's line continues a sentence
  (``T`` then ``is not a valid plex_token``).
- **Token-like**: a run of characters between spaces, quotes, brackets, ``,;=|*`` (its
  leading and trailing ``.:!?-`` left shown) of at least :data:`.words.MIN_WORD` characters that
  holds a digit, or a lowercase letter followed by an uppercase one unless it is a CamelCase
  identifier (``XvTkLm``; not ``Plex``, ``Content-Type``, ``RuntimeError``), or is at least
  :data:`.words.LONG_WORD` long. The words of a plain sentence (``may not be blank``) and the class
  named by a traceback stay shown, so a message still says what was wrong.

Accepted limits: a secret shorter than :data:`.words.LONG_WORD` without a digit that is all
lowercase (or all uppercase) letters or reads as CamelCase (``QwertyUiop``), or one shorter
than :data:`.words.MIN_WORD`, in a syntax no rule reads, is shown; so is a value further than the
name's line (or the next non-blank one) or :data:`NEARBY` characters away. Over-masking is
accepted: an error text near a secret name loses its token-like words (a date, a request
id on the line after ``Invalid token.``, a version), never its meaning; an error's request
id is its :attr:`request_id` too, read from the answer's headers.

Linear in the text: the windows do not overlap (each ends where the next name starts).
"""

from __future__ import annotations

import re
from typing import Final

from . import locate
from .markup import _PG_KEY
from .names import _SECRET_NAME_PARTS
from .secret import MASK
from .words import WORD, mask_words, written_like_a_token

#: How far after a secret name its value is looked for, in characters.
NEARBY: Final = 200
#: A word holding a secret's name: found once per word (the lazy scan runs only from a
#: word's start), taken whole but for a trailing ``.`` or ``-`` (``Invalid token.``).
_NAME: Final = re.compile(
    r"(?<![\w.-])[\w.-]*?(?:" + _SECRET_NAME_PARTS + r")(?:[\w.-]*\w)?", re.IGNORECASE
)
_LETTER_OR_DIGIT: Final = re.compile(r"[^\W_]")
_BLANK: Final = re.compile(r"\s*")
#: A line's start up to a secret name that continues a sentence begun on the line before:
#: words of letters only, the first lowercase, perhaps a quote (``is not a valid "``).
_CONTINUED: Final = re.compile(
    r"[ \t]*[a-z][^\W\d_]*(?:[ \t]+[^\W\d_]+)*[ \t]*[\"'`(\u201c\u2018]?"
)


def _line(text: str, start: int, limit: int) -> tuple[int, bool]:
    """Where the rest of the line from ``start`` ends (at most at ``limit``, or :data:`NEARBY`
    characters on), and whether that is the line's end (so a next line may hold the value).
    """
    end = min(limit, start + NEARBY)
    newline = text.find("\n", start, end)
    return (newline, True) if newline != -1 else (end, False)


def _window(text: str, start: int, limit: int) -> tuple[int, int]:
    """Where to look for the value of a secret name ending at ``start`` (see the module)."""
    end, at_line_end = _line(text, start, limit)
    rest = text[start:end]
    if not at_line_end or _LETTER_OR_DIGIT.search(rest) or MASK in rest:
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
    if 0 < end < limit and WORD.fullmatch(text, end - 1, end + 1):
        word = WORD.match(text, end, limit)
        return word.end() if word is not None else end
    return end


#: How far back a name inside PostgreSQL's ``Key (columns)=(values)`` may have its ``Key (``
#: (its rule, :func:`.markup._mask_pg_keys`, reads up to 300 characters of columns).
_PG_COLUMNS: Final = 310


#: A path's segment after a secret name's (``https://plex.tv/pins/plex_token/T/check``: an
#: upstream URL quoted in an error): its value when written like a token, 8 characters or
#: more (``/core/tokens/view_key/`` names an action, no value).
_PATH_VALUE: Final = re.compile(r"/([^/\s?#:;,\"'<>()\[\]{}]{8,200})(?=[/\s?#:;,\"'<>()\[\]{}]|$)")


def _skipped(text: str, name: re.Match[str]) -> bool:
    """Whether a secret name is no key of a value: a path's segment, PostgreSQL's ``Key (``,
    a column of its list (``Key (plex_token, slug)=(***, plex-2)``: its rule masked the
    secret columns' values and shows the others').
    """
    before = text[name.start() - 1 : name.start()]
    after = text[name.end() : name.end() + 2]
    if before == "/" or after.startswith("/") or (name.group() == "Key" and after == " ("):
        return True
    opened = text.rfind("Key (", max(0, name.start() - _PG_COLUMNS), name.start())
    key = _PG_KEY.match(text, opened) if opened != -1 else None
    return key is not None and name.end() <= key.end("columns")


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
    covered = 0  # where the previous name's window ended: the next one's "before" starts there
    for index, name in enumerate(names):
        limit = names[index + 1].start() if index + 1 < len(names) else len(text)
        if _skipped(text, name):
            segment = _PATH_VALUE.match(text, name.end())
            if segment is not None and segment.start(1) >= shown_from:
                value = segment.group(1)
                if written_like_a_token(value):  # ``.../plex_token/T/check``: its value
                    found[value] = None
                    parts += [text[shown_from : segment.start(1)], MASK]
                    shown_from = segment.end(1)
            continue
        before = _before(text, name.start(), covered)
        masked = mask_words(text[before : name.start()], found, before_a_name=True)
        if masked != text[before : name.start()]:
            parts += [text[shown_from:before], masked]
            shown_from = name.start()
        start, end = _window(text, name.end(), limit)
        masked = mask_words(text[start:end], found)
        if masked != text[start:end]:
            parts += [text[shown_from:start], masked]
            shown_from = end
        covered = max(end, name.end())
    parts.append(text[shown_from:])
    return "".join(parts)


def _before(text: str, name_start: int, covered: int) -> int:
    """Where the value written before a secret name may start (``'T' is not a valid Plex
    token``, ``Invalid value T for plex_token``): the start of the name's line (of the line
    before when the name's line continues its sentence: see :data:`_CONTINUED`), at most
    :data:`NEARBY` characters back (a word cut there taken whole) and not before ``covered``
    (the previous name's window: the windows do not overlap, so the work stays linear).
    """
    start = max(covered, name_start - NEARBY)
    newline = text.rfind("\n", start, name_start)
    if newline != -1 and _CONTINUED.fullmatch(text, newline + 1, name_start):
        # ``T\nis not a valid plex_token``: the sentence started on the line before.
        newline = text.rfind("\n", start, newline)
    if newline != -1:
        return newline + 1
    while start > covered and WORD.fullmatch(text, start - 1, start + 1):
        start -= 1
    return start
