"""An error keeps the first 4,096 characters of a body that is not authentik's JSON: only the
first 16,384 are masked (a 1 MiB body of 175,000 ``key=1`` lines was masked whole, seconds
more: review round 37), with the values the whole body stores, so a token named at its end
is masked where the kept part repeats it, on both clients.
"""

from __future__ import annotations

import respx

from .conftest import Twin
from .shown import shown_by_failed_get

STORED = "Qz7wXp3LmN9vBt2KcR5d"


def test_a_value_named_beyond_the_masked_part_is_masked_where_it_is_kept(
    twin: Twin, api: respx.MockRouter
) -> None:
    body = f"{STORED} was refused\n" + "filler line\n" * 3000 + f"plex_token={STORED}\n"
    shown = shown_by_failed_get(
        twin, api, 400, content=body.encode(), headers={"Content-Type": "text/plain"}
    )
    assert STORED not in shown
    assert "*** was refused" in shown


def test_the_kept_part_says_how_much_was_not_kept(twin: Twin, api: respx.MockRouter) -> None:
    body = "line of an error\n" * 2000  # 34,000 characters
    shown = shown_by_failed_get(
        twin, api, 400, content=body.encode(), headers={"Content-Type": "text/plain"}
    )
    assert f"[{len(body) - 4096:,} more characters not kept]" in shown
