r"""Where the masking's patterns can match, found fast: their matches are unchanged, their
cost on a large text (a 1 MiB error body) is not that of trying them everywhere.

The patterns finding a secret name (:data:`.names._SECRET_NAME_PARTS`) ignore case, and
with :data:`re.IGNORECASE` CPython's ``re`` cannot skip ahead to a first character: it tries
the whole pattern at every position of the text (0.1-0.3 s per MiB per pass, several passes
per error body, even without any secret name in it). Every such name holds a stem
(``token``, ``secret``, ``pass``, ``credential``, ``key``) that a case-sensitive pattern
(:func:`ignoring_case`) finds at C speed; a pattern is then tried only at the start of a word
holding one (:func:`word_starts`), where its matches start, or not at all when its own
keyword (``authorization``, ``bearer``) is absent (:func:`holds`). In a text dense with names
(``key key key ...``) trying a pattern at each from Python costs more than ``re``'s own scan:
there it scans as it did (``starts`` is None).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Final

#: The characters :data:`re.IGNORECASE` matches for a letter beyond its lower and upper case
#: (Unicode's simple case foldings): the Kelvin sign for ``k``, the long s for ``s``, the
#: dotted capital I and the dotless i for ``i``, old Cyrillic letter forms for ``\u043e``,
#: ``\u0441`` and ``\u0442``, Greek symbol forms for ``\u03b9``, ``\u03ba``, ``\u03c1``.
_FOLDS: Final = {
    "i": "iI\u0130\u0131",
    "k": "kK\u212a",
    "s": "sS\u017f",
    "\u043e": "\u043e\u041e\u1c82",
    "\u0441": "\u0441\u0421\u1c83",
    "\u0442": "\u0442\u0422\u1c84\u1c85",
    "\u03b9": "\u03b9\u0399\u0345\u1fbe",
    "\u03ba": "\u03ba\u039a\u03f0",
    "\u03c1": "\u03c1\u03a1\u03f1",
}


def letter_variants(char: str) -> str:
    """The characters :data:`re.IGNORECASE` takes for ``char`` (a lowercase letter of the
    words of :data:`NAME_STEMS`: checked over every code point by the tests).
    """
    return _FOLDS.get(char, "".join(dict.fromkeys(char.lower() + char.upper())))


def ignoring_case(*words: str) -> re.Pattern[str]:
    """A case-sensitive pattern matching where ``re.compile("|".join(words), re.IGNORECASE)``
    matches (lowercase ``words`` of the letters :func:`letter_variants` knows): an
    alternative per spelling of a first letter, each a literal, so that ``re`` skips at C
    speed to where one may start; the rest a tree of the words' letters (``s(?:ecr|enha)``),
    so that each place is tried once per first letter, not once per word; a word that
    another starts with (``pass``, ``passwort``) ends the tree there.
    """
    tree: dict[str, Any] = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def rest(node: dict[str, Any]) -> str:
        if "" in node:
            return ""
        branches = [f"[{re.escape(letter_variants(c))}]{rest(child)}" for c, child in node.items()]
        return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"

    return re.compile(
        "|".join(
            re.escape(first) + rest(child)
            for char, child in tree.items()
            for first in letter_variants(char)
        )
    )


#: The stems of every secret name (:data:`.names._SECRET_NAME_PARTS`: ``passw(or)d``,
#: ``passphrase``, ``passwort`` and ``mot de passe`` hold ``pass``; every ``...keys?`` holds
#: ``key``; ``secr`` is in ``secret`` and French ``secr\u00e8te``); and of the localized names
#: (:data:`.names._LOCALIZED_NAME_PARTS`), each stem in every word its part matches.
STEM_WORDS: Final = (
    "token",
    "secr",
    "pass",
    "credential",
    "key",
    # localized: see names._LOCALIZED_NAME_PARTS
    "jeton",
    "\u0442\u043e\u043a\u0435\u043d",
    "belirte",
    "\u4ee4\u724c",
    "\u6b0a\u6756",
    "\u30c8\u30fc\u30af\u30f3",
    "\ud1a0\ud070",
    "kennwort",
    "contrase",
    "senha",
    "has\u0142",
    "ha\u015bl",
    "wachtwoord",
    "\u043f\u0430\u0440\u043e\u043b",
    "\u015fifre",
    "hesl",
    "hesel",
    "salasana",
    "\u5bc6\u7801",
    "\u5bc6\u78bc",
    "\u30d1\u30b9\u30ef\u30fc\u30c9",
    "\ube44\ubc00",
    "segret",
    "segredo",
    "sekret",
    "\u0441\u0435\u043a\u0440\u0435\u0442",
    "salaisuu",
    "\u30b7\u30fc\u30af\u30ec\u30c3\u30c8",
    "\u79d8\u5bc6",
    "\uc2dc\ud06c\ub9bf",
    "\u5bc6\u94a5",
    "\u5bc6\u9470",
    "\u91d1\u9470",
    "\u05d0\u05e1\u05d9\u05de\u05d5\u05df",
    "\u03b4\u03b9\u03b1\u03ba\u03c1\u03b9\u03c4\u03b9\u03ba",
    "\u062a\u0648\u06a9\u0646",
    "\u091f\u094b\u0915\u0928",
    "\u0e42\u0e17\u0e40\u0e04\u0e47\u0e19",
    "m\u00e3 th\u00f4ng b\u00e1o",
    "\u0631\u0645\u0632",
)
NAME_STEMS: Final = ignoring_case(*STEM_WORDS)
#: The stems of :data:`NAME_STEMS` an ASCII text can hold (the others hold a letter beyond
#: ASCII): all a pass over such a text (most bodies) needs to look for.
ASCII_NAME_STEMS: Final = ignoring_case(*(word for word in STEM_WORDS if word.isascii()))
#: From this many words holding a name on, ...
_MANY: Final = 1024
#: ... one every this many characters or more is dense: the patterns scan it themselves.
_DENSE: Final = 16
#: Where a pattern may match: ascending positions, or None for anywhere (``re``'s own scan).
Starts = Sequence[int] | None
#: A word as the name patterns read it: ``[\w.-]`` (flagged as they are).
_WORD: Final = re.compile(r"[\w.-]*", re.IGNORECASE)


def word_starts(text: str) -> list[int] | None:
    r"""The starts of the words (runs of ``[\w.-]``) of ``text`` holding a stem of a secret
    name (:data:`NAME_STEMS`), ascending: the only places where a pattern matching a
    secret-named word from its start (``(?<![\w.-])[\w.-]*?(?:token|...)``) can match. Each
    word is read once, backwards from its first stem (in the reversed text) and forwards to
    its end: linear in the text. None when the text is dense with them (see the module).
    """
    starts: list[int] = []
    reversed_text: str | None = None
    word_end = 0
    for stem in (ASCII_NAME_STEMS if text.isascii() else NAME_STEMS).finditer(text):
        at = stem.start()
        if at < word_end:
            continue  # a later stem of the word just found
        if reversed_text is None:
            reversed_text = text[::-1]
        starts.append(len(text) - _word_end(reversed_text, len(text) - at))
        word_end = _word_end(text, at)
        if len(starts) >= _MANY and len(starts) * _DENSE > word_end:
            return None
    return starts


def _word_end(text: str, at: int) -> int:
    r"""Where the run of ``[\w.-]`` from ``at`` ends."""
    match = _WORD.match(text, at)
    return match.end() if match is not None else at


def item_starts(starts: Starts) -> Starts:
    """The :func:`word_starts` ``starts`` and the position before each: where a pattern
    matching a secret-named word after a quote or a ``:`` (``["plex_token", ...``,
    ``:plex-token``) can match.
    """
    if starts is None:
        return None
    return [at for start in starts for at in (start - 1, start) if at >= 0]


def holds(stem: re.Pattern[str], text: str) -> bool:
    """Whether ``text`` holds ``stem`` (a pattern of :func:`ignoring_case`): a pattern whose
    matches all hold it needs no pass over a text without it.
    """
    return stem.search(text) is not None


def finditer(pattern: re.Pattern[str], text: str, starts: Starts) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)`` for a pattern that matches only at ``starts`` (ascending)
    and never matches the empty string: tried there only.
    """
    if starts is None:
        yield from pattern.finditer(text)
        return
    end = 0
    for start in starts:
        if start >= end and (match := pattern.match(text, start)) is not None:
            end = match.end()
            yield match


def search(pattern: re.Pattern[str], text: str, pos: int, starts: Starts) -> re.Match[str] | None:
    """``pattern.search(text, pos)`` for a pattern that matches only at ``starts``
    (ascending): tried there only, from ``pos`` on.
    """
    if starts is None:
        return pattern.search(text, pos)
    for index in range(bisect.bisect_left(starts, pos), len(starts)):
        if (match := pattern.match(text, starts[index])) is not None:
            return match
    return None


def sub(
    pattern: re.Pattern[str],
    replace: Callable[[re.Match[str]], str],
    text: str,
    starts: Starts,
) -> str:
    """``pattern.sub(replace, text)`` for a pattern that matches only at ``starts``
    (ascending) and never matches the empty string: tried there only.
    """
    if starts is None:
        return pattern.sub(replace, text)
    parts: list[str] = []
    shown_from = 0
    for match in finditer(pattern, text, starts):
        parts += [text[shown_from : match.start()], replace(match)]
        shown_from = match.end()
    if not parts:
        return text
    parts.append(text[shown_from:])
    return "".join(parts)
