"""The masking of a large text body (a non-2xx answer's, up to 1 MiB of it is read):
:func:`mask_text` and :func:`text_stored_secrets` on 1 MiB of words, without any secret
name and with one about every 200 characters. Run: ``python -m benchmarks.text_masking``
(or ``python -m benchmarks --text-masking-only``).
"""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable

from plex_source_client._secrets.text import mask_text, text_stored_secrets

from .measure import summary

#: Words of an error page, none holding a secret's name.
_WORDS = [
    "the",
    "server",
    "could",
    "not",
    "process",
    "request",
    "because",
    "upstream",
    "returned",
    "error",
    "while",
    "reading",
    "response",
    "body",
    "from",
    "backend",
    "service",
    "at",
    "path",
    "with",
    "status",
    "code",
    "and",
    "message",
    "details",
]
#: Secret names as error bodies write them, with a value after some.
_NAMED = ("plex_token=abc123XYZ", "X-Plex-Token: Qw12Er34", "password", "apiKey", "secret")
_SIZE = 1 << 20


def _body(named: bool) -> str:
    """About 1 MiB of words; with ``named``, a secret name about every 200 characters."""
    rnd = random.Random(7)  # noqa: S311 - test data, not a secret
    words: list[str] = []
    size = since_name = 0
    while size < _SIZE:
        word = rnd.choice(_WORDS)
        if named and since_name >= 200:
            word, since_name = rnd.choice(_NAMED), 0
        words.append(word)
        size += len(word) + 1
        since_name += len(word) + 1
    return " ".join(words)[:_SIZE]


def _median(call: Callable[[], object], rounds: int) -> tuple[float, float, float]:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return summary(times)


def text_masking(rounds: int) -> str:
    """The table: median (min-max) seconds of each function on each body over ``rounds``."""
    from .__main__ import table

    rows = []
    for named in (False, True):
        body = _body(named)
        names = "a secret name every ~200 characters" if named else "no secret name"
        label = f"1 MiB of words, {names}"
        for name, call in (
            ("mask_text", functools.partial(mask_text, body, ())),
            ("text_stored_secrets", functools.partial(text_stored_secrets, body)),
        ):
            median, low, high = _median(call, rounds)
            rows.append([f"`{name}`, {label}", f"{median:.3f}", f"{low:.3f}–{high:.3f}"])
    return table(["Masking a large text body", "s (median)", "s (min–max)"], rows)


if __name__ == "__main__":
    print(text_masking(rounds=5))
