"""``plex-source export`` of one page whose sources each store a long Plex token: every
stored secret is masked in every string shown (page-wide masking), so the masking's cost
against the page's size is what this measures (issue 18, round 13: it was quadratic, 37 s for
50 sources of 1,000-character tokens). Whole processes against a
:class:`~plex_source_client.testing.FakeAuthentik`, as a CI job runs the command.
"""

from __future__ import annotations

import random
import string
import subprocess
import sys
import time
from pathlib import Path

from plex_source_client.testing import FakeAuthentik

from .measure import summary

BIN = Path(sys.executable).parent
#: The attack's alphabet: ``/``, ``"``, ``\\`` and ``é`` give a token several spellings.
_ALPHABET = string.ascii_letters + string.digits + '/\u00e9"\\'


def export_long_tokens(rounds: int, counts: list[int], length: int = 1000) -> str:
    """The table: ``plex-source export`` of ``count`` sources (one page), each storing a
    ``length``-character Plex token, median wall time over ``rounds``.
    """
    from .__main__ import process_env, table

    rnd = random.Random(1)  # noqa: S311 - test data, not a secret
    rows = []
    for count in counts:
        sources = [
            {
                "slug": f"s{i:04}",
                "name": f"Source {i}",
                "plex_token": "".join(rnd.choice(_ALPHABET) for _ in range(length)),
            }
            for i in range(count)
        ]
        times = []
        with FakeAuthentik(sources=sources) as fake:
            env = process_env(AUTHENTIK_URL=fake.url, AUTHENTIK_TOKEN=fake.token)
            argv = [str(BIN / "plex-source"), "export", "--format", "json"]
            for _ in range(rounds):
                start = time.perf_counter()
                subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)
                times.append(time.perf_counter() - start)
        median, low, high = summary(times)
        rows.append(
            [
                f"{count} sources, {length}-character tokens",
                f"{median:.2f}",
                f"{low:.2f}–{high:.2f}",
            ]
        )
    return table(
        ["`plex-source export`, one page of long tokens", "s (median)", "s (min–max)"], rows
    )
