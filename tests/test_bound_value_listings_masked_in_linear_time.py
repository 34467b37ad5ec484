"""A hostile answer repeating a bound-values listing's head (``parameters: ``, ``binding
parameter [1] as [VARCHAR] - [``, ``params=(``) many times on one line, after a statement
naming ``plex_token``, is masked in linear time: a head inside a listing masked already (to
its line's end) is not read again. Round 51 measured the quadratic reading at 16 s for
128 KiB, some 17 minutes for the 1 MiB a client accepts. Counted, not timed: the characters
the listings' words are read over stay within the body's length.
"""

from __future__ import annotations

from typing import Any

import pytest
import respx

from plex_source_client._secrets import bound, mask_text
from plex_source_client._secrets.words import mask_words

from .conftest import Twin
from .fixed_server import FixedServer, run_cli, source
from .payloads import SLUG
from .shown import shown_by_failed_get

HEADS = {
    "postgres": "DETAIL: parameters: $1 = 'x', $2 = ",
    "hibernate": "binding parameter [1] as [VARCHAR] - [",
    "sqlalchemy": "[parameters: ('a', 'b', ",
    "django": "params=('a', ",
}
STATEMENT = "UPDATE sources SET plex_token = $1 WHERE id = $2 "


def one_line(head: str, size: int) -> str:
    return STATEMENT + head * (size // len(head))


@pytest.fixture
def read_chars(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The characters :mod:`.bound` reads words over, call by call."""
    counted: list[int] = []

    def counting(window: str, found: dict[str, None], **kinds: Any) -> str:
        counted.append(len(window))
        return mask_words(window, found, **kinds)

    monkeypatch.setattr(bound, "mask_words", counting)
    return counted


@pytest.mark.parametrize("head", list(HEADS))
def test_listings_on_one_line_are_read_once(read_chars: list[int], head: str) -> None:
    text = one_line(HEADS[head], 64 * 1024)
    masked = mask_text(text, ())
    assert sum(read_chars) <= len(text)
    # The statement's $1 (after the name) and one listing, masked to the line's end.
    assert masked.endswith("***")
    assert len(masked) < len(STATEMENT) + 80


@pytest.mark.parametrize(("status", "shape"), [(400, "text"), (400, "json"), (200, "text")])
def test_both_clients_read_a_line_of_listings_once(
    twin: Twin, api: respx.MockRouter, read_chars: list[int], status: int, shape: str
) -> None:
    line = one_line(HEADS["postgres"], 64 * 1024)
    answer: dict[str, Any] = (
        {"json": {"detail": line}} if shape == "json" else {"content": line.encode()}
    )
    shown_by_failed_get(twin, api, status, **answer)
    # Each masking of the body (the error's text, its stored values, the 2xx's start) reads
    # it once: a few lengths, not one per listing head (1,800 of them).
    assert sum(read_chars) <= 4 * len(line)


def test_cli_get_of_a_refusal_repeating_listings_on_one_line() -> None:
    """``plex-source get`` of a 403 whose detail is such a line (128 KiB): exit 1, as for
    any refusal; a hang guard (10 s), not a speed target.
    """
    line = one_line(HEADS["postgres"], 128 * 1024)
    with FixedServer([source()], refusals={SLUG: line}) as server:
        code, _out, err, _ = run_cli(["get", SLUG], url=server.url, limit=10)
    assert code == 1, (code, err[-300:])
