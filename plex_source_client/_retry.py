"""When to retry and how long to wait: pure functions shared by the sync and async clients.

A PATCH sets fields, so repeating it is safe. Retried: no answer (connection refused or reset,
timeouts) and the statuses below; never a 4xx that the same request would get again.
"""

from __future__ import annotations

import email.utils
import math
import random
import re
import time
from typing import Final

RETRY_STATUSES: Final = frozenset({429, 502, 503, 504})

#: Backoff before retry n (1-based): BACKOFF_INITIAL * 2**(n-1), at most BACKOFF_MAX, times a
#: random factor in [0.5, 1] so that many clients do not retry in lockstep.
BACKOFF_INITIAL: Final = 0.5
BACKOFF_MAX: Final = 8.0

#: The longest Retry-After we wait for. A server asking for longer is not retried: the error
#: (RateLimited, ServerError) comes at once, with ``retry_after`` set, instead of a long hang.
RETRY_AFTER_MAX: Final = 60.0


def backoff(retry_number: int, *, rng: random.Random | None = None) -> float:
    """Seconds to wait before retry ``retry_number`` (1 for the first retry)."""
    ceiling = min(BACKOFF_MAX, BACKOFF_INITIAL * 2.0 ** (retry_number - 1))
    fraction: float = (rng or random).random()
    return ceiling * (0.5 + 0.5 * fraction)


#: ``delay-seconds`` (RFC 9110: ASCII digits; a fraction tolerated): not what ``float()`` also
#: reads (``١٢``, ``1_0``, ``1e3``, ``inf``, ``-5``), which is treated as absent.
_DELAY_SECONDS: Final = re.compile(r"[0-9]{1,20}(?:\.[0-9]{1,20})?")


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (a number or an HTTP date), or None.

    The server wrote it: a value that cannot be read, or not as a time (a date in year
    99999999999999999999, a number of 5,000 digits), is treated as absent; nothing raises.
    """
    if value is None:
        return None
    try:
        value = value.strip()
        if _DELAY_SECONDS.fullmatch(value):
            seconds = float(value)
        else:
            when = email.utils.parsedate_to_datetime(value)
            if when.tzinfo is None:
                return None
            seconds = when.timestamp() - (time.time() if now is None else now)
    except (TypeError, ValueError, IndexError, OverflowError, ArithmeticError):
        return None
    if not math.isfinite(seconds):
        return None
    return max(0.0, seconds)


def retry_delay(
    *, retry_number: int, status_code: int | None, retry_after: float | None
) -> float | None:
    """How long to wait before retry ``retry_number``, or None when it must not be retried.

    ``status_code`` is None when no answer came (a transport error).
    """
    if status_code is not None and status_code not in RETRY_STATUSES:
        return None
    if retry_after is not None:
        return retry_after if retry_after <= RETRY_AFTER_MAX else None
    return backoff(retry_number)


def answered_though_cut(method: str, status_code: int) -> bool:
    """Whether an answer whose body broke off after its head came (the connection closed
    before its Content-Length, an illegal chunk) is the answer, cut short, rather than no
    answer: for a PATCH always (the server answered it: sent again, it would be applied and
    audited again), for a read when its status is one that is never retried (a 403 read again
    is refused again). A read's other answers (a 200 cut off) are retried as no answer.
    """
    return method != "GET" or (status_code not in RETRY_STATUSES and not 200 <= status_code < 300)
