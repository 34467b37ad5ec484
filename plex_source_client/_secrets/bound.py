"""Masking the values an SQL statement's placeholders were bound to.

Database errors and drivers' logs list them beside (or lines away from) a statement that
names a secret column by a placeholder only (``SET plex_token=%s``, ``= ?``, ``= $1``,
``VALUES (%s, %s)``):

- SQLAlchemy's ``[parameters: ('T', 5)]``, Django's ``params=('T', 'abc')``;
- PostgreSQL's ``DETAIL:  parameters: $1 = 'T', $2 = '5'``;
- MyBatis' ``==> Parameters: T(String), 5(Integer)``;
- Hibernate's ``binding parameter [1] as [VARCHAR] - [T]`` (before the statement).

The value is not beside its column's name, so no ``key=value`` rule reads it. In a text that
names a secret anywhere, every such listing is masked to its line's end: which of its
values is the secret's cannot be told reliably (a value may hold ``, `` or ``)``), and a
database error's other bound values are no loss to its reader.
"""

from __future__ import annotations

import re
from typing import Final

from . import locate
from .names import is_secret_name
from .secret import MASK
from .words import mask_words

#: The stems the listings' heads start with (see :mod:`.locate`).
_STEM: Final = locate.ignoring_case("param", "bind", "arg", "bound")
#: A listing of bound values: its head (``parameters:``, ``params=``, ``"bindings": ``,
#: ``bind variables:``, ``args=``, ``binding parameter [1] as [VARCHAR] - ``, Hibernate 6's
#: ``binding parameter (1:VARCHAR) <- ``), then its values, to the line's end.
_LISTING: Final = re.compile(
    r"(?:param(?:eter)?s|bind(?:ing)?s|bind[ _-]?(?:variables|vars|values)|bound[ _-]values"
    r"|args|arguments)\b[\"']?[ \t]*[:=][ \t]*"
    r"|binding[ _-]param(?:eter)?\b[^\r\n]{0,80}?(?:<-|[-=:])[ \t]*",
    re.IGNORECASE,
)


def mask_bound_values(text: str, found: dict[str, None]) -> str:
    """``text`` with every listing of bound values (:data:`_LISTING`) masked to its line's
    end, when the text names a secret (a statement binding ``plex_token`` to a placeholder);
    a ``]`` closing the listing (SQLAlchemy's ``[parameters: ...]``) is kept. Their
    token-like words go to ``found``: the same answer may repeat them elsewhere.
    """
    if not locate.holds(_STEM, text) or not is_secret_name(text):
        return text
    starts = [
        match.start()
        for match in _STEM.finditer(text)
        if match.start() == 0 or not text[match.start() - 1].isalnum()
    ]
    parts: list[str] = []
    shown_from = 0
    for head in locate.finditer(_LISTING, text, starts):
        if head.start() < shown_from:  # inside a listing masked already: linear time
            continue
        end = text.find("\n", head.end())
        end = len(text) if end == -1 else end
        values = text[head.end() : end].rstrip("\r")
        if not values.strip():
            continue
        bracketed = text[head.start() - 1 : head.start()] == "["
        closing = "]" if bracketed and values.endswith("]") else ""
        mask_words(values, found)
        parts += [text[shown_from : head.end()], MASK, closing]
        shown_from = head.end() + len(values)
    parts.append(text[shown_from:])
    return "".join(parts)
