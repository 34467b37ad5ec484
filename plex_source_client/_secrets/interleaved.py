r"""Finding a known secret spaced out: the same few characters between every two of its
characters (``t e s t``, a no-break space or a soft hyphen between its letters, as a bytes
repr quotes them: ``Q\xa0m\xa07...``, ``Q\xc2\xadm...``; ``t - e - s - t``). A reader
skips the separator and reads the secret; no run of its characters shows as written.

:func:`interleaved_pattern` for :func:`.known.redact` and the checks of successful answers.
"""

from __future__ import annotations

import functools
import re
from typing import Final

from .secret import MIN_ANYWHERE

#: What may stand between every two characters of a spaced-out secret, the same each time:
#: one to four characters that are no letter, digit or ``_`` and no line break (a space, a
#: no-break space, `` - ``, ``, ``), or one to four escaped bytes or characters as a bytes
#: repr or a JSON text writes them (``\xa0``, ``\xc2\xad``, ``\u00a0``).
_SEPARATOR: Final = r"(?:[^\w\n]{1,4}|(?:\\x[0-9a-fA-F]{2}){1,4}|(?:\\u[0-9a-fA-F]{4}){1,2})"
#: How many secrets are looked for spaced out (the first: the client's own come first).
_UP_TO: Final = 32
#: The longest secret looked for spaced out (an API token has 60 characters).
_MAX_LENGTH: Final = 256


@functools.lru_cache(maxsize=64)
def interleaved_pattern(secrets: tuple[str, ...]) -> re.Pattern[str] | None:
    """One pattern finding any of the long ``secrets`` spaced out (see the module), or None
    for none: each secret's characters in order, a separator after the first, the same one
    (a back-reference) after each next. One search of a text for them all.
    """
    alternatives = []
    chosen = dict.fromkeys(s for s in secrets if MIN_ANYWHERE <= len(s) <= _MAX_LENGTH)
    for number, secret in enumerate(list(chosen)[:_UP_TO]):
        first, second, *rest = (re.escape(char) for char in secret)
        same = f"(?P=s{number})"
        alternatives.append(
            f"{first}(?P<s{number}>{_SEPARATOR}){second}" + "".join(same + c for c in rest)
        )
    return re.compile("|".join(alternatives)) if alternatives else None


def holds_interleaved(text: str, secrets: tuple[str, ...]) -> bool:
    """Whether ``text`` holds one of the long ``secrets`` spaced out."""
    pattern = interleaved_pattern(secrets)
    return pattern is not None and pattern.search(text) is not None
