"""Token-like words: how the masking tells a secret's value from the words of a sentence,
where no syntax says which word is the value (after a secret's name in prose, in an error
message beside a member naming a secret field).

A word is a run of characters between spaces, quotes, brackets and separators; it is
token-like when it has at least :data:`MIN_WORD` characters and holds a digit, or a lowercase
letter followed by an uppercase one unless it reads as a CamelCase identifier (``XvTkLm``;
not ``Plex``, ``Content-Type``, ``RuntimeError``), or is at least :data:`LONG_WORD` long.
"""

from __future__ import annotations

import re
from typing import Final

from .secret import MASK

#: The fewest characters a token-like word has.
MIN_WORD: Final = 4
#: From this length on, a word is token-like whatever its letters (a lowercase hex token).
LONG_WORD: Final = 16

#: A word: a run of characters between spaces, quotes, brackets and separators, CJK ones and
#: fullwidth punctuation too (``\u4ee4\u724c\uff08T\uff09\u65e0\u6548``, ``\uff1aT\u3002``: a
#: localized message after a localized name reads on around the value).
WORD: Final = re.compile(
    r"[^\s\"'`()\[\]{}<>,;=|*\u201c\u201d\u2018\u2019\u201e\u00ab\u00bb\u2039\u203a"
    r"\u3001-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]+"
)
#: What is left around a word's core: sentence punctuation, a leading ``:`` (a keyword).
EDGE: Final = ".:!?-"
#: A lowercase letter followed by an uppercase one (``XvTkLm``); not in a word capitalized
#: (``Plex``) or a header's name (``X-Authentik-Id``).
_CAMEL: Final = re.compile(r"[a-z][A-Z]")
#: An identifier in CamelCase: capitalized parts of at least two lowercase letters each
#: (``RuntimeError``, ``HTTPStatusError``, ``iPhone``), as a traceback or a message names a
#: class; a random token's parts are shorter (``XvTkLm``).
_CAMEL_WORDS: Final = re.compile(r"[a-z]*(?:[A-Z]+[a-z]{2,})+[A-Z]*")


def token_like(word: str) -> bool:
    """Whether ``word`` looks like a secret rather than a word of a sentence."""
    if len(word) < MIN_WORD:
        return False
    if len(word) >= LONG_WORD or any(map(str.isdigit, word)):
        return True
    return _CAMEL.search(word) is not None and _CAMEL_WORDS.fullmatch(word) is None


def written_like_a_token(word: str) -> bool:
    """Whether ``word`` is token-like by its letters (a digit, mixed case), not by its
    length alone, and is no path or URL (no ``/``): what is masked before a secret's name,
    where header names (``Content-Disposition``) and addresses are written too.
    """
    if "/" in word or len(word) < MIN_WORD:
        return False
    if any(map(str.isdigit, word)):
        return True
    return _CAMEL.search(word) is not None and _CAMEL_WORDS.fullmatch(word) is None


def mask_words(window: str, found: dict[str, None], *, before_a_name: bool = False) -> str:
    """``window`` with its token-like words masked (their edges kept); they go to ``found``.
    ``before_a_name``: the window precedes a secret's name; only words
    :func:`written_like_a_token` count there.
    """
    like = written_like_a_token if before_a_name else token_like

    def masked(match: re.Match[str]) -> str:
        word = match.group()
        core = word.strip(EDGE)
        if not like(core):
            return word
        found[core] = None
        head = len(word) - len(word.lstrip(EDGE))
        return f"{word[:head]}{MASK}{word[head + len(core) :]}"

    return WORD.sub(masked, window)
