"""A secret's value kept from showing itself (:class:`Secret`), and what shows in its place
(:data:`MASK`) wherever a secret is masked.
"""

from __future__ import annotations

from typing import Final

MASK: Final = "***"

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
