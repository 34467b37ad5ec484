"""A stored token the server writes on the line after or before the one naming it
(``Invalid plex_token.`` then ``Value: T``; ``T`` then ``is not a valid plex_token``), with
``\\n`` or ``\\r\\n``, or in SQL's doubled quotes (``plex_token = ''T''``): masked in every
error of both clients and on the command line (review round 20).
"""

from __future__ import annotations

import json

import pytest
import respx

from .conftest import Twin
from .payloads import SLUG
from .shown import shown_by_failed_cli_get, shown_by_failed_get, text_masked_everywhere

ENDPOINT = f"/sources/plex/{SLUG}/"
STORED = "xQ3zR9pL2mN8vB7cD4fG"

TEXTS = [
    pytest.param(f"Invalid plex_token.\nValue: {STORED}", id="value-on-the-next-line"),
    pytest.param(f"Invalid plex_token.\r\nValue: {STORED}", id="value-on-the-next-line-crlf"),
    pytest.param(f"Invalid plex_token!\n\n  got {STORED}", id="after-a-blank-line"),
    pytest.param(f"Rejected X-Plex-Token:\n{STORED}", id="alone-on-the-next-line"),
    pytest.param(f"{STORED}\nis not a valid plex_token", id="value-on-the-line-before"),
    pytest.param(f"{STORED}\r\nis not a valid plex_token.", id="line-before-crlf"),
    pytest.param(f"'{STORED}'\n  is not a valid Plex token.", id="quoted-on-the-line-before"),
    pytest.param(f'{STORED}\nwas refused as "plex_token"', id="line-before-quoted-name"),
    pytest.param(f"WHERE plex_token = ''{STORED}'' AND enabled", id="sql-doubled-quotes"),
    pytest.param(f'plex_token=""{STORED}"" next', id="doubled-double-quotes"),
]


@pytest.mark.parametrize("text", TEXTS)
def test_the_masking_masks_the_token_on_a_neighbouring_line(text: str) -> None:
    assert STORED not in text_masked_everywhere(text)


@pytest.mark.parametrize("text", TEXTS)
def test_both_clients_mask_it_in_a_json_detail_and_in_plain_text(
    twin: Twin, api: respx.MockRouter, text: str
) -> None:
    for content, kind in (
        (json.dumps({"detail": text}).encode(), "application/json"),
        (text.encode(), "text/plain"),
    ):
        shown = shown_by_failed_get(twin, api, 400, content=content, headers={"content-type": kind})
        assert STORED not in shown, kind


@pytest.mark.parametrize("text", TEXTS[:1] + TEXTS[4:5] + TEXTS[8:9])
def test_the_command_line_masks_it(text: str) -> None:
    out, err = shown_by_failed_cli_get({"detail": text})
    assert STORED not in out + err, err


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        # A sentence continued on the next line reads on; a word of it written like a token
        # on the line before is masked, one in ordinary words is not.
        ("Invalid plex_token.\nPlease try again.", "Invalid plex_token.\nPlease try again."),
        ("Your settings\nhold no valid plex_token", "Your settings\nhold no valid plex_token"),
        # A line before that the name's line does not continue (a new sentence, JSON) is
        # not read: a pretty-printed body keeps its other fields.
        ('"slug": "plex-1",\n"plex_token": "***"', '"slug": "plex-1",\n"plex_token": "***"'),
        # Nor is the line after one whose value a rule masked.
        ('"plex_token": "***",\n"slug": "plex-1"', '"plex_token": "***",\n"slug": "plex-1"'),
        ("Build 2024.8.2\nInvalid plex_token", "Build 2024.8.2\nInvalid plex_token"),
        # A value in doubled quotes is masked with them, and where the text repeats it.
        (
            f"plex_token = ''{STORED}''\nDETAIL: {STORED} expired",
            "plex_token = ''***''\nDETAIL: *** expired",
        ),
        # An empty value in doubled quotes stays an empty quoted value.
        ("plex_token = '' AND x", "plex_token = '***' AND x"),
        ("plex_token = '''abc''' x", "plex_token = '''***''' x"),
    ],
)
def test_ordinary_neighbouring_lines_stay_shown_and_doubled_quotes_stay(
    text: str, masked: str
) -> None:
    from plex_source_client._secrets import mask_text

    assert mask_text(text, ()) == masked
