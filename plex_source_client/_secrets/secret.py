"""A secret's value kept from showing itself (:class:`Secret`), what shows in its place
(:data:`MASK`) wherever a secret is masked, and the lengths from which a secret is masked
inside a word (:data:`MIN_ANYWHERE`, :data:`MIN_DASHLESS`).
"""

from __future__ import annotations

from typing import Final

MASK: Final = "***"

#: A secret this long is masked wherever it shows, inside a word too: a real token (authentik's
#: are 60 characters) cannot appear by chance. A shorter one (a 3-letter test token, a proxy
#: password ``plex``) could: it is masked only where it stands alone, as a whole value is
#: written (between spaces, quotes, ``=``, ``:``, ``@``, ``&``, brackets, or the text's ends),
#: and never "found" inside a word or a key (``plex_token``) or a path (``/sources/plex/``).
MIN_ANYWHERE: Final = 8
#: The fewest characters a secret without its hyphens (see :func:`.known._spellings`) has to be
#: masked so: a shorter one could be a word.
MIN_DASHLESS: Final = 16

#: The largest secret file read (an authentik token is 60 characters): a huge file or a device
#: named by mistake is refused, not read whole.
MAX_SECRET_FILE_BYTES: Final = 64 * 1024


class Secret:
    """A string that never shows itself: ``repr()`` and ``str()`` give ``***``.

    Call :meth:`reveal` where the real value is needed (the Authorization header).
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The secret itself."""
        return self._value

    def __repr__(self) -> str:
        return f"Secret({MASK!r})"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)
