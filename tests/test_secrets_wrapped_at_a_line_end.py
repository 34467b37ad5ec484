"""A known secret cut by a line end inside it (review round 49b): a text hard-wrapped at 76
columns (``fold -w 76``, quoted-printable's soft break ``=\r\n``, a fixed-width log)
splits a 20-character Plex token (no separator: not searched part by part) into two pieces
under the 12 characters masked alone: the first was masked as a cut-off start, the rest
shown. A line break inside a word is read as nothing when looking for known secrets
(``_secrets.reading._WRAPPED``); the text is then shown so, masked.
"""

from __future__ import annotations

from typing import Any

import pytest

from .shown import shown_by_failed_update

#: A realistic Plex token (Plex's X-Plex-Token: 20 letters and digits, mixed case).
PLEX_TOKEN = "Zq8Rt5Yu2Io9Pa4Sd7Fg"
#: What the line holds before the token: a message naming no field, and one naming the token
#: (its name masks the piece after it; the piece on the next line still shows).
LINES = {
    "plain": "plex.tv answered 401 Unauthorized; the credentials sent were ",
    "named": "plex.tv answered 401 Unauthorized to X-Plex-Token: ",
}
WIDTH = 76


def wrapped(token: str, at: int, soft_break: str, line: str = "plain") -> str:
    """A message quoting ``token``, hard-wrapped at :data:`WIDTH` columns, the line ending
    after ``at`` of the token's characters (``soft_break`` ends the line).
    """
    # The line's text, then as many spaces as make the line WIDTH long (a fixed-width column).
    head = LINES[line].ljust(WIDTH - at - len(soft_break.rstrip("\r\n")))
    return f"{head}{token[:at]}{soft_break}{token[at:]} (sign in to plex.tv again)."


@pytest.mark.parametrize("line", list(LINES))
@pytest.mark.parametrize("at", [9, 10, 11])
@pytest.mark.parametrize("soft_break", ["\n", "\r\n", "=\r\n"], ids=["lf", "crlf", "qp"])
def test_sent_plex_token_wrapped_inside_itself_at_76_columns_is_masked(
    twin: Any, api: Any, at: int, soft_break: str, line: str
) -> None:
    message = wrapped(PLEX_TOKEN, at, soft_break, line)
    assert max(len(line) for line in message.splitlines()) <= WIDTH + 1
    shown = shown_by_failed_update(twin, api, PLEX_TOKEN, message)
    # Each piece is 9 to 11 of the token's 20 characters: neither may show.
    assert PLEX_TOKEN[:at] not in shown, shown[:400]
    assert PLEX_TOKEN[at:] not in shown, shown[:400]
