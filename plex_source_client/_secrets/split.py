"""Finding a known long secret split across a parsed JSON value's strings: a server that cut
the ``Authorization`` header at its hyphens and lists the parts (``{"detail": ["3f1c7e2a",
"8b4d", ...]}``), or a token cut into list items or members anywhere. Each string alone
holds no secret; their concatenation in document order does.

- :func:`json_strings_hold` for a successful answer's check (such an answer is refused);
- :func:`mask_split` for an error's body: the strings of a list that together spell a
  secret are masked (``["Invalid token", "***", "***", ...]``), and a body whose strings still
  spell one across its members is masked whole.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from typing import Any, Final

from .parts import holds_parts, secrets_in_parts
from .secret import MASK, MIN_ANYWHERE

#: How many secrets in one list's items (split across them, or whole in one) are found item by
#: item (each costs a few passes over the list's text); past that the list's other strings
#: are masked all when they still hold one.
_FOUND_UP_TO: Final = 8

#: How many of an error body's secrets are looked for (the first: the client's own come first,
#: the values the body stores after them).
_SECRETS_UP_TO: Final = 32


def _strings(value: Any, *, keys: bool) -> Iterator[str]:
    """The strings of a parsed JSON value in document order; with ``keys``, each member's key
    before its value.
    """
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            for key, child in reversed(item.items()):
                stack += [child, key] if keys else [child]
        elif isinstance(item, list):
            stack.extend(reversed(item))


def _joined(value: Any, *, but: Callable[[str], bool] | None = None) -> str:
    """The strings of ``value`` joined in document order: its values alone (pieces in
    members of their own: ``{"head": "Zq8x...", "tail": "...b3c"}``), then with its keys (a
    piece as a key: ``{"Zq8x...": "...b3c"}``), one line each; ``but`` those it is true of.
    """
    return "\n".join(
        "".join(text for text in _strings(value, keys=keys) if but is None or not but(text))
        for keys in (False, True)
    )


def _long(secrets: tuple[str, ...]) -> tuple[str, ...]:
    """The secrets long enough to be looked for anywhere (see :data:`MIN_ANYWHERE`)."""
    return tuple(secret for secret in secrets if len(secret) >= MIN_ANYWHERE)


def _holds(text: str, long_: tuple[str, ...]) -> bool:
    """Whether ``text`` holds one of the long secrets ``long_``, whole or in parts."""
    return any(secret in text for secret in long_) or holds_parts(text, long_)


@functools.lru_cache(maxsize=16)
def _finder(long_: tuple[str, ...]) -> Callable[[str], bool]:
    """:func:`_holds` for ``long_``, one search of a text for them all (a body's many strings
    are each asked), then their parts only where a first part shows.
    """
    whole = re.compile("|".join(re.escape(secret) for secret in long_))
    firsts = re.compile("|".join(re.escape(first) for first, _ in secrets_in_parts(long_)))

    def holds(text: str) -> bool:
        if whole.search(text) is not None:
            return True
        return firsts.pattern != "" and firsts.search(text) is not None and holds_parts(text, long_)

    return holds


def json_strings_hold(value: Any, secrets: tuple[str, ...]) -> bool:
    """Whether the strings of ``value`` (keys too), joined in document order, hold one of the
    long ``secrets`` (a short one could be made by any two words).
    """
    long_ = _long(secrets)
    return bool(long_) and _holds(_joined(value), long_)


def mask_split(value: Any, secrets: tuple[str, ...]) -> Any:
    """An error body's parsed JSON with each run of a list's strings that together spell a
    long secret masked (before each string is masked alone: masking a piece as a fragment
    would hide the rest); ``***`` for the whole body when its strings, joined in document
    order, still spell one (split across members). A string holding a whole secret is left
    to the masking of each string (``"Invalid token T"`` keeps its words). The work is
    linear in the body: one walk, each list's text searched for all the secrets at once.
    """
    long_ = _long(secrets)[:_SECRETS_UP_TO]
    joined = _joined(value)
    held = tuple(secret for secret in long_ if _holds(joined, (secret,)))
    if not held:
        return value
    masked = _mask_lists(value, held)
    # What still spells one, but for the strings holding a whole one (masked as texts are).
    holds_one = _finder(held)
    return MASK if holds_one(_joined(masked, but=holds_one)) else masked


def _mask_lists(value: Any, held: tuple[str, ...]) -> Any:
    """``value`` with the strings of each list that spell one of ``held`` together masked:
    each secret looked for on its own (another, a stored piece of one such as ``3f1c7e2a``
    after ``token``, held by one string would end a run at that string).
    """
    if isinstance(value, dict):
        return {key: _mask_lists(item, held) for key, item in value.items()}
    if isinstance(value, list):
        items = [_mask_lists(item, held) for item in value]
        at = [index for index, item in enumerate(items) if isinstance(item, str)]
        strings = [items[index] for index in at]
        text = "".join(strings)
        if len(strings) < 2 or not _finder(held)(text):
            return items
        for secret in held:
            if _holds(text, (secret,)):
                for index in _spelling(at, strings, (secret,)):
                    items[index] = MASK
        return items
    return value


def _spelling(at: list[int], strings: list[str], long_: tuple[str, ...]) -> list[int]:
    """The places (of ``at``) of the ``strings`` that spell a secret together: for each, the
    shortest run of them that does, found by halving (a run's text holds a secret, its
    shorter ones may not); up to :data:`_FOUND_UP_TO` of them, then all the rest when they
    still spell one.
    """
    places: list[int] = []
    start = found = 0
    while start < len(strings):
        if not _holds("".join(strings[start:]), long_):
            return places
        low, high = start, len(strings) - 1  # the first end whose run from start holds one
        while low < high:
            middle = (low + high) // 2
            if _holds("".join(strings[start : middle + 1]), long_):
                high = middle
            else:
                low = middle + 1
        end = low
        low, high = start, end  # the last start whose run to end holds one
        while low < high:
            middle = (low + high + 1) // 2
            if _holds("".join(strings[middle : end + 1]), long_):
                low = middle
            else:
                high = middle - 1
        if low < end:  # one string alone holding it is masked as a text is
            places += at[low : end + 1]
        start, found = end + 1, found + 1
        if found == _FOUND_UP_TO:
            break
    return places + at[start:] if _holds("".join(strings[start:]), long_) else places
